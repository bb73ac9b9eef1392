"""`remind [--as-of DATE] [--dry-run]` as the command line calls it."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from jobs.command import run_remind
from tests import factories as f
from tests.jobs_support import mail_server, settings_for, supervised_monthly, team  # noqa: F401
from tracker.models import JobRun, ReminderLedger


@pytest.fixture
def overdue(database, mail_server, tmp_path):  # noqa: F811
    t = team()
    f.trained(t.asha, "SG-L2", date(2023, 12, 15))
    f.trained(t.asha, "FIRE", date(2026, 6, 1))
    supervised_monthly(t.sam, t.asha, date(2024, 1, 1), date(2027, 1, 31))
    return mail_server, settings_for(mail_server, tmp_path)


def test_a_dry_run_prints_what_would_be_sent_and_sends_nothing(overdue, capsys):
    mail, settings = overdue
    status = run_remind(argparse.Namespace(as_of=date(2026, 12, 15), dry_run=True), settings)
    out = capsys.readouterr().out
    assert status == 0
    assert "would send to Asha Patel <asha@team.test> (email and in-app), 1 item(s):" in out
    assert "[expired] Safeguarding Adults and Children Level 2 expired on 15/12/2026." in out
    assert "would send 2 reminder(s) to 2 recipient(s)" in out
    assert mail.received == [] and ReminderLedger.select().count() == 0 and JobRun.select().count() == 0


def test_a_real_run_sends_prints_and_is_kept_as_a_run_of_the_daily_scan(overdue, capsys):
    mail, settings = overdue
    status = run_remind(argparse.Namespace(as_of=date(2026, 12, 15), dry_run=False), settings)
    out = capsys.readouterr().out
    assert status == 0
    assert "sent to Sam Okafor <sam@team.test> (email), 1 item(s):" in out
    assert "2 reminder(s) sent, 0 failed; 2 email(s) sent, 0 failed" in out
    assert len(mail.received) == 2
    run = JobRun.get()
    assert (run.job_id, run.as_of, run.status, run.count) == ("daily-scan", date(2026, 12, 15), "ok", 2)

    run_remind(argparse.Namespace(as_of=date(2026, 12, 15), dry_run=False), settings)
    assert "0 reminder(s) sent" in capsys.readouterr().out
    assert len(mail.received) == 2
