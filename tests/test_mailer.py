"""SMTP delivery against a real aiosmtpd server on a free local port."""

from __future__ import annotations

import pytest

from jobs.mailer import Attachment, MailNotConfigured, OutgoingEmail, send_all, send_test_email
from tests.jobs_support import MailServer, free_port, mail_server, settings_for  # noqa: F401
from tracker.errors import TrackerError


def test_a_message_arrives_with_a_text_and_an_html_part(mail_server, tmp_path):  # noqa: F811
    settings = settings_for(mail_server, tmp_path)
    email = OutgoingEmail("asha@team.test", "Your reminders", "Plain words\n", "<p>Rich words</p>", "Asha Patel")
    assert send_all(settings, [email]) == [None]
    [got] = mail_server.received
    assert got.to == ["asha@team.test"]
    assert got.message["To"] == "Asha Patel <asha@team.test>"
    assert got.message["From"] == "reminders@tracker.test"
    assert got.message["Message-ID"].endswith("@tracker.test>")
    assert got.text.strip() == "Plain words"
    assert "<p>Rich words</p>" in got.html


def test_a_refused_recipient_fails_only_that_message(mail_server, tmp_path):  # noqa: F811
    mail_server.refuse_containing = "nobody@"
    settings = settings_for(mail_server, tmp_path)
    emails = [OutgoingEmail(to, "Hello", "Body\n") for to in ("a@team.test", "nobody@team.test", "b@team.test")]
    seen: list[tuple[int, str | None]] = []
    results = send_all(settings, emails, lambda i, e: seen.append((i, e)))
    assert results[0] is None and results[2] is None
    assert results[1] is not None and "550" in results[1]
    assert [i for i, _ in seen] == [0, 1, 2]
    assert [r.to for r in mail_server.received] == [["a@team.test"], ["b@team.test"]]


def test_a_server_that_refuses_the_data_fails_every_message_with_its_reason(mail_server, tmp_path):  # noqa: F811
    mail_server.refuse_all = True
    results = send_all(settings_for(mail_server, tmp_path), [OutgoingEmail("a@team.test", "Hi", "x\n")] * 2)
    assert len(results) == 2 and all("554" in (r or "") for r in results)


def test_no_server_listening_is_an_error_per_message_not_a_crash(tmp_path):
    settings = settings_for(None, tmp_path, smtp_host="127.0.0.1", smtp_port=free_port(), mail_from="r@x.test")
    results = send_all(settings, [OutgoingEmail("a@team.test", "Hi", "x\n")] * 2)
    assert all(r and "Connection" in r for r in results)


def test_sending_with_email_off_is_refused_with_the_setting_to_change(tmp_path):
    with pytest.raises(MailNotConfigured, match="TRACKER_SMTP_HOST"):
        send_all(settings_for(None, tmp_path), [OutgoingEmail("a@team.test", "Hi", "x\n")])


def test_the_test_email_reaches_the_address_given(mail_server, tmp_path):  # noqa: F811
    send_test_email(settings_for(mail_server, tmp_path), "admin@team.test")
    [got] = mail_server.received
    assert got.to == ["admin@team.test"] and "Test message" in got.subject


def test_a_failed_test_email_says_why(mail_server, tmp_path):  # noqa: F811
    mail_server.refuse_all = True
    with pytest.raises(TrackerError, match="not sent: server said 554"):
        send_test_email(settings_for(mail_server, tmp_path), "admin@team.test")


def test_a_report_travels_as_an_attachment(mail_server, tmp_path):  # noqa: F811
    pdf = b"%PDF-1.4 a tiny report"
    email = OutgoingEmail(
        "lead@team.test", "Monthly report", "Attached.\n", attachments=(Attachment("report.pdf", pdf),)
    )
    assert send_all(settings_for(mail_server, tmp_path), [email]) == [None]
    [got] = mail_server.received
    [part] = list(got.message.iter_attachments())
    assert part.get_filename() == "report.pdf" and part.get_content_type() == "application/pdf"
    assert part.get_content() == pdf
    assert got.text.strip() == "Attached."
