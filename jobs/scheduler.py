"""The scheduled jobs, run inside the app by APScheduler (3.x, in memory), with their runs kept in JobRun.

Jobs have fixed ids and are re-added at every start (replace_existing); each has max_instances=1,
coalesce=True and an hour's misfire grace. APScheduler keeps no record across restarts, so JobRun does: at
start, a job whose next fire time after its last run is already past (the app was down) runs once, at once.
Plain functions run in the event loop's thread pool, each with its own database connection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs import lead_reports, ledger
from jobs.digest import retry_digest, send_digest
from jobs.reminders import ScanResult, retry_once, scan_once
from tracker import clock
from tracker.db import database
from tracker.models import JobRun
from tracker.settings import Settings

log = logging.getLogger(__name__)

SCAN, DIGEST, MONTHLY, NIGHTLY = "daily-scan", "weekly-digest", "monthly-reports", "nightly"
RETRY = "reminder-retries"
RETRY_EVERY_MINUTES = 5  # the shortest wait of the ledger's back-off (jobs.ledger.FIRST_WAIT)
MISFIRE_GRACE_SECONDS = 3600
NIGHTLY_AT = (3, 15)  # outside 01:00-02:00, which the clock change skips or repeats

Hook = Callable[[date, Settings], int | None]  # given the settings the scheduler was started with
_monthly: list[Hook] = []
_nightly: list[Hook] = []
_scheduler: AsyncIOScheduler | None = None


@dataclass(frozen=True)
class JobOutcome:
    count: int
    errors: int = 0
    message: str = ""


@dataclass(frozen=True)
class JobSpec:
    id: str
    name: str
    trigger: Callable[[Settings], BaseTrigger]
    describe: Callable[[Settings], str]
    run: Callable[[date, Settings], JobOutcome]
    wanted: Callable[[datetime], bool] | None = None  # when set, a scheduled run with nothing to do is skipped


def register_monthly(fn: Hook) -> None:
    """Add a function the monthly job runs (on the 1st) with the date and the settings; it returns how many things
    it did."""
    if fn not in _monthly:
        _monthly.append(fn)


def register_nightly(fn: Hook) -> None:
    """Add a function the nightly job runs (a backup, say) with the date and the settings."""
    if fn not in _nightly:
        _nightly.append(fn)


def _at(settings: Settings, minutes_later: int = 0) -> tuple[int, int]:
    hour, _, minute = settings.reminder_time.partition(":")
    total = (int(hour) * 60 + int(minute) + minutes_later) % (24 * 60)
    return divmod(total, 60)


def _cron(settings: Settings, minutes_later: int = 0, **fields: str | int) -> CronTrigger:
    hour, minute = _at(settings, minutes_later)
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(settings.timezone), **fields)


def scan_outcome(result: ScanResult) -> JobOutcome:
    if result.busy:
        return JobOutcome(0, 0, "another instance was running the scan")
    return JobOutcome(result.reminders_sent, result.reminders_failed, result.summary())


def _run_hooks(hooks: list[Hook], as_of: date, settings: Settings) -> JobOutcome:
    count = errors = 0
    problems = []
    for hook in list(hooks):
        try:
            count += int(hook(as_of, settings) or 0)
        except Exception as exc:  # one failing hook must not stop the others
            errors += 1
            problems.append(f"{getattr(hook, '__name__', 'job')}: {exc}")
            log.exception("scheduled hook %s failed", hook)
    ran = f"ran {len(hooks)} task(s)" if hooks else "nothing registered"
    return JobOutcome(count, errors, "; ".join([ran, *problems]))


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        SCAN, "Daily reminder scan",
        lambda s: _cron(s),
        lambda s: "every day at {:02d}:{:02d}".format(*_at(s)),
        lambda day, s: scan_outcome(scan_once(day, s)),
    ),
    JobSpec(
        DIGEST, "Weekly digest to leads",
        lambda s: _cron(s, 20, day_of_week="mon"),
        lambda s: "Mondays at {:02d}:{:02d}".format(*_at(s, 20)),
        lambda day, s: scan_outcome(send_digest(day, s)),
    ),
    JobSpec(
        MONTHLY, "Monthly reports",
        lambda s: _cron(s, 40, day=1),
        lambda s: "the 1st of each month at {:02d}:{:02d}".format(*_at(s, 40)),
        lambda day, s: _run_hooks(_monthly, day, s),
    ),
    JobSpec(
        RETRY, "Reminder retries",
        lambda s: IntervalTrigger(minutes=RETRY_EVERY_MINUTES, timezone=ZoneInfo(s.timezone)),
        lambda s: f"every {RETRY_EVERY_MINUTES} minutes, while failed reminders wait to be tried again",
        lambda day, s: _retry(day, s),
        wanted=lambda now: ledger.retry_due(now, keep_items=[lead_reports.ITEM]),
    ),
    JobSpec(
        NIGHTLY, "Nightly tasks",
        lambda s: CronTrigger(hour=NIGHTLY_AT[0], minute=NIGHTLY_AT[1], timezone=ZoneInfo(s.timezone)),
        lambda s: "every night at {:02d}:{:02d}".format(*NIGHTLY_AT),
        lambda day, s: _run_hooks(_nightly, day, s),
    ),
)


def _retry(as_of: date, settings: Settings, now: datetime | None = None) -> JobOutcome:
    """The failed reminders and digests whose wait is over; those no longer planned wait their next turn."""
    now = now or clock.utc_now()
    scans = [retry_once(as_of, settings, now=now), retry_digest(as_of, settings, now=now)]
    sent, failed = sum(r.reminders_sent for r in scans), sum(r.reminders_failed for r in scans)
    if any(r.busy for r in scans):  # the other instance is sending: what it did not ask for is its business
        return JobOutcome(sent, failed, f"retried: {sent} reminder(s) sent, {failed} failed again; another instance "
                                     "was sending")
    lapsed = ledger.lapse_unclaimed(now, keep_items=[lead_reports.ITEM])
    return JobOutcome(sent, failed, f"retried: {sent} reminder(s) sent, {failed} failed again, {lapsed} no longer due")


def spec(job_id: str) -> JobSpec:
    for job in JOBS:
        if job.id == job_id:
            return job
    raise KeyError(f"there is no job called {job_id}")


def run_job(job_id: str, settings: Settings, as_of: date | None = None) -> JobRun:
    """Run one job now and keep the run (status, count, errors, message) in JobRun; never raises for the job."""
    job = spec(job_id)
    day = as_of or clock.today(settings.timezone)
    return record_run(job_id, day, lambda: job.run(day, settings))


def record_run(job_id: str, as_of: date, work: Callable[[], JobOutcome]) -> JobRun:
    """Run `work` as a run of job_id, kept in JobRun whatever happens (a failure is recorded, not raised)."""
    run = JobRun.create(job_id=job_id, as_of=as_of, status="running")
    try:
        outcome = work()
    except Exception as exc:
        log.exception("job %s failed", job_id)
        outcome, status = JobOutcome(0, 1, f"{type(exc).__name__}: {exc}"), "failed"
    else:
        status = "ok" if not outcome.errors else "failed"
    JobRun.update(
        finished_at=clock.utc_now(), status=status, count=outcome.count, errors=outcome.errors,
        message=outcome.message[:4000],
    ).where(JobRun.id == run.id).execute()
    return JobRun.get_by_id(run.id)


def _scheduled(job_id: str, settings: Settings) -> None:
    """What APScheduler calls, in a worker thread: the job with a connection of its own (none kept when a job
    that runs often has nothing to do)."""
    job = spec(job_id)
    with database.connection_context():
        if job.wanted is not None and not job.wanted(clock.utc_now()):
            return
        run_job(job_id, settings)


def last_run_at(job_id: str) -> datetime | None:
    """When the job last started (UTC, aware), from JobRun."""
    row = JobRun.select(JobRun.started_at).where(JobRun.job_id == job_id).order_by(JobRun.started_at.desc()).first()
    if row is None:
        return None
    started = row.started_at
    if isinstance(started, str):
        started = datetime.fromisoformat(started)
    return started.replace(tzinfo=UTC) if started.tzinfo is None else started


def missed_since_last_run(job_id: str, trigger: BaseTrigger, now: datetime) -> bool:
    """True when the job has run before and a fire time after that run has already passed."""
    last = last_run_at(job_id)
    if last is None:
        return False
    due = trigger.get_next_fire_time(None, last + timedelta(microseconds=1))
    return due is not None and due <= now


def build_scheduler(settings: Settings, now: datetime | None = None) -> AsyncIOScheduler:
    """The scheduler with every job added (not started); a job missed while the app was down runs at once."""
    zone = ZoneInfo(settings.timezone)
    now = now or clock.now(settings.timezone)
    scheduler = AsyncIOScheduler(
        timezone=zone,
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
    )
    for job in JOBS:
        trigger = job.trigger(settings)
        extra = {}
        if missed_since_last_run(job.id, trigger, now):
            log.info("job %s was missed while the app was down; running it now", job.id)
            extra["next_run_time"] = now
        scheduler.add_job(
            _scheduled, trigger, args=[job.id, settings], id=job.id, name=job.name, replace_existing=True, **extra
        )
    return scheduler


def start_scheduler(settings: Settings) -> AsyncIOScheduler:
    """Start the jobs on the running event loop (call from app.on_startup); restarting replaces the old one."""
    global _scheduler
    stop_scheduler()
    _scheduler = build_scheduler(settings)
    _scheduler.start()
    return _scheduler


def stop_scheduler() -> None:
    """Stop the running scheduler (call from app.on_shutdown); safe to call when none runs."""
    global _scheduler
    old, _scheduler = _scheduler, None
    if old is None or not old.running:
        return
    loop = getattr(old, "_eventloop", None)
    if loop is None or loop.is_closed():
        return  # its event loop is gone, and its timers with it
    old.shutdown(wait=False)


def current_scheduler() -> AsyncIOScheduler | None:
    return _scheduler if _scheduler is not None and _scheduler.running else None


@dataclass(frozen=True)
class RunView:
    started_at: datetime
    finished_at: datetime | None
    as_of: date | None
    status: str
    count: int
    errors: int
    message: str


@dataclass(frozen=True)
class JobView:
    id: str
    name: str
    schedule: str
    next_run: datetime | None
    running_here: bool
    runs: tuple[RunView, ...]


def overview(settings: Settings, runs: int = 5) -> list[JobView]:
    """Each job's schedule, next run and last runs, for the jobs page."""
    scheduler = current_scheduler()
    now = clock.now(settings.timezone)
    views = []
    for job in JOBS:
        live = scheduler.get_job(job.id) if scheduler else None
        next_run = live.next_run_time if live else job.trigger(settings).get_next_fire_time(None, now)
        rows = JobRun.select().where(JobRun.job_id == job.id).order_by(JobRun.started_at.desc()).limit(runs)
        history = tuple(
            RunView(r.started_at, r.finished_at, r.as_of, r.status, r.count, r.errors, r.message) for r in rows
        )
        views.append(JobView(job.id, job.name, job.describe(settings), next_run, live is not None, history))
    return views
