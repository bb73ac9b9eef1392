"""The monthly job emails each lead their compliance report as at the end of last month, once."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from jobs.lead_reports import report_date, send_lead_reports
from tests.factories_reports import build_team
from tests.jobs_support import mail_server, settings_for  # noqa: F401
from tracker.models import ReminderLedger, User
from tracker.passwords import hash_password


def _lead(email: str, **scope: object) -> User:
    return User.create(email=email, password_hash=hash_password("a long enough secret"), roles="staff;lead", **scope)


def test_reports_sent_on_the_first_are_as_at_the_last_day_of_the_month_before():
    assert report_date(date(2026, 12, 1)) == date(2026, 11, 30)
    assert report_date(date(2028, 3, 1)) == date(2028, 2, 29)


def test_each_lead_gets_their_report_once_as_a_pdf_attachment(database, mail_server, tmp_path):  # noqa: F811
    team = build_team()
    _lead("charity.lead@example.org", lead_employer=team.northside)
    _lead("pcn.lead@example.org", lead_pcn=team.pcn)
    settings = settings_for(mail_server, tmp_path)

    assert send_lead_reports(date(2026, 12, 1), settings) == 2
    by_recipient = {r.to[0]: r for r in mail_server.received}
    assert set(by_recipient) == {"charity.lead@example.org", "pcn.lead@example.org"}
    charity = by_recipient["charity.lead@example.org"]
    assert "30/11/2026" in charity.subject
    [attachment] = list(charity.message.iter_attachments())
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_content())).pages)
    assert "Northside Community Trust" in text
    assert "Asha Patel" in text

    mail_server.clear()
    assert send_lead_reports(date(2026, 12, 1), settings) == 0
    assert mail_server.received == []
    assert ReminderLedger.select().where(ReminderLedger.item == "monthly-report").count() == 2


def test_a_refused_report_is_kept_and_sent_by_the_next_run(database, mail_server, tmp_path):  # noqa: F811
    team = build_team()
    _lead("charity.lead@example.org", lead_employer=team.northside)
    settings = settings_for(mail_server, tmp_path)

    mail_server.refuse_all = True
    assert send_lead_reports(date(2026, 12, 1), settings) == 0
    assert ReminderLedger.get(ReminderLedger.item == "monthly-report").status == "failed"

    mail_server.refuse_all = False
    assert send_lead_reports(date(2026, 12, 1), settings) == 1
    assert ReminderLedger.get(ReminderLedger.item == "monthly-report").status == "sent"
