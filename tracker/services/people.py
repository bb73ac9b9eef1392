"""People and their employment history: create, update, change of job, leavers, archive (never delete).

The comparing and writing is in people_plans, shared with the people importer, so both agree.
"""

from __future__ import annotations

from datetime import date

from tracker.clock import today as clock_today
from tracker.dates import uk
from tracker.db import database
from tracker.errors import ConflictError, ValidationError
from tracker.models import Employment, Person
from tracker.services import audit
from tracker.services.people_plans import (
    PeopleState,
    apply_plans,
    check_supervisor,
    new_person_gaps,
    person_input,
    plan_person,
)
from tracker.services.validate import (
    Lookups,
    Problems,
    a_date,
    cell_text,
    end_not_before_start,
    person_by_id,
    text,
)
from tracker.services.validate import email as check_email
from tracker.views.admin_views import PersonRecord, person_record


def create_person(
    actor: str,
    staff_id: str,
    first_name: str,
    last_name: str,
    role: str,
    employer: str,
    start_date: date | str,
    *,
    email: str | None = None,
    employer_kind: str | None = None,
    pcn: str | None = None,
    band: str | None = None,
    fte: float | None = None,
    end_date: date | str | None = None,
    supervisor_staff_id: str | None = None,
    profession: str | None = None,
) -> PersonRecord:
    """A new person with their first employment (and employer or PCN if new); one audit event."""
    raw = {
        "staff_id": staff_id, "first_name": first_name, "last_name": last_name, "email": email, "role": role,
        "employer": employer, "employer_type": employer_kind, "pcn": pcn, "band": band, "fte": fte,
        "start_date": start_date, "end_date": end_date, "supervisor_staff_id": supervisor_staff_id,
        "profession": profession,
    }
    problems = Problems()  # every field is checked, and all that are wrong are refused together
    with database.atomic():
        lookups = Lookups()
        inp = person_input(raw, lookups, problems)
        for gap in new_person_gaps(raw):
            problems.add(gap.field, gap.message)
        staff = cell_text(staff_id)
        if staff and not problems.has("staff_id") and lookups.find_person(staff) is not None:
            problems.add("staff_id", f"staff id {staff} is already in use")
        if not problems.has("supervisor_staff_id"):
            problems("supervisor_staff_id",
                     lambda: check_supervisor(staff, cell_text(supervisor_staff_id), lookups))
        problems.check()
        assert inp is not None
        state = PeopleState(lookups)
        plan = plan_person(inp, state, inp.start_date)
        apply_plans([plan], state)
        person = Person.get(Person.staff_id == inp.staff_id)
        job = Employment.get(Employment.person == person.id)
        after = audit.as_dict(person) | {"employment": audit.as_dict(job), "supervisor": supervisor_staff_id}
        audit.record(actor, "create", "person", person.id, None, after)
    return person_record(person.id)


def _checked(person_id: int, version: int | None) -> Person:
    person = person_by_id(person_id)
    if version is not None and person.version != version:
        raise ConflictError(
            f"{person.name}'s record was changed by someone else since you opened it "
            f"(version {person.version}, yours {version}); reload it and make your change again"
        )
    return person


def _bump(person: Person, version: int | None, **fields: object) -> None:
    query = Person.update(version=Person.version + 1, **fields).where(Person.id == person.id)
    if version is not None:
        query = query.where(Person.version == version)
    if query.execute() != 1:
        raise ConflictError(f"{person.name}'s record was changed by someone else; reload it and try again")


def update_person(
    actor: str,
    person_id: int,
    version: int,
    first_name: str,
    last_name: str,
    email: str | None,
    profession: str | None = None,
) -> Person:
    """Change a person's details; `version` is the one the caller read (a stale one raises ConflictError)."""
    problems = Problems()
    fields = {
        "first_name": problems("first_name", lambda: text(first_name, "first_name", required=True, max_length=100)),
        "last_name": problems("last_name", lambda: text(last_name, "last_name", required=True, max_length=100)),
        "email": problems("email", lambda: check_email(email)),
        "profession": problems("profession", lambda: text(profession, "profession") or None),
    }
    problems.check()
    with database.atomic():
        person = _checked(person_id, version)
        before = audit.as_dict(person)
        _bump(person, version, **fields)
        person = Person.get_by_id(person_id)
        audit.record(actor, "update", "person", person.id, before, audit.as_dict(person))
    return person


def change_employment(
    actor: str,
    person_id: int,
    role: str,
    employer: str,
    start_date: date | str,
    *,
    version: int | None = None,
    employer_kind: str | None = None,
    pcn: str | None = None,
    band: str | None = None,
    fte: float | None = None,
    today: date | None = None,
) -> Person:
    """A new role or employer from start_date (the old job ends the day before), or band/FTE/PCN changes."""
    with database.atomic():
        person = _checked(person_id, version)
        lookups = Lookups()
        raw = {"staff_id": person.staff_id, "first_name": person.first_name, "last_name": person.last_name,
               "role": role, "employer": employer, "employer_type": employer_kind, "pcn": pcn, "band": band,
               "fte": fte, "start_date": start_date}
        inp = person_input(raw, lookups)
        assert inp is not None
        state = PeopleState.load(lookups, [person.id])
        plan = plan_person(inp, state, today or clock_today())
        if plan.action == "skip":
            return person
        before = audit.as_dict(state.latest_job.get(person.id))
        changes = apply_plans([plan], state)
        audit.record(actor, "change_employment", "person", person.id, {"employment": before}, changes[0])
    return Person.get_by_id(person_id)


def record_leaver(actor: str, person_id: int, end_date: date | str, version: int | None = None) -> Person:
    """The person leaves on end_date: every job not ended by then ends that day."""
    end = a_date(end_date, "end_date")
    with database.atomic():
        person = _checked(person_id, version)
        jobs = [j for j in person.employments if j.end_date is None or j.end_date > end]
        if not jobs:
            raise ValidationError(f"{person.name} has no employment open on {uk(end)}", "end_date")
        before = [audit.as_dict(j) for j in jobs]
        for job in jobs:
            end_not_before_start(job.start_date, end)
            job.end_date = end
            job.save()
        _bump(person, version)
        audit.record(actor, "leaver", "person", person.id, {"employments": before},
                     {"employments": [audit.as_dict(j) for j in jobs]})
    return Person.get_by_id(person_id)


def correct_leaving(
    actor: str, person_id: int, end_date: date | str | None, version: int | None = None
) -> Person:
    """Move a leaver's last day (`end_date`), or undo their leaving (`end_date` None): the jobs that ended on
    their last day end on the new one, or are open again. Audited as a correction; an archived person is
    restored first, so their record is seen while it changes."""
    new_end = None if end_date is None or (isinstance(end_date, str) and not end_date.strip()) else a_date(
        end_date, "end_date")
    with database.atomic():
        person = _checked(person_id, version)
        if person.archived:
            raise ValidationError(f"restore {person.name} before changing their last day", "end_date")
        jobs = list(person.employments)
        if any(j.end_date is None for j in jobs) or not jobs:
            raise ValidationError(f"{person.name} has not left: there is no last day to change", "end_date")
        last_day = max(j.end_date for j in jobs)
        ending = [j for j in jobs if j.end_date == last_day]
        before = [audit.as_dict(j) for j in ending]
        for job in ending:
            if new_end is not None:
                end_not_before_start(job.start_date, new_end)
            job.end_date = new_end
            job.save()
        _bump(person, version)
        audit.record(actor, "leaver_undone" if new_end is None else "leaver_corrected", "person", person.id,
                     {"employments": before}, {"employments": [audit.as_dict(j) for j in ending]})
    return Person.get_by_id(person_id)


def archive_person(actor: str, person_id: int, version: int | None = None) -> Person:
    """Hide a leaver from lists; the record and its history stay (people are never deleted)."""
    with database.atomic():
        person = _checked(person_id, version)
        if any(j.end_date is None for j in person.employments):
            raise ValidationError(f"record {person.name}'s leaving date before archiving them", "archived")
        _bump(person, version, archived=True)
        audit.record(actor, "archive", "person", person.id, {"archived": False}, {"archived": True})
    return Person.get_by_id(person_id)


def restore_person(actor: str, person_id: int, version: int | None = None) -> Person:
    with database.atomic():
        person = _checked(person_id, version)
        _bump(person, version, archived=False)
        audit.record(actor, "restore", "person", person.id, {"archived": True}, {"archived": False})
    return Person.get_by_id(person_id)
