"""A supervisor's caseload and log, and a supervisee's sessions: reads that return dataclasses, and the one
write a supervisor makes from the app (logging a session for their own supervisees, checked here).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tracker import compliance as c
from tracker import note_crypto
from tracker.access import Scope, SessionFacts, may_read_private_note, may_read_summary
from tracker.dates import add_months, month_start
from tracker.models import Person, SessionAttendee, SupervisionSession, full_name
from tracker.views.access_facts import supervisee_ids
from tracker.views.population import snapshot
from tracker.views.team_views import Paged, paginate

# How urgent a supervisee's month is, most urgent first.
MISSED_LAST_MONTH, DUE, MET, PAUSED = "missed_last_month", "due", "met", "paused"
URGENCY = {MISSED_LAST_MONTH: 0, DUE: 1, PAUSED: 2, MET: 3}
CASELOAD_PAGE_SIZE = 25  # the most urgent 25 first; the pager shows the rest


@dataclass(frozen=True)
class SuperviseeRow:
    person_id: int
    name: str
    staff_id: str
    role: str
    employer: str
    rag: str
    this_month: c.MonthStatus | None
    last_month: c.MonthStatus | None
    last_session: date | None
    days_since: int | None
    state: str  # one of URGENCY

    @property
    def summary(self) -> str:
        """The minutes behind the state, in words."""
        m, before = self.this_month, self.last_month
        if self.state == MISSED_LAST_MONTH and before is not None:
            so_far = f"; {m.minutes} so far this month" if m is not None else ""
            return f"{before.minutes} of {before.required} minutes last month{so_far}"
        if m is None:
            return "Not employed this month"
        if self.state == PAUSED:
            return "Absent for most of this month"
        return f"{m.minutes} of {m.required} minutes" + ("" if self.state == MET else " so far")


def caseload(supervisor_id: int, as_of: date) -> list[SuperviseeRow]:
    """The supervisor's supervisees on as_of, the most urgent first (missed last month, then due this month).
    Worked out by the engine once and kept until the data changes (team_cache: any write anywhere changes the
    marker it is kept under), so the page is never stale and a supervisor's repeated visits cost no rules."""
    from tracker.views.team_cache import CACHE

    return list(CACHE.remembered(("caseload", supervisor_id, as_of), lambda: _caseload(supervisor_id, as_of)))


@dataclass(frozen=True)
class CaseloadPage:
    rows: Paged[SuperviseeRow]  # one page of the caseload, the most urgent first
    to_see: int  # of all the supervisees: due this month or missed last month


def caseload_page(supervisor_id: int, as_of: date, page: int = 1, size: int = CASELOAD_PAGE_SIZE) -> CaseloadPage:
    """One page of caseload() (a page past the end shows the last), with how many are still to see."""
    rows = caseload(supervisor_id, as_of)
    return CaseloadPage(paginate(rows, page, size), sum(1 for r in rows if r.state in (DUE, MISSED_LAST_MONTH)))


def _caseload(supervisor_id: int, as_of: date) -> list[SuperviseeRow]:
    ids = supervisee_ids(supervisor_id, as_of)
    if not ids:
        return []
    this, previous = month_start(as_of), add_months(month_start(as_of), -1)
    rows = []
    for r in snapshot(as_of, Scope(person_ids=frozenset(ids))):
        now, before = r.month(this), r.month(previous)
        if before is not None and before.status == c.MISSED:
            state = MISSED_LAST_MONTH
        elif now is not None and now.status == c.MET:
            state = MET
        elif now is not None and now.status == c.PAUSED:
            state = PAUSED
        else:
            state = DUE
        job = r.employment
        rows.append(
            SuperviseeRow(
                person_id=r.person_id, name=r.name, staff_id=r.staff_id,
                role=job.role_name if job else "", employer=job.employer_name if job else "",
                rag=r.rag, this_month=now, last_month=before, last_session=r.last_session,
                days_since=(as_of - r.last_session).days if r.last_session else None, state=state,
            )
        )
    return sorted(rows, key=lambda row: (URGENCY[row.state], -(row.days_since or 10**6), row.name))


def supervisee_choices(supervisor_id: int, on: date) -> list[tuple[int, str]]:
    ids = supervisee_ids(supervisor_id, on)
    people = Person.select(Person.id, Person.first_name, Person.last_name).where(Person.id.in_(ids))
    return sorted(((p.id, p.name) for p in people), key=lambda t: t[1])


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    confirmation: str
    query_text: str
    private_note: str = ""  # filled only for the reader the note belongs to: this attendee or the supervisor


@dataclass(frozen=True)
class SessionView:
    session_id: int
    on: date
    minutes: int
    kind: str
    format: str
    mode: str
    topics: str
    actions: str
    next_date: date | None
    group_summary: str  # shared by every party of a group session
    supervisor_notes: str  # a group session's notes from before per-person notes: the supervisor's eyes only
    supervisor_id: int
    supervisor: str
    attendees: tuple[Attendee, ...]

    def attendee(self, person_id: int) -> Attendee | None:
        return next((a for a in self.attendees if a.person_id == person_id), None)

    def private_note_of(self, person_id: int) -> str:
        found = self.attendee(person_id)
        return found.private_note if found else ""


@dataclass(frozen=True)
class LogTotals:
    sessions: int
    minutes: int
    people: int
    by_kind: dict[str, int]

    @property
    def hours(self) -> str:
        return f"{self.minutes // 60} h {self.minutes % 60:02d} min"


def _views(sessions: Iterable[SupervisionSession], reader: int, notes_key: bytes) -> list[SessionView]:
    """The sessions as the person `reader` may see them: their own private notes (every attendee's, for the supervisor),
    the group summary where they are a party, and nobody else's note (tracker.access decides)."""
    rows = list(sessions)
    if not rows:
        return []
    ids = [s.id for s in rows]
    found: dict[int, list[tuple[int, str, str, str, str]]] = {}
    query = (
        SessionAttendee.select(
            SessionAttendee.session, SessionAttendee.person, Person.first_name, Person.last_name,
            SessionAttendee.confirmation, SessionAttendee.query_text, SessionAttendee.private_note,
        )
        .join(Person)
        .where(SessionAttendee.session.in_(ids))
        .order_by(Person.last_name, Person.first_name)
        .tuples()
    )
    for session_id, person_id, first_name, last_name, confirmation, query_text, private_note in query:
        found.setdefault(session_id, []).append(
            (person_id, full_name(first_name, last_name), confirmation, query_text, private_note)
        )
    facts = {
        s.id: SessionFacts(s.id, s.supervisor_id, frozenset(a[0] for a in found.get(s.id, ()))) for s in rows
    }
    attendees: dict[int, list[Attendee]] = {}
    for sid, people in found.items():
        for person_id, name, confirmation, query_text, sealed in people:
            note = ""
            if may_read_private_note(reader, facts[sid], person_id):
                note = note_crypto.unseal(sealed, note_crypto.attendee_place(sid, person_id), notes_key)
            attendees.setdefault(sid, []).append(Attendee(person_id, name, confirmation, query_text, note))
    supervisors = {
        p.id: p.name
        for p in Person.select(Person.id, Person.first_name, Person.last_name).where(
            Person.id.in_({s.supervisor_id for s in rows})
        )
    }
    return [
        SessionView(
            s.id, s.date, s.minutes, s.kind, s.format, s.mode, s.topics, s.actions, s.next_date,
            note_crypto.unseal(s.group_summary, note_crypto.summary_place(s.id), notes_key)
            if may_read_summary(reader, facts[s.id]) else "",
            note_crypto.unseal(s.supervisor_notes, note_crypto.supervisor_place(s.id), notes_key)
            if reader == s.supervisor_id else "",
            s.supervisor_id, supervisors.get(s.supervisor_id, ""), tuple(attendees.get(s.id, ())),
        )
        for s in rows
    ]


def supervisor_log(
    supervisor_id: int,
    first: date,
    last: date,
    supervisee_id: int | None = None,
    kind: str | None = None,
    *,
    notes_key: bytes,
    limit: int | None = None,
) -> tuple[list[SessionView], LogTotals]:
    """Sessions the supervisor gave between the dates (newest first), optionally for one supervisee or kind;
    the notes opened with `notes_key`. `limit`: only the newest so many as views (their attendees read and notes
    opened), the totals still over every session that matches."""
    query = SupervisionSession.select().where(SupervisionSession.id.in_(_given_between(supervisor_id, first, last)))
    if kind:
        query = query.where(SupervisionSession.kind == kind)
    if supervisee_id is not None:
        attended = SessionAttendee.select(SessionAttendee.session).where(SessionAttendee.person == supervisee_id)
        query = query.where(SupervisionSession.id.in_(attended))
    newest = SupervisionSession.date.desc(), SupervisionSession.id.desc()
    found: list[tuple[int, str, int]] = list(
        query.select(SupervisionSession.id, SupervisionSession.kind, SupervisionSession.minutes)
        .order_by(*newest)
        .tuples()  # type: ignore[arg-type]
    )
    by_kind: dict[str, int] = {}
    for _, session_kind, minutes in found:
        by_kind[session_kind] = by_kind.get(session_kind, 0) + minutes
    ids = [session_id for session_id, _, _ in found]
    people = {person for (person,) in SessionAttendee.select(SessionAttendee.person)
              .where(SessionAttendee.session.in_(ids)).tuples()} if ids else set()
    totals = LogTotals(len(found), sum(minutes for _, _, minutes in found), len(people), by_kind)
    shown = SupervisionSession.select().where(SupervisionSession.id.in_(ids[:limit] if limit else ids)).order_by(*newest)
    return (_views(shown, supervisor_id, notes_key) if ids else []), totals


def _given_between(supervisor_id: int, first: date, last: date) -> list[int]:
    """The ids of the sessions the supervisor gave between the dates, found through the supervisor's index.

    Asked for both at once, SQLite's planner (without ANALYZE's statistics) walks the date index instead: at
    10,000 staff a year of everyone's sessions, 80-140 ms, against about 2 ms this way."""
    given = SupervisionSession.select(SupervisionSession.id, SupervisionSession.date).where(
        SupervisionSession.supervisor == supervisor_id
    )
    return [session_id for session_id, on in given.tuples() if first <= on <= last]


def people_supervised(supervisor_id: int) -> list[tuple[int, str]]:
    """Everyone who has attended a session this supervisor gave (for the log's filter)."""
    query = (
        Person.select(Person.id, Person.first_name, Person.last_name)
        .join(SessionAttendee)
        .join(SupervisionSession)
        .where(SupervisionSession.supervisor == supervisor_id)
        .distinct()
    )
    return sorted(((p.id, p.name) for p in query), key=lambda t: t[1])


def sessions_attended(person_id: int, as_of: date, months: int = 12, *, notes_key: bytes) -> list[SessionView]:
    """The person's sessions in the last `months` months up to as_of, newest first; notes opened with `notes_key`."""
    first = add_months(month_start(as_of), -(months - 1))
    attended = SessionAttendee.select(SessionAttendee.session).where(SessionAttendee.person == person_id)
    query = SupervisionSession.select().where(
        SupervisionSession.id.in_(attended) & (SupervisionSession.date >= first) & (SupervisionSession.date <= as_of)
    )
    return _views(query.order_by(SupervisionSession.date.desc(), SupervisionSession.id.desc()), person_id, notes_key)
