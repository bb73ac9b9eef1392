"""The reminder scan over a small team at chosen dates, read back from a real SMTP server."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jobs.reminders import scan_once
from tests import factories as f
from tests.jobs_support import (  # noqa: F401 - fixtures
    BASE_URL,
    MailServer,
    Team,
    free_port,
    mail_server,
    settings_for,
    supervised_monthly,
    team,
)
from tracker.models import (
    EmployerPolicy,
    Employment,
    InboxMessage,
    PolicyTopic,
    ReminderLedger,
    Role,
)
from tracker.services import inbox
from tracker.services.confirmations import (
    ALREADY_CONFIRMED,
    CONFIRMED,
    confirm_by_link,
    read_confirmation_token,
)
from tracker.signing import BadToken

ASHA, SAM, LEAD, OTHER_LEAD = "asha@team.test", "sam@team.test", "lead@team.test", "otherlead@team.test"


@pytest.fixture
def settings(mail_server: MailServer, tmp_path):  # noqa: F811
    return settings_for(mail_server, tmp_path)


def build(sg2_on: date = date(2025, 6, 1), supervised_until: date = date(2027, 1, 31)) -> Team:
    t = team()
    f.trained(t.asha, "SG-L2", sg2_on)
    f.trained(t.asha, "FIRE", date(2026, 6, 1))
    supervised_monthly(t.sam, t.asha, date(2024, 1, 1), supervised_until)
    return t


def test_expiry_reminders_go_to_the_staff_member_at_60_30_and_7_days(database, mail_server, settings):  # noqa: F811
    build(sg2_on=date(2023, 12, 15))  # expires 15/12/2026
    stages = []
    for day in [date(2026, 10, 15), date(2026, 10, 16), date(2026, 10, 17), date(2026, 11, 15), date(2026, 11, 16),
                date(2026, 12, 8), date(2026, 12, 9)]:
        mail_server.clear()
        scan_once(day, settings)
        stages.append((day.isoformat(), [(r.to, r.subject) for r in mail_server.received]))
    expected_subject = "Safeguarding Adults and Children Level 2 expires on 15/12/2026"
    assert stages == [
        ("2026-10-15", []),
        ("2026-10-16", [([ASHA], f"{expected_subject} (in 60 days): book a renewal")]),
        ("2026-10-17", []),
        ("2026-11-15", [([ASHA], f"{expected_subject} (in 30 days): book a renewal")]),
        ("2026-11-16", []),
        ("2026-12-08", [([ASHA], f"{expected_subject} (in 7 days): book a renewal")]),
        ("2026-12-09", []),
    ]
    keys = sorted(r.stage for r in ReminderLedger.select())
    assert keys == ["expires-30d", "expires-60d", "expires-7d"]


def test_the_email_has_text_and_html_with_a_link_to_my_page(database, mail_server, settings):  # noqa: F811
    build(sg2_on=date(2023, 12, 15))
    scan_once(date(2026, 11, 15), settings)
    [mail] = mail_server.received
    assert mail.message["From"] == "reminders@tracker.test"
    assert "Dear Asha Patel," in mail.text
    assert f"{BASE_URL}/me" in mail.text
    assert f'href="{BASE_URL}/me"' in mail.html
    assert "About you" in mail.html and "#005EB8" in mail.html


def test_an_expired_course_tells_staff_and_supervisor_then_weekly(database, mail_server, settings):  # noqa: F811
    t = build(sg2_on=date(2023, 12, 15))
    scan_once(date(2026, 12, 15), settings)  # Tuesday of ISO week 51: expired today
    assert sorted(r.to[0] for r in mail_server.received) == [ASHA, SAM]
    [to_sam] = mail_server.to(SAM)
    assert "Asha Patel: Safeguarding Adults and Children Level 2 expired on 15/12/2026." in to_sam.text
    assert f"{BASE_URL}/people/{t.asha.id}" in to_sam.text
    assert "Your supervisees" in to_sam.text

    mail_server.clear()
    scan_once(date(2026, 12, 18), settings)  # same week: nothing again
    assert mail_server.received == []

    scan_once(date(2026, 12, 21), settings)  # Monday of the next week: repeated to both
    assert sorted(r.to[0] for r in mail_server.received) == [ASHA, SAM]
    assert all("expired on 15/12/2026" in r.text for r in mail_server.received)


def test_a_new_starter_is_reminded_before_the_due_date_and_both_told_when_missing(
    database, mail_server, settings  # noqa: F811
):
    t = build()
    ben = f.person("Ben", "Shah", role="OPM", employer=t.employer, start=date(2026, 6, 1), email="ben@team.test")
    from tracker.models import SupervisorAssignment

    SupervisorAssignment.create(supervisor=t.sam, supervisee=ben, kind="clinical", start_date=date(2026, 6, 1))
    supervised_monthly(t.sam, ben, date(2026, 6, 1), date(2026, 12, 31))

    scan_once(date(2026, 8, 1), settings)  # due by 30/08/2026: 29 days left
    [to_ben] = mail_server.to("ben@team.test")
    assert "is due by 30/08/2026 (in 29 days)" in to_ben.text
    assert mail_server.to(SAM) == []

    mail_server.clear()
    scan_once(date(2026, 8, 30), settings)  # the allowance has run out: missing
    assert "has not been done (it was due by 30/08/2026)" in mail_server.to("ben@team.test")[0].text
    assert "Ben Shah: Fire Safety has not been done" in mail_server.to(SAM)[0].text


def test_no_supervision_by_the_20th_tells_supervisee_and_supervisor(database, mail_server, settings):  # noqa: F811
    build(supervised_until=date(2026, 10, 31))
    scan_once(date(2026, 11, 19), settings)
    assert mail_server.received == []

    scan_once(date(2026, 11, 20), settings)
    assert sorted(r.to[0] for r in mail_server.received) == [ASHA, SAM]
    assert "Supervision in November 2026: 0 of 60 minutes so far" in mail_server.to(ASHA)[0].text
    assert f"{BASE_URL}/me" in mail_server.to(ASHA)[0].text
    assert "Asha Patel has had 0 of 60 minutes of supervision in November 2026" in mail_server.to(SAM)[0].text
    assert f"{BASE_URL}/supervision/log" in mail_server.to(SAM)[0].text

    mail_server.clear()
    scan_once(date(2026, 11, 26), settings)
    assert mail_server.received == []


def test_a_missed_month_goes_to_the_lead_of_that_employer_only(database, mail_server, settings):  # noqa: F811
    t = build(supervised_until=date(2026, 10, 31))
    scan_once(date(2026, 12, 1), settings)
    [to_lead] = mail_server.to(LEAD)
    assert "Asha Patel missed supervision in November 2026 (0 of 60 minutes)." in to_lead.text
    assert f"{BASE_URL}/people/{t.asha.id}" in to_lead.text
    assert mail_server.to(OTHER_LEAD) == []
    assert mail_server.to(ASHA) == [] and mail_server.to(SAM) == []
    assert inbox.unread_count(t.lead.id) == 1
    assert inbox.unread_count(t.other_lead.id) == 0


def test_a_passed_policy_review_goes_to_the_policy_owner_weekly(database, mail_server, settings):  # noqa: F811
    t = build()
    EmployerPolicy.create(
        employer=t.employer, topic=PolicyTopic.get(PolicyTopic.name == "Home visits"), owner="Pat Owner",
        owner_email="pat@team.test", review_date=date(2026, 11, 1),
    )
    scan_once(date(2026, 11, 1), settings)
    assert mail_server.received == []
    scan_once(date(2026, 11, 2), settings)
    [to_pat] = mail_server.received
    assert to_pat.to == ["pat@team.test"]
    assert "Northside Community Trust: the 'Home visits' policy was due for review on 01/11/2026." in to_pat.text
    assert f"{BASE_URL}/policies" in to_pat.text
    scan_once(date(2026, 11, 3), settings)
    assert len(mail_server.received) == 1
    scan_once(date(2026, 11, 9), settings)
    assert len(mail_server.received) == 2


def test_everything_due_for_one_person_comes_in_one_email_and_one_inbox_message(
    database, mail_server, settings  # noqa: F811
):
    t = build(sg2_on=date(2023, 12, 21), supervised_until=date(2026, 10, 31))  # SG-L2 expires 21/12/2026
    scan_once(date(2026, 11, 21), settings)
    [to_asha] = mail_server.to(ASHA)
    assert to_asha.subject == "2 compliance reminders need your attention"
    assert "expires on 21/12/2026 (in 30 days)" in to_asha.text
    assert "Supervision in November 2026" in to_asha.text
    [note] = InboxMessage.select().where(InboxMessage.user == t.asha_user)
    assert "expires on 21/12/2026" in note.body and "Supervision in November 2026" in note.body
    assert inbox.unread_count(t.asha_user.id) == 1


def test_a_second_scan_sends_nothing_new(database, mail_server, settings):  # noqa: F811
    build(sg2_on=date(2023, 12, 15), supervised_until=date(2026, 10, 31))
    first = scan_once(date(2026, 12, 15), settings)
    assert first.reminders_sent == 3 and first.emails_sent == 3  # Asha, Sam and the lead
    received = len(mail_server.received)
    inbox_rows = InboxMessage.select().count()
    second = scan_once(date(2026, 12, 15), settings)
    assert (second.reminders_sent, second.emails_sent, len(mail_server.received)) == (0, 0, received)
    assert InboxMessage.select().count() == inbox_rows


def test_a_refusing_server_leaves_reminders_retryable_and_a_later_scan_sends(
    database, mail_server, settings  # noqa: F811
):
    t = build(sg2_on=date(2023, 12, 15))
    mail_server.refuse_all = True
    result = scan_once(date(2026, 12, 15), settings)
    assert mail_server.received == []
    assert (result.emails_sent, result.emails_failed) == (0, 2)
    rows = list(ReminderLedger.select())
    assert {r.status for r in rows} == {"failed"} and {r.attempts for r in rows} == {1}
    assert all("554" in (r.last_error or "") for r in rows)
    assert inbox.unread_count(t.asha_user.id) == 1  # the in-app message went anyway

    mail_server.refuse_all = False
    retry = scan_once(date(2026, 12, 16), settings)
    assert sorted(r.to[0] for r in mail_server.received) == [ASHA, SAM]
    assert retry.reminders_failed == 0
    rows = list(ReminderLedger.select())
    assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {2}
    assert inbox.unread_count(t.asha_user.id) == 1  # not repeated in the app

    scan_once(date(2026, 12, 17), settings)
    assert len(mail_server.received) == 2


def test_one_refused_recipient_does_not_stop_the_others(database, mail_server, settings):  # noqa: F811
    build(sg2_on=date(2023, 12, 15))
    mail_server.refuse_containing = "sam@"
    result = scan_once(date(2026, 12, 15), settings)
    assert [r.to for r in mail_server.received] == [[ASHA]]
    assert "recipient refused" in result.errors[0] and "550" in result.errors[0]
    failed = ReminderLedger.get(ReminderLedger.status == "failed")
    assert failed.recipient == SAM

    mail_server.refuse_containing = None
    scan_once(date(2026, 12, 15), settings)
    assert [r.to for r in mail_server.received] == [[ASHA], [SAM]]


def test_an_unreachable_server_fails_each_email_without_stopping_the_scan(database, tmp_path):
    build(sg2_on=date(2023, 12, 15))
    closed = settings_for(None, tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(), mail_from="r@tracker.test")
    result = scan_once(date(2026, 12, 15), closed)
    assert result.emails_failed == 2 and result.emails_sent == 0
    assert ReminderLedger.select().where(ReminderLedger.status == "failed").count() == result.reminders_failed > 0


def test_without_email_settings_reminders_go_in_app_only(database, tmp_path):
    t = build(sg2_on=date(2023, 12, 15))
    result = scan_once(date(2026, 12, 15), settings_for(None, tmp_path))
    assert result.emails_sent == 0
    assert inbox.unread_count(t.asha_user.id) == 1
    # Sam has no login, so with email off nobody can tell him: nothing is claimed for him.
    assert ReminderLedger.select().where(ReminderLedger.recipient == SAM).count() == 0
    assert ReminderLedger.get(ReminderLedger.person == t.asha).recipient == f"user:{t.asha_user.id}"


def test_dry_run_says_what_would_go_and_writes_nothing(database, mail_server, settings):  # noqa: F811
    build(sg2_on=date(2023, 12, 15))
    result = scan_once(date(2026, 12, 15), settings, dry_run=True)
    assert sorted(d.recipient.email for d in result.deliveries) == [ASHA, SAM]
    assert any("would send to Asha Patel <asha@team.test>" in line for line in result.lines())
    assert mail_server.received == [] and ReminderLedger.select().count() == 0
    assert InboxMessage.select().count() == 0


def test_someone_absent_today_gets_no_reminders(database, mail_server, settings):  # noqa: F811
    t = build(sg2_on=date(2023, 12, 15))
    f.absent(t.asha, date(2026, 12, 1), date(2027, 2, 28), "maternity")
    scan_once(date(2026, 12, 15), settings)
    assert mail_server.received == []


def test_a_course_the_new_role_does_not_need_is_not_reminded(database, mail_server, settings):  # noqa: F811
    t = build(sg2_on=date(2023, 12, 15))
    Employment.update(end_date=date(2026, 11, 30)).where(Employment.person == t.asha).execute()
    Employment.create(
        person=t.asha, role=Role.get(Role.code == "PM"), employer=t.employer, start_date=date(2026, 12, 1)
    )
    scan_once(date(2026, 12, 15), settings)
    assert mail_server.received == []


def test_a_pending_session_sends_a_signed_link_that_confirms_once(database, mail_server, settings):  # noqa: F811
    t = build(supervised_until=date(2026, 10, 31))
    session = f.session(t.sam, t.asha, date(2026, 11, 5), 60)
    scan_once(date(2026, 11, 6), settings)
    [mail] = mail_server.to(ASHA)
    assert "Please confirm your supervision session on 05/11/2026 with Sam Okafor (60 minutes)." in mail.text
    token = re.search(rf"{BASE_URL}/confirm/([A-Za-z0-9_\-.]+)", mail.text).group(1)
    assert read_confirmation_token(settings, token) == (session.id, t.asha.id)

    assert confirm_by_link(session.id, t.asha.id).state == CONFIRMED
    assert confirm_by_link(session.id, t.asha.id).state == ALREADY_CONFIRMED
    with pytest.raises(BadToken):
        read_confirmation_token(settings, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    mail_server.clear()
    scan_once(date(2026, 11, 7), settings)
    assert mail_server.received == []


def test_a_lead_who_is_also_staff_gets_one_email_for_both(database, mail_server, settings):  # noqa: F811
    t = build(supervised_until=date(2026, 10, 31))  # Asha missed November: her lead hears on 01/12
    lena = f.person("Lena", "Lead", role="OPM", employer=t.employer, email="lead@team.test")
    f.trained(lena, "SG-L2", date(2023, 11, 20))  # expired on 20/11/2026
    f.trained(lena, "FIRE", date(2026, 6, 1))
    supervised_monthly(t.sam, lena, date(2024, 1, 1), date(2027, 1, 31))
    t.lead.person = lena
    t.lead.save()
    scan_once(date(2026, 12, 1), settings)
    [to_lena] = mail_server.to(LEAD)
    assert "About you" in to_lena.text and "Your team" in to_lena.text
    assert "Asha Patel missed supervision in November 2026" in to_lena.text
    assert inbox.unread_count(t.lead.id) == 1
