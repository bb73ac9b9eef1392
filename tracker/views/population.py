"""Reads the records the rules need, for a whole population in a fixed handful of queries.

`load_rules()` reads the catalogues and rules; `load_records(as_of, ...)` reads people and their history
(never one query per person); `snapshot(as_of)` joins the two with the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from peewee import JOIN, fn

from tracker import compliance as c
from tracker import db
from tracker.access import Scope
from tracker.dates import add_months, month_start
from tracker.db import database
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
    full_name,
)
from tracker.periods import active_on


def load_rules() -> c.Rules:
    courses = {
        code: c.CourseInfo(code, name, strand, level, renewal, kind or "course")
        for code, name, strand, level, renewal, kind in Course.select(
            Course.code, Course.name, Course.strand, Course.level, Course.default_renewal_months, Course.kind
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
    for role, employer, minutes, kinds, group, period in (
        SupervisionRule.select(
            Role.code, SupervisionRule.employer, SupervisionRule.min_minutes, SupervisionRule.kinds,
            SupervisionRule.group_counts, SupervisionRule.period_months,
        )
        .join(Role, JOIN.LEFT_OUTER)
        .tuples()
    ):
        spec_kinds = frozenset(k for k in kinds.split(";") if k)
        if employer is not None:
            supervision.append(c.SupervisionRuleSpec("employer", employer, minutes, spec_kinds, bool(group), period))
        elif role is not None:
            supervision.append(c.SupervisionRuleSpec("role", role, minutes, spec_kinds, bool(group), period))
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


def scope_jobs(scope: Scope, as_of: date, *columns: Any, since: date | None = None) -> Any:
    """The employments that put people in the scope on as_of (or, given `since`, on any day from since to
    as_of): select `columns` (the person by default) from them, or narrow them further."""
    jobs = Employment.select(*(columns or (Employment.person,))).where(
        active_on(Employment, as_of, since=since)
    )
    if scope.employer_id is not None:
        jobs = jobs.where(Employment.employer == scope.employer_id)
    if scope.pcn_id is not None:
        jobs = jobs.where(Employment.pcn == scope.pcn_id)
    return jobs


def people_in_scope(scope: Scope, as_of: date) -> set[int]:
    """The ids of the people in an employer's or PCN's scope on as_of."""
    return {pid for (pid,) in scope_jobs(scope, as_of).tuples()}


# Past this many ids, a long IN (...) list makes SQLite's planner scan badly (1,000 ids: 6.6 s against 0.25 s),
# so only the people query is filtered and the other rows are matched to the loaded people in Python.
MAX_IDS_IN_SQL = 200


def _person_filter(query, column, scope: Scope, as_of: date, since: date | None = None):  # type: ignore[no-untyped-def]
    """People in scope on as_of, or (given `since`) on any day from since to as_of."""
    if scope.person_ids is not None:
        if len(scope.person_ids) > MAX_IDS_IN_SQL and column is not Person.id:
            return query
        return query.where(column.in_(list(scope.person_ids)))
    if not scope.by_place:
        return query
    return query.where(column.in_(scope_jobs(scope, as_of, since=since)))


def load_records(
    as_of: date, scope: Scope = Scope(), months: int = c.MONTHS_SHOWN, widest_period: int | None = None
) -> list[c.PersonRecords]:
    """Everyone in scope with the history the rules need on as_of: seven queries whatever the size.

    Rows come straight off the cursor (no model instances), and each distinct date string is parsed once.
    """
    with c.collector_paused():
        return _load_records(as_of, scope, months, widest_period=widest_period)


def _load_records(
    as_of: date,
    scope: Scope,
    months: int,
    since: date | None = None,
    widest_period: int | None = None,
    dated_acks: dict[int, list[tuple[int, str, date]]] | None = None,
) -> list[c.PersonRecords]:
    """With `since`, the records for every date from since to as_of: all completions (not only the latest)
    and, in `dated_acks`, each acknowledgement with its date."""
    # A period of several months shown at the window's start began before it: read back far enough for the
    # widest period a rule sets (its sessions and absences count towards the period's status). Callers holding
    # the rules pass it; others ask.
    widest = widest_period or SupervisionRule.select(fn.MAX(SupervisionRule.period_months)).scalar() or 1
    window_start = add_months(month_start(as_of), -(months - 1) - (widest - 1))
    scoped = partial(_person_filter, scope=scope, as_of=as_of, since=since)
    day = _DateCache()
    people: dict[int, c.PersonRecords] = {}
    q = Person.select(Person.id, Person.staff_id, Person.first_name, Person.last_name).order_by(Person.id)
    for pid, staff_id, first, last in _rows(scoped(q, Person.id)):
        people[pid] = c.PersonRecords(pid, staff_id, full_name(first, last))
    person = people.get

    q = (
        Employment.select(
            Employment.person, Role.code, Employment.employer, Employment.start_date, Employment.end_date,
            Role.name, Organisation.name, Employment.pcn,
        )
        .join(Role)
        .switch(Employment)
        .join(Organisation)
        .order_by(Employment.start_date)
    )
    for pid, role, employer, start, end, role_name, employer_name, pcn in _rows(scoped(q, Employment.person)):
        if (found := person(pid)) is not None:
            job = c.EmploymentSpan(role, employer, day[start], day[end], role_name, employer_name, pcn)
            found.employments.append(job)

    # Only the latest completion of each course counts, so the database keeps the rest back (grouping by
    # the course id follows the (person, course, date) index; the codes come from the small course table).
    # Then, as records of one course on one day recur from person to person, it groups their holders: each
    # distinct record comes once with the ids of the people who have it.
    codes: dict[int, str] = dict(_rows(Course.select(Course.id, Course.code)))
    counted = (TrainingRecord.completed_on <= as_of) & (TrainingRecord.evidence_state == "approved")
    if since is None:
        latest = scoped(
            TrainingRecord.select(
                TrainingRecord.person, TrainingRecord.course, fn.MAX(TrainingRecord.completed_on).alias("done")
            )
            .where(counted)
            .group_by(TrainingRecord.person, TrainingRecord.course),
            TrainingRecord.person,
        ).alias("latest")
        q = latest.select_from(latest.c.course_id, latest.c.done, _ids_of(latest.c.person_id)).group_by(
            latest.c.course_id, latest.c.done
        )
    else:
        q = scoped(
            TrainingRecord.select(TrainingRecord.course, TrainingRecord.completed_on, _ids_of(TrainingRecord.person))
            .where(counted)
            .group_by(TrainingRecord.course, TrainingRecord.completed_on),
            TrainingRecord.person,
        )
    # The expiries printed on records are few (registrations, certificates): read apart and matched by key.
    printed = {
        (pid, course, day[done]): day[expires]
        for pid, course, done, expires in _rows(scoped(
            TrainingRecord.select(
                TrainingRecord.person, TrainingRecord.course, TrainingRecord.completed_on, TrainingRecord.expires_on
            ).where(counted & TrainingRecord.expires_on.is_null(False)),
            TrainingRecord.person,
        ))
    }
    for course, done, holders in _rows(q):
        on = day[done]
        shared = c.Completion(codes[course], on)
        for pid in _id_list(holders):
            if (found := person(pid)) is not None:
                expires = printed.get((pid, course, on)) if printed else None
                found.completions.append(shared if expires is None else c.Completion(codes[course], on, expires))

    # Sessions of one shape (date, length, kind, format) recur: the database groups their attendees, so each
    # shape comes once with the ids of everyone who attended one (a fraction of the rows, no date per row).
    q = (
        SupervisionSession.select(
            SupervisionSession.date, SupervisionSession.minutes, SupervisionSession.kind, SupervisionSession.format,
            _ids_of(SessionAttendee.person),
        )
        .join(SessionAttendee)
        .where((SupervisionSession.date >= window_start) & (SupervisionSession.date <= as_of))
        .group_by(
            SupervisionSession.date, SupervisionSession.minutes, SupervisionSession.kind, SupervisionSession.format
        )
    )
    for on, minutes, kind, fmt, attendees in _rows(scoped(q, SessionAttendee.person)):
        made = c.Attendance(day[on], minutes, kind, fmt == "group")
        for pid in _id_list(attendees):
            if (found := person(pid)) is not None:
                found.attendances.append(made)

    q = Absence.select(Absence.person, Absence.start_date, Absence.end_date).where(
        Absence.end_date >= window_start
    )
    for pid, start, end in _rows(scoped(q, Absence.person)):
        if (found := person(pid)) is not None:
            found.absences.append(c.AbsenceSpan(day[start], day[end]))

    q = PolicyAcknowledgement.select(
        PolicyAcknowledgement.person, PolicyAcknowledgement.policy, PolicyAcknowledgement.version,
        PolicyAcknowledgement.acknowledged_on,
    ).where(PolicyAcknowledgement.acknowledged_on <= as_of)
    for pid, policy, version, on in _rows(scoped(q, PolicyAcknowledgement.person)):
        if (found := person(pid)) is not None:
            found.acknowledged.add((policy, version))
            if dated_acks is not None:
                dated_acks.setdefault(pid, []).append((policy, version, day[on]))
    return list(people.values())


def _rows(query) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The query's rows as plain tuples from the driver, without peewee's per-value conversion."""
    sql, params = query.sql()
    return database.execute_sql(sql, params).fetchall()


def _ids_of(column: Any) -> Any:
    """The ids in a group of rows, as one value (a PostgreSQL array; SQLite: text, comma-separated)."""
    return fn.array_agg(column) if db.is_postgres() else fn.group_concat(column)


def _id_list(value: list[int] | str) -> Iterable[int]:
    return value if isinstance(value, list) else map(int, value.split(","))


class _DateCache(dict):  # type: ignore[type-arg]
    """Column value -> date, parsing each distinct value once (SQLite gives text, PostgreSQL dates)."""

    def __missing__(self, value: object) -> date | None:
        parsed = value if value is None or isinstance(value, date) else date.fromisoformat(str(value)[:10])
        self[value] = parsed
        return parsed


def snapshot(as_of: date, scope: Scope = Scope(), rules: c.Rules | None = None) -> list[c.PersonCompliance]:
    """The compliance of every person in scope employed on as_of."""
    with c.collector_paused():
        rules = rules or load_rules()
        return c.assess_all(load_records(as_of, scope, widest_period=rules.widest_period), rules, as_of)


def snapshots(
    days: Sequence[date], scope: Scope = Scope(), rules: c.Rules | None = None
) -> dict[date, list[c.PersonCompliance]]:
    """The snapshot at each of several dates (a trend line), reading the records once: the same results as
    calling `snapshot` for each date."""
    if not days:
        return {}
    rules = rules or load_rules()
    with c.collector_paused():
        population, dated_acks = _records_over(days, scope, rules)
        return {day: c.assess_all(_as_on(population, scope, day, dated_acks), rules, day) for day in days}


def _records_over(
    days: Sequence[date], scope: Scope, rules: c.Rules, shown: int = c.MONTHS_SHOWN
) -> tuple[list[c.PersonRecords], dict[int, list[tuple[int, str, date]]]]:
    """Everyone in scope on any of the days with the records all of them need, read once (the sessions and
    absences of the `shown` months up to each day); and each person's acknowledgements with their dates."""
    first, last = min(days), max(days)
    months = (last.year - first.year) * 12 + last.month - first.month + shown
    dated_acks: dict[int, list[tuple[int, str, date]]] = {}
    population = _load_records(
        last, scope, months, since=first, dated_acks=dated_acks, widest_period=rules.widest_period
    )
    return population, dated_acks


def trend_summaries(
    days: Sequence[date], scope: Scope = Scope(), rules: c.Rules | None = None
) -> dict[date, c.Summary]:
    """The headline figures at each of several dates (a trend line), reading the records once and working out
    each person's statuses on all the dates together: the same figures as summarising `snapshot` at each date."""
    if not days:
        return {}
    with c.collector_paused():
        # The records and statuses are freed on leaving _summaries_over, before the collector resumes: alive
        # then, the first collection after would walk every one of them
        return _summaries_over(days, scope, rules or load_rules())


def _summaries_over(days: Sequence[date], scope: Scope, rules: c.Rules) -> dict[date, c.Summary]:
    on_day: dict[date, list[c.DayStatus]] = {day: [] for day in days}
    lists = [on_day[day] for day in days]
    memo = c.TrendMemo()
    by_place = scope.by_place
    # The statuses read only the months that decide each day's colour and the previous month's figure
    population, dated_acks = _records_over(days, scope, rules, shown=1 + min(c.MONTHS_SHOWN - 1, rules.widest_period))
    for records in population:
        statuses = c.statuses_on(records, rules, days, dated_acks.get(records.person_id), memo)
        for day, status, found in zip(days, statuses, lists, strict=True):
            if status is not None and (not by_place or scope.holds_on(records.employments, day)):
                found.append(status)
    return {day: c.summarise_statuses(on_day[day]) for day in days}


def _as_on(
    population: list[c.PersonRecords], scope: Scope, day: date, dated_acks: dict[int, list[tuple[int, str, date]]]
) -> list[c.PersonRecords]:
    """The people in scope on day, each with only the acknowledgements made by then."""
    chosen = []
    for records in population:
        if not scope.holds_on(records.employments, day):
            continue
        acks = dated_acks.get(records.person_id)
        if acks:
            records = replace(records, acknowledged={(p, v) for p, v, on in acks if on <= day})
        chosen.append(records)
    return chosen


def person_compliance(person_id: int, as_of: date, rules: c.Rules | None = None) -> c.PersonCompliance | None:
    rules = rules or load_rules()
    records = load_records(as_of, Scope(person_ids=frozenset({person_id})), widest_period=rules.widest_period)
    if not records:
        return None
    return c.assess(records[0], rules, as_of)


def people_by_staff_id(staff_ids: Iterable[str]) -> dict[str, int]:
    query = Person.select(Person.staff_id, Person.id).where(Person.staff_id.in_(list(staff_ids)))
    return dict(query.tuples())
