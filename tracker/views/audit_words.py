# mypy: disable-error-code="attr-defined,union-attr,arg-type,operator"
"""The audit trail in plain English: one phrasing per (action, entity), names instead of codes, UK dates.

"Grace Okafor logged a supervision session for Asha Patel on 01/12/2026 at 21:33" rather than
`create supervision_session 830 … recorded_at: 2026-12-01T21:33:40`. The names are looked up once for a page of
events (`Names.for_rows`); anything without a phrasing gets a sensible fallback. Private notes were never written
into the trail (tracker.services.audit), and the words below are built only from names, dates and labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from peewee import fn

from tracker.models import Course, Person, SessionAttendee, SupervisionSession, TrainingRecord, User
from tracker.views.audit_trail import AuditRow

SECRET_KEYS = frozenset({"password_hash", "private_notes", "private_note", "group_summary", "supervisor_notes"})


@dataclass
class Names:
    """Who is who on one page of events: actors by email, people by id and staff id, sessions and records."""

    actors: dict[str, str] = field(default_factory=dict)  # email (any case) -> name
    people: dict[int, str] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)  # staff id -> name
    session_people: dict[int, list[str]] = field(default_factory=dict)  # session id -> supervisees' names
    records: dict[int, tuple[str, str]] = field(default_factory=dict)  # training record id -> (person, item)
    attendances: dict[int, tuple[str, str]] = field(default_factory=dict)  # attendee row -> (person, supervisor)

    @classmethod
    def for_rows(cls, rows: Iterable[AuditRow]) -> Names:
        rows = list(rows)
        names = cls()
        emails = {r.actor.lower() for r in rows if "@" in r.actor}
        by_email: dict[str, int | None] = {}
        if emails:
            query = User.select(User.email, User.person).where(fn.LOWER(User.email).in_(list(emails)))
            by_email = {u.email.lower(): u.person_id for u in query}
        ids = {i for r in rows if (i := _int(r.entity_id))}
        sessions = [i for r in rows if r.entity == "supervision_session" and (i := _int(r.entity_id))]
        records = [i for r in rows if r.entity == "training_record" and (i := _int(r.entity_id))]
        attendees = [i for r in rows if r.entity == "session_attendee" and (i := _int(r.entity_id))]
        person_ids = set(by_email.values()) - {None}
        person_ids |= {i for r in rows if r.entity in ("person", "absence") and (i := _int(r.entity_id))} & ids
        for r in rows:
            for picture in (r.before or {}, r.after or {}):
                for key in ("person", "supervisor", "supervisee"):
                    if isinstance(picture.get(key), int):
                        person_ids.add(picture[key])
        session_attendees: dict[int, list[int]] = {}
        if sessions:
            for a in SessionAttendee.select(SessionAttendee.session, SessionAttendee.person).where(
                    SessionAttendee.session.in_(sessions)):
                session_attendees.setdefault(a.session_id, []).append(a.person_id)
                person_ids.add(a.person_id)
        record_rows: dict[int, tuple[int, str]] = {}
        if records:
            for t in TrainingRecord.select(TrainingRecord.id, TrainingRecord.person, Course.name).join(Course).where(
                    TrainingRecord.id.in_(records)):
                record_rows[t.id] = (t.person_id, t.course.name)
                person_ids.add(t.person_id)
        attendance_rows: dict[int, tuple[int, int]] = {}
        if attendees:
            for a in SessionAttendee.select(SessionAttendee.id, SessionAttendee.person, SupervisionSession.supervisor
                                            ).join(SupervisionSession).where(SessionAttendee.id.in_(attendees)):
                attendance_rows[a.id] = (a.person_id, a.session.supervisor_id)
                person_ids |= {a.person_id, a.session.supervisor_id}
        if person_ids:
            for p in Person.select(Person.id, Person.first_name, Person.last_name, Person.staff_id).where(
                    Person.id.in_(list(person_ids))):
                names.people[p.id] = p.name
                names.staff[p.staff_id] = p.name
        staff_ids = {s for r in rows for s in _staff_ids(r)} - set(names.staff)
        if staff_ids:
            for p in Person.select(Person.first_name, Person.last_name, Person.staff_id).where(
                    Person.staff_id.in_(list(staff_ids))):
                names.staff[p.staff_id] = p.name
        for email, person_id in by_email.items():
            names.actors[email] = names.people.get(person_id or 0) or email
        names.session_people = {s: [names.person(p) for p in ps] for s, ps in session_attendees.items()}
        names.records = {i: (names.person(p), item) for i, (p, item) in record_rows.items()}
        names.attendances = {i: (names.person(p), names.person(s)) for i, (p, s) in attendance_rows.items()}
        return names

    def actor(self, actor: str) -> str:
        if actor in ("system", "upgrade", "") or actor.startswith("user:"):
            return "The app" if not actor.startswith("user:") else "A user"
        return self.actors.get(actor.lower(), actor)

    def person(self, person_id: int | None) -> str:
        return self.people.get(person_id or 0) or "someone"


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() else None


def _staff_ids(row: AuditRow) -> list[str]:
    found: list[str] = []
    for picture in (row.before or {}, row.after or {}):
        for key in ("staff_id", "supervisor_staff_id"):
            if isinstance(picture.get(key), str):
                found.append(picture[key])
        if isinstance(picture.get("supervisee_staff_ids"), list):
            found += [s for s in picture["supervisee_staff_ids"] if isinstance(s, str)]
    return found


def _and(names: list[str]) -> str:
    names = [n for n in names if n] or ["someone"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _value(row: AuditRow, key: str) -> Any:
    return (row.after or {}).get(key, (row.before or {}).get(key))


def _subject_person(row: AuditRow, names: Names) -> str:
    if row.entity == "person":
        return names.person(_int(row.entity_id))
    staff = _value(row, "staff_id")
    if isinstance(staff, str) and staff in names.staff:
        return names.staff[staff]
    person = _value(row, "person")
    return names.person(person if isinstance(person, int) else None)


def _session(row: AuditRow, names: Names) -> str:
    people = names.session_people.get(_int(row.entity_id) or 0)
    if not people:
        people = [names.staff.get(s, s) for s in (_value(row, "supervisee_staff_ids") or []) if isinstance(s, str)]
    return _and(people)


def _record(row: AuditRow, names: Names) -> tuple[str, str]:
    return names.records.get(_int(row.entity_id) or 0, ("someone", "a training record"))


def _attendance(row: AuditRow, names: Names) -> tuple[str, str]:
    return names.attendances.get(_int(row.entity_id) or 0, ("someone", "their supervisor"))


def _assignment(row: AuditRow, names: Names) -> tuple[str, str]:
    supervisor, supervisee = _value(row, "supervisor"), _value(row, "supervisee")
    return (names.person(supervisor if isinstance(supervisor, int) else None),
            names.person(supervisee if isinstance(supervisee, int) else None))


def _named(row: AuditRow, key: str = "name") -> str:
    value = _value(row, key)
    return str(value) if value not in (None, "") else "a record"


Phrase = Callable[[AuditRow, Names], str]
PHRASES: dict[tuple[str, str], Phrase] = {
    ("create", "supervision_session"): lambda r, n: f"logged a supervision session for {_session(r, n)}",
    ("confirm", "session_attendee"): lambda r, n: "{} confirmed a supervision session with {}".format(
        *_attendance(r, n)),
    ("query", "session_attendee"): lambda r, n: "{} queried a supervision session with {}".format(
        *_attendance(r, n)),
    ("create", "training_record"): lambda r, n: "recorded {1} for {0}".format(*_record(r, n)),
    ("upload_certificate", "training_record"): lambda r, n: "uploaded a certificate of {1} for {0}".format(
        *_record(r, n)),
    ("approve_certificate", "training_record"): lambda r, n: "approved the certificate of {1} for {0}".format(
        *_record(r, n)),
    ("reject_certificate", "training_record"): lambda r, n: "rejected the certificate of {1} for {0}".format(
        *_record(r, n)),
    ("create", "person"): lambda r, n: f"added {_subject_person(r, n)}",
    ("update", "person"): lambda r, n: f"changed the details of {_subject_person(r, n)}",
    ("change_employment", "person"): lambda r, n: f"changed the job of {_subject_person(r, n)}",
    ("leaver", "person"): lambda r, n: f"recorded {_subject_person(r, n)} as a leaver",
    ("leaver_corrected", "person"): lambda r, n: f"corrected the last day of {_subject_person(r, n)}",
    ("leaver_undone", "person"): lambda r, n: f"undid the leaving of {_subject_person(r, n)}",
    ("archive", "person"): lambda r, n: f"archived {_subject_person(r, n)}",
    ("restore", "person"): lambda r, n: f"restored {_subject_person(r, n)}",
    ("anonymise", "person"): lambda r, n: "anonymised a leaver's personal details",
    ("create", "absence"): lambda r, n: f"recorded an absence for {_subject_person(r, n)}",
    ("update", "absence"): lambda r, n: f"changed an absence of {_subject_person(r, n)}",
    ("assign", "supervisor_assignment"): lambda r, n: "named {} as supervisor of {}".format(*_assignment(r, n)),
    ("end", "supervisor_assignment"): lambda r, n: "ended {}'s supervision of {}".format(*_assignment(r, n)),
    ("acknowledge", "policy_acknowledgement"): lambda r, n: "acknowledged a policy",
    ("sign_in", "user"): lambda r, n: "signed in",
    ("sign_in_failed", "user"): lambda r, n: "failed to sign in",
    ("change_own_password", "user"): lambda r, n: "changed their password",
    ("change_password", "user"): lambda r, n: f"set a new password for {_named(r, 'email')}",
    ("create", "user"): lambda r, n: f"created the sign-in {_named(r, 'email')}",
    ("set_roles", "user"): lambda r, n: f"changed the roles of {_named(r, 'email')}",
    ("activate", "user"): lambda r, n: f"reactivated the sign-in {_named(r, 'email')}",
    ("deactivate", "user"): lambda r, n: f"deactivated the sign-in {_named(r, 'email')}",
    ("create", "organisation"): lambda r, n: f"added the employer {_named(r)}",
    ("update", "organisation"): lambda r, n: f"changed the employer {_named(r)}",
    ("create", "pcn"): lambda r, n: f"added the PCN {_named(r)}",
    ("create", "course"): lambda r, n: f"added the course {_named(r)}",
    ("create", "role"): lambda r, n: f"added the role {_named(r)}",
    ("set", "requirement"): lambda r, n: "set a training requirement",
    ("remove", "requirement"): lambda r, n: "removed a training requirement",
    ("set", "supervision_rule"): lambda r, n: "set a supervision rule",
    ("remove", "supervision_rule"): lambda r, n: "removed a supervision rule",
    ("create", "employer_policy"): lambda r, n: "added an employer's policy",
    ("create", "policy_topic"): lambda r, n: f"added the policy topic {_named(r)}",
    ("create", "api_token"): lambda r, n: "created an API token",
    ("revoke", "api_token"): lambda r, n: "revoked an API token",
}
VERBS = {"create": "added", "update": "changed", "remove": "removed", "set": "set", "import": "imported"}


def fallback(row: AuditRow) -> str:
    """For an event without its own phrasing: the action and the kind of record, in words."""
    verb = VERBS.get(row.action, row.action.replace("_", " "))
    return f"{verb} {'a' if row.entity[:1] not in 'aeiou' else 'an'} {row.entity.replace('_', ' ')}".strip()


def sentence(row: AuditRow, names: Names) -> str:
    """One event as a sentence: who did what to whom, on a UK date at a Europe/London time."""
    phrase = PHRASES.get((row.action, row.entity))
    try:
        words = phrase(row, names) if phrase is not None else fallback(row)
    except (TypeError, ValueError, IndexError, KeyError):
        words = fallback(row)
    who = names.actor(row.actor)
    if row.entity == "session_attendee" and phrase is not None:
        return f"{words} on {row.at.strftime('%d/%m/%Y')} at {row.at.strftime('%H:%M')}"
    return f"{who} {words} on {row.at.strftime('%d/%m/%Y')} at {row.at.strftime('%H:%M')}"


def shown_changes(row: AuditRow) -> list[tuple[str, str, str]]:
    """The raw changes for the admins' collapsed details, never a note's field."""
    return [c for c in row.changes if c[0] not in SECRET_KEYS]


def sentences(rows: list[AuditRow]) -> list[str]:
    """The page's events as sentences, with one look-up of names for all of them (run it in a thread)."""
    names = Names.for_rows(rows)
    return [sentence(row, names) for row in rows]
