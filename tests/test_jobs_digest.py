"""The weekly digest: each lead hears what changed in their scope this week, once a week."""

from __future__ import annotations

from datetime import date

from jobs.digest import send_digest
from tests import factories as f
from tests.jobs_support import mail_server, settings_for, supervised_monthly, team  # noqa: F401
from tracker.services import inbox

MONDAY = date(2026, 12, 21)


def test_a_lead_hears_who_turned_red_and_who_joined_this_week(database, mail_server, tmp_path):  # noqa: F811
    t = team()
    f.trained(t.asha, "SG-L2", date(2023, 12, 15))  # expires 15/12/2026, during the week
    f.trained(t.asha, "FIRE", date(2026, 6, 1))
    supervised_monthly(t.sam, t.asha, date(2024, 1, 1), date(2027, 1, 31))
    f.person("Ben", "Shah", role="OPM", employer=t.employer, start=date(2026, 12, 16))

    result = send_digest(MONDAY, settings_for(mail_server, tmp_path))
    assert result.emails_sent == 1
    [mail] = mail_server.received
    assert mail.to == ["lead@team.test"]
    assert "Northside Community Trust this week: 2 people, 0 green, 1 amber, 1 red." in mail.text
    assert "Newly red (1): Asha Patel (Safeguarding Adults and Children Level 2 expired on 15/12/2026)" in mail.text
    assert "Joined (1): Ben Shah" in mail.text
    assert "A week ago: 1 people, 0 green, 1 amber, 0 red." in mail.text
    assert "http://tracker.test/dashboard" in mail.text
    assert inbox.unread_count(t.lead.id) == 1
    assert inbox.unread_count(t.other_lead.id) == 0  # nobody in Southside: no digest


def test_the_digest_goes_once_a_week(database, mail_server, tmp_path):  # noqa: F811
    team()
    settings = settings_for(mail_server, tmp_path)
    send_digest(MONDAY, settings)
    send_digest(date(2026, 12, 23), settings)
    assert len(mail_server.received) == 1
    send_digest(date(2026, 12, 28), settings)
    assert len(mail_server.received) == 2
