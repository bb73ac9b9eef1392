# mypy: disable-error-code="attr-defined"
"""The certificates waiting for a decision that a lead or admin may make, as plain rows for /evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tracker.access import Viewer, can_decide_evidence
from tracker.models import Course, Person, TrainingRecord, full_name
from tracker.views.access_facts import people_facts
from tracker.views.team_views import Paged, paginate

# Each waiting certificate is a form of its own (a date with its calendar, two boxes, two buttons): ten to a page
# keep the page quick; the pager offers 25.
EVIDENCE_PAGE_SIZE = 10


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
    """The pending certificates this viewer may decide, oldest first: one query for the records and two for the
    facts the rule decides on (the people's jobs and supervisors), whatever the number waiting."""
    query = (
        TrainingRecord.select(
            TrainingRecord.id, TrainingRecord.person, Person.first_name, Person.last_name, Person.staff_id, Course.name,
            TrainingRecord.completed_on, TrainingRecord.provider, TrainingRecord.recorded_at,
            TrainingRecord.certificate_path,
        )
        .join(Person)
        .switch(TrainingRecord)
        .join(Course)
        .where(TrainingRecord.evidence_state == "pending")
        .order_by(TrainingRecord.id)
    )
    rows: list[tuple] = list(query.tuples())  # type: ignore[arg-type]
    facts = people_facts((row[1] for row in rows), today)
    return [
        Waiting(record_id, person_id, full_name(first, last), staff_id, course, completed_on, provider or "",
                recorded_at, bool(certificate))
        for record_id, person_id, first, last, staff_id, course, completed_on, provider, recorded_at, certificate in rows
        if can_decide_evidence(viewer, facts[person_id])
    ]


def waiting_page(viewer: Viewer, today: date, page: int = 1, size: int = EVIDENCE_PAGE_SIZE) -> Paged[Waiting]:
    """One page of waiting_for, oldest first (a page past the end shows the last), with the number waiting."""
    return paginate(waiting_for(viewer, today), page, size)
