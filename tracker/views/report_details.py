"""The descriptive facts a statement or a log lists, as at a date: nothing dated after it is shown.

These read the records themselves (who, where, when); whether they make a person compliant is the engine's
business (tracker.views.population). Private supervision notes are never selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from peewee import JOIN

from tracker.models import (
    Absence,
    EmployerPolicy,
    Employment,
    Organisation,
    Pcn,
    Person,
    PolicyAcknowledgement,
    PolicyTopic,
    Role,
    SessionAttendee,
    SupervisionSession,
    SupervisorAssignment,
    full_name,
)


@dataclass(frozen=True)
class EmploymentRow:
    role: str
    employer: str
    pcn: str | None
    band: str | None
    fte: float
    start: date
    end: date | None  # None: still employed on the as-at date
    secondment: bool


@dataclass(frozen=True)
class AssignmentRow:
    """A named supervision relationship, seen from the other side (the supervisor, or the supervisee)."""

    name: str
    staff_id: str
    kind: str
    start: date
    end: date | None
    first_contact: bool


@dataclass(frozen=True)
class AttendedSession:
    date: date
    supervisor: str
    kind: str
    format: str
    mode: str
    minutes: int
    confirmation: str


@dataclass(frozen=True)
class ReportAttendee:
    name: str
    staff_id: str
    confirmation: str


@dataclass(frozen=True)
class GivenSession:
    date: date
    kind: str
    format: str
    mode: str
    minutes: int
    attendees: tuple[ReportAttendee, ...]


@dataclass(frozen=True)
class AbsenceRow:
    """An absence as a statement lists it and the admin person page edits it (by absence_id)."""

    absence_id: int
    start: date
    end: date
    reason: str


@dataclass(frozen=True)
class AcknowledgementRow:
    topic: str
    employer: str
    version: str
    acknowledged_on: date


def _name(first: str, last: str) -> str:
    return full_name(first, last)


def _until(end: date | None, as_of: date) -> date | None:
    """An end after the as-at date was not known then: shown as still running."""
    return end if end is not None and end <= as_of else None


def employments_of(person_id: int, as_of: date) -> list[EmploymentRow]:
    query = (
        Employment.select(
            Role.name, Organisation.name, Pcn.name, Employment.band, Employment.fte, Employment.start_date,
            Employment.end_date, Employment.secondment,
        )
        .join(Role)
        .switch(Employment)
        .join(Organisation)
        .switch(Employment)
        .join(Pcn, JOIN.LEFT_OUTER)
        .where((Employment.person == person_id) & (Employment.start_date <= as_of))
        .order_by(Employment.start_date)
    )
    return [
        EmploymentRow(role, employer, pcn, band, float(fte or 0), start, _until(end, as_of), bool(secondment))
        for role, employer, pcn, band, fte, start, end, secondment in query.tuples()
    ]


def assignments_of(
    person_id: int, as_of: date, supervisor_side: bool, only: set[int] | None = None
) -> list[AssignmentRow]:
    """The person's supervisors (supervisor_side False) or supervisees (True) as known on as_of; with `only`,
    just the other people among those ids."""
    other_column = SupervisorAssignment.supervisee if supervisor_side else SupervisorAssignment.supervisor
    own_column = SupervisorAssignment.supervisor if supervisor_side else SupervisorAssignment.supervisee
    query = (
        SupervisorAssignment.select(
            Person.first_name, Person.last_name, Person.staff_id, SupervisorAssignment.kind,
            SupervisorAssignment.start_date, SupervisorAssignment.end_date, SupervisorAssignment.first_contact,
        )
        .join(Person, on=(other_column == Person.id))
        .where((own_column == person_id) & (SupervisorAssignment.start_date <= as_of))
        .order_by(SupervisorAssignment.start_date, Person.last_name)
    )
    if only is not None:
        query = query.where(other_column.in_(list(only)))
    return [
        AssignmentRow(_name(first, last), staff_id, kind, start, _until(end, as_of), bool(first_contact))
        for first, last, staff_id, kind, start, end, first_contact in query.tuples()
    ]


def _confirmation_then(state: str, confirmed_at: datetime | None, as_of: date) -> str:
    if confirmed_at is not None and confirmed_at > datetime.combine(as_of, time.max):
        return "pending"
    return state


def sessions_attended(person_id: int, start: date, end: date) -> list[AttendedSession]:
    query = (
        SessionAttendee.select(
            SupervisionSession.date, Person.first_name, Person.last_name, SupervisionSession.kind,
            SupervisionSession.format, SupervisionSession.mode, SupervisionSession.minutes,
            SessionAttendee.confirmation, SessionAttendee.confirmed_at,
        )
        .join(SupervisionSession)
        .join(Person, on=(SupervisionSession.supervisor == Person.id))
        .where(
            (SessionAttendee.person == person_id)
            & (SupervisionSession.date >= start)
            & (SupervisionSession.date <= end)
        )
        .order_by(SupervisionSession.date)
    )
    return [
        AttendedSession(day, _name(first, last), kind, fmt, mode, minutes, _confirmation_then(state, at, end))
        for day, first, last, kind, fmt, mode, minutes, state, at in query.tuples()
    ]


def sessions_given(supervisor_id: int, start: date, end: date, only: set[int] | None = None) -> list[GivenSession]:
    """The sessions given between the dates; with `only`, just the attendees among those ids, and no session
    where none of them was (its date, minutes and kind are then someone else's)."""
    sessions = list(
        SupervisionSession.select(
            SupervisionSession.id, SupervisionSession.date, SupervisionSession.kind, SupervisionSession.format,
            SupervisionSession.mode, SupervisionSession.minutes,
        )
        .where(
            (SupervisionSession.supervisor == supervisor_id)
            & (SupervisionSession.date >= start)
            & (SupervisionSession.date <= end)
        )
        .order_by(SupervisionSession.date, SupervisionSession.id)
        .tuples()
    )
    attendees: dict[int, list[ReportAttendee]] = {}
    if sessions:
        query = (
            SessionAttendee.select(
                SessionAttendee.session, Person.first_name, Person.last_name, Person.staff_id,
                SessionAttendee.confirmation, SessionAttendee.confirmed_at,
            )
            .join(Person)
            .where(SessionAttendee.session.in_([s[0] for s in sessions]))
            .order_by(Person.last_name, Person.first_name)
        )
        if only is not None:
            query = query.where(SessionAttendee.person.in_(list(only)))
        for session_id, first, last, staff_id, state, at in query.tuples():
            attendees.setdefault(session_id, []).append(
                ReportAttendee(_name(first, last), staff_id, _confirmation_then(state, at, end))
            )
    return [
        GivenSession(day, kind, fmt, mode, minutes, tuple(attendees.get(sid, ())))
        for sid, day, kind, fmt, mode, minutes in sessions
        if only is None or sid in attendees
    ]


def absences_of(person_id: int, as_of: date) -> list[AbsenceRow]:
    query = (
        Absence.select(Absence.id, Absence.start_date, Absence.end_date, Absence.reason)
        .where((Absence.person == person_id) & (Absence.start_date <= as_of))
        .order_by(Absence.start_date)
    )
    return [AbsenceRow(*row) for row in query.tuples()]


def acknowledgements_of(person_id: int, as_of: date) -> list[AcknowledgementRow]:
    query = (
        PolicyAcknowledgement.select(
            PolicyTopic.name, Organisation.name, PolicyAcknowledgement.version,
            PolicyAcknowledgement.acknowledged_on,
        )
        .join(EmployerPolicy)
        .join(PolicyTopic)
        .switch(EmployerPolicy)
        .join(Organisation)
        .where((PolicyAcknowledgement.person == person_id) & (PolicyAcknowledgement.acknowledged_on <= as_of))
        .order_by(PolicyTopic.name, PolicyAcknowledgement.acknowledged_on)
    )
    return [AcknowledgementRow(*row) for row in query.tuples()]
