"""The 12-month trend (issue 15: ≤ 2 s for 10,000 staff): the headline figures at the last eleven month ends
and the as-at date, as the dashboard asks the cache for them with the as-at snapshot already worked out."""

from __future__ import annotations

import statistics
import time

from bench import Bench, section
from tracker.access import Scope
from tracker.models import Organisation
from tracker.views.team_cache import CACHE

TREND_TARGET_S = 2.0


@section("trend", "the 12-month trend for 10,000 staff and for one employer, wall and CPU (target 2 s)")
def trend(b: Bench) -> None:
    largest = max(Organisation.select(), key=lambda o: o.employments.count())
    for who, scope in (("10,000 staff", Scope()), ("one employer", Scope(employer_id=largest.id))):
        wall, cpu = [], []
        for _ in range(b.repeats):
            CACHE.clear()
            CACHE.snapshot(scope, b.as_of)  # as on the dashboard: the as-at snapshot is already known
            started, started_cpu = time.perf_counter(), time.process_time()
            points = CACHE.trend(scope, b.as_of)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        b.report(f"12-month trend ({who}), median of {b.repeats}", statistics.median(wall), target=TREND_TARGET_S)
        b.note(f"    CPU {statistics.median(cpu):.3f} s; {points[0].people:,} to {points[-1].people:,} people")
    CACHE.clear()
