"""Supervision sessions (one-to-one and group) and the supervisee's confirmation of the record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tracker import note_crypto
from tracker.access import Viewer, require
from tracker.clock import now as clock_now
from tracker.clock import today as clock_today
from tracker.clock import utc_now
from tracker.clock import zone as clock_zone
from tracker.dates import uk
from tracker.db import database
from tracker.errors import NeedsConfirmation, NotFound, PermissionDenied, ValidationError
from tracker.models import (
    SESSION_FORMATS,
    SESSION_MODES,
    SUPERVISION_KINDS,
    Employment,
    Person,
    SessionAttendee,
    SupervisionSession,
)
from tracker.services import audit
from tracker.services.validate import (
    Lookups,
    Problems,
    a_date,
    choice,
    integer,
    not_in_future,
    optional_date,
    person_by_id,
    split_list,
    strict,
    text,
)
from tracker.views.access_facts import supervisee_ids

MAX_MINUTES = 480
Spans = dict[int, list[tuple[date, date | None]]]


@dataclass(frozen=True)
class SessionInput:
    supervisor: Person
    on: date
    minutes: int
    kind: str
    format: str
    mode: str
    supervisees: tuple[Person, ...]
    topics: str = ""
    actions: str = ""
    next_date: date | None = None
    # Each attendee's private note with the supervisor (person id -> text): seen by those two only.
    private_notes: Mapping[int, str] = field(default_factory=dict)
    group_summary: str = ""  # a group session's notes shared by every attendee and the supervisor

    @property
    def key(self) -> tuple[int, date, int, str, frozenset[int]]:
        return (self.supervisor.id, self.on, self.minutes, self.kind, frozenset(p.id for p in self.supervisees))


def employment_spans(person_ids: list[int] | None = None) -> Spans:
    query = Employment.select(Employment.person, Employment.start_date, Employment.end_date)
    if person_ids is not None:
        query = query.where(Employment.person.in_(person_ids))
    spans: Spans = {}
    for pid, start, end in query.tuples():
        spans.setdefault(pid, []).append((start, end))
    return spans


def _employed(spans: Spans, person_id: int, on: date) -> bool:
    return any(start <= on and (end is None or on <= end) for start, end in spans.get(person_id, ()))


def _supervisor(value: object, lookups: Lookups) -> Person:
    person = lookups.person(value, "supervisor_staff_id")
    if person.archived:
        raise ValidationError(f"{person.staff_id} is archived and cannot supervise", "supervisor_staff_id")
    return person


def _supervisees(value: object, lookups: Lookups) -> tuple[Person, ...]:
    ids = split_list(value)
    if not ids:
        raise ValidationError("at least one supervisee is required", "supervisee_staff_ids")
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValidationError(f"{', '.join(repeated)} is listed more than once", "supervisee_staff_ids")
    return tuple(lookups.person(i, "supervisee_staff_ids") for i in ids)


def session_input(
    raw: Mapping[str, object], lookups: Lookups, today: date, spans: Spans, take: Any = strict
) -> SessionInput | None:
    """Check one session (the columns of the supervision file); None if `take` collected an error."""
    on = take("date", lambda: not_in_future(a_date(raw.get("date"), "date"), today, "date"))
    supervisor = take("supervisor_staff_id", lambda: _supervisor(raw.get("supervisor_staff_id"), lookups))
    people = take("supervisee_staff_ids", lambda: _supervisees(raw.get("supervisee_staff_ids"), lookups))
    minutes = take("minutes", lambda: integer(raw.get("minutes"), "minutes", 1, MAX_MINUTES))
    kind = take("kind", lambda: choice(raw.get("kind"), SUPERVISION_KINDS, "kind", "clinical"))
    mode = take("mode", lambda: choice(raw.get("mode"), SESSION_MODES, "mode", "in_person"))
    default_format = "group" if people is not None and len(people) > 1 else "one_to_one"
    fmt = take("format", lambda: choice(raw.get("format"), SESSION_FORMATS, "format", default_format))
    topics = take("topics", lambda: text(raw.get("topics"), "topics", max_length=4000))
    actions = take("actions", lambda: text(raw.get("actions"), "actions", max_length=4000))
    notes = take("private_notes", lambda: _notes(raw.get("private_notes"), people))
    summary = take("group_summary", lambda: text(raw.get("group_summary"), "group_summary", max_length=8000))
    next_date = take("next_date", lambda: optional_date(raw.get("next_date"), "next_date"))
    if on is None or supervisor is None or people is None or minutes is None or kind is None or mode is None:
        return None
    if fmt is None or topics is None or actions is None or notes is None or summary is None:
        return None
    item = SessionInput(supervisor, on, minutes, kind, fmt, mode, people, topics, actions, next_date, notes, summary)
    take("supervisee_staff_ids", lambda: _check_people(item, spans))
    take("format", lambda: _check_format(item))
    take("group_summary", lambda: _check_notes(item))
    if next_date is not None and next_date <= on:
        take("next_date", lambda: _raise("the next date must be after the session date", "next_date"))
    return item


def _raise(message: str, field: str) -> None:
    raise ValidationError(message, field)


def _notes(value: object, people: tuple[Person, ...] | None) -> dict[int, str]:
    """Private notes: one text (a one-to-one session's, as an import file gives it), or one per attendee
    (person id or staff id -> text). A text for several people at once is refused: it would reach them all."""
    if value is None or value == "" or people is None:
        return {}
    if not isinstance(value, Mapping):
        note = text(value, "private_notes", max_length=8000)
        if not note:
            return {}
        if len(people) != 1:
            raise ValidationError(
                "a group session has no shared private notes: each attendee has their own note with you "
                "(add them in the app), and what all may read goes in the group summary", "private_notes")
        return {people[0].id: note}
    by_key = {**{p.staff_id: p.id for p in people}, **{p.id: p.id for p in people}}
    notes: dict[int, str] = {}
    for key, note in value.items():
        if key not in by_key:
            raise ValidationError(f"a private note is for {key}, who is not at this session", "private_notes")
        clean = text(note, "private_notes", max_length=8000)
        if clean:
            notes[by_key[key]] = clean
    return notes


def _check_notes(item: SessionInput) -> None:
    if item.group_summary and item.format != "group":
        raise ValidationError("only a group session has a group summary; use the private note", "group_summary")


def _check_people(item: SessionInput, spans: Spans) -> None:
    if any(p.id == item.supervisor.id for p in item.supervisees):
        raise ValidationError(
            f"{item.supervisor.staff_id} cannot supervise themself (they are the supervisor)", "supervisee_staff_ids"
        )
    absent = [p.staff_id for p in item.supervisees if not _employed(spans, p.id, item.on)]
    if absent:
        raise ValidationError(
            f"{', '.join(absent)} {'was' if len(absent) == 1 else 'were'} not employed on {uk(item.on)}",
            "supervisee_staff_ids",
        )


def _check_format(item: SessionInput) -> None:
    if item.format == "group" and len(item.supervisees) < 2:
        raise ValidationError("a group session needs at least two supervisees", "format")
    if item.format == "one_to_one" and len(item.supervisees) != 1:
        raise ValidationError("a one-to-one session has exactly one supervisee (use format group)", "format")


def existing_keys(first: date, last: date) -> set[tuple[int, date, int, str, frozenset[int]]]:
    """The keys of sessions already held between the dates (to skip a file imported twice)."""
    sessions: dict[int, tuple[int, date, int, str]] = {}
    people: dict[int, set[int]] = {}
    query = (
        SessionAttendee.select(
            SupervisionSession.id, SupervisionSession.supervisor, SupervisionSession.date, SupervisionSession.minutes,
            SupervisionSession.kind, SessionAttendee.person,
        )
        .join(SupervisionSession)
        .where((SupervisionSession.date >= first) & (SupervisionSession.date <= last))
    )
    for sid, supervisor, day, minutes, kind, person in query.tuples():
        sessions[sid] = (supervisor, day, minutes, kind)
        people.setdefault(sid, set()).add(person)
    return {(s[0], s[1], s[2], s[3], frozenset(people[sid])) for sid, s in sessions.items()}


def insert_session(item: SessionInput, notes_key: bytes | None = None) -> SupervisionSession:
    """Write one session and its attendees (inside the caller's transaction), notes sealed with `notes_key`
    (none may be written without it); no audit here."""
    session = SupervisionSession.create(
        supervisor=item.supervisor, date=item.on, minutes=item.minutes, kind=item.kind, format=item.format,
        mode=item.mode, topics=item.topics, actions=item.actions, next_date=item.next_date,
    )
    if item.group_summary:
        session.group_summary = note_crypto.seal_if_written(item.group_summary, note_crypto.summary_place(session.id),
                                                            notes_key)
        SupervisionSession.update(group_summary=session.group_summary).where(
            SupervisionSession.id == session.id).execute()
    SessionAttendee.insert_many([
        {"session": session.id, "person": p.id,
         "private_note": note_crypto.seal_if_written(item.private_notes.get(p.id, ""),
                                                     note_crypto.attendee_place(session.id, p.id), notes_key)}
        for p in item.supervisees
    ]).execute()
    return session


def session_summary(session: SupervisionSession, item: SessionInput) -> dict[str, object]:
    """The audit picture of a session: notes (private or the group's) are never in it."""
    summary = audit.as_dict(session) or {}
    return summary | {
        "supervisor_staff_id": item.supervisor.staff_id,
        "supervisee_staff_ids": [p.staff_id for p in item.supervisees],
    }


def same_session_held(item: SessionInput) -> SupervisionSession | None:
    """A session already held with the same supervisor, day, minutes, kind and attendees (a likely repeat)."""
    candidates = SupervisionSession.select().where(
        (SupervisionSession.supervisor == item.supervisor.id) & (SupervisionSession.date == item.on)
        & (SupervisionSession.minutes == item.minutes) & (SupervisionSession.kind == item.kind)
    ).order_by(SupervisionSession.recorded_at.desc())
    wanted = item.key[-1]
    for held in candidates:
        attendees = frozenset(a.person_id for a in SessionAttendee.select(SessionAttendee.person).where(
            SessionAttendee.session == held.id))
        if attendees == wanted:
            return held
    return None


def repeat_question(held: SupervisionSession) -> str:
    """'this looks like the session you logged at 10:02 — save another?' (the time in the app's zone)."""
    recorded = held.recorded_at if isinstance(held.recorded_at, datetime) else datetime.fromisoformat(str(held.recorded_at))
    local = recorded.replace(tzinfo=UTC).astimezone(clock_zone())
    when = local.strftime("%H:%M") if local.date() == clock_now().date() else local.strftime("%H:%M on %d/%m/%Y")
    return f"this looks like the session you logged at {when} — save another?"


def log_session(
    actor: str,
    supervisor_id: int,
    on: date | str,
    minutes: int | str,
    kind: str,
    format: str | None,
    mode: str,
    supervisee_ids: list[int],
    topics: str = "",
    actions: str = "",
    next_date: date | str | None = None,
    private_notes: str | Mapping[int, str] = "",
    group_summary: str = "",
    *,
    today: date | None = None,
    repeat_ok: bool = False,
    notes_key: bytes | None = None,
) -> SupervisionSession:
    """Record a session given by `supervisor_id` to one or more supervisees; every one employed on the date.
    A session just like one already held is asked about (NeedsConfirmation) unless `repeat_ok`.

    `private_notes`: each attendee's own note with the supervisor (person id -> text; a plain text for a
    one-to-one session); `group_summary`: what every attendee of a group session may read. Notes are sealed
    with `notes_key` (tracker.note_crypto); a session with notes is refused without it."""
    with database.atomic():
        supervisor = person_by_id(supervisor_id)
        staff: dict[int, str] = dict(
            Person.select(Person.id, Person.staff_id).where(Person.id.in_(supervisee_ids)).tuples()
        )
        unknown = [str(i) for i in supervisee_ids if i not in staff]
        if unknown:
            raise ValidationError(f"no person has id {', '.join(unknown)}", "supervisee_staff_ids")
        raw = {
            "date": on, "supervisor_staff_id": supervisor.staff_id, "minutes": minutes, "kind": kind,
            "format": format, "mode": mode, "supervisee_staff_ids": [staff[i] for i in supervisee_ids],
            "topics": topics, "actions": actions, "next_date": next_date, "private_notes": private_notes,
            "group_summary": group_summary,
        }
        problems = Problems()  # every field is checked, and all that are wrong are refused together
        item = session_input(raw, Lookups(), today or clock_today(), employment_spans(list(staff)), problems)
        problems.check()
        assert item is not None
        held = None if repeat_ok else same_session_held(item)
        if held is not None:
            raise NeedsConfirmation(repeat_question(held))
        session = insert_session(item, notes_key)
        audit.record(actor, "create", "supervision_session", session.id, None, session_summary(session, item))
    return session


def _attendance(session_id: int, person_id: int) -> SessionAttendee:
    found = SessionAttendee.get_or_none(
        (SessionAttendee.session == session_id) & (SessionAttendee.person == person_id)
    )
    if found is None:
        raise NotFound(f"person {person_id} is not recorded as attending session {session_id}")
    return found


def confirm_attendance(actor: str, session_id: int, person_id: int) -> SessionAttendee:
    """The supervisee confirms that the record of the session is right."""
    with database.atomic():
        row = _attendance(session_id, person_id)
        before = audit.as_dict(row)
        row.confirmation, row.confirmed_at, row.query_text = "confirmed", utc_now(), ""
        row.save()
        audit.record(actor, "confirm", "session_attendee", row.id, before, audit.as_dict(row))
    return row


def query_attendance(actor: str, session_id: int, person_id: int, question: str) -> SessionAttendee:
    """The supervisee says what is wrong with the record; the supervisor sees the query."""
    clean = text(question, "query_text", required=True, max_length=2000)
    with database.atomic():
        row = _attendance(session_id, person_id)
        before = audit.as_dict(row)
        row.confirmation, row.confirmed_at, row.query_text = "queried", None, clean
        row.save()
        audit.record(actor, "query", "session_attendee", row.id, before, audit.as_dict(row))
    return row


def sessions_given(supervisor_id: int, first: date, last: date) -> list[SupervisionSession]:
    query = (
        SupervisionSession.select()
        .where(
            (SupervisionSession.supervisor == supervisor_id)
            & (SupervisionSession.date >= first)
            & (SupervisionSession.date <= last)
        )
        .order_by(SupervisionSession.date.desc())
    )
    return list(query)


def log_own_session(
    viewer: Viewer,
    on: date | str,
    minutes: int | str,
    kind: str,
    format: str | None,
    mode: str,
    supervisee_ids_: list[int],
    topics: str = "",
    actions: str = "",
    next_date: date | str | None = None,
    private_notes: str | Mapping[int, str] = "",
    group_summary: str = "",
    *,
    today: date,
    repeat_ok: bool = False,
    notes_key: bytes | None = None,
) -> SupervisionSession:
    """A supervisor logs a session they gave; every attendee must be their supervisee (today or on the day).
    A session just like one they logged already is asked about first (NeedsConfirmation) unless `repeat_ok`."""
    require(viewer, "supervisor")
    assert viewer.person_id is not None
    allowed = set(supervisee_ids(viewer.person_id, today))
    if isinstance(on, date):
        allowed |= set(supervisee_ids(viewer.person_id, on))
    strangers = [i for i in supervisee_ids_ if i not in allowed]
    if strangers:
        raise PermissionDenied("you may log sessions only with your own supervisees")
    return log_session(
        viewer.actor, viewer.person_id, on, minutes, kind, format, mode, list(supervisee_ids_),
        topics, actions, next_date, private_notes, group_summary, today=today, repeat_ok=repeat_ok,
        notes_key=notes_key,
    )
