"""Team training events: one course held for people from several employers, recorded once.

Recording a held event gives every attendee one training record in one transaction with one audit event (all or
nothing); a person who already holds that course on that date keeps their record and is reported, not
duplicated. An event can be corrected (an attendee added or removed, each audited) and planned ahead (its
invitees see it coming; no record is written until it is marked as held). Leads and admins do this, for the
people of their team (tracker.views.directory: across employers, as the joint team works).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tracker.access import ADMIN, LEAD, Viewer, require
from tracker.dates import uk
from tracker.db import database
from tracker.errors import NotFound, PermissionDenied, ValidationError
from tracker.models import Course, Person, TrainingEvent, TrainingEventAttendee, TrainingRecord
from tracker.services import audit
from tracker.services.validate import a_date, optional_integer, text
from tracker.views.directory import team_ids

MAX_ATTENDEES = 500


@dataclass(frozen=True)
class EventOutcome:
    event_id: int
    recorded: tuple[str, ...]  # names of the people given a record
    already_held: tuple[str, ...]  # names of those who held it on that date already (reported, not duplicated)


def _course(code: object) -> Course:
    found = Course.get_or_none(Course.code == str(code or "").strip())
    if found is None:
        raise ValidationError("choose a course", "course")
    return found


def _people(who: Viewer, ids: Iterable[object], on: date, today: date) -> list[Person]:
    chosen: list[int] = []
    for raw in ids:
        try:
            chosen.append(int(str(raw)))
        except ValueError:
            raise ValidationError("an attendee is not a person of this tracker", "attendees") from None
    chosen = list(dict.fromkeys(chosen))
    if not chosen:
        raise ValidationError("choose at least one attendee", "attendees")
    if len(chosen) > MAX_ATTENDEES:
        raise ValidationError(f"at most {MAX_ATTENDEES} attendees at once", "attendees")
    team = team_ids(who, min(on, today))
    outside = [p for p in chosen if p not in team]
    if outside:
        raise PermissionDenied("an attendee is not in your team")
    people = list(Person.select().where(Person.id.in_(chosen) & (Person.archived == False)))  # noqa: E712
    if len(people) != len(chosen):
        raise ValidationError("an attendee is archived or unknown", "attendees")
    return sorted(people, key=lambda p: (p.name.lower(), p.id))


def _details(course: object, on: object, provider: object, minutes: object) -> tuple[Course, date, str, int | None]:
    return (
        _course(course),
        a_date(on, "date"),
        text(provider, "provider", required=True, max_length=200),
        optional_integer(minutes, "minutes", 1, 24 * 60),
    )


def _give_records(event: TrainingEvent, people: list[Person], course: Course) -> tuple[list[str], list[str]]:
    recorded: list[str] = []
    held: list[str] = []
    for person in people:
        existing = TrainingRecord.get_or_none(
            (TrainingRecord.person == person.id) & (TrainingRecord.course == course.id)
            & (TrainingRecord.completed_on == event.date)
        )
        if existing is None:
            record = TrainingRecord.create(person=person, course=course, completed_on=event.date,
                                           provider=event.provider, evidence_state="approved")
            recorded.append(person.name)
        else:
            record = existing
            held.append(person.name)
        TrainingEventAttendee.update(record=record.id, already_held=existing is not None).where(
            (TrainingEventAttendee.event == event.id) & (TrainingEventAttendee.person == person.id)
        ).execute()
    return recorded, held


def record_event(
    who: Viewer, *, course: object, on: object, provider: object, minutes: object, attendees: Iterable[object],
    today: date, planned: bool = False,
) -> EventOutcome:
    """Record a held event (every attendee gets the record) or plan one (its invitees are told it is coming)."""
    require(who, LEAD, ADMIN)
    course_row, day, provider_text, duration = _details(course, on, provider, minutes)
    if planned and day < today:
        raise ValidationError("a planned event is on a date from today on; record a past one as held", "date")
    if not planned and day > today:
        raise ValidationError(f"a held event cannot be after today ({uk(today)}); plan it instead", "date")
    with database.atomic():
        people = _people(who, attendees, day, today)
        event = TrainingEvent.create(course=course_row, date=day, provider=provider_text, minutes=duration,
                                     planned=planned, created_by=who.actor)
        TrainingEventAttendee.insert_many([{"event": event.id, "person": p.id} for p in people]).execute()
        recorded, held = ([], []) if planned else _give_records(event, people, course_row)
        audit.record(who.actor, "plan_training_event" if planned else "record_training_event", "training_event",
                     event.id, None, {
                         "course": course_row.code, "date": day, "provider": provider_text, "minutes": duration,
                         "attendees": [p.id for p in people], "records_written": len(recorded),
                         "already_held": held,
                     })
    return EventOutcome(event.id, tuple(recorded), tuple(held))


def _event(event_id: int) -> TrainingEvent:
    event = TrainingEvent.get_or_none(TrainingEvent.id == event_id)
    if event is None:
        raise NotFound("There is no such training event.")
    return event


def mark_held(who: Viewer, event_id: int, today: date) -> EventOutcome:
    """A planned event took place: every invitee gets the record (one audited write)."""
    require(who, LEAD, ADMIN)
    with database.atomic():
        event = _event(event_id)
        if not event.planned:
            raise ValidationError("this event is already recorded as held", "date")
        if event.date > today:
            raise ValidationError(f"it is planned for {uk(event.date)}: mark it as held on or after that day", "date")
        people = [a.person for a in TrainingEventAttendee.select().where(TrainingEventAttendee.event == event.id)]
        _people(who, [p.id for p in people], event.date, today)
        TrainingEvent.update(planned=False).where(TrainingEvent.id == event.id).execute()
        event.planned = False
        recorded, held = _give_records(event, sorted(people, key=lambda p: (p.name.lower(), p.id)), event.course)
        audit.record(who.actor, "hold_training_event", "training_event", event.id, {"planned": True},
                     {"planned": False, "records_written": len(recorded), "already_held": held})
    return EventOutcome(event.id, tuple(recorded), tuple(held))


def add_attendee(who: Viewer, event_id: int, person_id: object, today: date) -> EventOutcome:
    require(who, LEAD, ADMIN)
    with database.atomic():
        event = _event(event_id)
        (person,) = _people(who, [person_id], event.date, today)
        if TrainingEventAttendee.get_or_none((TrainingEventAttendee.event == event.id)
                                             & (TrainingEventAttendee.person == person.id)):
            raise ValidationError(f"{person.name} is already on this event", "attendees")
        TrainingEventAttendee.create(event=event, person=person)
        recorded, held = ([], []) if event.planned else _give_records(event, [person], event.course)
        audit.record(who.actor, "add_event_attendee", "training_event", event.id, None,
                     {"person": person.id, "records_written": len(recorded), "already_held": held})
    return EventOutcome(event.id, tuple(recorded), tuple(held))


def remove_attendee(who: Viewer, event_id: int, person_id: int, today: date) -> str:
    """Take a person off an event; the record the event gave them goes too (one they held already stays)."""
    require(who, LEAD, ADMIN)
    with database.atomic():
        event = _event(event_id)
        row = TrainingEventAttendee.get_or_none((TrainingEventAttendee.event == event.id)
                                                & (TrainingEventAttendee.person == person_id))
        if row is None:
            raise NotFound("That person is not on this event.")
        if person_id not in team_ids(who, min(event.date, today)):
            raise PermissionDenied("that attendee is not in your team")
        name = row.person.name
        record_id = row.record_id if not row.already_held else None
        row.delete_instance()
        if record_id is not None and TrainingEventAttendee.select().where(TrainingEventAttendee.record == record_id).exists():
            record_id = None  # another event's register names this record: it stays
        if record_id is not None:
            TrainingRecord.delete().where(TrainingRecord.id == record_id).execute()
        audit.record(who.actor, "remove_event_attendee", "training_event", event.id,
                     {"person": person_id, "record": record_id}, {"person": None, "record_removed": record_id})
        return name
