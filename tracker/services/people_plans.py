"""Planning and writing people in bulk: the path of both `create_person` and the people importer.

`person_input` reads one person's fields, `plan_person` compares them with what is stored (a new person, a
change of role or employer, a rejoiner, band/FTE/PCN/leaving-date changes, a new named supervisor), and
`apply_plans` writes any number of plans inside the caller's transaction, with no audit (callers record it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from peewee import chunked

from tracker.dates import uk
from tracker.errors import Problem, ValidationError
from tracker.models import ORGANISATION_KINDS, Employment, Person, Role, SupervisorAssignment
from tracker.services.assignments import open_assignments, place_assignment
from tracker.services.bulk import insert_rows
from tracker.services.organisations import ensure_employer, ensure_pcn
from tracker.services.validate import (
    Lookups,
    a_date,
    cell_text,
    choice,
    email,
    end_not_before_start,
    fraction,
    optional_date,
    strict,
    text,
)


@dataclass(frozen=True)
class PersonInput:
    staff_id: str
    first_name: str
    last_name: str
    email: str | None
    role: Role | None
    employer: str
    employer_kind: str | None
    pcn: str | None
    band: str | None
    fte: float | None
    start_date: date
    end_date: date | None = None
    supervisor_staff_id: str | None = None
    profession: str | None = None


def person_input(raw: Mapping[str, object], lookups: Lookups, take: Any = strict) -> PersonInput | None:
    """Check every field of one person (columns of the people file); None if `take` collected an error."""
    staff_id = take("staff_id", lambda: text(raw.get("staff_id"), "staff_id", required=True, max_length=40))
    first = take("first_name", lambda: text(raw.get("first_name"), "first_name", max_length=100))
    last = take("last_name", lambda: text(raw.get("last_name"), "last_name", max_length=100))
    mail = take("email", lambda: email(raw.get("email")))
    role = take("role", lambda: None if not cell_text(raw.get("role")) else lookups.role(raw.get("role")))
    employer = take("employer", lambda: text(raw.get("employer"), "employer", max_length=200))
    kind = take(
        "employer_type",
        lambda: choice(raw.get("employer_type"), ORGANISATION_KINDS, "employer_type", "")
        if cell_text(raw.get("employer_type"))
        else None,
    )
    pcn = take("pcn", lambda: text(raw.get("pcn"), "pcn", max_length=200) or None)
    band = take("band", lambda: text(raw.get("band"), "band", max_length=20) or None)
    fte = take("fte", lambda: fraction(raw.get("fte"), "fte", 0.0, 1.0, 0.0) or None)
    start = take("start_date", lambda: a_date(raw.get("start_date"), "start_date"))
    end = take("end_date", lambda: optional_date(raw.get("end_date"), "end_date"))
    supervisor = take("supervisor_staff_id", lambda: text(raw.get("supervisor_staff_id"), "supervisor_staff_id"))
    if start is not None and end is not None:
        take("end_date", lambda: end_not_before_start(start, end))
    if None in (staff_id, first, last, employer, start, supervisor):
        return None
    return PersonInput(
        staff_id=staff_id, first_name=first, last_name=last, email=mail, role=role, employer=employer,
        employer_kind=kind, pcn=pcn, band=band, fte=fte, start_date=start, end_date=end,
        supervisor_staff_id=supervisor or None, profession=text(raw.get("profession"), "profession") or None,
    )


@dataclass
class PeopleState:
    """What is stored about the people a batch touches: the latest job and the named clinical supervisor."""

    lookups: Lookups
    latest_job: dict[int, Employment] = field(default_factory=dict)
    supervisors: dict[int, SupervisorAssignment] = field(default_factory=dict)
    staff_ids: dict[int, str] = field(default_factory=dict)
    # every open clinical supervisor of a person, the first-contact one too: the people export names whichever
    # is current, so naming one of them again is no change
    clinical: dict[int, set[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, lookups: Lookups, person_ids: list[int] | None = None) -> PeopleState:
        state = cls(lookups)
        query = Employment.select().order_by(Employment.start_date, Employment.id)
        if person_ids is not None:
            query = query.where(Employment.person.in_(person_ids))
        for job in query:
            state.latest_job[job.person_id] = job
        for (pid, kind, first_contact), a in open_assignments(person_ids).items():
            if kind == "clinical" and not first_contact:
                state.supervisors[pid] = a
            if kind == "clinical":
                state.clinical.setdefault(pid, set()).add(a.supervisor_id)
        people = Person.select(Person.id, Person.staff_id)
        if person_ids is not None:
            wanted = set(person_ids) | {s for ids in state.clinical.values() for s in ids}
            people = people.where(Person.id.in_(list(wanted)))
        state.staff_ids = dict(people.tuples())
        return state


@dataclass
class PersonPlan:
    input: PersonInput
    person: Person | None = None
    person_changes: dict[str, tuple[object, object]] = field(default_factory=dict)
    employment: str = "none"  # none | new | change | update
    job_changes: dict[str, tuple[object, object]] = field(default_factory=dict)
    supervisor_start: date | None = None
    skip_reason: str | None = None

    @property
    def action(self) -> str:
        if self.person is None:
            return "create"
        if self.skip_reason or not (self.person_changes or self.job_changes or self.employment != "none"):
            return "skip"
        return "update"


NEW_PERSON_FIELDS = ("first_name", "last_name", "role", "employer")


def new_person_gaps(raw: Mapping[str, object], whose: str = "") -> list[Problem]:
    """What a new person lacks of their names, role and employer: one problem for each (all of them at once)."""
    suffix = f" for a new person ({whose})" if whose else ""
    return [
        Problem(name, f"{'a role' if name == 'role' else 'a value'} is required{suffix}")
        for name in NEW_PERSON_FIELDS
        if not cell_text(raw.get(name))
    ]


def _require_new_person_fields(inp: PersonInput) -> None:
    raw = {"first_name": inp.first_name, "last_name": inp.last_name, "employer": inp.employer,
           "role": inp.role.code if inp.role is not None else ""}
    gaps = new_person_gaps(raw, inp.staff_id)
    if gaps:
        raise ValidationError(problems=gaps)


def check_supervisor(staff_id: str, supervisor: str, lookups: Lookups, also_known: set[str] | None = None) -> None:
    """The named clinical supervisor is someone else, known (or named in the same file) and not archived."""
    if not supervisor:
        return
    if supervisor == staff_id:
        raise ValidationError("a person cannot be their own supervisor", "supervisor_staff_id")
    known = lookups.find_person(supervisor)
    if known is None and supervisor not in (also_known or set()):
        raise ValidationError(f"no person has staff id '{supervisor}'", "supervisor_staff_id")
    if known is not None and known.archived:
        raise ValidationError(f"{supervisor} is archived", "supervisor_staff_id")


def plan_person(inp: PersonInput, state: PeopleState, today: date, also_known: set[str] | None = None) -> PersonPlan:
    """Compare one person's fields with what is stored; raises ValidationError naming the field."""
    lookups = state.lookups
    person = lookups.find_person(inp.staff_id)
    plan = PersonPlan(inp, person)
    check_supervisor(inp.staff_id, inp.supervisor_staff_id or "", lookups, also_known)
    if person is None:
        _require_new_person_fields(inp)
        plan.employment = "new"
        plan.supervisor_start = inp.start_date if inp.supervisor_staff_id else None
        return plan
    if person.archived:
        plan.skip_reason = f"{inp.staff_id} is archived (restore them to change their record)"
        return plan
    for name in ("first_name", "last_name", "email", "profession"):
        new = getattr(inp, name)
        if new and new != getattr(person, name):
            plan.person_changes[name] = (getattr(person, name), new)
    _plan_employment(plan, state.latest_job.get(person.id), lookups)
    current = state.supervisors.get(person.id)
    named = state.staff_ids.get(current.supervisor_id) if current is not None else None
    already = {state.staff_ids.get(s) for s in state.clinical.get(person.id, set())}
    if inp.supervisor_staff_id and named != inp.supervisor_staff_id and inp.supervisor_staff_id not in already:
        plan.supervisor_start = inp.start_date if plan.employment in ("new", "change") else today
        plan.job_changes["supervisor"] = (named, inp.supervisor_staff_id)
    if plan.action == "skip" and not plan.skip_reason:
        plan.skip_reason = f"{inp.staff_id} is unchanged"
    return plan


def _plan_employment(plan: PersonPlan, job: Employment | None, lookups: Lookups) -> None:
    inp = plan.input
    if job is None:
        _require_new_person_fields(inp)
        plan.employment = "new"
        return
    employer = lookups.employers.get(inp.employer.lower()) if inp.employer else lookups.employer_by_id[job.employer_id]
    role = inp.role or lookups.role_by_id[job.role_id]
    old_job = f"{lookups.role_by_id[job.role_id].name} at {lookups.employer_by_id[job.employer_id].name}"
    same_job = employer is not None and employer.id == job.employer_id and role.id == job.role_id
    if not same_job:
        if inp.start_date <= job.start_date:
            raise ValidationError(
                f"a change of role or employer must start after the current job began ({uk(job.start_date)})",
                "start_date",
            )
        plan.employment = "change"
        plan.job_changes["job"] = (old_job, f"{role.name} at {inp.employer or employer.name}")
        return
    if job.end_date is not None and inp.start_date > job.end_date:
        plan.employment = "new"
        plan.job_changes["rejoined"] = (uk(job.end_date), uk(inp.start_date))
        return
    wanted: dict[str, object] = {"band": inp.band, "fte": inp.fte, "end_date": inp.end_date}
    if inp.pcn:
        known_pcn = lookups.pcns.get(inp.pcn.lower())
        if known_pcn is None or known_pcn.id != job.pcn_id:
            old_pcn = lookups.pcn_by_id[job.pcn_id].name if job.pcn_id else None
            plan.job_changes["pcn"] = (old_pcn, inp.pcn)
    for name, new in wanted.items():
        if new is not None and new != getattr(job, name):
            plan.job_changes[name] = (getattr(job, name), new)
    if inp.end_date is not None:
        end_not_before_start(job.start_date, inp.end_date)
    if plan.job_changes:
        plan.employment = "update"


def _employment_row(person_id: int, inp: PersonInput, lookups: Lookups, role: Role) -> dict[str, object]:
    employer, _ = ensure_employer(inp.employer, inp.employer_kind, lookups)
    pcn = ensure_pcn(inp.pcn, lookups)[0] if inp.pcn else None
    return {
        "person": person_id, "role": role.id, "employer": employer.id, "pcn": pcn.id if pcn else None,
        "band": inp.band, "fte": inp.fte or 1.0, "start_date": inp.start_date, "end_date": inp.end_date,
    }


def apply_plans(plans: list[PersonPlan], state: PeopleState) -> list[dict[str, object]]:
    """Write every plan (inside the caller's transaction); returns a line per change for the audit event."""
    lookups = state.lookups
    changes: list[dict[str, object]] = []
    new_people = [p for p in plans if p.action == "create"]
    insert_rows(Person, [
        {"staff_id": p.input.staff_id, "first_name": p.input.first_name, "last_name": p.input.last_name,
         "email": p.input.email, "profession": p.input.profession}
        for p in new_people
    ])
    created_ids: dict[str, int] = {}
    for batch in chunked([p.input.staff_id for p in new_people], 500):
        created_ids.update(Person.select(Person.staff_id, Person.id).where(Person.staff_id.in_(batch)).tuples())
    jobs: list[dict[str, object]] = []
    for p in new_people:
        assert p.input.role is not None
        jobs.append(_employment_row(created_ids[p.input.staff_id], p.input, lookups, p.input.role))
        changes.append({"staff_id": p.input.staff_id, "created": True})
    if new_people:
        lookups.remember(Person.select().where(Person.id.in_(list(created_ids.values()))))
    for p in plans:
        if p.action != "update":
            continue
        person, inp = p.person, p.input
        assert person is not None
        updates: dict[Any, object] = {Person.version: Person.version + 1}
        updates.update({getattr(Person, k): new for k, (_, new) in p.person_changes.items()})
        Person.update(updates).where(Person.id == person.id).execute()
        job = state.latest_job.get(person.id)
        if p.employment == "change" and job is not None:
            if job.end_date is None or job.end_date >= inp.start_date:
                job.end_date = inp.start_date - timedelta(days=1)
                job.save()
            jobs.append(_employment_row(person.id, inp, lookups, inp.role or lookups.role_by_id[job.role_id]))
        elif p.employment == "new":
            role = inp.role or lookups.role_by_id[job.role_id] if job is not None else inp.role
            assert role is not None
            jobs.append(_employment_row(person.id, inp, lookups, role))
        elif p.employment == "update" and job is not None:
            for name in ("band", "fte", "end_date"):
                if name in p.job_changes:
                    setattr(job, name, p.job_changes[name][1])
            if "pcn" in p.job_changes and inp.pcn:
                job.pcn = ensure_pcn(inp.pcn, lookups)[0]
            job.save()
        changes.append({"staff_id": person.staff_id, "changes": {**p.person_changes, **p.job_changes}})
    insert_rows(Employment, jobs)
    first_links: list[dict[str, object]] = []
    for p in plans:
        if p.supervisor_start is not None and p.input.supervisor_staff_id and p.action != "skip":
            supervisee = lookups.find_person(p.input.staff_id)
            supervisor = lookups.find_person(p.input.supervisor_staff_id)
            assert supervisee is not None and supervisor is not None
            current = state.supervisors.get(supervisee.id)
            if current is None:
                first_links.append({"supervisor": supervisor.id, "supervisee": supervisee.id, "kind": "clinical",
                                    "first_contact": False, "start_date": p.supervisor_start})
            else:
                place_assignment(supervisee.id, supervisor.id, "clinical", False, p.supervisor_start, current)
    insert_rows(SupervisorAssignment, first_links)
    return changes
