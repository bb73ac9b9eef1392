"""`/admin/jobs` (administrators): scheduled jobs with next and last runs, run now, a test email, failed
reminders, and a preview of what the next reminder scan would send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from nicegui import ui

from jobs import ledger
from jobs.mailer import send_test_email
from jobs.reminders import Delivery, preview
from jobs.scheduler import JobView, overview, run_job
from tracker.access import ADMIN, require
from tracker.settings import DEFAULT_TIMEZONE, Settings
from ui.actions import read, write
from ui.attrs import attrs
from ui.components import empty_state, heading, muted, panel, status_chip, text
from ui.layout import PAGE_BUILD_SECONDS, add_nav, frame
from ui.tables import Column, table

RUN_STATUS = {"ok": ("compliant", "OK"), "failed": ("expired", "Failed"), "running": ("in_progress", "Running")}


@dataclass(frozen=True)
class JobsPicture:
    jobs: list[JobView]
    counts: dict[str, int]
    failed: list[ledger.LedgerRow]
    failing: ledger.Failing | None = None


def _picture(settings: Settings) -> JobsPicture:
    return JobsPicture(
        overview(settings), ledger.counts(), ledger.recent(20, status=ledger.FAILED), ledger.failing()
    )


def _when(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # JobRun and the ledger keep UTC
    return moment.astimezone(ZoneInfo(zone)).strftime("%d/%m/%Y %H:%M")


def _email_status(settings: Settings) -> str:
    if not settings.email_enabled:
        return "Email is off (no TRACKER_SMTP_HOST): reminders go to the in-app inbox only."
    return (
        f"Email goes through {settings.smtp_host}:{settings.smtp_port} ({settings.smtp_security}) "
        f"from {settings.mail_from}."
    )


def _jobs_table(picture: JobsPicture, settings: Settings, on_run) -> None:  # type: ignore[no-untyped-def]
    columns = [
        Column("Job"), Column("Schedule"), Column("Next run"), Column("Last run"), Column("Result"),
        Column("Count", numeric=True), Column("Errors", numeric=True), Column("Action"),
    ]
    with table("Scheduled jobs", columns) as cells:
        for job in picture.jobs:
            last = job.runs[0] if job.runs else None
            with cells.row(job=job.id):
                cells.cell(job.name, header=True)
                cells.cell(job.schedule)
                cells.cell(_when(job.next_run, settings.timezone))
                cells.cell(_when(last.started_at, settings.timezone) if last else "Never")
                with cells.cell():
                    if last:
                        status_chip(*RUN_STATUS.get(last.status, ("paused", last.status)))
                        if last.message:
                            ui.label(last.message).classes("text-sm")
                cells.cell(str(last.count) if last else "—")
                cells.cell(str(last.errors) if last else "—")
                with cells.cell():
                    run_now = ui.button("Run now", on_click=lambda job_id=job.id: on_run(job_id))
                    attrs(run_now.props("outline dense no-caps"), aria_label=f"Run now: {job.name}").mark(
                        f"run-{job.id}")


RETRY_RULE = (
    f"A failed reminder is tried again after {ledger.FIRST_WAIT.seconds // 60} minutes, then after waits that "
    f"double up to {ledger.LONGEST_WAIT.seconds // 3600} hours, and given up only if it still fails "
    f"{ledger.GIVE_UP_AFTER.days} days after it was first due. Administrators are told in their inbox when "
    "failures begin and when they end."
)


def _failing_now(failing: ledger.Failing, zone: str) -> None:
    with ui.element("section").classes("w-full").mark("failing-now"):
        if not failing.count:
            status_chip("compliant", "All reminders delivered")
        else:
            status_chip("expired", f"{failing.count} reminder(s) failing")
            with ui.element("dl").classes("my-2"):
                for term, value in (
                    ("Failing since", _when(failing.since, zone)),
                    ("Last error", f"{failing.last_error or '—'} ({_when(failing.last_attempt_at, zone)})"),
                    ("Next retry", _when(failing.next_attempt_at, zone)),
                ):
                    text("dt", term).classes("font-semibold")
                    text("dd", value).classes("ml-4 mb-1")
        if failing.given_up:
            muted(f"{failing.given_up} reminder(s) were given up after failing for {ledger.GIVE_UP_AFTER.days} days.")
        muted(RETRY_RULE)


def _failures(picture: JobsPicture, zone: str = DEFAULT_TIMEZONE) -> None:
    counts = ", ".join(f"{n} {status}" for status, n in sorted(picture.counts.items())) or "none yet"
    if picture.failing is not None:
        _failing_now(picture.failing, zone)
    muted(f"Reminders in the ledger: {counts}.")
    if not picture.failed:
        empty_state("No failed reminders.")
        return
    columns = [Column("Recipient"), Column("Reminder"), Column("Attempts", numeric=True), Column("Last error"),
               Column("Next try")]
    with table("Failed reminders", columns) as cells:
        for row in picture.failed:
            with cells.row():
                cells.cell(row.recipient, header=True)
                cells.cell(f"{row.item} ({row.stage}, {row.period})")
                cells.cell(str(row.attempts))
                cells.cell(row.last_error or "")
                cells.cell(_when(row.next_attempt_at, zone))


def _preview(deliveries: list[Delivery]) -> None:
    if not deliveries:
        empty_state("The next scan would send nothing new.")
        return
    items = sum(len(d.notices) for d in deliveries)
    muted(f"{items} reminder(s) to {len(deliveries)} recipient(s).")
    columns = [Column("Recipient"), Column("By"), Column("Reminders")]
    with table("What the next scan would send", columns) as cells:
        for d in deliveries:
            with cells.row():
                cells.cell(f"{d.recipient.name} <{d.recipient.email}>" if d.by_email else d.recipient.name, header=True)
                cells.cell(d.channels)
                with cells.cell(), ui.element("ul").classes("m-0 pl-4"):
                    for notice in d.notices:
                        attrs(text("li", notice.text).classes("text-sm"), data_stage=notice.stage)


def register() -> None:
    add_nav("/admin/jobs", "Scheduled jobs", "schedule", "Administration", lambda v: v.is_admin, order=80)

    @ui.page("/admin/jobs", response_timeout=PAGE_BUILD_SECONDS)
    async def jobs_admin() -> None:
        async with frame("Scheduled jobs", breadcrumbs=[("Administration", None)]) as page:
            require(page.viewer, ADMIN)
            settings = page.settings
            muted(_email_status(settings))
            if not settings.scheduler:
                muted("The scheduler is off in this process (TRACKER_SCHEDULER=off); times shown are the schedule.")
            picture = await read(_picture, settings)

            @ui.refreshable
            def jobs_section(current: JobsPicture) -> None:
                with panel():
                    heading("Jobs", 2)
                    _jobs_table(current, settings, run_now)
                with panel():
                    heading("Failed reminders", 2)
                    _failures(current, settings.timezone)

            async def run_now(job_id: str) -> None:
                done = await write(lambda who: run_job(job_id, settings), needs=ADMIN)
                if done.ok:
                    run = done.value
                    kind: Literal["positive", "warning"] = "positive" if run.status == "ok" else "warning"
                    ui.notify(f"{run.status.upper()}: {run.message or 'done'}", type=kind, multi_line=True)
                jobs_section.refresh(await read(_picture, settings))

            jobs_section(picture)

            with panel():
                heading("Send a test email", 2)
                address = ui.input("Send to", value=page.viewer.email).props("type=email").classes("w-80")
                ui.button(
                    "Send a test email",
                    on_click=lambda: write(
                        lambda who: send_test_email(settings, address.value or ""), needs=ADMIN,
                        success=f"Test email sent to {address.value}",
                    ),
                ).props("unelevated no-caps").mark("send-test")

            with panel():
                heading("Preview of the next reminder scan", 2)
                muted(f"What a scan on {page.as_of.strftime('%d/%m/%Y')} would send now; nothing is sent or recorded.")
                holder = ui.column().classes("w-full")

                async def show_preview(day: date = page.as_of) -> None:
                    deliveries = await read(preview, day, settings)
                    holder.clear()
                    with holder:
                        _preview(deliveries)

                ui.button("Show the preview", on_click=show_preview).props("outline no-caps").mark("preview")
