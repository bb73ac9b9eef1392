"""The scheduler: fixed jobs and times, catch-up after downtime, restarts that send nothing twice, hooks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jobs import scheduler as sched
from tests import factories as f
from tests.jobs_support import mail_server, settings_for, supervised_monthly, team  # noqa: F401
from tracker import clock
from tracker.dates import add_months
from tracker.models import JobRun
from tracker.settings import Settings

LONDON = ZoneInfo("Europe/London")


async def wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the condition did not become true in time")
        await asyncio.sleep(0.05)


def finished_runs(job_id: str) -> list[JobRun]:
    return list(
        JobRun.select().where((JobRun.job_id == job_id) & JobRun.finished_at.is_null(False)).order_by(JobRun.id)
    )


def overdue_team_today() -> None:
    """Asha's safeguarding expired a month ago (as of the real today), so a scan today has something to send."""
    t = team(start=date(2020, 1, 1))
    today = clock.today("Europe/London")
    f.trained(t.asha, "SG-L2", add_months(today, -37))
    f.trained(t.asha, "FIRE", add_months(today, -1))
    supervised_monthly(t.sam, t.asha, date(2020, 1, 1), add_months(today, 1))


def test_the_daily_scan_runs_at_the_reminder_time_in_london_across_the_clock_change(tmp_path):
    trigger = sched.spec(sched.SCAN).trigger(settings_for(None, tmp_path, reminder_time="06:45"))
    before_spring = datetime(2026, 3, 28, 7, 0, tzinfo=LONDON)
    after_change = trigger.get_next_fire_time(None, before_spring)
    assert after_change == datetime(2026, 3, 29, 6, 45, tzinfo=LONDON)
    assert after_change.utcoffset() == timedelta(hours=1)


def test_digest_monthly_and_nightly_run_on_their_days(tmp_path):
    settings = settings_for(None, tmp_path, reminder_time="07:00")
    start = datetime(2026, 11, 18, 12, 0, tzinfo=LONDON)  # a Wednesday
    fire = {job.id: job.trigger(settings).get_next_fire_time(None, start) for job in sched.JOBS}
    assert fire[sched.DIGEST] == datetime(2026, 11, 23, 7, 20, tzinfo=LONDON)  # Monday
    assert fire[sched.MONTHLY] == datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)
    assert fire[sched.NIGHTLY] == datetime(2026, 11, 19, 3, 15, tzinfo=LONDON)


def test_a_job_is_missed_only_when_a_fire_time_passed_after_its_last_run(database, tmp_path):
    trigger = sched.spec(sched.SCAN).trigger(settings_for(None, tmp_path, reminder_time="07:00"))
    now = datetime(2026, 11, 20, 12, 0, tzinfo=LONDON)
    assert not sched.missed_since_last_run(sched.SCAN, trigger, now)  # never ran: nothing to catch up
    JobRun.create(job_id=sched.SCAN, started_at=datetime(2026, 11, 20, 7, 0, 1), status="ok")  # 07:00 UTC
    assert not sched.missed_since_last_run(sched.SCAN, trigger, now)
    assert sched.missed_since_last_run(sched.SCAN, trigger, datetime(2026, 11, 21, 7, 0, 0, tzinfo=LONDON))


def test_every_job_has_a_fixed_id_one_instance_coalesced_and_an_hour_of_grace(database, tmp_path):
    built = sched.build_scheduler(settings_for(None, tmp_path))
    assert built._job_defaults == {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
    assert sorted(job.id for job in built.get_jobs()) == sorted(
        [sched.SCAN, sched.DIGEST, sched.MONTHLY, sched.NIGHTLY, sched.RETRY]
    )


async def test_a_scan_missed_while_down_runs_once_at_start_and_a_restart_sends_nothing_new(
    database, mail_server, tmp_path  # noqa: F811
):
    overdue_team_today()
    settings = settings_for(mail_server, tmp_path)
    three_days_ago = clock.utc_now() - timedelta(days=3)
    JobRun.create(job_id=sched.SCAN, started_at=three_days_ago, finished_at=three_days_ago, status="ok")

    sched.start_scheduler(settings)
    try:
        await wait_until(lambda: len(finished_runs(sched.SCAN)) == 2)
        await asyncio.sleep(0.3)  # time for a wrong second run to show itself
    finally:
        sched.stop_scheduler()
    runs = finished_runs(sched.SCAN)
    assert len(runs) == 2, "three missed fire times run once (coalesced)"
    assert runs[1].status == "ok" and runs[1].count == 2
    assert sorted(r.to[0] for r in mail_server.received) == ["asha@team.test", "sam@team.test"]
    assert finished_runs(sched.DIGEST) == []  # never ran before: nothing to catch up

    restarted = sched.start_scheduler(settings)  # a new scheduler object on the same database
    try:
        await asyncio.sleep(0.3)
        assert len(finished_runs(sched.SCAN)) == 2, "the last run is recent: no catch-up"
        restarted.get_job(sched.SCAN).modify(next_run_time=clock.now("Europe/London"))  # "run now"
        await wait_until(lambda: len(finished_runs(sched.SCAN)) == 3)
    finally:
        sched.stop_scheduler()
    assert finished_runs(sched.SCAN)[-1].count == 0
    assert len(mail_server.received) == 2


def test_run_job_keeps_the_run_with_its_counts(database, mail_server, tmp_path):  # noqa: F811
    overdue_team_today()
    run = sched.run_job(sched.SCAN, settings_for(mail_server, tmp_path))
    assert (run.status, run.count, run.errors) == ("ok", 2, 0)
    assert run.finished_at is not None and run.as_of == clock.today("Europe/London")
    assert "2 reminder(s) sent" in run.message


def test_a_refusing_server_makes_the_run_failed_with_its_errors(database, mail_server, tmp_path):  # noqa: F811
    overdue_team_today()
    mail_server.refuse_all = True
    run = sched.run_job(sched.SCAN, settings_for(mail_server, tmp_path))
    assert (run.status, run.count, run.errors) == ("failed", 0, 2)


def test_the_monthly_job_runs_what_is_registered_and_one_failure_does_not_stop_the_rest(
    database, tmp_path, monkeypatch
):
    monkeypatch.setattr(sched, "_monthly", [])
    seen: list[date] = []

    def broken(as_of: date, settings: Settings) -> int:
        raise RuntimeError("printer on fire")

    def reports(as_of: date, settings: Settings) -> int:
        seen.append(as_of)
        return 3

    sched.register_monthly(broken)
    sched.register_monthly(reports)
    sched.register_monthly(reports)  # registering twice keeps one
    run = sched.run_job(sched.MONTHLY, settings_for(None, tmp_path), as_of=date(2026, 12, 1))
    assert seen == [date(2026, 12, 1)]
    assert (run.status, run.count, run.errors) == ("failed", 3, 1)
    assert "printer on fire" in run.message


def test_the_monthly_job_with_nothing_registered_says_so(database, tmp_path, monkeypatch):
    monkeypatch.setattr(sched, "_monthly", [])
    run = sched.run_job(sched.MONTHLY, settings_for(None, tmp_path), as_of=date(2026, 12, 1))
    assert (run.status, run.count, run.message) == ("ok", 0, "nothing registered")


def test_the_overview_shows_next_times_and_last_runs(database, tmp_path):
    settings = settings_for(None, tmp_path)
    sched.run_job(sched.NIGHTLY, settings, as_of=date(2026, 11, 20))
    views = {v.id: v for v in sched.overview(settings)}
    assert set(views) == {sched.SCAN, sched.DIGEST, sched.MONTHLY, sched.NIGHTLY, sched.RETRY}
    assert views[sched.SCAN].schedule == "every day at 07:00"
    assert views[sched.SCAN].next_run is not None and views[sched.SCAN].next_run > clock.now("Europe/London")
    assert [r.status for r in views[sched.NIGHTLY].runs] == ["ok"]
    assert not views[sched.SCAN].running_here


@pytest.mark.parametrize("bad", ["no-such-job"])
def test_an_unknown_job_is_refused(database, tmp_path, bad):
    with pytest.raises(KeyError):
        sched.run_job(bad, settings_for(None, tmp_path))
