"""Team training events as pages and the register show them: who may see which, and what each holds.

Admins see every event; a lead sees those with someone of their team on them; anyone else the events they attend
or are invited to. The register (names and employers) is a lead's or an admin's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.access import Viewer
from tracker.errors import NotFound, PermissionDenied
from tracker.models import Course, Employment, Organisation, Person, TrainingEvent, TrainingEventAttendee
from tracker.views.directory import team_ids
from tracker.views.population import Scope, scope_jobs


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    employers: tuple[str, ...]
    already_held: bool  # held the course on that date before the event: reported, not duplicated
    has_record: bool


@dataclass(frozen=True)
class EventSummary:
    event_id: int
    course_code: str
    course: str
    date: date
    provider: str
    minutes: int | None
    planned: bool
    attendees: int
    created_by: str


@dataclass(frozen=True)
class EventDetail:
    summary: EventSummary
    attendees: tuple[Attendee, ...]
    employers: tuple[str, ...]
    may_correct: bool  # a lead or admin whose team holds every attendee


def _summaries(event_ids: set[int] | None) -> list[EventSummary]:
    query = TrainingEvent.select(TrainingEvent, Course).join(Course)
    if event_ids is not None:
        if not event_ids:
            return []
        query = query.where(TrainingEvent.id.in_(list(event_ids)))
    counts: dict[int, int] = {}
    for (event_id,) in TrainingEventAttendee.select(TrainingEventAttendee.event).tuples():
        counts[event_id] = counts.get(event_id, 0) + 1
    return [
        EventSummary(e.id, e.course.code, e.course.name, e.date, e.provider, e.minutes, bool(e.planned),
                     counts.get(e.id, 0), e.created_by)
        for e in query.order_by(TrainingEvent.date.desc(), TrainingEvent.id.desc())
    ]


def _attendance() -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for event_id, person_id in TrainingEventAttendee.select(
        TrainingEventAttendee.event, TrainingEventAttendee.person
    ).tuples():
        found.setdefault(event_id, set()).add(person_id)
    return found


def visible_events(viewer: Viewer, as_of: date) -> list[EventSummary]:
    if viewer.is_admin:
        return _summaries(None)
    attendance = _attendance()
    team = team_ids(viewer, as_of) if viewer.is_lead else set()
    mine = {
        e for e, people in attendance.items()
        if (viewer.person_id is not None and viewer.person_id in people) or (people & team)
    }
    return _summaries(mine)


def upcoming_for(person_id: int, as_of: date) -> list[EventSummary]:
    """Planned events this person is invited to, from as_of on (for "what is due next" and the calendar)."""
    invited = {e for (e,) in TrainingEventAttendee.select(TrainingEventAttendee.event)
               .where(TrainingEventAttendee.person == person_id).tuples()}
    return sorted((e for e in _summaries(invited) if e.planned and e.date >= as_of), key=lambda e: e.date)


def _employers_of(person_ids: list[int], on: date) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = (
        scope_jobs(Scope(), on, Employment.person, Organisation.name)
        .join(Organisation, on=(Employment.employer == Organisation.id))
        .where(Employment.person.in_(person_ids))
        .tuples()
    )
    for pid, name in rows:
        if name not in found.setdefault(pid, []):
            found[pid].append(name)
    return found


def event_detail(viewer: Viewer, event_id: int, as_of: date) -> EventDetail:
    event = TrainingEvent.get_or_none(TrainingEvent.id == event_id)
    if event is None:
        raise NotFound("There is no such training event.")
    rows = list(
        TrainingEventAttendee.select(TrainingEventAttendee, Person)
        .join(Person)
        .where(TrainingEventAttendee.event == event.id)
    )
    ids = {r.person_id for r in rows}
    team = team_ids(viewer, min(event.date, as_of)) if (viewer.is_lead or viewer.is_admin) else set()
    if not (viewer.is_admin or (ids & team) or viewer.person_id in ids):
        raise PermissionDenied("this event is not one of your team's")
    employers = _employers_of(list(ids), event.date)
    attendees = tuple(sorted(
        (Attendee(r.person_id, r.person.name, tuple(employers.get(r.person_id, [])), bool(r.already_held),
                  r.record_id is not None) for r in rows),
        key=lambda a: (a.name.lower(), a.person_id),
    ))
    summary = _summaries({event.id})[0]
    every_employer = tuple(sorted({e for a in attendees for e in a.employers}, key=str.lower))
    may_correct = (viewer.is_admin or viewer.is_lead) and ids <= (team | ({-1} if viewer.is_admin else set()))
    return EventDetail(summary, attendees, every_employer, bool(may_correct or viewer.is_admin))


def register(viewer: Viewer, event_id: int, as_of: date) -> EventDetail:
    """The attendance register, for a lead of the team or an admin."""
    if not (viewer.is_admin or viewer.is_lead):
        raise PermissionDenied("the register is for leads and admins")
    return event_detail(viewer, event_id, as_of)


def course_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in Course.select(Course.code, Course.name).order_by(Course.name).tuples()]
