"""Small factories for tests: a few named records, built straight into the database."""

from __future__ import annotations

from datetime import date

from tracker.models import (
    Absence,
    Course,
    Employment,
    Organisation,
    Person,
    Requirement,
    Role,
    SessionAttendee,
    SupervisionRule,
    SupervisionSession,
    TrainingRecord,
)

_counter = {"n": 0}


def org(name: str = "Northside Community Trust", kind: str = "vcse") -> Organisation:
    found = Organisation.get_or_none(Organisation.name == name)
    return found or Organisation.create(name=name, kind=kind)


def person(
    first: str = "Asha",
    last: str = "Patel",
    role: str = "SPLW",
    employer: Organisation | str | None = None,
    start: date = date(2024, 1, 1),
    end: date | None = None,
    staff_id: str | None = None,
    email: str | None = None,
) -> Person:
    _counter["n"] += 1
    staff_id = staff_id or f"T{_counter['n']:05d}"
    p = Person.create(staff_id=staff_id, first_name=first, last_name=last, email=email)
    employer_row = employer if isinstance(employer, Organisation) else org(employer or "Northside Community Trust")
    Employment.create(person=p, role=Role.get(Role.code == role), employer=employer_row, start_date=start, end_date=end)
    return p


def trained(p: Person, course: str, on: date, state: str = "approved") -> TrainingRecord:
    return TrainingRecord.create(person=p, course=Course.get(Course.code == course), completed_on=on, evidence_state=state)


def session(
    supervisor: Person,
    supervisees: list[Person] | Person,
    on: date,
    minutes: int = 60,
    kind: str = "clinical",
) -> SupervisionSession:
    people = supervisees if isinstance(supervisees, list) else [supervisees]
    s = SupervisionSession.create(
        supervisor=supervisor, date=on, minutes=minutes, kind=kind, format="group" if len(people) > 1 else "one_to_one"
    )
    for p in people:
        SessionAttendee.create(session=s, person=p)
    return s


def absent(p: Person, start: date, end: date, reason: str = "sickness") -> Absence:
    return Absence.create(person=p, start_date=start, end_date=end, reason=reason)


def employer_requirement(employer: Organisation, course: str, renewal_months: int | None) -> Requirement:
    return Requirement.create(course=Course.get(Course.code == course), employer=employer, renewal_months=renewal_months)


def employer_supervision_rule(
    employer: Organisation, minutes: int, kinds: str = "clinical", group_counts: bool = True
) -> SupervisionRule:
    return SupervisionRule.create(employer=employer, min_minutes=minutes, kinds=kinds, group_counts=group_counts)


def installation_notes_key() -> bytes:
    """The notes key of the installation a test runs as: in the data folder conftest gives each test, as the app
    started from the test's environment reads it."""
    from tracker import note_crypto
    from tracker.settings import Settings

    return note_crypto.note_key(Settings.from_env())


def private_note(s: SupervisionSession, p: Person, words: str, key: bytes) -> None:
    """An attendee's private note with the supervisor, sealed as the app writes it."""
    from tracker import note_crypto

    SessionAttendee.update(private_note=note_crypto.seal(words, note_crypto.attendee_place(s.id, p.id), key)).where(
        (SessionAttendee.session == s.id) & (SessionAttendee.person == p.id)
    ).execute()


def group_summary(s: SupervisionSession, words: str, key: bytes) -> None:
    """A group session's summary shared by every party, sealed as the app writes it."""
    from tracker import note_crypto

    SupervisionSession.update(group_summary=note_crypto.seal(words, note_crypto.summary_place(s.id), key)).where(
        SupervisionSession.id == s.id
    ).execute()


def notes_everywhere(words: str, key: bytes) -> None:
    """Every kind of note on every session: each attendee's private note, the group summary, and the notes
    kept for the supervisor alone; for tests that no output leaks any of them."""
    from tracker import note_crypto

    for s in SupervisionSession.select():
        group_summary(s, f"{words} (group summary)", key)
        SupervisionSession.update(supervisor_notes=note_crypto.seal(f"{words} (supervisor's)",
                                                                     note_crypto.supervisor_place(s.id), key)).where(
            SupervisionSession.id == s.id).execute()
        for a in SessionAttendee.select().where(SessionAttendee.session == s.id):
            private_note(s, a.person, f"{words} (private)", key)
