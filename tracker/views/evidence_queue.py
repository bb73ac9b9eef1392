# mypy: disable-error-code="attr-defined"
"""The certificates waiting for a decision that a lead or admin may make, as plain rows for /evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tracker.access import Viewer, can_decide_evidence
from tracker.models import Course, Person, TrainingRecord
from tracker.views.access_facts import person_facts


@dataclass(frozen=True)
class Waiting:
    record_id: int
    person_id: int
    name: str
    staff_id: str
    course: str
    completed_on: date
    provider: str
    uploaded_at: datetime | None
    has_certificate: bool


def waiting_for(viewer: Viewer, today: date) -> list[Waiting]:
    """The pending certificates this viewer may decide, oldest first."""
    query = (
        TrainingRecord.select(TrainingRecord, Person, Course)
        .join(Person)
        .switch(TrainingRecord)
        .join(Course)
        .where(TrainingRecord.evidence_state == "pending")
        .order_by(TrainingRecord.id)
    )
    return [
        Waiting(
            r.id,
            r.person_id,
            r.person.name,
            r.person.staff_id,
            r.course.name,
            r.completed_on,
            r.provider or "",
            r.recorded_at,
            bool(r.certificate_path),
        )
        for r in query
        if can_decide_evidence(viewer, person_facts(r.person_id, today))
    ]
