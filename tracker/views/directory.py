"""The team directory across employers: who works in my team, in which role, for which employer, with whom
to ask (named supervisor and first point of contact). Nothing private: no absences, no compliance.

"My team" is everyone active in the PCNs the viewer works in or leads: an admin's is everyone; a lead's is their
scope and, for an employer's lead, the PCNs that employer's people work in (the joint team); a supervisor's and
a staff member's are the PCNs of their own jobs and their supervisees' (or the employer, for a job in no PCN).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import reduce
from typing import Any

from peewee import fn

from tracker.access import Viewer, lead_scope
from tracker.models import Employment, Organisation, Person, Role, SupervisorAssignment, full_name
from tracker.periods import active_on
from tracker.views import name_match
from tracker.views.access_facts import supervisee_ids
from tracker.views.population import MAX_IDS_IN_SQL, Scope, people_in_scope, scope_jobs
from tracker.views.team_views import DEFAULT_PAGE_SIZE, PAGE_SIZES, Paged, paginate


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


def _place_condition(scopes: list[Scope]) -> Any:
    """The jobs (already active on the day) in one of these places: Scope.holds for each, ORed, in SQL."""
    employers = sorted({s.employer_id for s in scopes if s.employer_id is not None and s.pcn_id is None})
    pcns = sorted({s.pcn_id for s in scopes if s.pcn_id is not None and s.employer_id is None})
    terms = [Employment.employer.in_(employers)] if employers else []
    terms += [Employment.pcn.in_(pcns)] if pcns else []
    terms += [(Employment.employer == s.employer_id) & (Employment.pcn == s.pcn_id)
              for s in scopes if s.employer_id is not None and s.pcn_id is not None]
    return reduce(operator.or_, terms) if terms else None


def _team_jobs_where(viewer: Viewer, as_of: date) -> Any:
    """Which active jobs put their person in the viewer's team (team_scopes, and the viewer's own job): an
    Employment condition; True for any (an administrator's team), False for none."""
    scopes = team_scopes(viewer, as_of)
    if scopes is None or any(not s.by_place for s in scopes):  # Scope(): everyone with a job on the day
        return True
    own = Employment.person == viewer.person_id if viewer.person_id is not None else None
    wanted = [t for t in (_place_condition(scopes), own) if t is not None]
    return reduce(operator.or_, wanted) if wanted else False


def team_query(viewer: Viewer, as_of: date) -> Any:
    """team_ids in SQL: the Person rows of the viewer's team on as_of (narrow it further, or take Person.id to
    use inside another query). The same people as team_ids, without reading them into Python."""
    return _team_people(_team_jobs_where(viewer, as_of), as_of)


def _team_people(where: Any, as_of: date) -> Any:
    if where is False:
        return Person.select().where(Person.id.is_null())  # nobody
    jobs = scope_jobs(Scope(), as_of) if where is True else scope_jobs(Scope(), as_of).where(where)
    return Person.select().where(Person.id.in_(jobs) & (Person.archived == False))  # noqa: E712


def _matching(team: Any, as_of: date, employer_id: int | None, role_code: str | None, search: str) -> Any:
    """The team (team_query) narrowed by employer, role and a part of the name (as Colleague.works_for/holds
    and `words in name.lower()` do), in SQL."""
    query = team
    if employer_id is not None:
        query = query.where(Person.id.in_(scope_jobs(Scope(employer_id=employer_id), as_of)))
    if role_code is not None:
        with_role = scope_jobs(Scope(), as_of).join(Role, on=(Employment.role == Role.id)).where(
            Role.code == role_code)
        query = query.where(Person.id.in_(with_role))
    words = search.strip().lower()
    if words:
        query = query.where(name_match.holds(name_match.lowered(name_match.shown_name()), words))
    return query


def _team_places_and_roles(where: Any, as_of: date) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """The employers and the roles of the team's jobs on as_of (every active job of each person in the team),
    each once, by name: one query."""
    if where is False:
        return [], []
    query = (
        scope_jobs(Scope(), as_of, Organisation.id, Organisation.name, Role.code, Role.name)
        .join(Organisation, on=(Employment.employer == Organisation.id)).switch(Employment)
        .join(Role, on=(Employment.role == Role.id)).switch(Employment)
        .join(Person, on=(Employment.person == Person.id))
        .where(Person.archived == False)  # noqa: E712
        .distinct()
    )
    if where is not True:
        query = query.where(Employment.person.in_(scope_jobs(Scope(), as_of).where(where)))
    pairs = list(query.tuples())
    employers = sorted({(e, name) for e, name, _, _ in pairs}, key=lambda k: (k[1].lower(), k[0]))
    roles = sorted({(code, name) for _, _, code, name in pairs}, key=lambda k: (k[1].lower(), k[0]))
    return employers, roles


@dataclass(frozen=True)
class _Team:
    ids: tuple[int, ...]  # the team's people, by name
    employers: tuple[tuple[int, str], ...]
    roles: tuple[tuple[str, str], ...]


def _whole_team(viewer: Viewer, as_of: date) -> _Team:
    where = _team_jobs_where(viewer, as_of)
    ids = tuple(pid for (pid,) in _team_people(where, as_of).select(Person.id).order_by(*name_match.by_name())
                .tuples())
    employers, roles = _team_places_and_roles(where, as_of) if ids else ([], [])
    return _Team(ids, tuple(employers), tuple(roles))


def _remembered_team(viewer: Viewer, as_of: date) -> _Team:
    """The viewer's whole team in name order, with its employers and roles, kept until the data changes: each
    page of it and every change of filter would otherwise count, list and sort everyone again (an
    administrator's 10,000: three queries, some 50 ms)."""
    from tracker.views.team_cache import CACHE

    # what team_scopes reads of the viewer: two viewers alike in these have the same team
    whose = (viewer.roles, viewer.lead_employer_id, viewer.lead_pcn_id, viewer.person_id)
    return CACHE.remembered(("directory team", whose, as_of), lambda: _whole_team(viewer, as_of))


def directory(
    viewer: Viewer, as_of: date, *, employer_id: int | None = None, role_code: str | None = None, search: str = "",
    page: int = 1, size: int = DEFAULT_PAGE_SIZE,
) -> Directory:
    """The viewer's team on as_of, filtered by employer, role and a part of a name, a page at a time (an
    administrator's team is everyone: thousands of rows would make a page no one can use). Unfiltered, the page
    is a slice of the remembered team; filtered, it is counted and paged in SQL. Only the page's people are
    read."""
    team = _remembered_team(viewer, as_of)
    if employer_id is None and role_code is None and not search.strip():
        ids = paginate(team.ids, page, size)
        shown = Paged(_in_order(list(ids.items), as_of), ids.total, ids.page, ids.size)
    else:
        query = _matching(team_query(viewer, as_of), as_of, employer_id, role_code, search)
        shown = _one_page(query, query.count(), as_of, page, size)
    return Directory(shown, len(team.ids), team.employers, team.roles)


def _one_page(shown: Any, total: int, as_of: date, page: int, size: int) -> Paged[Colleague]:
    """One page, by name, of the `total` people of the query `shown`: only they are read (with whom to ask)."""
    size = size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    page = min(max(1, page), max(1, -(-total // size)))
    ids = [pid for (pid,) in shown.select(Person.id).order_by(*name_match.by_name())
           .paginate(page, size).tuples()] if total else []
    return Paged(_in_order(ids, as_of), total, page, size)


def _in_order(ids: list[int], as_of: date) -> tuple[Colleague, ...]:
    """These people (with whom to ask) in the order given."""
    people = {c.person_id: c for c in colleagues(set(ids), as_of)}
    return tuple(people[pid] for pid in ids)


def role_holders(viewer: Viewer, as_of: date, role_code: str, page: int = 1,
                 size: int = DEFAULT_PAGE_SIZE) -> Paged[Colleague]:
    """Who in the viewer's team holds the role on as_of, a page at a time by name (an administrator's team is
    everyone: thousands of holders): counted and paged in SQL, only the page's people read."""
    where = _team_jobs_where(viewer, as_of)
    # An administrator's team is everyone with a job on as_of, as holding the role on as_of already says: SQL
    # is then not given the 10,000 ids of the team to check each holder against (twice: the count, the page).
    team = Person.select().where(Person.archived == False) if where is True else _team_people(where, as_of)  # noqa: E712
    shown = _matching(team, as_of, None, role_code, "")
    return _one_page(shown, shown.count(), as_of, page, size)


def role_counts(viewer: Viewer, as_of: date) -> dict[str, int]:
    """Role code -> how many people in the viewer's team hold it on as_of (a person with two jobs in one role
    counted once), counted in SQL."""
    query = (
        scope_jobs(Scope(), as_of, Role.code, fn.COUNT(Employment.person.distinct()))
        .join(Role, on=(Employment.role == Role.id)).switch(Employment)
        .join(Person, on=(Employment.person == Person.id))
        .where(Person.archived == False)  # noqa: E712
        .group_by(Role.code)
    )
    where = _team_jobs_where(viewer, as_of)
    if where is not True:  # everyone's team (an administrator's) is every job counted: no list of its ids
        query = query.where(Employment.person.in_(_team_people(where, as_of).select(Person.id)))
    return {code: int(count) for code, count in query.tuples()}


@dataclass(frozen=True)
class Found:
    people: tuple[Colleague, ...]  # the first `limit` who match, by name (whom to ask not filled in)
    matching: int  # how many in the team match


def find_in_team(viewer: Viewer, as_of: date, words: str, limit: int, leave_out: Sequence[int] = ()) -> Found:
    """For a picker of the viewer's team (a training event's attendees): the first `limit` people of the team on
    as_of whose name holds `words` (everyone, given none), by name, and how many match; `leave_out` are not
    offered (already on the event). Searched in SQL: only those shown are read."""
    query = _matching(team_query(viewer, as_of), as_of, None, None, words)
    if leave_out:
        query = query.where(Person.id.not_in(list(leave_out)))
    ids = [pid for (pid,) in query.select(Person.id).order_by(*name_match.by_name()).limit(limit).tuples()]
    matching = len(ids) if len(ids) < limit else query.count()
    shown = {c.person_id: c for c in _named_with_jobs(set(ids), as_of)}
    return Found(tuple(shown[pid] for pid in ids), matching)
