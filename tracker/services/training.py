"""Training records: a completion of a course by a person on a date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from tracker.clock import today as clock_today
from tracker.dates import uk
from tracker.db import database
from tracker.errors import ValidationError
from tracker.models import EVIDENCE_STATES, Course, Person, TrainingRecord
from tracker.services import audit
from tracker.services.bulk import insert_rows
from tracker.services.validate import (
    Lookups,
    a_date,
    choice,
    not_in_future,
    optional_date,
    person_by_id,
    strict,
    text,
)


@dataclass(frozen=True)
class TrainingInput:
    person: Person
    course: Course
    completed_on: date
    provider: str
    reference: str = ""
    expires_on: date | None = None  # printed on the record


@dataclass(frozen=True)
class TrainingResult:
    record: TrainingRecord
    duplicate: bool  # True: the same person, course and date was already recorded; nothing was written


def training_input(
    raw: Mapping[str, object], lookups: Lookups, today: date, take: Any = strict
) -> TrainingInput | None:
    """Check one completion (the columns of the training file); None if `take` collected an error."""
    person = take("staff_id", lambda: lookups.person(raw.get("staff_id")))
    course = take("course", lambda: lookups.course(raw.get("course")))
    done = take(
        "completed_on", lambda: not_in_future(a_date(raw.get("completed_on"), "completed_on"), today, "completed_on")
    )
    provider = take("provider", lambda: text(raw.get("provider"), "provider", max_length=200))
    reference = take("reference", lambda: text(raw.get("reference"), "reference", max_length=100))
    expires = take("expires_on", lambda: optional_date(raw.get("expires_on"), "expires_on"))
    if person is None or course is None or done is None or provider is None or reference is None:
        return None
    if expires is not None and expires <= done:
        take("expires_on", partial(_refuse, f"the expiry {uk(expires)} is not after the date {uk(done)}", "expires_on"))
        return None
    return TrainingInput(person, course, done, provider, reference, expires)


def _refuse(message: str, field: str) -> None:
    raise ValidationError(message, field)


def existing_keys(person_ids: list[int], first: date, last: date) -> set[tuple[int, int, date]]:
    """(person, course, date) of the records already held for those people between the dates."""
    query = TrainingRecord.select(TrainingRecord.person, TrainingRecord.course, TrainingRecord.completed_on).where(
        (TrainingRecord.completed_on >= first) & (TrainingRecord.completed_on <= last)
    )
    if len(person_ids) <= 500:
        query = query.where(TrainingRecord.person.in_(person_ids))
    return {(p, c, d if isinstance(d, date) else date.fromisoformat(str(d)[:10])) for p, c, d in query.tuples()}


def duplicate_reason(item: TrainingInput) -> str:
    return f"{item.person.staff_id} already has {item.course.code} completed on {uk(item.completed_on)}"


def insert_records(items: list[TrainingInput], state: str = "approved") -> None:
    """Write many completions at once (inside the caller's transaction); duplicates must be left out first."""
    rows = [
        {"person": i.person.id, "course": i.course.id, "completed_on": i.completed_on, "provider": i.provider,
         "reference": i.reference, "expires_on": i.expires_on, "evidence_state": state}
        for i in items
    ]
    insert_rows(TrainingRecord, rows)


def add_training(
    actor: str,
    person_id: int,
    course: str,
    completed_on: date | str,
    provider: str = "",
    *,
    reference: str = "",
    expires_on: date | str | None = None,
    evidence_state: str = "approved",
    certificate_path: str | None = None,
    today: date | None = None,
) -> TrainingResult:
    """Record a completion; the same person, course and date again is reported as a duplicate, not written."""
    state = choice(evidence_state, EVIDENCE_STATES, "evidence_state")
    with database.atomic():
        person = person_by_id(person_id)
        lookups = Lookups()
        raw = {"staff_id": person.staff_id, "course": course, "completed_on": completed_on, "provider": provider,
               "reference": reference, "expires_on": expires_on}
        item = training_input(raw, lookups, today or clock_today())
        assert item is not None
        found = TrainingRecord.get_or_none(
            (TrainingRecord.person == person.id)
            & (TrainingRecord.course == item.course.id)
            & (TrainingRecord.completed_on == item.completed_on)
        )
        if found is not None:
            return TrainingResult(found, duplicate=True)
        record = TrainingRecord.create(
            person=person, course=item.course, completed_on=item.completed_on, provider=item.provider,
            reference=item.reference, expires_on=item.expires_on, evidence_state=state, certificate_path=certificate_path,
        )
        after = audit.as_dict(record) | {"staff_id": person.staff_id, "course_code": item.course.code}
        audit.record(actor, "create", "training_record", record.id, None, after)
    return TrainingResult(record, duplicate=False)


def records_of(person_id: int) -> list[TrainingRecord]:
    query = (
        TrainingRecord.select(TrainingRecord, Course)
        .join(Course)
        .where(TrainingRecord.person == person_id)
        .order_by(TrainingRecord.completed_on.desc())
    )
    return list(query)
