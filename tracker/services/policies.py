"""Employers' policies: each employer's position on a topic (statement, document, version, review date), the
adaptations agreed for the joint team, and people's acknowledgements of the current version.

A position belongs to its employer: admins and that employer's lead edit it. Giving a position a new version
asks everyone again, because an acknowledgement is of a (policy, version) pair and the old pair no longer
counts; nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tracker.access import Viewer, can_edit_employer
from tracker.clock import today as clock_today
from tracker.db import database
from tracker.errors import NotFound, PermissionDenied, ValidationError
from tracker.models import (
    EmployerPolicy,
    Employment,
    Organisation,
    PolicyAcknowledgement,
    PolicyAdaptation,
    PolicyTopic,
)
from tracker.periods import active_on
from tracker.services import audit
from tracker.services.validate import email, optional_date, person_by_id, text
from tracker.views.policy_matrix import split_employers

MAX_STATEMENT = 2000


def acknowledge(
    actor: str, person_id: int, policy_id: int, *, today: date | None = None
) -> PolicyAcknowledgement:
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
            & active_on(Employment, today)
        )
        if not employed.exists():
            raise ValidationError(
                "this policy belongs to an employer you do not currently work for", "policy"
            )
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


# ---- positions and adaptations ----------------------------------------------------------------------------


def document_link(value: object) -> str | None:
    """A web address for the policy document (http or https only, so a link can never run script)."""
    raw = text(value, "document_url", max_length=500)
    if not raw:
        return None
    if not raw.lower().startswith(("https://", "http://")) or " " in raw:
        raise ValidationError(f"'{raw}' is not a web address (it must start with https://)", "document_url")
    return raw


def _topic(topic_id: int) -> PolicyTopic:
    found = PolicyTopic.get_or_none(PolicyTopic.id == topic_id)
    if found is None:
        raise NotFound(f"no policy topic has id {topic_id}")
    return found


def _employer(employer_id: int) -> Organisation:
    found = Organisation.get_or_none(Organisation.id == employer_id)
    if found is None:
        raise NotFound(f"no employer has id {employer_id}")
    return found


def set_position(
    viewer: Viewer,
    employer_id: int,
    topic_id: int,
    *,
    statement: str,
    version: str,
    document_url: str | None = None,
    owner: str | None = None,
    owner_email: str | None = None,
    review_date: date | str | None = None,
    requires_acknowledgement: bool = False,
) -> EmployerPolicy:
    """Create or change an employer's position on a topic. A changed version asks everyone to read it again."""
    if not can_edit_employer(viewer, employer_id):
        raise PermissionDenied("only an admin or this employer's lead may change its policies")
    fields = {
        "statement": text(statement, "statement", required=True, max_length=MAX_STATEMENT),
        "version": text(version, "version", required=True, max_length=20),
        "document_url": document_link(document_url),
        "owner": text(owner, "owner", max_length=100) or None,
        "owner_email": email(owner_email, "owner_email"),
        "review_date": optional_date(review_date, "review_date"),
        "requires_acknowledgement": bool(requires_acknowledgement),
    }
    with database.atomic():
        employer, topic = _employer(employer_id), _topic(topic_id)
        found = EmployerPolicy.get_or_none(
            (EmployerPolicy.employer == employer.id) & (EmployerPolicy.topic == topic.id)
        )
        names = {"employer": employer.name, "topic": topic.name}
        if found is None:
            row = EmployerPolicy.create(employer=employer.id, topic=topic.id, **fields)
            audit.record(viewer.actor, "create", "employer_policy", row.id, None, audit.as_dict(row) | names)
            return row
        if all(getattr(found, k) == v for k, v in fields.items()):
            return found
        before = audit.as_dict(found)
        action = "new_version" if found.version != fields["version"] else "update"
        for name, value in fields.items():
            setattr(found, name, value)
        found.save()
        audit.record(viewer.actor, action, "employer_policy", found.id, before, audit.as_dict(found) | names)
    return found


def _employer_ids(raw: Iterable[int | str]) -> list[int]:
    ids: list[int] = []
    for value in raw:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError(f"'{value}' is not an employer", "employers") from None
    ids = sorted(set(ids))
    if not ids:
        raise ValidationError("choose the employers the adaptation applies to", "employers")
    for employer_id in ids:
        _employer(employer_id)
    return ids


def _may_edit_adaptation(viewer: Viewer, employer_ids: Iterable[int]) -> None:
    if not any(can_edit_employer(viewer, e) for e in employer_ids):
        raise PermissionDenied("only an admin or the lead of one of its employers may record an adaptation")


def save_adaptation(
    viewer: Viewer,
    topic_id: int,
    employer_ids: Iterable[int | str],
    condition: str,
    *,
    agreed_by: str = "",
    agreed_on: date | str | None = None,
    review_date: date | str | None = None,
    adaptation_id: int | None = None,
) -> PolicyAdaptation:
    """Record (or, with adaptation_id, change) an exception agreed for the joint team on a topic."""
    ids = _employer_ids(employer_ids)
    fields = {
        "employers": ";".join(str(i) for i in ids),
        "condition": text(condition, "condition", required=True, max_length=MAX_STATEMENT),
        "agreed_by": text(agreed_by, "agreed_by", max_length=200),
        "agreed_on": optional_date(agreed_on, "agreed_on"),
        "review_date": optional_date(review_date, "review_date"),
    }
    _may_edit_adaptation(viewer, ids)
    with database.atomic():
        topic = _topic(topic_id)
        if adaptation_id is None:
            row = PolicyAdaptation.create(topic=topic.id, **fields)
            audit.record(viewer.actor, "create", "policy_adaptation", row.id, None, audit.as_dict(row))
            return row
        row = PolicyAdaptation.get_or_none(PolicyAdaptation.id == adaptation_id)
        if row is None:
            raise NotFound(f"no adaptation has id {adaptation_id}")
        _may_edit_adaptation(viewer, split_employers(row.employers))
        before = audit.as_dict(row)
        row.topic = topic.id
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        audit.record(viewer.actor, "update", "policy_adaptation", row.id, before, audit.as_dict(row))
    return row


def withdraw_adaptation(viewer: Viewer, adaptation_id: int) -> None:
    """The joint team no longer agrees the exception: the row goes, the audit trail keeps what it said."""
    with database.atomic():
        row = PolicyAdaptation.get_or_none(PolicyAdaptation.id == adaptation_id)
        if row is None:
            raise NotFound(f"no adaptation has id {adaptation_id}")
        _may_edit_adaptation(viewer, split_employers(row.employers))
        before = audit.as_dict(row)
        PolicyAdaptation.delete().where(PolicyAdaptation.id == adaptation_id).execute()
        audit.record(viewer.actor, "withdraw", "policy_adaptation", adaptation_id, before, None)


def add_topic(viewer: Viewer, name: str, description: str = "") -> PolicyTopic:
    if not viewer.is_admin:
        raise PermissionDenied("only an admin may add a policy topic")
    clean = text(name, "name", required=True, max_length=100)
    with database.atomic():
        if any(t.name.lower() == clean.lower() for t in PolicyTopic.select()):
            raise ValidationError(f"there is already a topic called '{clean}'", "name")
        row = PolicyTopic.create(name=clean, description=text(description, "description", max_length=500))
        audit.record(viewer.actor, "create", "policy_topic", row.id, None, audit.as_dict(row))
    return row


