"""Periods of long absence (maternity, sickness, career break): they pause the supervision requirement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.dates import uk
from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import ABSENCE_REASONS, Absence, Person
from tracker.services import audit
from tracker.services.bulk import insert_rows
from tracker.services.validate import Lookups, a_date, choice, end_not_before_start, person_by_id, strict

Periods = dict[int, list[tuple[date, date, int]]]  # person id -> (start, end, absence id)


@dataclass(frozen=True)
class AbsenceInput:
    person: Person
    start: date
    end: date
    reason: str

    @property
    def key(self) -> tuple[int, date, date]:
        return (self.person.id, self.start, self.end)


def absence_input(raw: Mapping[str, object], lookups: Lookups, take: Any = strict) -> AbsenceInput | None:
    """Check one absence (the columns of the absences file); None if `take` collected an error."""
    person = take("staff_id", lambda: lookups.person(raw.get("staff_id")))
    start = take("start_date", lambda: a_date(raw.get("start_date"), "start_date"))
    end = take("end_date", lambda: a_date(raw.get("end_date"), "end_date"))
    reason = take("reason", lambda: choice(raw.get("reason"), ABSENCE_REASONS, "reason", "other"))
    if person is None or start is None or end is None or reason is None:
        return None
    if take("end_date", lambda: _ordered(start, end)) is None:
        return None
    return AbsenceInput(person, start, end, reason)


def _ordered(start: date, end: date) -> bool:
    end_not_before_start(start, end)
    return True


def held_periods(person_ids: list[int] | None = None) -> Periods:
    query = Absence.select(Absence.person, Absence.start_date, Absence.end_date, Absence.id)
    if person_ids is not None:
        query = query.where(Absence.person.in_(person_ids))
    periods: Periods = {}
    for pid, start, end, aid in query.tuples():
        periods.setdefault(pid, []).append((start, end, aid))
    return periods


def overlap_check(item: AbsenceInput, periods: Periods, ignore_id: int | None = None) -> bool:
    """True when exactly this absence is already held; raises when it overlaps a different one."""
    for start, end, aid in periods.get(item.person.id, ()):
        if aid == ignore_id:
            continue
        if (start, end) == (item.start, item.end):
            return True
        if start <= item.end and item.start <= end:
            raise ValidationError(
                f"{item.person.staff_id} already has an absence from {uk(start)} to {uk(end)} that overlaps this one",
                "start_date",
            )
    return False


def add_absence(actor: str, person_id: int, start: date | str, end: date | str, reason: str = "other") -> Absence:
    with database.atomic():
        person = person_by_id(person_id)
        raw = {"staff_id": person.staff_id, "start_date": start, "end_date": end, "reason": reason}
        item = absence_input(raw, Lookups())
        assert item is not None
        if overlap_check(item, held_periods([person.id])):
            raise ValidationError(
                f"{person.staff_id} already has this absence ({uk(item.start)} to {uk(item.end)})", "start_date"
            )
        row = Absence.create(person=person, start_date=item.start, end_date=item.end, reason=item.reason)
        audit.record(actor, "create", "absence", row.id, None, audit.as_dict(row) | {"staff_id": person.staff_id})
    return row


def update_absence(actor: str, absence_id: int, start: date | str, end: date | str, reason: str) -> Absence:
    with database.atomic():
        row = Absence.get_or_none(Absence.id == absence_id)
        if row is None:
            raise NotFound(f"no absence has id {absence_id}")
        person = person_by_id(row.person_id)
        raw = {"staff_id": person.staff_id, "start_date": start, "end_date": end, "reason": reason}
        item = absence_input(raw, Lookups())
        assert item is not None
        overlap_check(item, held_periods([person.id]), ignore_id=row.id)
        before = audit.as_dict(row)
        row.start_date, row.end_date, row.reason = item.start, item.end, item.reason
        row.save()
        audit.record(actor, "update", "absence", row.id, before, audit.as_dict(row))
    return row


def insert_absences(items: list[AbsenceInput]) -> None:
    rows = [{"person": i.person.id, "start_date": i.start, "end_date": i.end, "reason": i.reason} for i in items]
    insert_rows(Absence, rows)


def absences_of(person_id: int) -> list[Absence]:
    return list(Absence.select().where(Absence.person == person_id).order_by(Absence.start_date.desc()))
