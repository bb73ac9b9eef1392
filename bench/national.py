"""A national population of 50,000 staff (100 employers), built once into bench/out/national.db (or, with
--postgres, into that scratch database, replacing the 10,000: the next ordinary run builds those back), and
run only when named: `python -m bench national [--postgres URL]`.

Timed: the whole snapshot (target on PostgreSQL 3 s) and the national figures (the snapshot and its
headline summary, for every person: target 30 s). There is no "national" PDF kind yet; the figure is the
data a national report would gather.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

from bench import Bench, section
from bench.population import DEFAULT_PATH, SHAPE, ensure_population, ensure_population_at
from tracker import compliance, db
from tracker.views import population

NATIONAL = replace(SHAPE, staff=50_000, employers=100, pcns=25)
NATIONAL_PATH = DEFAULT_PATH.with_name("national.db")
SNAPSHOT_PG_TARGET_S = 3.0
NATIONAL_REPORT_TARGET_S = 30.0


@section("national", "50,000 staff: the whole snapshot and the national figures", by_default=False)
def national(b: Bench) -> None:
    started = time.perf_counter()
    if b.backend == "postgres":
        url = ensure_population_at(b.url, shape=NATIONAL)
    else:
        url = ensure_population(NATIONAL_PATH, shape=NATIONAL)
    b.note(f"50,000-staff population ready in {time.perf_counter() - started:.0f} s ({url.split('@')[-1]})")
    try:
        results = population.snapshot(b.as_of)
        b.note(f"{len(results):,} people employed on the date; load average {os.getloadavg()[0]:.2f}")
        seconds = b.timed(lambda: population.snapshot(b.as_of), repeats=min(b.repeats, 3))
        target = SNAPSHOT_PG_TARGET_S if b.backend == "postgres" else None
        b.report(f"snapshot of {len(results):,} people ({b.backend})", seconds, target=target)
        figures = b.timed(
            lambda: compliance.summarise(population.snapshot(b.as_of), b.as_of), repeats=1, warmup=0
        )
        b.report("national figures, 50,000 people", figures, target=NATIONAL_REPORT_TARGET_S)
    finally:
        db.close()
        db.connect(b.url)
