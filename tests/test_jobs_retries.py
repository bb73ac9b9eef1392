"""A mail outage as it happens: the SMTP server (a real aiosmtpd one) refuses, is gone, or cuts the connection
after taking a message, for days, while the daily scan and the retry job keep running at their times.

The old ledger gave a reminder up for good after ten failed tries: ten cron runs in one outage lost it. Now each
failed reminder waits 5 minutes, then 10, 20... up to 12 hours between tries, and is given up only 14 days after
it was first due; administrators are told once per outage; an email sent again carries the same Message-ID.
Time is passed in: every scan and retry gets its `now`, nothing reads the real clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from nicegui.testing import User as Visitor

from jobs import compose, ledger
from jobs import scheduler as sched
from jobs.reminders import scan_once
from tests import factories as f
from tests.jobs_support import (  # noqa: F401 - fixtures
    BASE_URL,
    MailServer,
    free_port,
    mail_server,
    settings_for,
    supervised_monthly,
    team,
)
from tests.ui_fixtures import login_user, sign_in, ui_database  # noqa: F401
from tracker.models import InboxMessage, JobRun, ReminderLedger, User
from tracker.settings import Settings

T0 = datetime(2026, 12, 15, 7, 0)  # UTC, the daily scan's time; SG-L2 expires 09/01/2027, 25 days on
DAILY = timedelta(days=1)
ASHA, BEN = "asha@team.test", "ben@team.test"
STARTED, ENDED, GAVE_UP = (
    "Reminder emails are not going out", "Reminder emails are going out again",
    "Reminders were given up after failing for 14 days",
)


def two_people_to_remind() -> User:
    """Asha and Ben each get one reminder (safeguarding expires in 25 days) and nothing else; an admin to tell."""
    t = team()
    ben = f.person("Ben", "Shah", role="OPM", employer=t.employer, start=date(2024, 1, 1), email=BEN)
    for person in (t.asha, ben):
        f.trained(person, "SG-L2", date(2024, 1, 9))
        f.trained(person, "FIRE", date(2026, 6, 1))
        supervised_monthly(t.sam, person, date(2024, 1, 1), date(2027, 2, 28))
    return login_user("admin@example.nhs.uk", "admin")


def admin_subjects(admin: User) -> list[str]:
    return [m.subject for m in InboxMessage.select().where(InboxMessage.user == admin).order_by(InboxMessage.id)]


def rows() -> list[ReminderLedger]:
    return list(ReminderLedger.select().order_by(ReminderLedger.recipient))


class Outage:
    """Runs the daily scan at 07:00 each day and the retry job at each five-minute tick a wait ends on."""

    def __init__(self, settings: Settings, now: datetime) -> None:
        self.settings, self.now = settings, now
        self.scans = self.retries = 0
        self.waits: list[tuple[int, timedelta]] = []  # (failures so far, wait set) after each failed try

    def first_scan(self) -> None:
        scan_once(self.now.date(), self.settings, now=self.now)
        self.scans += 1
        self._note()

    def run_until(self, end: datetime) -> None:
        while True:
            due = ledger.failing().next_attempt_at
            next_scan = datetime.combine(self.now.date(), T0.time())
            next_scan += DAILY if next_scan <= self.now else timedelta(0)
            tick = _next_tick(due) if due is not None else None
            if tick is not None and tick < next_scan and tick <= end:
                self.now = tick
                sched._retry(self.now.date(), self.settings, now=self.now)
                self.retries += 1
            elif next_scan <= end:
                self.now = next_scan
                scan_once(self.now.date(), self.settings, now=self.now)
                self.scans += 1
            else:
                return
            self._note()

    def _note(self) -> None:
        for row in rows():
            if row.status == ledger.FAILED and row.last_attempt_at == self.now:
                self.waits.append((row.attempts, row.next_attempt_at - row.last_attempt_at))


def _next_tick(moment: datetime) -> datetime:
    """The retry job's first run at or after `moment` (it runs every five minutes, on the clock's fives)."""
    step = timedelta(minutes=sched.RETRY_EVERY_MINUTES)
    floor = moment.replace(second=0, microsecond=0) - timedelta(minutes=moment.minute % sched.RETRY_EVERY_MINUTES)
    return floor if floor == moment else floor + step


def test_waits_start_at_five_minutes_and_double_to_twelve_hours() -> None:
    minutes = [int(ledger.wait_after(n).total_seconds() // 60) for n in range(1, 12)]
    assert minutes == [5, 10, 20, 40, 80, 160, 320, 640, 720, 720, 720]
    assert ledger.wait_after(10_000) == timedelta(hours=12)


def test_a_twelve_day_outage_loses_no_reminder_and_administrators_are_told_once(
    database, mail_server, tmp_path  # noqa: F811
) -> None:
    admin = two_people_to_remind()
    settings = settings_for(mail_server, tmp_path)
    mail_server.refuse_all = True
    outage = Outage(settings, T0)
    outage.first_scan()
    assert [(r.recipient, r.status, r.attempts) for r in rows()] == [(ASHA, "failed", 1), (BEN, "failed", 1)]
    assert ledger.failing().next_attempt_at == T0 + timedelta(minutes=5)

    sched._retry(T0.date(), settings, now=T0 + timedelta(minutes=4))  # the wait is not over: nothing is tried
    assert {r.attempts for r in rows()} == {1}

    outage.run_until(T0 + timedelta(days=12))
    assert outage.scans == 13 > 10  # the old rule gave up after ten
    assert all(r.status == "failed" and r.attempts > 20 for r in rows())
    assert all(wait == ledger.wait_after(failures) for failures, wait in outage.waits)
    in_order = list(dict.fromkeys(w for _, w in outage.waits))
    assert in_order == [timedelta(minutes=m) for m in (5, 10, 20, 40, 80, 160, 320, 640, 720)]
    assert mail_server.received == []
    assert admin_subjects(admin) == [STARTED]  # once, for 2 reminders and over 50 failed emails

    mail_server.refuse_all = False
    outage.run_until(outage.now + timedelta(hours=12))
    assert [(r.recipient, r.status) for r in rows()] == [(ASHA, "sent"), (BEN, "sent")]
    assert sorted(r.to[0] for r in mail_server.received) == [ASHA, BEN]  # each once
    assert admin_subjects(admin) == [STARTED, ENDED]
    print(f"outage: {outage.scans} daily scans and {outage.retries} retries over 12 days, "
          f"{sum(1 for _ in outage.waits)} failed tries; nothing lost; administrators told twice")


def test_a_reminder_still_failing_after_fourteen_days_is_given_up_and_said_so_once(
    database, tmp_path  # noqa: F811
) -> None:
    admin = two_people_to_remind()
    gone = settings_for(None, tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(), mail_from="r@tracker.test")
    outage = Outage(gone, T0)
    outage.first_scan()
    outage.run_until(T0 + ledger.GIVE_UP_AFTER - timedelta(minutes=1))
    assert {r.status for r in rows()} == {"failed"}
    outage.run_until(T0 + ledger.GIVE_UP_AFTER + timedelta(days=2))
    assert {r.status for r in rows()} == {"given_up"}
    last_tries = {r.last_attempt_at for r in rows()}
    assert max(last_tries) < T0 + ledger.GIVE_UP_AFTER  # never tried again once given up
    assert "ConnectionRefusedError" in (rows()[0].last_error or "")
    assert admin_subjects(admin) == [STARTED, GAVE_UP]  # and no "going out again": mail still does not work
    assert ledger.failing().count == 0 and ledger.failing().given_up == 2


def test_eleven_failed_daily_scans_do_not_lose_a_reminder(database, mail_server, tmp_path) -> None:  # noqa: F811
    """As cron would run `remind` once a day through an outage (the old ledger stopped at ten tries)."""
    two_people_to_remind()
    settings = settings_for(mail_server, tmp_path)
    mail_server.refuse_all = True
    for day in range(11):
        assert scan_once(T0.date() + timedelta(days=day), settings).emails_failed == 2
    mail_server.refuse_all = False
    after = scan_once(T0.date() + timedelta(days=11), settings)
    assert (after.emails_sent, after.emails_failed) == (2, 0)
    assert sorted(r.to[0] for r in mail_server.received) == [ASHA, BEN]
    assert {(r.status, r.attempts) for r in rows()} == {("sent", 12)}


def test_a_copy_sent_again_after_the_connection_dropped_has_the_same_message_id(
    database, mail_server, tmp_path  # noqa: F811
) -> None:
    two_people_to_remind()
    settings = settings_for(mail_server, tmp_path)
    mail_server.drop_after_data = 1  # takes Asha's message, then cuts the line before saying so
    first = scan_once(T0.date(), settings)
    assert (first.emails_sent, first.emails_failed) == (1, 1)
    assert "Disconnected" in first.errors[0]
    scan_once(T0.date(), settings)  # run again by hand: every failed reminder is tried at once
    to_asha = mail_server.to(ASHA)
    assert len(to_asha) == 2  # the server has it twice...
    ids = {str(m.message["Message-ID"]) for m in to_asha}
    assert len(ids) == 1  # ...as one message
    [asha_row] = [r for r in rows() if r.recipient == ASHA]
    assert next(iter(ids)).endswith("@tracker.test>") and asha_row.key not in next(iter(ids))
    [to_ben] = mail_server.to(BEN)
    assert str(to_ben.message["Message-ID"]) not in ids
    assert {r.status for r in rows()} == {"sent"}


def test_the_retry_job_resends_after_a_dropped_connection_under_the_same_message_id(
    database, mail_server, tmp_path  # noqa: F811
) -> None:
    two_people_to_remind()
    settings = settings_for(mail_server, tmp_path)
    mail_server.drop_after_data = 1
    scan_once(T0.date(), settings, now=T0)
    sched._retry(T0.date(), settings, now=T0 + timedelta(minutes=4))
    assert len(mail_server.to(ASHA)) == 1  # not before its wait is over
    sched._retry(T0.date(), settings, now=T0 + timedelta(minutes=5))
    to_asha = mail_server.to(ASHA)
    [asha_row] = [r for r in rows() if r.recipient == ASHA]
    assert [str(m.message["Message-ID"]) for m in to_asha] == [compose.message_id([asha_row.key], BASE_URL)] * 2
    assert (asha_row.status, asha_row.attempts) == ("sent", 2)


def test_the_retry_job_keeps_no_run_when_nothing_waits_and_runs_when_something_does(
    database, tmp_path  # noqa: F811
) -> None:
    two_people_to_remind()
    settings = settings_for(None, tmp_path)
    sched._scheduled(sched.RETRY, settings)
    assert JobRun.select().count() == 0
    row = ReminderLedger.create(key="x", recipient=ASHA, item="course:SG-L2", stage="expires-30d", period="p",
                                status="failed", attempts=1, next_attempt_at=datetime(2000, 1, 1))
    sched._scheduled(sched.RETRY, settings)
    [run] = JobRun.select()
    assert run.job_id == sched.RETRY and run.status == "ok"
    assert ReminderLedger.get_by_id(row.id).status == "lapsed"  # no planner asks for key "x": no longer due


@pytest.mark.usefixtures("ui_database")
async def test_the_jobs_page_shows_how_many_fail_the_last_error_and_the_next_retry(
    user: Visitor, mail_server: MailServer, tmp_path: Path  # noqa: F811
) -> None:
    two_people_to_remind()
    mail_server.refuse_all = True
    scan_once(T0.date(), settings_for(mail_server, tmp_path), now=T0)
    await sign_in(user, "admin@example.nhs.uk", then="/admin/jobs")
    await user.should_see("2 reminder(s) failing")
    await user.should_see("Failing since")
    await user.should_see("server said 554 5.7.1 Relay refused by the test server (15/12/2026 07:00)")
    await user.should_see("15/12/2026 07:05")  # the next retry, in London time
    await user.should_see("given up only if it still fails 14 days after it was first due")
    assert admin_subjects(User.get(User.email == "admin@example.nhs.uk")) == [STARTED]

