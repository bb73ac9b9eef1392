"""The reminder scan over the 10,000-staff population: planning (a dry run) and planning plus claiming.

The synthetic people have no email addresses, so each measurement runs inside a transaction that first gives
everyone one (staff id @bench.test, untimed) and is rolled back at the end: every repeat is a first scan
(everything due is new), and the population database is left as it was. Nothing is sent: delivery time depends
on the mail server, not on us. The engine's own snapshot is timed too, to show what the scan adds to it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench import Bench, section
from jobs.reminders import ScanResult, scan_once
from tracker.db import database
from tracker.models import Person, ReminderLedger
from tracker.settings import Settings
from tracker.views.population import snapshot

T = TypeVar("T")

TARGET_SECONDS = 2.0
OUT = Path(__file__).resolve().parent / "out"


def _settings() -> Settings:
    # Email "on" so that everyone with an address counts as reachable; nothing is delivered.
    return Settings(
        data_dir=OUT, base_url="http://localhost:8080", smtp_host="localhost", mail_from="reminders@bench.test",
        scheduler=False,
    )


_cpu: list[float] = []  # processor seconds of the runs timed last, to tell work from waiting on a busy machine


def _in_rolled_back_transaction(work: Callable[[], T]) -> tuple[float, T]:
    """Time `work` inside a transaction where everyone has an email address; undo everything after."""
    with database.atomic() as txn:
        Person.update(email=Person.staff_id.concat("@bench.test")).execute()
        started, cpu = time.perf_counter(), time.process_time()
        result = work()
        seconds = time.perf_counter() - started
        _cpu.append(time.process_time() - cpu)
        txn.rollback()
    return seconds, result


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _repeat(b: Bench, work: Callable[[], T], repeats: int | None = None) -> tuple[float, T]:
    _in_rolled_back_transaction(work)  # warm-up
    _cpu.clear()
    runs = [_in_rolled_back_transaction(work) for _ in range(repeats or b.repeats)]
    return _median([s for s, _ in runs]), runs[-1][1]


@section("remind", "the reminder scan over the whole population: dry run, and with ledger claims")
def remind(b: Bench) -> None:
    settings = _settings()
    engine, _ = _repeat(b, lambda: snapshot(b.as_of))
    b.report("remind: the engine's snapshot alone (reference)", engine)

    seconds, planned = _repeat(b, lambda: scan_once(b.as_of, settings, dry_run=True))
    b.note(f"{planned.reminders:,} reminders due for {len(planned.deliveries):,} recipients on {b.as_of:%d/%m/%Y}")
    b.report("remind: plan only (--dry-run)", seconds, target=TARGET_SECONDS)
    b.note(f"(processor time of that scan: {_median(_cpu):.3f} s; load average {os.getloadavg()[0]:.2f})")

    seconds, first = _repeat(b, lambda: scan_once(b.as_of, settings, deliver=False))
    assert first.reminders == planned.reminders, "the scan claimed other reminders than the dry run listed"
    b.report("remind: plan + claim every reminder (first scan)", seconds, target=TARGET_SECONDS)
    b.note(f"(processor time of that scan: {_median(_cpu):.3f} s; more wall time means a busy machine)")

    def second_scan() -> tuple[float, ScanResult]:
        scan_once(b.as_of, settings, deliver=False)
        ReminderLedger.update(status="sent").execute()  # as delivery would have marked them
        started = time.perf_counter()
        result = scan_once(b.as_of, settings, deliver=False)
        return time.perf_counter() - started, result

    runs = [_in_rolled_back_transaction(second_scan)[1] for _ in range(max(1, b.repeats // 2))]
    assert all(r.reminders == 0 for _, r in runs), "a second scan on the same day claimed something again"
    b.report("remind: a second scan that finds nothing new", _median([s for s, _ in runs]), target=TARGET_SECONDS)
