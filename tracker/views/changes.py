"""Who the writes between two data markers touched: the people whose compliance may have changed.

Every service write records an audit event naming the record it wrote, so the events between two markers say
which people a cached snapshot must work out again. The answer is None, meaning "anyone may have changed",
whenever the events cannot say: rules or catalogue changed, an import or a team training event (one event for
many rows), a restore, another database, too many events, or a table that grew without an event to explain it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

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
    if tuple(old) == tuple(new):
        return frozenset()
    if tuple(old[:_IDENTITY]) != tuple(new[:_IDENTITY]):
        return None
    was, now = old[_AUDIT] or 0, new[_AUDIT] or 0
    if now <= was or now - was > MOST_EVENTS:
        return None
    table = AuditEvent._meta.table_name
    events: list[tuple[str, str | None]] = [
        (entity, entity_id)
        for entity, entity_id in database.execute_sql(
            f"SELECT entity, entity_id FROM {table} WHERE id > {database.param} AND id <= {database.param}",
            (was, now),
        ).fetchall()
    ]
    kinds = {entity for entity, _ in events}
    for position, model in enumerate(WATCHED):
        index = position + _IDENTITY
        if model is AuditEvent or old[index] == new[index]:
            continue
        if not kinds & _EXPLAINED_BY.get(model, set()):
            return None
    return _people_of(events)


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
