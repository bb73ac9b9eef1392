"""A national population of 50,000 staff (100 employers), built once into bench/out/national.db (or, with
--postgres, into that scratch database, replacing the 10,000: the next ordinary run builds those back), and
run only when named: `python -m bench national [--postgres URL]`.

Timed: the whole snapshot (target on PostgreSQL 3 s), the national figures (the snapshot and its headline
summary, for every person), and a national report: the compliance report PDF of the lead's reports (the PCN
layout: every person with their employer, the employers compared) for the whole installation, gathered and
drawn once (target 30 s), with the process's peak memory and the PDF's size.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import replace

from bench import Bench, section
from bench.population import DEFAULT_PATH, SHAPE, ensure_population, ensure_population_at
from reports.build import render
from tracker import compliance, db
from tracker.access import Scope
from tracker.views import population
from tracker.views.report_data import scope_data

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
        b.report("national figures, 50,000 people", figures)
        national_report(b)
    finally:
        db.close()
        db.connect(b.url)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def national_report(b: Bench) -> None:
    """The whole installation's report PDF, once: gathering, drawing, and the two together against the target."""
    before = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    data = scope_data("pcn", Scope(), "every employer", b.as_of, generated_by="bench")
    gathered, gathered_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    pdf = render(data)
    drawn, drawn_cpu = time.perf_counter() - started, time.process_time() - cpu
    b.report(f"national report PDF, {len(data.people):,} people", gathered + drawn, target=NATIONAL_REPORT_TARGET_S)
    b.note(f"    data {gathered:.1f} s (processor {gathered_cpu:.1f} s), PDF {drawn:.1f} s (processor "
           f"{drawn_cpu:.1f} s), {len(pdf) / 1024 ** 2:,.1f} MB; peak memory {_peak_mb():,.0f} MB "
           f"({before:,.0f} MB before); load average {os.getloadavg()[0]:.2f}")
