"""The compliance snapshot of the whole population against the SQL floor, and one person."""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench import Bench, section
from bench.floor import run_floor
from tracker import compliance
from tracker.models import Employment
from tracker.views import population

SNAPSHOT_TARGET_S = 1.0
RATIO_TARGET = 1.0  # issue 15: the snapshot no slower than the SQL floor
PEOPLE_SAMPLED = 50


def _interleaved(b: Bench, actions: dict[str, Callable[[], Any]]) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each action, run in turns so a busy machine slows them alike."""
    for action in actions.values():
        action()  # warm up: connection, page cache, imports
    wall: dict[str, list[float]] = {name: [] for name in actions}
    cpu: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(b.repeats):
        for name, action in actions.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            action()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in actions}


@section("snapshot", "full compliance snapshot (load + rules) vs one hand-written SQL query, and one person")
def snapshot(b: Bench) -> None:
    results = population.snapshot(b.as_of)
    rag = Counter(r.rag for r in results)
    b.note(
        f"{len(results):,} people employed on the date: {rag['green']:,} green, {rag['amber']:,} amber, "
        f"{rag['red']:,} red; {len(run_floor(b.as_of)):,} rows from the floor query"
    )
    timings = _interleaved(
        b,
        {
            "snapshot": lambda: population.snapshot(b.as_of),
            "floor": lambda: run_floor(b.as_of),
        },
    )
    (snap, snap_cpu), (floor, floor_cpu) = timings["snapshot"], timings["floor"]
    b.report(f"snapshot, median of {b.repeats}", snap, target=SNAPSHOT_TARGET_S)
    b.report("floor: one SQL query, same aggregation", floor)
    ratio = snap / floor if floor else float("inf")
    b.results["ratio"] = ratio
    verdict = "ok" if ratio <= RATIO_TARGET else "MISSED"
    b.note(f"{'ratio snapshot / floor':<44}{ratio:9.2f} x   target <= {RATIO_TARGET:g} x: {verdict}")
    b.note(
        f"cpu time of this process: snapshot {snap_cpu:.3f} s, floor {floor_cpu:.3f} s "
        f"(ratio {snap_cpu / floor_cpu if floor_cpu else float('inf'):.2f}); "
        f"load average {os.getloadavg()[0]:.2f}"
    )

    people = [r.person_id for r in results][:: max(1, len(results) // PEOPLE_SAMPLED)][:PEOPLE_SAMPLED]
    rules = population.load_rules()

    def one_by_one() -> None:
        for pid in people:
            population.person_compliance(pid, b.as_of, rules)

    per_person = b.timed(one_by_one) / len(people)
    b.report(f"one person (person_compliance, {len(people)} people)", per_person, unit="ms")
    per_person_with_rules = b.timed(lambda: population.person_compliance(people[0], b.as_of))
    b.report("one person, reading the rules too", per_person_with_rules, unit="ms")


@section("breakdown", "where the snapshot's time goes: reading the records, applying the rules")
def breakdown(b: Bench) -> None:
    rules = population.load_rules()
    records = population.load_records(b.as_of)
    b.report("load_rules()", b.timed(population.load_rules), unit="ms")
    b.report(f"load_records(): {len(records):,} people", b.timed(lambda: population.load_records(b.as_of)))
    b.report("assess_all()", b.timed(lambda: compliance.assess_all(records, rules, b.as_of)))
    employer = Employment.select(Employment.employer).where(Employment.end_date.is_null()).scalar()
    scope = population.Scope(employer_id=employer)
    size = len(population.snapshot(b.as_of, scope))
    b.report(
        f"snapshot of one employer ({size:,} people)", b.timed(lambda: population.snapshot(b.as_of, scope))
    )
