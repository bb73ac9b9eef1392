"""The reminder ledger: a unique key per reminder (person:item:stage:period:recipient), claimed before sending.

A claim is an INSERT that does nothing on a key that exists, so the same reminder is never claimed twice, across
restarts. A reminder whose send failed stays `failed` with its attempts, error and the time it may be tried
again: waits grow from five minutes, doubling to twelve hours, and a reminder still failing fourteen days after it
was first claimed is `given_up` (and administrators are told, jobs.outages). A scan (daily, or run by hand)
tries every failed reminder still due at once; the retry job tries those whose wait is over, and one no longer
due when its turn comes (a new week, or done meanwhile) is `lapsed`. Callers hold the
scan lock (see jobs.locks) while claiming and sending, so a row still `claimed` when a scan starts was left by a
process that died mid-send and is retried.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import Expression, chunked

from jobs.notices import Notice
from tracker.clock import utc_now
from tracker.db import database
from tracker.models import ReminderLedger

CLAIMED, SENT, FAILED, GIVEN_UP, LAPSED = "claimed", "sent", "failed", "given_up", "lapsed"
FIRST_WAIT = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=12)
GIVE_UP_AFTER = timedelta(days=14)
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
    last_attempt_at: datetime | None = None
    next_attempt_at: datetime | None = None


def wait_after(failures: int) -> timedelta:
    """How long a reminder waits after its n-th failed try: 5 minutes, 10, 20... and never more than 12 hours."""
    if failures >= 16:  # 5 min * 2**15 is far past the longest wait; no need to compute it
        return LONGEST_WAIT
    return min(FIRST_WAIT * 2 ** max(failures - 1, 0), LONGEST_WAIT)


def _unique(notices: Iterable[Notice]) -> dict[str, Notice]:
    by_key: dict[str, Notice] = {}
    for notice in notices:
        by_key.setdefault(notice.key, notice)
    return by_key


_COLUMNS = ("key", "person_id", "recipient", "item", "stage", "period", "status", "attempts", "created_at")


def _sql(text: str) -> str:
    """Hand-written SQL for the bulk steps (the query builder's cost dominates at tens of thousands of keys)."""
    return text.replace("{table}", ReminderLedger._meta.table_name).replace("?", database.obj.param)


def _existing(keys: Sequence[str]) -> dict[str, tuple[int, str, int, datetime | None]]:
    found: dict[str, tuple[int, str, int, datetime | None]] = {}
    field = ReminderLedger.next_attempt_at
    for batch in chunked(keys, _CHUNK):
        marks = ", ".join("?" * len(batch))
        cursor = database.execute_sql(
            _sql(f'SELECT "key", id, status, attempts, next_attempt_at FROM {{table}} WHERE "key" IN ({marks})'),
            list(batch),
        )
        for key, row_id, status, attempts, next_at in cursor.fetchall():
            found[key] = (row_id, status, attempts, field.python_value(next_at))
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
    """The notices a scan would send now: never claimed, or failed and not given up (no writes)."""
    by_key = _unique(notices)
    existing = _existing(list(by_key))
    return [n for k, n in by_key.items() if k not in existing or existing[k][1] in (FAILED, CLAIMED)]


def _retry_now(status: str, next_at: datetime | None, now: datetime, waits_over_only: bool) -> bool:
    """A failed (or abandoned) claim to try again: at once, or (the retry job) once its wait is over."""
    if status not in (FAILED, CLAIMED):
        return False
    return not waits_over_only or next_at is None or next_at <= now


def claim(notices: Iterable[Notice], *, now: datetime | None = None, retries_only: bool = False) -> list[Claim]:
    """Claim every notice not yet sent; returns the claims this call now owns (new ones and retries).

    New keys are claimed by INSERT ... ON CONFLICT DO NOTHING RETURNING: a key someone else holds comes back
    empty. Failed ones still due are claimed by a conditional UPDATE ... RETURNING. With retries_only (the
    retry job), only failed ones whose wait is over at `now` (UTC) are claimed, and nothing new.
    """
    by_key = _unique(notices)
    if not by_key:
        return []
    now = now or utc_now()
    owned: dict[str, tuple[int, int]] = {}
    with database.atomic():
        existing = _existing(list(by_key))
        created = ReminderLedger.created_at.db_value(now)
        fresh = [
            (key, n.person_id, n.recipient.address[:255], n.item[:255], n.stage, n.period, CLAIMED, 0, created)
            for key, n in by_key.items()
            if key not in existing and not retries_only
        ]
        for key, row_id in _insert_new(fresh):
            owned[key] = (row_id, 0)
        retry = {row_id: (key, attempts) for key, (row_id, status, attempts, next_at) in existing.items()
                 if _retry_now(status, next_at, now, retries_only)}
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


def release(claims: Iterable[Claim], error: str | None, now: datetime | None = None) -> None:
    """Record the outcome of sending: sent, or failed with the reason and when to try again."""
    claims = list(claims)
    if not claims:
        return
    now = now or utc_now()
    with database.atomic():
        if error is None:
            for batch in chunked([c.row_id for c in claims], _CHUNK):
                ReminderLedger.update(
                    attempts=ReminderLedger.attempts + 1, status=SENT, sent_at=now, last_attempt_at=now,
                    last_error=None, next_attempt_at=None,
                ).where(ReminderLedger.id.in_(batch)).execute()
            return
        by_attempts: dict[int, list[int]] = {}
        for c in claims:
            by_attempts.setdefault(c.attempts, []).append(c.row_id)
        for attempts, ids in by_attempts.items():
            again = now + wait_after(attempts + 1)
            for batch in chunked(ids, _CHUNK):
                ReminderLedger.update(
                    attempts=ReminderLedger.attempts + 1, status=FAILED, last_error=error[:2000],
                    last_attempt_at=now, next_attempt_at=again,
                ).where(ReminderLedger.id.in_(batch)).execute()


def give_up_stale(now: datetime) -> int:
    """Mark `given_up` every reminder still failing GIVE_UP_AFTER after it was first claimed; how many."""
    with database.atomic():
        return int(
            ReminderLedger.update(status=GIVEN_UP, next_attempt_at=None)
            .where((ReminderLedger.status == FAILED) & (ReminderLedger.created_at <= now - GIVE_UP_AFTER))
            .execute()
        )


def _wait_over(now: datetime, keep_items: Sequence[str]) -> Expression:
    over = (ReminderLedger.status == FAILED) & (
        ReminderLedger.next_attempt_at.is_null() | (ReminderLedger.next_attempt_at <= now)
    )
    return over & ReminderLedger.item.not_in(list(keep_items)) if keep_items else over


def lapse_unclaimed(now: datetime, keep_items: Sequence[str] = ()) -> int:
    """After the retry job asked every planner: failed reminders whose wait is over and that no planner asked for
    again are no longer due in that form (a new week, done meanwhile, left) and become `lapsed`; how many.
    Items in keep_items (made by no planner, such as the monthly reports) are left for their own job."""
    over = _wait_over(now, keep_items)
    with database.atomic():
        return int(ReminderLedger.update(status=LAPSED, next_attempt_at=None).where(over).execute())


def retry_due(now: datetime, keep_items: Sequence[str] = ()) -> bool:
    """Whether any failed reminder's wait is over at `now` (the retry job has work); keep_items as above."""
    over = _wait_over(now, keep_items)
    return bool(ReminderLedger.select().where(over).exists())


@dataclass(frozen=True)
class Failing:
    """The reminders failing now, for the jobs page: how many, since when, the latest error, the next try."""

    count: int
    given_up: int
    since: datetime | None
    last_error: str | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None


def failing() -> Failing:
    from peewee import fn

    rows = ReminderLedger.select(
        fn.COUNT(ReminderLedger.id), fn.MIN(ReminderLedger.created_at), fn.MIN(ReminderLedger.next_attempt_at)
    ).where(ReminderLedger.status == FAILED)
    count, since, next_at = rows.tuples().get()
    latest = (
        ReminderLedger.select(ReminderLedger.last_error, ReminderLedger.last_attempt_at)
        .where(ReminderLedger.status == FAILED)
        .order_by(ReminderLedger.last_attempt_at.desc(nulls="LAST"), ReminderLedger.id.desc())
        .first()
    )
    given_up = ReminderLedger.select().where(ReminderLedger.status == GIVEN_UP).count()
    field = ReminderLedger.created_at
    return Failing(
        int(count or 0), given_up, field.python_value(since), latest.last_error if latest else None,
        latest.last_attempt_at if latest else None, ReminderLedger.next_attempt_at.python_value(next_at),
    )


def recent(limit: int = 50, status: str | None = None) -> list[LedgerRow]:
    query = ReminderLedger.select().order_by(ReminderLedger.created_at.desc(), ReminderLedger.id.desc())
    if status is not None:
        query = query.where(ReminderLedger.status == status)
    return [
        LedgerRow(
            r.id, r.key, r.recipient, r.item, r.stage, r.period, r.status, r.attempts, r.last_error, r.created_at,
            r.sent_at, r.last_attempt_at, r.next_attempt_at,
        )
        for r in query.limit(limit)
    ]


def counts() -> dict[str, int]:
    from peewee import fn

    query = ReminderLedger.select(ReminderLedger.status, fn.COUNT(ReminderLedger.id)).group_by(ReminderLedger.status)
    return {status: int(n) for status, n in query.tuples()}
