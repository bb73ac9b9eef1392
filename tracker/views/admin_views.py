# mypy: disable-error-code="attr-defined,union-attr,arg-type,operator"
"""Read models for the administration pages: people (searched and paged in the database), one person's
record with its history, and the catalogues and rules as plain rows. Writes go through tracker.services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from peewee import fn

from tracker.dates import uk
from tracker.errors import NotFound
from tracker.models import (
    Absence,
    Course,
    Employment,
    Organisation,
    Pcn,
    Person,
    Requirement,
    Role,
    SupervisionRule,
    SupervisorAssignment,
    User,
    full_name,
)
from tracker.views import joined
from tracker.views.report_details import AbsenceRow
from tracker.views.team_views import Paged

PAGE_SIZE = 25


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class PersonRow:
    person_id: int
    staff_id: str
    name: str
    email: str | None
    job: str  # "Role at Employer"
    state: str  # "Employed" | "Left dd/mm/yyyy" | "Archived" | "Starts dd/mm/yyyy"


def _jobs_of(person_ids: list[int]) -> dict[int, Any]:
    """The latest started job of each person (one query)."""
    latest: dict[int, Any] = {}
    query = (
        Employment.select(Employment, Role, Organisation)
        .join(Role)
        .switch(Employment)
        .join(Organisation)
        .where(Employment.person.in_(person_ids))
        .order_by(Employment.start_date, Employment.id)
    )
    for job in query:
        latest[job.person_id] = job
    return latest


def _state(person: Any, job: Any, today: date) -> str:
    if person.archived:
        return "Archived"
    if job is None:
        return "No job recorded"
    if job.end_date is not None and _day(job.end_date) < today:
        return f"Left {uk(_day(job.end_date))}"
    if _day(job.start_date) > today:
        return f"Starts {uk(_day(job.start_date))}"
    return "Employed"


def people_page(
    search: str, include_archived: bool, page: int, today: date, size: int = PAGE_SIZE
) -> Paged[PersonRow]:
    """People whose name, staff id or email contains every word searched, by surname, one page."""
    query = Person.select()
    for word in search.lower().split()[:5]:
        query = query.where(
            fn.LOWER(Person.first_name).contains(word)
            | fn.LOWER(Person.last_name).contains(word)
            | fn.LOWER(Person.staff_id).contains(word)
            | fn.LOWER(fn.COALESCE(Person.email, "")).contains(word)
        )
    if not include_archived:
        query = query.where(Person.archived == False)  # noqa: E712
    total = query.count()
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    people = list(query.order_by(Person.last_name, Person.first_name, Person.id).paginate(page, size))
    jobs = _jobs_of([p.id for p in people])
    rows = []
    for p in people:
        job = jobs.get(p.id)
        described = f"{job.role.name} at {job.employer.name}" if job is not None else "—"
        rows.append(PersonRow(p.id, p.staff_id, p.name, p.email, described, _state(p, job, today)))
    return Paged(tuple(rows), total, page, size)


@dataclass(frozen=True)
class JobRow:
    role: str
    role_code: str
    employer: str
    pcn: str
    band: str
    fte: float
    start: date
    end: date | None


@dataclass(frozen=True)
class LinkRow:
    assignment_id: int
    other_id: int
    other: str
    kind: str
    first_contact: bool
    start: date
    end: date | None


@dataclass(frozen=True)
class Placed:
    """A supervisor named (or the same one kept): the assignment, and what to tell of the match if it is odd."""

    assignment_id: int
    kind: str
    first_contact: bool
    warning: str | None = None


@dataclass(frozen=True)
class PersonRecord:
    person_id: int
    staff_id: str
    first_name: str
    last_name: str
    email: str | None
    profession: str | None
    archived: bool
    version: int
    jobs: tuple[JobRow, ...]  # newest first
    absences: tuple[AbsenceRow, ...]
    supervisors: tuple[LinkRow, ...]
    logins: tuple[str, ...]

    @property
    def name(self) -> str:
        return full_name(self.first_name, self.last_name)

    @property
    def open_job(self) -> JobRow | None:
        return next((j for j in self.jobs if j.end is None), None)


def person_record(person_id: int) -> PersonRecord:
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFound(f"no person has id {person_id}")
    jobs = (
        joined.jobs()
        .where(Employment.person == person_id)
        .order_by(Employment.start_date.desc(), Employment.id.desc())
    )
    job_rows = tuple(
        JobRow(
            j.role.name,
            j.role.code,
            j.employer.name,
            j.pcn.name if j.pcn_id else "",
            j.band or "",
            float(j.fte or 1.0),
            _day(j.start_date),
            _day(j.end_date),
        )
        for j in jobs
    )
    absences = tuple(
        AbsenceRow(a.id, _day(a.start_date), _day(a.end_date), a.reason)
        for a in Absence.select().where(Absence.person == person_id).order_by(Absence.start_date.desc())
    )
    links = (
        SupervisorAssignment.select(SupervisorAssignment, Person)
        .join(Person, on=SupervisorAssignment.supervisor == Person.id)
        .where(SupervisorAssignment.supervisee == person_id)
        .order_by(SupervisorAssignment.start_date.desc())
    )
    supervisors = tuple(
        LinkRow(
            a.id,
            a.supervisor_id,
            a.supervisor.name,
            a.kind,
            bool(a.first_contact),
            _day(a.start_date),
            _day(a.end_date),
        )
        for a in links
    )
    logins = tuple(u.email for u in User.select(User.email).where(User.person == person_id))
    return PersonRecord(
        person.id,
        person.staff_id,
        person.first_name,
        person.last_name,
        person.email,
        person.profession,
        bool(person.archived),
        person.version,
        job_rows,
        absences,
        supervisors,
        logins,
    )


@dataclass(frozen=True)
class Choices:
    """The names forms offer: roles, courses, employers, PCNs (people are searched as typed: people_picker)."""

    roles: dict[str, str]  # code -> name
    courses: dict[str, str]
    employers: dict[str, str]  # name -> name (the services take names)
    employer_ids: dict[int, str]
    pcns: dict[str, str]


def choices() -> Choices:
    roles = {r.code: r.name for r in Role.select().order_by(Role.name)}
    courses = {c.code: c.name for c in Course.select().order_by(Course.name)}
    orgs = list(Organisation.select().order_by(Organisation.name))
    pcns = {p.name: p.name for p in Pcn.select().order_by(Pcn.name)}
    return Choices(roles, courses, {o.name: o.name for o in orgs}, {o.id: o.name for o in orgs}, pcns)


@dataclass(frozen=True)
class RequirementRow:
    requirement_id: int
    scope: str
    name: str
    course_code: str
    course: str
    renewal_months: int | None
    new_starter_days: int | None


@dataclass(frozen=True)
class SupervisionRuleRow:
    rule_id: int
    scope: str
    name: str
    min_minutes: int
    kinds: str
    group_counts: bool


def _whose(rule: Requirement | SupervisionRule) -> tuple[str, str]:
    """Which kind of rule it is and whose: an employer's own (which overrides) or a role's."""
    return ("employer", rule.employer.name) if rule.employer_id else ("role", rule.role.name)


def requirement_rows() -> list[RequirementRow]:
    query = (
        joined.requirements()
    )
    rows = [
        RequirementRow(
            r.id,
            *_whose(r),
            r.course.code,
            r.course.name,
            r.renewal_months,
            r.new_starter_days,
        )
        for r in query
    ]
    return sorted(rows, key=lambda r: (r.scope != "employer", r.name.lower(), r.course.lower()))


def supervision_rule_rows() -> list[SupervisionRuleRow]:
    query = (
        joined.supervision_rules()
    )
    rows = [
        SupervisionRuleRow(
            r.id,
            *_whose(r),
            r.min_minutes,
            r.kinds,
            bool(r.group_counts),
        )
        for r in query
    ]
    return sorted(rows, key=lambda r: (r.scope != "employer", r.name.lower()))


@dataclass(frozen=True)
class CatalogueLists:
    employers: list[tuple[int, str, str]]  # id, name, kind
    pcns: list[str]
    roles: list[tuple[int, str, str, str, bool, str]]  # id, code, name, band cap, ARRS, notes
    courses: list[tuple[int, str, str, int, str, int | None]]  # id, code, name, renewal, strand, level


def catalogue() -> CatalogueLists:
    return CatalogueLists(
        [(o.id, o.name, o.kind) for o in Organisation.select().order_by(Organisation.name)],
        [p.name for p in Pcn.select().order_by(Pcn.name)],
        [
            (r.id, r.code, r.name, r.band_cap or "", bool(r.is_arrs), r.notes or "")
            for r in Role.select().order_by(Role.name)
        ],
        [
            (c.id, c.code, c.name, c.default_renewal_months, c.strand or "", c.level)
            for c in Course.select().order_by(Course.name)
        ],
    )
