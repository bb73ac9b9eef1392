"""The small facts tracker.access decides on, read from the database: a person's employers, PCNs and
supervisors on a day, a session's parties, a supervisor's supervisees, and the Viewer of a signed-in user."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tracker.access import PersonFacts, SessionFacts, Viewer
from tracker.periods import active_on


def person_facts(person_id: int, as_of: date) -> PersonFacts:
    """Employers and PCNs on as_of, and the supervisors with an assignment active on as_of."""
    from tracker.models import Employment, SupervisorAssignment

    employers: set[int] = set()
    pcns: set[int] = set()
    jobs = Employment.select(Employment.employer, Employment.pcn).where(
        (Employment.person == person_id)
        & active_on(Employment, as_of)
    )
    for employer, pcn in jobs.tuples():
        employers.add(employer)
        if pcn is not None:
            pcns.add(pcn)
    supervisors = SupervisorAssignment.select(SupervisorAssignment.supervisor).where(
        (SupervisorAssignment.supervisee == person_id)
        & active_on(SupervisorAssignment, as_of)
    )
    return PersonFacts(
        person_id=person_id,
        employer_ids=frozenset(employers),
        pcn_ids=frozenset(pcns),
        supervisor_ids=frozenset(s for (s,) in supervisors.tuples()),
    )


def people_facts(person_ids: Iterable[int], as_of: date) -> dict[int, PersonFacts]:
    """person_facts for each of these people, in two queries a batch (not two a person): the same facts."""
    from tracker.models import Employment, SupervisorAssignment
    from tracker.views.population import MAX_IDS_IN_SQL

    wanted = sorted(set(person_ids))
    employers: dict[int, set[int]] = {p: set() for p in wanted}
    pcns: dict[int, set[int]] = {p: set() for p in wanted}
    supervisors: dict[int, set[int]] = {p: set() for p in wanted}
    for start in range(0, len(wanted), MAX_IDS_IN_SQL):
        batch = wanted[start : start + MAX_IDS_IN_SQL]
        jobs = Employment.select(Employment.person, Employment.employer, Employment.pcn).where(
            Employment.person.in_(batch) & active_on(Employment, as_of)
        )
        for person, employer, pcn in jobs.tuples():
            employers[person].add(employer)
            if pcn is not None:
                pcns[person].add(pcn)
        assigned = SupervisorAssignment.select(SupervisorAssignment.supervisee, SupervisorAssignment.supervisor).where(
            SupervisorAssignment.supervisee.in_(batch) & active_on(SupervisorAssignment, as_of)
        )
        for supervisee, supervisor in assigned.tuples():
            supervisors[supervisee].add(supervisor)
    return {
        p: PersonFacts(
            person_id=p,
            employer_ids=frozenset(employers[p]),
            pcn_ids=frozenset(pcns[p]),
            supervisor_ids=frozenset(supervisors[p]),
        )
        for p in wanted
    }


def session_facts(session_id: int) -> SessionFacts | None:
    from tracker.models import SessionAttendee, SupervisionSession

    row = SupervisionSession.get_or_none(SupervisionSession.id == session_id)
    if row is None:
        return None
    attendees = SessionAttendee.select(SessionAttendee.person).where(SessionAttendee.session == session_id)
    return SessionFacts(session_id, row.supervisor_id, frozenset(p for (p,) in attendees.tuples()))


def supervisee_ids(supervisor_id: int, as_of: date) -> list[int]:
    """People with an assignment under this supervisor active on as_of."""
    from tracker.models import SupervisorAssignment

    query = SupervisorAssignment.select(SupervisorAssignment.supervisee).where(
        (SupervisorAssignment.supervisor == supervisor_id)
        & active_on(SupervisorAssignment, as_of)
    )
    return sorted({p for (p,) in query.tuples()})


def session_epochs(user_ids: list[int]) -> dict[int, int]:
    """The session epoch of each active user among these (a deactivated or unknown one is left out)."""
    from tracker.models import User

    if not user_ids:
        return {}
    rows = User.select(User.id, User.session_epoch).where(User.id.in_(user_ids) & (User.active == True))  # noqa: E712
    return {user_id: epoch for user_id, epoch in rows.tuples()}


def viewer_for_user(user_id: int) -> Viewer | None:
    """The Viewer of an active user, or None when the user is gone or deactivated."""
    from tracker.models import Person, User

    user = User.get_or_none((User.id == user_id) & (User.active == True))  # noqa: E712
    if user is None:
        return None
    name = ""
    if user.person_id is not None:
        person = Person.get_or_none(Person.id == user.person_id)
        name = person.name if person else ""
    return Viewer(
        user_id=user.id,
        email=user.email,
        person_id=user.person_id,
        roles=user.role_set,
        lead_employer_id=user.lead_employer_id,
        lead_pcn_id=user.lead_pcn_id,
        name=name,
        epoch=user.session_epoch,
        must_change_password=bool(user.must_change_password),
    )
