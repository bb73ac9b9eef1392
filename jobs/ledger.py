"""The reminder ledger: a unique key per reminder (person:item:stage:period:recipient), claimed before sending.

A claim is an INSERT that does nothing on a key that exists, so the same reminder is never claimed twice, across
restarts. A reminder whose send failed stays `failed` with its attempts and error, and is claimed again by a
later scan while it is still due. Callers hold the scan lock (see jobs.locks) while claiming and sending, so a
row still `claimed` when a scan starts was left by a process that died mid-send and is retried.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from peewee import chunked

from jobs.notices import Notice
from tracker.clock import utc_now
from tracker.db import database
from tracker.models import ReminderLedger

CLAIMED, SENT, FAILED = "claimed", "sent", "failed"
MAX_ATTEMPTS = 10
_CHUNK = 2000  # keys in one IN (...) list
_INSERT_CHUNK = 1000  # rows in one INSERT (9 parameters each)


@dataclass(frozen=True)
class Claim:
    row_id: int
    notice: Notice
    attempts: int  # earlier attempts; 0 for a reminder claimed for the first time


@dataclass(frozen=True)
class LedgerRow:
    id: int
    key: str
    recipient: str
    item: str
    stage: str
    period: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def _unique(notices: Iterable[Notice]) -> dict[str, Notice]:
    by_key: dict[str, Notice] = {}
    for notice in notices:
        by_key.setdefault(notice.key, notice)
    return by_key


_COLUMNS = ("key", "person_id", "recipient", "item", "stage", "period", "status", "attempts", "created_at")


def _sql(text: str) -> str:
    """Hand-written SQL for the bulk steps (the query builder's cost dominates at tens of thousands of keys)."""
    return text.replace("{table}", ReminderLedger._meta.table_name).replace("?", database.obj.param)


def _existing(keys: Sequence[str]) -> dict[str, tuple[int, str, int]]:
    found: dict[str, tuple[int, str, int]] = {}
    for batch in chunked(keys, _CHUNK):
        marks = ", ".join("?" * len(batch))
        cursor = database.execute_sql(
            _sql(f'SELECT "key", id, status, attempts FROM {{table}} WHERE "key" IN ({marks})'), list(batch)
        )
        for key, row_id, status, attempts in cursor.fetchall():
            found[key] = (row_id, status, attempts)
    return found


def _insert_new(rows: Sequence[tuple[object, ...]]) -> list[tuple[str, int]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the (key, id) of each row this call inserted."""
    inserted: list[tuple[str, int]] = []
    one = "(" + ", ".join("?" * len(_COLUMNS)) + ")"
    for batch in chunked(rows, _INSERT_CHUNK):
        values = ", ".join([one] * len(batch))
        columns = ", ".join(f'"{c}"' for c in _COLUMNS)
        sql = f'INSERT INTO {{table}} ({columns}) VALUES {values} ON CONFLICT DO NOTHING RETURNING "key", id'
        cursor = database.execute_sql(_sql(sql), [v for row in batch for v in row])
        inserted += [(key, row_id) for key, row_id in cursor.fetchall()]
    return inserted


def pending(notices: Iterable[Notice]) -> list[Notice]:
    """The notices a scan would send now: never claimed, or failed and still worth retrying (no writes)."""
    by_key = _unique(notices)
    existing = _existing(list(by_key))
    return [n for k, n in by_key.items() if k not in existing or _retryable(*existing[k][1:])]


def _retryable(status: str, attempts: int) -> bool:
    return status in (FAILED, CLAIMED) and attempts < MAX_ATTEMPTS


def claim(notices: Iterable[Notice]) -> list[Claim]:
    """Claim every notice not yet sent; returns the claims this call now owns (new ones and retries).

    New keys are claimed by INSERT ... ON CONFLICT DO NOTHING RETURNING: a key someone else holds comes back
    empty. Failed ones still due are claimed by a conditional UPDATE ... RETURNING.
    """
    by_key = _unique(notices)
    if not by_key:
        return []
    now = utc_now()
    owned: dict[str, tuple[int, int]] = {}
    with database.atomic():
        existing = _existing(list(by_key))
        created = ReminderLedger.created_at.db_value(now)
        fresh = [
            (key, n.person_id, n.recipient.address[:255], n.item[:255], n.stage, n.period, CLAIMED, 0, created)
            for key, n in by_key.items()
            if key not in existing
        ]
        for key, row_id in _insert_new(fresh):
            owned[key] = (row_id, 0)
        retry = {row_id: (key, attempts) for key, (row_id, status, attempts) in existing.items()
                 if _retryable(status, attempts)}
        for ids in chunked(list(retry), _CHUNK):
            reclaimed = (
                ReminderLedger.update(status=CLAIMED)
                .where(ReminderLedger.id.in_(ids) & ReminderLedger.status.in_([FAILED, CLAIMED]))
                .returning(ReminderLedger.id)
                .tuples()
                .execute()
            )
            for (row_id,) in reclaimed:
                key, attempts = retry[row_id]
                owned[key] = (row_id, attempts)
    return [Claim(row_id, by_key[key], attempts) for key, (row_id, attempts) in owned.items()]


def release(claims: Iterable[Claim], error: str | None) -> None:
    """Record the outcome of sending: sent, or failed with the reason (retried by a later scan)."""
    ids = [c.row_id for c in claims]
    if not ids:
        return
    now = utc_now()
    with database.atomic():
        for batch in chunked(ids, _CHUNK):
            if error is None:
                changes = {"status": SENT, "sent_at": now, "last_error": None}
            else:
                changes = {"status": FAILED, "last_error": error[:2000]}
            ReminderLedger.update(attempts=ReminderLedger.attempts + 1, **changes).where(
                ReminderLedger.id.in_(batch)
            ).execute()


def recent(limit: int = 50, status: str | None = None) -> list[LedgerRow]:
    query = ReminderLedger.select().order_by(ReminderLedger.created_at.desc(), ReminderLedger.id.desc())
    if status is not None:
        query = query.where(ReminderLedger.status == status)
    return [
        LedgerRow(
            r.id, r.key, r.recipient, r.item, r.stage, r.period, r.status, r.attempts, r.last_error, r.created_at,
            r.sent_at,
        )
        for r in query.limit(limit)
    ]


def counts() -> dict[str, int]:
    from peewee import fn

    query = ReminderLedger.select(ReminderLedger.status, fn.COUNT(ReminderLedger.id)).group_by(ReminderLedger.status)
    return {status: int(n) for status, n in query.tuples()}
