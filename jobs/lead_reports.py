"""The monthly job's work: each lead gets their compliance report for the month just ended, as a PDF attachment.

Each (lead, month) is claimed in the reminder ledger first, so a report is sent once however often the job runs;
a failed send stays `failed` and is tried again by the next run.
"""

from __future__ import annotations

from datetime import date, timedelta

from jobs.compose import message_id
from jobs.mailer import Attachment, OutgoingEmail, send_all
from reports.monthly import build_lead_reports
from tracker.clock import utc_now
from tracker.dates import uk
from tracker.db import database
from tracker.models import ReminderLedger
from tracker.settings import Settings

ITEM, STAGE = "monthly-report", "monthly"


def report_date(run_on: date) -> date:
    """Reports sent on the 1st are as at the last day of the month before."""
    return run_on.replace(day=1) - timedelta(days=1)


def _claim(key: str, email: str, period: str) -> ReminderLedger | None:
    with database.atomic():
        row = ReminderLedger.get_or_none(ReminderLedger.key == key)
        if row is None:
            return ReminderLedger.create(
                key=key, recipient=email, item=ITEM, stage=STAGE, period=period, status="claimed"
            )
        return row if row.status == "failed" else None


def send_lead_reports(run_on: date, settings: Settings) -> int:
    """Email every lead their report(s) as at the end of last month; returns how many were sent."""
    if not settings.email_enabled:
        return 0
    as_of = report_date(run_on)
    period = as_of.strftime("%Y-%m")
    claims: list[tuple[ReminderLedger, OutgoingEmail]] = []
    for email, filename, pdf in build_lead_reports(as_of):
        row = _claim(f"{ITEM}:{email}:{filename}:{period}", email, period)
        if row is None:
            continue
        claims.append(
            (
                row,
                OutgoingEmail(
                    to=email,
                    subject=f"Compliance report as at {uk(as_of)}",
                    text=(
                        f"Your compliance report as at {uk(as_of)} is attached ({filename}).\n\n"
                        f"The live figures are at {settings.base_url}/dashboard\n"
                    ),
                    attachments=(Attachment(filename, pdf),),
                    message_id=message_id([row.key], settings.base_url),
                ),
            )
        )
    errors = send_all(settings, [email for _, email in claims]) if claims else []
    sent = 0
    for (row, _), error in zip(claims, errors, strict=True):
        ReminderLedger.update(
            status="failed" if error else "sent",
            attempts=ReminderLedger.attempts + 1,
            last_error=error,
            sent_at=None if error else utc_now(),
        ).where(ReminderLedger.id == row.id).execute()
        sent += error is None
    return sent
