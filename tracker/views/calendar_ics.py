# mypy: disable-error-code="attr-defined,misc"
"""Calendar files (iCalendar): a supervisor's coming sessions, a person's training expiry dates, and the
private feed that joins what a user should see.

Sessions and expiries are days, not times, so every event is an all-day event (DTSTART;VALUE=DATE): a date
cannot drift across midnight in any client's zone. The calendar still names its zone, Europe/London, with a
VTIMEZONE and X-WR-TIMEZONE, and stamps each event in UTC. Private notes never go into a calendar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vText

from tracker import compliance as c
from tracker.access import Viewer
from tracker.dates import uk
from tracker.models import Person, SessionAttendee, SupervisionSession, full_name
from tracker.settings import DEFAULT_TIMEZONE
from tracker.views.population import person_compliance

ZONE = DEFAULT_TIMEZONE  # feeds are stamped in the product's zone
PRODID = "-//NHS primary care compliance tracker//calendar//EN"
UID_DOMAIN = "compliance-tracker"
KIND_NAMES = {"clinical": "clinical", "educational": "educational", "practice": "clinic/practice"}


# RFC 5545 TEXT holds no control character but tab; icalendar escapes line breaks (CR, LF) and passes the rest
# through raw (a NUL or an ESC from a name would reach the calendar app, or a terminal), so they are removed
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def ics_text(text: str) -> str:
    """Text fit for an iCalendar TEXT value: control characters removed (tab kept; icalendar escapes line breaks)."""
    return CONTROL.sub("", text)


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    day: date
    summary: str
    description: str = ""


def build_calendar(name: str, entries: Iterable[CalendarEntry], stamp: datetime) -> bytes:
    """An iCalendar file of all-day events, with the Europe/London zone described."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(ics_text(name)))  # TEXT, escaped per RFC 5545 (an X- property is not, by default)
    cal.add("x-wr-timezone", ZONE)
    cal.add_component(Timezone.from_tzid(ZONE))
    utc_stamp = stamp.astimezone(ZoneInfo("UTC")) if stamp.tzinfo else stamp.replace(tzinfo=ZoneInfo("UTC"))
    for entry in sorted(entries, key=lambda e: (e.day, e.uid)):
        event = Event()
        event.add("uid", f"{entry.uid}@{UID_DOMAIN}")
        event.add("dtstamp", utc_stamp)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
        event.add("summary", ics_text(entry.summary))
        if entry.description:
            event.add("description", ics_text(entry.description))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


# ---- what goes in ------------------------------------------------------------------------------------


def _names_by_session(session_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    query = (
        SessionAttendee.select(SessionAttendee.session, Person.first_name, Person.last_name)
        .join(Person)
        .where(SessionAttendee.session.in_(session_ids))
        .order_by(Person.last_name, Person.first_name)
    )
    for sid, first, last in query.tuples():
        names.setdefault(sid, []).append(full_name(first, last))
    return names


def supervisor_entries(supervisor_id: int, from_date: date) -> list[CalendarEntry]:
    """Sessions the supervisor has booked on or after from_date, and the next dates agreed at sessions
    (unless a session is already logged for that day)."""
    sessions = list(
        SupervisionSession.select()
        .where(
            (SupervisionSession.supervisor == supervisor_id)
            & ((SupervisionSession.date >= from_date) | (SupervisionSession.next_date >= from_date))
        )
        .order_by(SupervisionSession.date)
    )
    names = _names_by_session([s.id for s in sessions])
    booked = {s.date for s in sessions}
    entries = []
    planned: set[tuple[date, str]] = set()
    for s in sessions:
        who = ", ".join(names.get(s.id, [])) or "no supervisees recorded"
        kind = KIND_NAMES.get(s.kind, s.kind)
        if s.date >= from_date:
            entries.append(CalendarEntry(
                f"session-{s.id}", s.date, f"Supervision with {who}",
                f"{kind.capitalize()} supervision, {s.minutes} minutes, {s.mode.replace('_', ' ')}.",
            ))
        if s.next_date and s.next_date >= from_date and s.next_date not in booked and (s.next_date, who) not in planned:
            planned.add((s.next_date, who))
            entries.append(CalendarEntry(
                f"session-{s.id}-next", s.next_date, f"Next supervision with {who} (planned)",
                f"Agreed at the {kind} supervision session on {uk(s.date)}.",
            ))
    return entries


def supervisee_entries(person_id: int, from_date: date) -> list[CalendarEntry]:
    """A person's own coming supervision: sessions booked for them and next dates agreed with them."""
    Supervisor = Person.alias()
    query = (
        SupervisionSession.select(SupervisionSession, Supervisor)
        .join(SessionAttendee)
        .switch(SupervisionSession)
        .join(Supervisor, on=(SupervisionSession.supervisor == Supervisor.id))
        .where(
            (SessionAttendee.person == person_id)
            & ((SupervisionSession.date >= from_date) | (SupervisionSession.next_date >= from_date))
        )
        .order_by(SupervisionSession.date)
    )
    sessions = list(query)
    booked = {s.date for s in sessions}
    entries = []
    for s in sessions:
        who = s.supervisor.name
        if s.date >= from_date:
            entries.append(CalendarEntry(
                f"attend-{s.id}-{person_id}", s.date, f"Supervision with {who}",
                f"{KIND_NAMES.get(s.kind, s.kind).capitalize()} supervision, {s.minutes} minutes.",
            ))
        if s.next_date and s.next_date >= from_date and s.next_date not in booked:
            booked.add(s.next_date)
            entries.append(CalendarEntry(
                f"attend-{s.id}-{person_id}-next", s.next_date, f"Next supervision with {who} (planned)",
                f"Agreed at the session on {uk(s.date)}.",
            ))
    return entries


def expiry_entries(result: c.PersonCompliance | None) -> list[CalendarEntry]:
    """Each required course's expiry date, or for a course never done the date it is due by."""
    if result is None:
        return []
    entries = []
    for t in result.training:
        if t.expires_on is not None:
            entries.append(CalendarEntry(
                f"expiry-{result.person_id}-{t.course}-{t.expires_on.isoformat()}", t.expires_on,
                f"{t.name} expires", f"Completed on {uk(t.completed_on)}; renew before {uk(t.expires_on)}.",
            ))
        elif t.due_by is not None:
            entries.append(CalendarEntry(
                f"due-{result.person_id}-{t.course}-{t.due_by.isoformat()}", t.due_by,
                f"{t.name} due", f"Not yet done; needed by {uk(t.due_by)}.",
            ))
    return entries


def training_event_entries(person_id: int, from_date: date) -> list[CalendarEntry]:
    """Team training events this person is invited to, from from_date on."""
    from tracker.views.training_events import upcoming_for

    return [
        CalendarEntry(
            f"training-event-{e.event_id}-{person_id}", e.date, f"Team training: {e.course}",
            f"Provider or trainer: {e.provider}." + (f" {e.minutes} minutes." if e.minutes else ""),
        )
        for e in upcoming_for(person_id, from_date)
    ]


# ---- the files ---------------------------------------------------------------------------------------


def supervisor_calendar(supervisor_id: int, from_date: date, stamp: datetime) -> bytes:
    supervisor = Person.get_by_id(supervisor_id)
    return build_calendar(
        f"Supervision sessions: {supervisor.name}", supervisor_entries(supervisor_id, from_date), stamp
    )


def expiry_calendar(person_id: int, as_of: date, stamp: datetime) -> bytes:
    person = Person.get_by_id(person_id)
    return build_calendar(
        f"Training expiry dates: {person.name}", expiry_entries(person_compliance(person_id, as_of)), stamp
    )


def user_feed(viewer: Viewer, as_of: date, stamp: datetime) -> bytes:
    """The private feed: the user's own expiries, supervision and team training they are invited to, and the sessions they give as supervisor."""
    entries: list[CalendarEntry] = []
    if viewer.person_id is not None:
        entries += expiry_entries(person_compliance(viewer.person_id, as_of))
        entries += supervisee_entries(viewer.person_id, as_of)
        entries += training_event_entries(viewer.person_id, as_of)
        if viewer.is_supervisor:
            entries += supervisor_entries(viewer.person_id, as_of)
    return build_calendar("Compliance tracker", entries, stamp)
