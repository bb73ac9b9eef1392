"""Which work the monthly and nightly jobs do: wired once at start-up by the app."""

from __future__ import annotations

from jobs import backup_job, lead_reports
from jobs.scheduler import register_monthly, register_nightly


def register_standard_hooks() -> None:
    register_monthly(lead_reports.send_lead_reports)
    register_nightly(backup_job.backup_hook)
    register_nightly(backup_job.retention_hook)
