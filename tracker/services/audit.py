"""The audit trail: who, when, what, before and after, for every write."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from peewee import Model
from playhouse.shortcuts import model_to_dict

from tracker.models import AuditEvent

SECRET_FIELDS = {"password_hash", "private_notes", "private_note", "group_summary", "supervisor_notes"}


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def as_dict(instance: Model | None) -> dict[str, Any] | None:
    """A JSON-ready picture of a row, with secrets left out (notes are private to two people)."""
    if instance is None:
        return None
    data = model_to_dict(instance, recurse=False)
    return {k: _plain(v) for k, v in data.items() if k not in SECRET_FIELDS}


def record(
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event; call inside the write's transaction so both land or neither."""
    return AuditEvent.create(
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=None if before is None else json.dumps(before, default=str, sort_keys=True),
        after=None if after is None else json.dumps(after, default=str, sort_keys=True),
    )
