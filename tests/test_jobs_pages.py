"""The signed confirmation link page (no sign-in) and the administrators' jobs page."""

from __future__ import annotations

import pytest
from nicegui.testing import User as Visitor

from jobs.scheduler import SCAN
from tests import factories as f
from tests.jobs_support import MailServer, mail_server  # noqa: F401
from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401
from tracker import clock
from tracker.dates import add_months
from tracker.models import JobRun, SessionAttendee
from tracker.services.confirmations import confirmation_token
from tracker.settings import Settings

pytestmark = pytest.mark.usefixtures("ui_database")


@pytest.fixture
def email_on(mail_server: MailServer, monkeypatch: pytest.MonkeyPatch) -> MailServer:  # noqa: F811
    """The app under test sends email to the test's SMTP server (list before `user`)."""
    monkeypatch.setenv("TRACKER_SMTP_HOST", mail_server.host)
    monkeypatch.setenv("TRACKER_SMTP_PORT", str(mail_server.port))
    monkeypatch.setenv("TRACKER_SMTP_SECURITY", "none")
    monkeypatch.setenv("TRACKER_MAIL_FROM", "reminders@tracker.test")
    return mail_server


def pending_session() -> tuple[int, int, str]:
    team = build_team()
    session = f.session(team.grace, team.asha, clock.today().replace(day=1), 60)
    token = confirmation_token(Settings.from_env(), session.id, team.asha.id)
    return session.id, team.asha.id, token


def confirmation(session_id: int, person_id: int) -> str:
    return SessionAttendee.get(
        (SessionAttendee.session == session_id) & (SessionAttendee.person == person_id)
    ).confirmation


async def test_the_signed_link_confirms_the_session_once_without_signing_in(user: Visitor) -> None:
    session_id, person_id, token = pending_session()
    await user.open(f"/confirm/{token}")
    await user.should_see("Confirm a supervision session")
    await user.should_see("Grace Hopper")
    user.find(marker="confirm-session").click()
    await user.should_see("is confirmed", retries=40)
    assert confirmation(session_id, person_id) == "confirmed"

    await user.open(f"/confirm/{token}")
    await user.should_see("This link was already used")
    await user.should_not_see(marker="confirm-session")


async def test_a_tampered_link_is_refused_and_changes_nothing(user: Visitor) -> None:
    session_id, person_id, token = pending_session()
    body, _, signature = token.rpartition(".")
    forged = f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    await user.open(f"/confirm/{forged}")
    await user.should_see("This link is not valid")
    await user.should_not_see(marker="confirm-session")
    assert confirmation(session_id, person_id) == "pending"


async def test_an_administrator_sees_the_jobs_and_can_run_the_scan_now(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/jobs")
    await user.should_see("Daily reminder scan")
    await user.should_see("every day at 07:00")
    await user.should_see("Email is off")
    user.find(marker=f"run-{SCAN}").click()
    await user.should_see("OK:", retries=60)
    run = JobRun.get(JobRun.job_id == SCAN)
    assert run.status == "ok" and run.as_of == clock.today()


async def test_the_preview_lists_what_the_next_scan_would_send(user: Visitor) -> None:
    team = build_team()
    f.trained(team.asha, "SG-L2", add_months(clock.today(), -40))  # long expired
    await sign_in(user, "admin@example.nhs.uk", then="/admin/jobs")
    user.find(marker="preview").click()
    await user.should_see("Safeguarding Adults and Children Level 2 expired on", retries=60)
    assert JobRun.select().count() == 0


async def test_the_test_email_reaches_the_smtp_server(email_on: MailServer, user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/jobs")
    await user.should_see("Email goes through 127.0.0.1")
    user.find(marker="send-test").click()
    await user.should_see("Test email sent to admin@example.nhs.uk", retries=60)
    assert [r.to for r in email_on.received] == [["admin@example.nhs.uk"]]


@pytest.mark.parametrize("email", ["asha@example.nhs.uk", "lead.north@example.nhs.uk", "grace@example.nhs.uk"])
async def test_only_administrators_may_open_the_jobs_page(user: Visitor, email: str) -> None:
    build_team()
    await sign_in(user, email, then="/admin/jobs")
    await user.should_see("You may not open this page")
    await user.should_not_see("Daily reminder scan")
    await user.should_not_see(marker=f"run-{SCAN}")
