"""Named supervisors: the clinical supervisor of each kind, and the first point of contact."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tracker import compliance as c
from tracker.clock import today as clock_today
from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import SUPERVISION_KINDS, Employment, Person, Role, SupervisorAssignment
from tracker.periods import active_on
from tracker.services import audit
from tracker.services.catalogue import SUPERVISOR_PROFESSIONS
from tracker.services.validate import choice, end_not_before_start, person_by_id
from tracker.views.admin_views import Placed
from tracker.views.population import MAX_IDS_IN_SQL


def open_assignments(person_ids: list[int] | None = None) -> dict[tuple[int, str, bool], SupervisorAssignment]:
    """(supervisee id, kind, first contact) -> the assignment that has not ended (latest start wins)."""
    query = SupervisorAssignment.select().where(SupervisorAssignment.end_date.is_null())
    if person_ids is not None:
        query = query.where(SupervisorAssignment.supervisee.in_(person_ids))
    result: dict[tuple[int, str, bool], SupervisorAssignment] = {}
    for a in query.order_by(SupervisorAssignment.start_date):
        result[(a.supervisee_id, a.kind, bool(a.first_contact))] = a
    return result


def place_assignment(
    supervisee_id: int,
    supervisor_id: int,
    kind: str,
    first_contact: bool,
    start: date,
    current: SupervisorAssignment | None,
) -> SupervisorAssignment | None:
    """Name a supervisor from `start`: the current one ends the day before, or is corrected if it began later.

    Returns the new or corrected assignment, or None when that supervisor is already named. No audit here.
    """
    if supervisor_id == supervisee_id:
        raise ValidationError("a person cannot be their own supervisor", "supervisor_staff_id")
    if current is not None:
        if current.supervisor_id == supervisor_id:
            return None
        if current.start_date >= start:
            current.supervisor = supervisor_id
            current.save()
            return current
        current.end_date = start - timedelta(days=1)
        current.save()
    return SupervisorAssignment.create(
        supervisor=supervisor_id,
        supervisee=supervisee_id,
        kind=kind,
        first_contact=first_contact,
        start_date=start,
    )


def assign_supervisor(
    actor: str,
    supervisee_id: int,
    supervisor_id: int,
    kind: str = "clinical",
    start: date | None = None,
    first_contact: bool = False,
) -> Placed:
    """Name `supervisor_id` as the supervisee's supervisor of `kind` (or first point of contact) from `start`."""
    clean_kind = choice(kind, SUPERVISION_KINDS, "kind")
    start = start or clock_today()
    with database.atomic():
        supervisee = person_by_id(supervisee_id)
        supervisor = person_by_id(supervisor_id)
        if supervisor.archived:
            raise ValidationError(f"{supervisor.name} is archived and cannot supervise", "supervisor")
        current = open_assignments([supervisee.id]).get((supervisee.id, clean_kind, first_contact))
        before = audit.as_dict(current)
        placed = place_assignment(supervisee.id, supervisor.id, clean_kind, first_contact, start, current)
        if placed is None:
            assert current is not None
            return Placed(current.id, current.kind, bool(current.first_contact))
        after = audit.as_dict(placed) | {"supervisee": supervisee.staff_id, "supervisor": supervisor.staff_id}
        warning = supervisor_warning(supervisee.id, supervisor, start) if clean_kind == "clinical" else None
        if warning:
            after["warning"] = warning
        audit.record(actor, "assign", "supervisor_assignment", placed.id, before, after)
    return Placed(placed.id, placed.kind, bool(placed.first_contact), warning)


def supervisor_warning(supervisee_id: int, supervisor: Person, on: date) -> str | None:
    """Why this supervisor is not of a kind the supervisee's role names for its clinical supervisor, if not."""
    job = (
        Employment.select(Role.code, Role.name)
        .join(Role)
        .where((Employment.person == supervisee_id) & (Employment.start_date <= on)
               & (Employment.end_date.is_null() | (Employment.end_date >= on)))
        .order_by(Employment.start_date.desc())
        .tuples()
        .first()
    )
    if job is None:
        return None
    return c.supervisor_mismatch(job[0], job[1], supervisor.profession, SUPERVISOR_PROFESSIONS)


def supervisor_warnings(on: date, person_ids: list[int] | None = None) -> dict[int, str]:
    """Supervisee id -> why their named clinical supervisor, whose profession is recorded, is not of the kind
    their role expects (the exceptions list of the lead's report). Two queries for any number of people: the
    open clinical assignments with their supervisors' professions, and the jobs held on the date."""
    wanted = None if person_ids is None else set(person_ids)
    supervisor = Person.alias()
    named = (
        SupervisorAssignment.select(
            SupervisorAssignment.supervisee, SupervisorAssignment.first_contact, supervisor.profession
        )
        .join(supervisor, on=SupervisorAssignment.supervisor == supervisor.id)
        .where(SupervisorAssignment.end_date.is_null() & (SupervisorAssignment.kind == "clinical"))
        .order_by(SupervisorAssignment.start_date, SupervisorAssignment.id)
    )
    jobs = (
        Employment.select(Employment.person, Role.code, Role.name)
        .join(Role)
        .where(active_on(Employment, on))
        .order_by(Employment.start_date, Employment.id)
    )
    if wanted is not None and len(wanted) <= MAX_IDS_IN_SQL:  # past it, matched in Python below
        named = named.where(SupervisorAssignment.supervisee.in_(list(wanted)))
        jobs = jobs.where(Employment.person.in_(list(wanted)))
    profession_of: dict[int, str | None] = {}  # the latest started open assignment wins, as open_assignments
    for supervisee_id, first_contact, profession in _raw_rows(named):
        if not first_contact and (wanted is None or supervisee_id in wanted):
            profession_of[supervisee_id] = profession
    # an unrecorded profession is said when the supervisor is named; the list holds the kinds known to differ
    recorded = {pid: p for pid, p in profession_of.items() if (p or "").strip()}
    job_of: dict[int, tuple[str, str]] = {}  # the latest started job on the date, as supervisor_warning
    if recorded:
        for pid, code, name in _raw_rows(jobs):
            if pid in recorded:
                job_of[pid] = (code, name)
    found = {}
    for pid, profession in recorded.items():
        job = job_of.get(pid)
        warning = None if job is None else c.supervisor_mismatch(job[0], job[1], profession, SUPERVISOR_PROFESSIONS)
        if warning:
            found[pid] = warning
    return found


def _raw_rows(query: Any) -> list[tuple[Any, ...]]:
    """The rows straight from the driver: past MAX_IDS_IN_SQL people, a report reads every open assignment and
    job (9,500 rows for a 500-person employer), and peewee's conversion of each value was most of its time."""
    sql, params = query.sql()
    return list(database.execute_sql(sql, params).fetchall())


def first_point_of_contact(actor: str, person_id: int, contact_id: int, start: date | None = None) -> Placed:
    """Name the person's first point of contact (a day-to-day, `practice` kind of relationship)."""
    return assign_supervisor(actor, person_id, contact_id, "practice", start, first_contact=True)


def end_assignment(actor: str, assignment_id: int, end: date) -> SupervisorAssignment:
    with database.atomic():
        found = SupervisorAssignment.get_or_none(SupervisorAssignment.id == assignment_id)
        if found is None:
            raise NotFound(f"no supervisor assignment has id {assignment_id}")
        end_not_before_start(found.start_date, end)
        before = audit.as_dict(found)
        found.end_date = end
        found.save()
        audit.record(actor, "end", "supervisor_assignment", found.id, before, audit.as_dict(found))
    return found


def supervisees_of(supervisor_id: int, on: date) -> list[Person]:
    """People whose named supervisor (of any kind) `supervisor_id` is on the date."""
    query = (
        Person.select()
        .join(SupervisorAssignment, on=SupervisorAssignment.supervisee == Person.id)
        .where(
            (SupervisorAssignment.supervisor == supervisor_id)
            & active_on(SupervisorAssignment, on)
        )
        .distinct()
        .order_by(Person.last_name, Person.first_name)
    )
    return list(query)
