"""Who the writes between two data markers touched: the people whose compliance may have changed.

Every service write records an audit event naming the record it wrote, so the events between two markers say
which people a cached snapshot must work out again. The answer is None, meaning "anyone may have changed",
whenever the events cannot say: rules or catalogue changed, an import or a team training event (one event for
many rows), a restore, another database, too many events, or a table that grew without an event to explain it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from tracker.clock import utc_now
from tracker.db import database
from tracker.models import (
    Absence,
    AuditEvent,
    Course,
    EmployerPolicy,
    Employment,
    Organisation,
    Pcn,
    Person,
    PolicyAcknowledgement,
    Requirement,
    Role,
    SessionAttendee,
    SupervisionRule,
    SupervisionSession,
    TrainingRecord,
)

# The tables whose highest id the data marker holds, in its order (after the database's identity).
WATCHED = (
    AuditEvent,
    Person,
    Employment,
    TrainingRecord,
    SupervisionSession,
    SessionAttendee,
    Absence,
    Requirement,
    SupervisionRule,
    EmployerPolicy,
    PolicyAcknowledgement,
    Course,
    Role,
    Organisation,
    Pcn,
)
_IDENTITY = 2  # id of the database object and its name come first
_AUDIT = WATCHED.index(AuditEvent) + _IDENTITY
MOST_EVENTS = 200  # past this, working everyone out again is as quick as finding whom the writes touched
MOST_PEOPLE = 200
STILL_COMMITTING = timedelta(minutes=1)  # a write's transaction is over well within this

# A record kind whose events touch one person each: the table that says whose it is (None: the id is a person's).
_PERSON_OF: dict[str, Any] = {
    "person": None,
    "training_record": TrainingRecord,
    "absence": Absence,
    "session_attendee": SessionAttendee,
    "policy_acknowledgement": PolicyAcknowledgement,
}
# Record kinds that compliance does not read (sign-ins, tokens, inbox, import mappings, aliases, assignments).
_UNREAD = frozenset({"user", "api_token", "inbox_message", "import_mapping", "course_alias", "supervisor_assignment"})
# A table that grew is explained only by an event about a record of one of these kinds.
_EXPLAINED_BY = {
    Person: {"person"},
    Employment: {"person"},
    TrainingRecord: {"training_record"},
    SupervisionSession: {"supervision_session"},
    SessionAttendee: {"supervision_session"},
    Absence: {"absence"},
    PolicyAcknowledgement: {"policy_acknowledgement"},
}


def marker_sql() -> str:
    return "SELECT " + ", ".join(f"(SELECT MAX(id) FROM {m._meta.table_name})" for m in WATCHED)


def people_touched(old: Sequence[Any], new: Sequence[Any]) -> frozenset[int] | None:
    """The people whose records the writes between the markers `old` and `new` changed, or None for anyone."""
    return changes_between(old, new)[0]


def changes_between(
    old: Sequence[Any], new: Sequence[Any], now: datetime | None = None
) -> tuple[frozenset[int] | None, tuple[Any, ...]]:
    """people_touched, and the marker a cache may keep for what it then holds: `new`, except when an audit id
    below new's is missing and was taken a moment ago. On PostgreSQL ids are handed out at insert and seen at
    commit, so a write still committing leaves a gap that fills later without raising the highest id; the
    marker kept then stops before the gap, and the next request looks again from there."""
    new = tuple(new)
    if tuple(old) == new:
        return frozenset(), new
    if tuple(old[:_IDENTITY]) != new[:_IDENTITY]:
        return None, new
    was, last = old[_AUDIT] or 0, new[_AUDIT] or 0
    if last <= was or last - was > MOST_EVENTS:
        return None, new
    rows = _events(was, last)
    events: list[tuple[str, str | None]] = [(entity, entity_id) for _, entity, entity_id, _ in rows]
    kinds = {entity for entity, _ in events}
    for position, model in enumerate(WATCHED):
        index = position + _IDENTITY
        if model is AuditEvent or old[index] == new[index]:
            continue
        if not kinds & _EXPLAINED_BY.get(model, set()):
            return None, new
    return _people_of(events), _kept_marker(new, was, rows, now or utc_now())


def _kept_marker(new: tuple[Any, ...], was: int, rows: list[tuple[Any, ...]], now: datetime) -> tuple[Any, ...]:
    seen = {row[0] for row in rows}
    missing = [i for i in range(was + 1, (new[_AUDIT] or 0) + 1) if i not in seen]
    if not missing:
        return new
    after_gap = [at for i, _, _, at in rows if i > missing[0]]
    newest = max((_as_datetime(at) for at in after_gap), default=now)
    if now - newest > STILL_COMMITTING:
        return new  # an id given to a write that was rolled back: it will never be seen
    return (*new[:_AUDIT], missing[0] - 1, *new[_AUDIT + 1 :])


def settled(marker: Sequence[Any], now: datetime | None = None) -> tuple[Any, ...]:
    """The marker a cache may keep for a value worked out whole at `marker`: as changes_between keeps it, so a
    write still committing as the value was worked out is taken in when it lands."""
    marker = tuple(marker)
    last = marker[_AUDIT] or 0
    since = max(last - MOST_EVENTS, 0)
    return _kept_marker(marker, since, _events(since, last), now or utc_now())


def _events(after: int, last: int) -> list[tuple[Any, ...]]:
    """(id, entity, entity_id, at) of the audit events after id `after`, up to `last`."""
    table = AuditEvent._meta.table_name
    sql = f"SELECT id, entity, entity_id, at FROM {table} WHERE id > {database.param} AND id <= {database.param}"
    return list(database.execute_sql(sql, (after, last)).fetchall())


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _people_of(events: list[tuple[str, str | None]]) -> frozenset[int] | None:
    ids_of: dict[str, set[int]] = defaultdict(set)
    for entity, entity_id in events:
        if entity in _UNREAD:
            continue
        if (entity not in _PERSON_OF and entity != "supervision_session") or entity_id is None:
            return None
        try:
            ids_of[entity].add(int(entity_id))
        except ValueError:
            return None
    people: set[int] = set()
    for entity, ids in ids_of.items():
        if entity == "supervision_session":
            people |= _column(SessionAttendee.select(SessionAttendee.person).where(SessionAttendee.session.in_(ids)))
        elif (model := _PERSON_OF[entity]) is None:
            people |= ids
        else:
            people |= _column(model.select(model.person).where(model.id.in_(ids)))
        if len(people) > MOST_PEOPLE:
            return None
    return frozenset(people)


def _column(query: Any) -> set[int]:
    sql, params = query.sql()
    return {row[0] for row in database.execute_sql(sql, params).fetchall()}
