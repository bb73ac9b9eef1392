"""Reads the records the rules need, for a whole population in a fixed handful of queries.

`load_rules()` reads the catalogues and rules; `load_records(as_of, ...)` reads people and their history
(never one query per person); `snapshot(as_of)` joins the two with the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, fn

from tracker import compliance as c
from tracker.dates import add_months, month_start
from tracker.models import (
    Absence,
    Course,
    EmployerPolicy,
    Employment,
    Organisation,
    Person,
    PolicyAcknowledgement,
    PolicyTopic,
    Requirement,
    Role,
    SessionAttendee,
    SupervisionRule,
    SupervisionSession,
    TrainingRecord,
)


def load_rules() -> c.Rules:
    courses = {
        code: c.CourseInfo(code, name, strand, level, renewal)
        for code, name, strand, level, renewal in Course.select(
            Course.code, Course.name, Course.strand, Course.level, Course.default_renewal_months
        ).tuples()
    }
    requirements = []
    query = (
        Requirement.select(
            Course.code, Role.code, Requirement.employer, Requirement.renewal_months, Requirement.new_starter_days
        )
        .join(Course)
        .switch(Requirement)
        .join(Role, JOIN.LEFT_OUTER)
        .tuples()
    )
    for course, role, employer, renewal, allowance in query:
        if employer is not None:
            requirements.append(c.RequirementRule(course, "employer", employer, renewal, allowance))
        elif role is not None:
            requirements.append(c.RequirementRule(course, "role", role, renewal, allowance))
    supervision = []
    for role, employer, minutes, kinds, group in (
        SupervisionRule.select(
            Role.code, SupervisionRule.employer, SupervisionRule.min_minutes, SupervisionRule.kinds,
            SupervisionRule.group_counts,
        )
        .join(Role, JOIN.LEFT_OUTER)
        .tuples()
    ):
        spec_kinds = frozenset(k for k in kinds.split(";") if k)
        if employer is not None:
            supervision.append(c.SupervisionRuleSpec("employer", employer, minutes, spec_kinds, bool(group)))
        elif role is not None:
            supervision.append(c.SupervisionRuleSpec("role", role, minutes, spec_kinds, bool(group)))
    policies = [
        c.PolicyItem(pid, employer, topic, version, bool(ack))
        for pid, employer, topic, version, ack in EmployerPolicy.select(
            EmployerPolicy.id, EmployerPolicy.employer, PolicyTopic.name, EmployerPolicy.version,
            EmployerPolicy.requires_acknowledgement,
        )
        .join(PolicyTopic)
        .tuples()
    ]
    return c.Rules(courses=courses, requirements=requirements, supervision=supervision, policies=policies)


@dataclass(frozen=True)
class Scope:
    """Which people to load: everyone, one employer, one PCN, or given person ids."""

    employer_id: int | None = None
    pcn_id: int | None = None
    person_ids: frozenset[int] | None = None


def _person_filter(query, column, scope: Scope, as_of: date):  # type: ignore[no-untyped-def]
    if scope.person_ids is not None:
        return query.where(column.in_(list(scope.person_ids)))
    if scope.employer_id is None and scope.pcn_id is None:
        return query
    jobs = Employment.select(Employment.person).where(
        (Employment.start_date <= as_of) & ((Employment.end_date.is_null()) | (Employment.end_date >= as_of))
    )
    if scope.employer_id is not None:
        jobs = jobs.where(Employment.employer == scope.employer_id)
    if scope.pcn_id is not None:
        jobs = jobs.where(Employment.pcn == scope.pcn_id)
    return query.where(column.in_(jobs))


def load_records(as_of: date, scope: Scope = Scope(), months: int = c.MONTHS_SHOWN) -> list[c.PersonRecords]:
    """Everyone in scope with the history the rules need on as_of: six queries whatever the size."""
    window_start = add_months(month_start(as_of), -(months - 1))
    people: dict[int, c.PersonRecords] = {}
    q = Person.select(Person.id, Person.staff_id, Person.first_name, Person.last_name)
    for pid, staff_id, first, last in _person_filter(q, Person.id, scope, as_of).tuples():
        people[pid] = c.PersonRecords(pid, staff_id, f"{first} {last}".strip())

    q = (
        Employment.select(
            Employment.person, Role.code, Employment.employer, Employment.start_date, Employment.end_date,
            Role.name, Organisation.name,
        )
        .join(Role)
        .switch(Employment)
        .join(Organisation)
        .order_by(Employment.start_date)
    )
    for pid, role, employer, start, end, role_name, employer_name in _person_filter(
        q, Employment.person, scope, as_of
    ).tuples():
        if pid in people:
            people[pid].employments.append(c.EmploymentSpan(role, employer, start, end, role_name, employer_name))

    # Only the latest completion of each course counts, so the database keeps the rest back.
    q = (
        TrainingRecord.select(TrainingRecord.person, Course.code, fn.MAX(TrainingRecord.completed_on))
        .join(Course)
        .where((TrainingRecord.completed_on <= as_of) & (TrainingRecord.evidence_state == "approved"))
        .group_by(TrainingRecord.person, Course.code)
    )
    for pid, course, done in _person_filter(q, TrainingRecord.person, scope, as_of).tuples():
        if pid in people:
            people[pid].completions.append(c.Completion(course, _as_date(done)))

    q = (
        SessionAttendee.select(
            SessionAttendee.person, SupervisionSession.date, SupervisionSession.minutes, SupervisionSession.kind,
            SupervisionSession.format,
        )
        .join(SupervisionSession)
        .where((SupervisionSession.date >= window_start) & (SupervisionSession.date <= as_of))
    )
    for pid, day, minutes, kind, fmt in _person_filter(q, SessionAttendee.person, scope, as_of).tuples():
        if pid in people:
            people[pid].attendances.append(c.Attendance(day, minutes, kind, fmt == "group"))

    q = Absence.select(Absence.person, Absence.start_date, Absence.end_date).where(
        Absence.end_date >= window_start
    )
    for pid, start, end in _person_filter(q, Absence.person, scope, as_of).tuples():
        if pid in people:
            people[pid].absences.append(c.AbsenceSpan(start, end))

    q = PolicyAcknowledgement.select(
        PolicyAcknowledgement.person, PolicyAcknowledgement.policy, PolicyAcknowledgement.version
    ).where(PolicyAcknowledgement.acknowledged_on <= as_of)
    for pid, policy, version in _person_filter(q, PolicyAcknowledgement.person, scope, as_of).tuples():
        if pid in people:
            people[pid].acknowledged.add((policy, version))
    return list(people.values())


def _as_date(value: object) -> date:
    # SQLite hands back MAX() of a date column as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def snapshot(as_of: date, scope: Scope = Scope(), rules: c.Rules | None = None) -> list[c.PersonCompliance]:
    """The compliance of every person in scope employed on as_of."""
    return c.assess_all(load_records(as_of, scope), rules or load_rules(), as_of)


def person_compliance(person_id: int, as_of: date, rules: c.Rules | None = None) -> c.PersonCompliance | None:
    records = load_records(as_of, Scope(person_ids=frozenset({person_id})))
    if not records:
        return None
    return c.assess(records[0], rules or load_rules(), as_of)


def people_by_staff_id(staff_ids: Iterable[str]) -> dict[str, int]:
    query = Person.select(Person.staff_id, Person.id).where(Person.staff_id.in_(list(staff_ids)))
    return dict(query.tuples())
