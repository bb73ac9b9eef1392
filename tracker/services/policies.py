"""Employers' policies: a person reads and acknowledges the current version of each that applies to them."""

from __future__ import annotations

from datetime import date

from tracker.clock import today as clock_today
from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import EmployerPolicy, Employment, PolicyAcknowledgement
from tracker.services import audit
from tracker.services.validate import person_by_id


def acknowledge(actor: str, person_id: int, policy_id: int, *, today: date | None = None) -> PolicyAcknowledgement:
    """Record that the person has read the policy's current version; acknowledging it again changes nothing."""
    today = today or clock_today()
    with database.atomic():
        person = person_by_id(person_id)
        policy = EmployerPolicy.get_or_none(EmployerPolicy.id == policy_id)
        if policy is None:
            raise NotFound("there is no such policy")
        if not policy.requires_acknowledgement:
            raise ValidationError("this policy does not ask to be acknowledged", "policy")
        employed = Employment.select().where(
            (Employment.person == person.id)
            & (Employment.employer == policy.employer_id)
            & (Employment.start_date <= today)
            & (Employment.end_date.is_null() | (Employment.end_date >= today))
        )
        if not employed.exists():
            raise ValidationError("this policy belongs to an employer you do not currently work for", "policy")
        found = PolicyAcknowledgement.get_or_none(
            (PolicyAcknowledgement.person == person.id)
            & (PolicyAcknowledgement.policy == policy.id)
            & (PolicyAcknowledgement.version == policy.version)
        )
        if found is not None:
            return found
        row = PolicyAcknowledgement.create(
            person=person.id, policy=policy.id, version=policy.version, acknowledged_on=today
        )
        after = audit.as_dict(row) | {"staff_id": person.staff_id}
        audit.record(actor, "acknowledge", "policy_acknowledgement", row.id, None, after)
    return row
