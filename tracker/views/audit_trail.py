"""Reading the audit trail: filters (who, entity, action, dates), pages of events, and a lead's scope.

Administrators see every event. An operational lead sees the events about the people they lead (on the day
they look): the person's own record and the rows that belong to one person (training, absences, supervisor
assignments, attendances, policy acknowledgements, sessions they attended). Private notes were never written
into the trail (tracker.services.audit leaves them out), so nothing here can show them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from peewee import Expression, fn

from tracker.access import Viewer, lead_scope
from tracker.models import (
    Absence,
    AuditEvent,
    Employment,
    PolicyAcknowledgement,
    SessionAttendee,
    SupervisorAssignment,
    TrainingRecord,
)
from tracker.settings import DEFAULT_TIMEZONE
from tracker.views.population import scope_jobs

PAGE_SIZE = 50
# entity -> (the model of its rows, the field naming the one person a row is about)
PERSON_ROWS: dict[str, tuple[Any, Any]] = {
    "training_record": (TrainingRecord, TrainingRecord.person),
    "absence": (Absence, Absence.person),
    "supervisor_assignment": (SupervisorAssignment, SupervisorAssignment.supervisee),
    "session_attendee": (SessionAttendee, SessionAttendee.person),
    "policy_acknowledgement": (PolicyAcknowledgement, PolicyAcknowledgement.person),
    "supervision_session": (SessionAttendee, SessionAttendee.person),  # by the session's attendees
}


@dataclass(frozen=True)
class AuditFilters:
    who: str = ""  # part of the actor's name or email
    entity: str = ""
    action: str = ""
    date_from: date | None = None  # inclusive, Europe/London days
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # Europe/London
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for each field that differs, for a one-glance summary."""
        old, new = self.before or {}, self.after or {}
        keys = sorted(set(old) | set(new))
        return [(k, _shown(old.get(k)), _shown(new.get(k))) for k in keys if old.get(k) != new.get(k)]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _decode(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"value": text}
    return value if isinstance(value, dict) else {"value": value}


def _utc_start(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the start of `day` in the zone, as the naive UTC the trail keeps."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _scope_condition(viewer: Viewer, today: date) -> Expression | None:
    """None for an admin (everything); otherwise the events about the people the lead leads today."""
    scope = lead_scope(viewer)  # PermissionDenied for anyone who is neither
    if viewer.is_admin:
        return None
    def led(column: Any) -> Any:
        return scope_jobs(scope, today, column)

    condition = (AuditEvent.entity == "person") & AuditEvent.entity_id.in_(led(Employment.person.cast("TEXT")))
    for entity, (model, person_field) in PERSON_ROWS.items():
        key = model.session if entity == "supervision_session" else model.id
        ids = model.select(key.cast("TEXT")).where(person_field.in_(led(Employment.person)))
        condition = condition | ((AuditEvent.entity == entity) & AuditEvent.entity_id.in_(ids))
    return condition


def _query(viewer: Viewer, filters: AuditFilters, today: date, zone: ZoneInfo) -> Any:
    query = AuditEvent.select()
    scoped = _scope_condition(viewer, today)
    if scoped is not None:
        query = query.where(scoped)
    if filters.who.strip():
        query = query.where(fn.LOWER(AuditEvent.actor).contains(filters.who.strip().lower()))
    if filters.entity:
        query = query.where(AuditEvent.entity == filters.entity)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.date_from is not None:
        query = query.where(AuditEvent.at >= _utc_start(filters.date_from, zone))
    if filters.date_to is not None:
        query = query.where(AuditEvent.at < _utc_start(filters.date_to + timedelta(days=1), zone))
    return query


def search(
    viewer: Viewer, filters: AuditFilters, today: date, page: int = 1, *, size: int = PAGE_SIZE, zone: str = DEFAULT_TIMEZONE
) -> AuditPage:
    """One page of the events the viewer may see that match the filters, newest first."""
    tz = ZoneInfo(zone)
    query = _query(viewer, filters, today, tz)
    total = query.count()
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = [
        AuditRow(
            e.id, e.at.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz), e.actor, e.action, e.entity, e.entity_id,
            _decode(e.before), _decode(e.after),
        )
        for e in query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).paginate(page, size)
    ]
    return AuditPage(rows, total, page, pages)


def choices(viewer: Viewer) -> tuple[list[str], list[str]]:
    """The entities and actions that occur in the trail, for the filter lists."""
    lead_scope(viewer)
    entities = [e for (e,) in AuditEvent.select(AuditEvent.entity).distinct().order_by(AuditEvent.entity).tuples()]
    actions = [a for (a,) in AuditEvent.select(AuditEvent.action).distinct().order_by(AuditEvent.action).tuples()]
    return entities, actions
