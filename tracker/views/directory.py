"""The team directory across employers: who works in my team, in which role, for which employer, with whom
to ask (named supervisor and first point of contact). Nothing private: no absences, no compliance.

"My team" is everyone active in the PCNs the viewer works in or leads: an admin's is everyone; a lead's is their
scope and, for an employer's lead, the PCNs that employer's people work in (the joint team); a supervisor's and
a staff member's are the PCNs of their own jobs and their supervisees' (or the employer, for a job in no PCN).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from tracker.access import Viewer, lead_scope
from tracker.models import Employment, Organisation, Person, Role, SupervisorAssignment, full_name
from tracker.periods import active_on
from tracker.views.access_facts import supervisee_ids
from tracker.views.population import MAX_IDS_IN_SQL, Scope, people_in_scope, scope_jobs
from tracker.views.team_views import DEFAULT_PAGE_SIZE, Paged, paginate


@dataclass(frozen=True)
class Job:
    role_code: str
    role_name: str
    employer_id: int
    employer: str


@dataclass(frozen=True)
class Colleague:
    person_id: int
    name: str
    email: str
    jobs: tuple[Job, ...]
    supervisors: tuple[str, ...]  # named clinical supervisors
    first_contacts: tuple[str, ...]  # named first points of contact

    def holds(self, role_code: str) -> bool:
        return any(j.role_code == role_code for j in self.jobs)

    def works_for(self, employer_id: int) -> bool:
        return any(j.employer_id == employer_id for j in self.jobs)


@dataclass(frozen=True)
class Directory:
    shown: Paged[Colleague]  # one page of those the filters leave
    everyone: int  # in the team, before the filters
    employers: tuple[tuple[int, str], ...]  # to filter by: those of the team
    roles: tuple[tuple[str, str], ...]

    @property
    def people(self) -> tuple[Colleague, ...]:
        return self.shown.items


def _own_places(person_ids: list[int], as_of: date) -> list[Scope]:
    jobs = scope_jobs(Scope(), as_of, Employment.employer, Employment.pcn).where(Employment.person.in_(person_ids))
    return [Scope(pcn_id=pcn) if pcn is not None else Scope(employer_id=employer) for employer, pcn in jobs.tuples()]


def team_scopes(viewer: Viewer, as_of: date) -> list[Scope] | None:
    """The places whose people are the viewer's team on as_of; None for everyone (an admin)."""
    if viewer.is_admin:
        return None
    scopes: list[Scope] = []
    if viewer.is_lead:
        scope = lead_scope(viewer)
        scopes.append(scope)
        if scope.employer_id is not None:
            pcns = scope_jobs(scope, as_of, Employment.pcn).where(Employment.pcn.is_null(False)).distinct()
            scopes += [Scope(pcn_id=pcn) for (pcn,) in pcns.tuples()]
    if viewer.person_id is not None:
        own = [viewer.person_id] + (supervisee_ids(viewer.person_id, as_of) if viewer.is_supervisor else [])
        scopes += _own_places(own, as_of)
    return list(dict.fromkeys(scopes))


def team_ids(viewer: Viewer, as_of: date) -> set[int]:
    """The ids of the active (not archived) people in the viewer's team on as_of."""
    scopes = team_scopes(viewer, as_of)
    if scopes is None:
        ids = people_in_scope(Scope(), as_of)
        employed = ids
    else:
        ids = set().union(*(people_in_scope(s, as_of) for s in scopes)) if scopes else set()
        employed = set() if viewer.person_id is None else people_in_scope(
            Scope(person_ids=frozenset({viewer.person_id})), as_of
        )
    if viewer.person_id is not None and viewer.person_id in employed:
        ids.add(viewer.person_id)
    if not ids:
        return set()
    archived = {p for (p,) in Person.select(Person.id).where(Person.archived == True).tuples()}  # noqa: E712
    return ids - archived


def colleagues(person_ids: set[int], as_of: date) -> list[Colleague]:
    """Each person's jobs on as_of, named supervisors and first points of contact, by name."""
    return _whom_to_ask(_named_with_jobs(person_ids, as_of), as_of)


def _only(ids: list[int], query, column):  # type: ignore[no-untyped-def]
    # A long IN (...) list makes SQLite's planner scan badly (tracker.views.population.MAX_IDS_IN_SQL): past that,
    # every row is read and the others are left out by the caller.
    return query.where(column.in_(ids)) if len(ids) <= MAX_IDS_IN_SQL else query


def _named_with_jobs(person_ids: set[int], as_of: date) -> list[Colleague]:
    """Each person's name, email and jobs on as_of, by name (whom to ask not yet filled in)."""
    if not person_ids:
        return []
    ids = list(person_ids)
    people = {
        pid: (full_name(first, last), email or "")
        for pid, first, last, email in _only(
            ids, Person.select(Person.id, Person.first_name, Person.last_name, Person.email), Person.id).tuples()
        if pid in person_ids
    }
    jobs: dict[int, list[Job]] = {}
    query = (
        scope_jobs(Scope(), as_of, Employment.person, Role.code, Role.name, Organisation.id, Organisation.name)
        .join(Role, on=(Employment.role == Role.id))
        .switch(Employment)
        .join(Organisation, on=(Employment.employer == Organisation.id))
    )
    for pid, code, role, employer_id, employer in _only(ids, query, Employment.person).tuples():
        if pid in person_ids:
            jobs.setdefault(pid, []).append(Job(code, role, employer_id, employer))
    found = [
        Colleague(pid, name, email, tuple(sorted(jobs.get(pid, []), key=lambda j: (j.role_name, j.employer))), (), ())
        for pid, (name, email) in people.items()
    ]
    return sorted(found, key=lambda c: (c.name.lower(), c.person_id))


def _whom_to_ask(chosen: Sequence[Colleague], as_of: date) -> list[Colleague]:
    """The same people with their named clinical supervisors and first points of contact on as_of."""
    person_ids = {c.person_id for c in chosen}
    if not person_ids:
        return []
    supervisors: dict[int, list[str]] = {}
    contacts: dict[int, list[str]] = {}
    Supervisor = Person.alias()
    assignments = (
        SupervisorAssignment.select(
            SupervisorAssignment.supervisee, SupervisorAssignment.kind, SupervisorAssignment.first_contact,
            Supervisor.first_name, Supervisor.last_name,
        )
        .join(Supervisor, on=(SupervisorAssignment.supervisor == Supervisor.id))
        .where(active_on(SupervisorAssignment, as_of))
    )
    for pid, kind, first_contact, first, last in _only(
        list(person_ids), assignments, SupervisorAssignment.supervisee
    ).tuples():
        if pid not in person_ids:
            continue
        name = full_name(first, last)
        if kind == "clinical":
            supervisors.setdefault(pid, []).append(name)
        if first_contact:
            contacts.setdefault(pid, []).append(name)
    return [
        replace(
            c,
            supervisors=tuple(sorted(set(supervisors.get(c.person_id, [])))),
            first_contacts=tuple(sorted(set(contacts.get(c.person_id, [])))),
        )
        for c in chosen
    ]


def team(viewer: Viewer, as_of: date) -> list[Colleague]:
    """Everyone in the viewer's team on as_of with their jobs, by name, to choose from (whom to ask left out)."""
    return _named_with_jobs(team_ids(viewer, as_of), as_of)


def directory(
    viewer: Viewer, as_of: date, *, employer_id: int | None = None, role_code: str | None = None, search: str = "",
    page: int = 1, size: int = DEFAULT_PAGE_SIZE,
) -> Directory:
    """The viewer's team on as_of, filtered by employer, role and a part of a name, a page at a time (an
    administrator's team is everyone: thousands of rows would make a page no one can use)."""
    everyone = team(viewer, as_of)
    employers = sorted({(j.employer_id, j.employer) for c in everyone for j in c.jobs}, key=lambda e: e[1].lower())
    roles = sorted({(j.role_code, j.role_name) for c in everyone for j in c.jobs}, key=lambda r: r[1].lower())
    words = search.strip().lower()
    shown = [
        c for c in everyone
        if (employer_id is None or c.works_for(employer_id))
        and (role_code is None or c.holds(role_code))
        and (not words or words in c.name.lower())
    ]
    one_page = paginate(shown, page, size)
    one_page = replace(one_page, items=tuple(_whom_to_ask(one_page.items, as_of)))
    return Directory(one_page, len(everyone), tuple(employers), tuple(roles))
