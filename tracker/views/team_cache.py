"""The team snapshot and the 12-month trend, worked out once per (scope, as-at date) and kept until the data
changes.

`data_marker()` is one cheap query: the database in use and the highest id of the audit trail and of every
table compliance reads. Every service write records an audit event, and every new row raises an id, so a
write anywhere changes the marker. The next request then works out again only the people the write touched
(tracker.views.changes reads them from the audit events) and keeps everyone else's results; when the events
cannot say whom (rules changed, an import), it works out everyone. Each instance reads the marker from the
database on every request, so a write through one instance reaches the cache of every other. Concurrent
requests for the same key wait for one computation instead of each running the rules.

The trend's past month-ends are the exception: they are worked out together, each person's statuses on all
of them at once (population.trend_summaries), still seconds for 10,000 people, and a write rarely changes the
past, so each is reused for up to PAST_MONTHS_FRESH after
it was worked out, even if the data has changed since. The as-at date's figures are always current.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from tracker import compliance as c
from tracker.access import Scope
from tracker.clock import utc_now
from tracker.db import database
from tracker.models import Employment, Pcn
from tracker.views import changes
from tracker.views.population import load_records, load_rules, scope_jobs, snapshot, trend_summaries
from tracker.views.team_views import (
    TeamSnapshot,
    TrendPoint,
    assemble,
    member_of,
    team_tally,
    trend_days,
    with_members,
)

V = TypeVar("V")
PAST_MONTHS_FRESH = timedelta(minutes=15)
_MARKER_SQL = changes.marker_sql()


def data_marker() -> tuple[Any, ...]:
    """Changes whenever anything compliance depends on is written (or another database is opened)."""
    obj = database.obj
    row = database.execute_sql(_MARKER_SQL).fetchone()
    return (id(obj), getattr(obj, "database", None), *row)


def pcns_of(as_of: date, scope: Scope) -> dict[int, int | None]:
    """Person id -> the PCN of their current job (the latest started of those active on as_of)."""
    query = scope_jobs(scope, as_of, Employment.person, Employment.pcn, Employment.start_date)
    if scope.person_ids is not None:
        query = query.where(Employment.person.in_(list(scope.person_ids)))
    found: dict[int, int | None] = {}
    for person_id, pcn_id, _start in sorted(_rows(query), key=lambda row: str(row[2])):
        found[person_id] = pcn_id
    return found


def _rows(query: Any) -> list[tuple[Any, ...]]:
    sql, params = query.sql()
    return list(database.execute_sql(sql, params).fetchall())


def build_snapshot(as_of: date, scope: Scope) -> TeamSnapshot:
    # Assembling 10,000 members beside the results made hundreds of collections that walked the whole heap
    # (0.6-1.0 s of a 2.7 s build); members, results and their figures make no reference cycles.
    with c.collector_paused():
        rules = load_rules()
        results = snapshot(as_of, scope, rules)
        return assemble(as_of, results, _course_names(rules), pcns_of(as_of, scope), _pcn_names()).warm()


def _course_names(rules: c.Rules) -> dict[str, str]:
    return {code: info.name for code, info in rules.courses.items()}


def _pcn_names() -> dict[int, str]:
    return dict(_rows(Pcn.select(Pcn.id, Pcn.name)))  # type: ignore[attr-defined]


def refreshed(held: TeamSnapshot, touched: frozenset[int], scope: Scope) -> TeamSnapshot | None:
    """`held` with the people in `touched` worked out again (joining, leaving or changing), the others kept as they
    were: equal to build_snapshot(held.as_of, scope) when only they changed (tests/test_team_cache.py). None when
    the names the snapshot shows changed, so that everything is worked out again."""
    if not touched:
        return held
    as_of = held.as_of
    rules = load_rules()
    course_names = _course_names(rules)
    if course_names != held.course_names:
        return None
    records = load_records(as_of, Scope(person_ids=touched), widest_period=rules.widest_period)
    in_scope = [
        r for r in records
        if (scope.person_ids is None or r.person_id in scope.person_ids) and scope.holds_on(r.employments, as_of)
    ]
    results = c.assess_all(in_scope, rules, as_of)
    pcn_of = pcns_of(as_of, Scope(employer_id=scope.employer_id, pcn_id=scope.pcn_id, person_ids=touched))
    pcn_names = _pcn_names()
    with c.collector_paused():  # thousands of small objects beside a heap of millions: no cycle to collect
        kept = [m for m in held.members if m.person_id not in touched]
        gone = [m for m in held.members if m.person_id in touched]
        fresh = [member_of(r, pcn_of.get(r.person_id)) for r in results]
        counted = held.counted - team_tally(as_of, gone) + team_tally(as_of, fresh)
        return with_members(as_of, kept + fresh, course_names, pcn_names, counted).warm()


def build_summary(as_of: date, scope: Scope) -> c.Summary:
    return c.summarise(snapshot(as_of, scope), as_of)


def _summary_builder(day: date, scope: Scope) -> Callable[[], c.Summary]:
    return lambda: build_summary(day, scope)


class _Memo:
    """A small least-recently-used store of values that remember the data marker they were built at."""

    def __init__(self, size: int, grace: timedelta = timedelta(0), settles: bool = False) -> None:
        self.size = size
        self.grace = grace  # how long a value outlives a change of the marker
        self.settles = settles  # values are refreshed from the audit events after their marker: keep no gap behind
        self._items: OrderedDict[Any, tuple[tuple[Any, ...], Any, datetime]] = OrderedDict()
        self._guard = threading.Lock()
        self._key_locks: dict[Any, threading.Lock] = {}
        self.built = 0  # values worked out whole, and refreshed from the one held (tests and bench read these)
        self.refreshed = 0

    def get(
        self,
        key: Any,
        marker: tuple[Any, ...],
        build: Callable[[], V],
        refresh: Callable[[V, tuple[Any, ...]], tuple[V, tuple[Any, ...]] | None] | None = None,
    ) -> V:
        """The value for key at this marker: kept, refreshed from the one held (refresh(value, its marker) gives
        the new value and the marker to keep it at, or None when it cannot), or built."""
        with self._guard:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            with self._guard:
                held = self._items.get(key)
                if held is not None and self._is_fresh(held, marker):
                    self._items.move_to_end(key)
                    return held[1]  # type: ignore[no-any-return]
            renewed = refresh(held[1], held[0]) if held is not None and refresh is not None else None
            if renewed is None:
                value, kept_at = build(), changes.settled(marker) if self.settles else marker
                self.built += 1
            else:
                value, kept_at = renewed
                self.refreshed += 1
            self.put(key, kept_at, value)
            return value

    def _is_fresh(self, held: tuple[tuple[Any, ...], Any, datetime], marker: tuple[Any, ...]) -> bool:
        return held[0] == marker or utc_now() - held[2] < self.grace

    def holds(self, key: Any) -> bool:
        with self._guard:
            return key in self._items

    def fresh(self, key: Any, marker: tuple[Any, ...]) -> bool:
        with self._guard:
            held = self._items.get(key)
            return held is not None and self._is_fresh(held, marker)

    def put(self, key: Any, marker: tuple[Any, ...], value: Any) -> None:
        with self._guard:
            self._items[key] = (marker, value, utc_now())
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                old, _ = self._items.popitem(last=False)
                self._key_locks.pop(old, None)

    def clear(self) -> None:
        with self._guard:
            self._items.clear()


class TeamCache:
    def __init__(self, snapshots: int = 4, summaries: int = 600) -> None:  # a 10,000-staff snapshot holds ~26 MB
        self._snapshots = _Memo(snapshots, settles=True)
        self._summaries = _Memo(summaries, grace=PAST_MONTHS_FRESH)
        self._other = _Memo(128)  # a caseload and a team directory for each of some 50 people at once

    def snapshot(self, scope: Scope, as_of: date) -> TeamSnapshot:
        marker = data_marker()

        def refresh(held: TeamSnapshot, held_marker: tuple[Any, ...]) -> tuple[TeamSnapshot, tuple[Any, ...]] | None:
            touched, kept_marker = changes.changes_between(held_marker, marker)
            value = None if touched is None else refreshed(held, touched, scope)
            return None if value is None else (value, kept_marker)

        return self._snapshots.get((scope, as_of), marker, lambda: build_snapshot(as_of, scope), refresh)

    def kept_snapshot(self, scope: Scope, as_of: date) -> TeamSnapshot | None:
        """The snapshot for (scope, as_of), brought up to date, when one is kept; else None: for reads that may
        use it but should not make one (a report of a scope nobody has open would push a lead's team out of the
        few kept)."""
        if not self._snapshots.holds((scope, as_of)):
            return None
        return self.snapshot(scope, as_of)  # refreshed for the people any write since touched, as every read is

    @property
    def snapshot_counts(self) -> tuple[int, int]:
        """(snapshots worked out whole, snapshots refreshed for the people a write touched) since the start."""
        return self._snapshots.built, self._snapshots.refreshed

    def trend(self, scope: Scope, as_of: date) -> list[TrendPoint]:
        """The headline figures at the end of each of the last 11 months and on the as-at date."""
        days = trend_days(as_of)
        past = self.past_summaries(scope, [d for d in days if d != as_of])
        points = []
        for day in days:
            summary = self.snapshot(scope, as_of).summary if day == as_of else past[day]
            points.append(TrendPoint(day, summary))
        return points

    def past_summaries(self, scope: Scope, days: Sequence[date]) -> dict[date, c.Summary]:
        """The headline figures at past month ends (each kept up to PAST_MONTHS_FRESH): the trend's, and the
        app's compliance reports' (tracker.views.report_data.scope_data)."""
        marker = data_marker()
        missing = [d for d in days if not self._summaries.fresh((scope, d), marker)]
        if missing:  # the month ends not yet known are worked out together, reading the records once
            for day, summary in trend_summaries(missing, scope).items():
                self._summaries.put((scope, day), marker, summary)
        return {day: self._summaries.get((scope, day), marker, _summary_builder(day, scope)) for day in days}

    def rules(self) -> c.Rules:
        """The catalogue and rules, read again only after a write (every rule change is an audit event): one
        person's page would otherwise read all of them for its one person."""
        return self.remembered(("rules",), load_rules)

    def remembered(self, key: Any, build: Callable[[], V]) -> V:
        """Any other read worked out from what compliance reads, kept until the data changes."""
        return self._other.get(key, data_marker(), build)

    def clear(self) -> None:
        self._snapshots.clear()
        self._summaries.clear()
        self._other.clear()


CACHE = TeamCache()
