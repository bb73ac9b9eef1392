"""`python main.py remind [--as-of DATE] [--dry-run]`: the reminder scan once, from the command line (cron)."""

from __future__ import annotations

import sys
from datetime import date
from typing import Protocol

from jobs.reminders import ScanResult, scan_once
from jobs.scheduler import SCAN, record_run, scan_outcome
from tracker import clock
from tracker.settings import Settings


class RemindArgs(Protocol):
    as_of: date | None
    dry_run: bool


def run_remind(args: RemindArgs, settings: Settings) -> int:
    """Run the scan (the database is already connected); print what was, or would be, sent. Exit status 0."""
    as_of = args.as_of or clock.today(settings.timezone)
    if args.dry_run:
        result = scan_once(as_of, settings, dry_run=True)
    else:
        holder: list[ScanResult] = []

        def work():  # type: ignore[no-untyped-def]
            holder.append(scan_once(as_of, settings))
            return scan_outcome(holder[0])

        run = record_run(SCAN, as_of, work)
        if not holder:
            print(f"error: the reminder scan failed: {run.message}", file=sys.stderr)
            return 1
        result = holder[0]
    for line in result.lines():
        print(line, file=sys.stderr if line.startswith("error:") else sys.stdout)
    return 0
