"""Journeys in a real browser: a supervisor logs a group session; the supervisee confirms it and sees the
month met. Screenshots of each page go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.live import Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.ui_fixtures import PASSWORD, build_team
from tracker import clock, db
from tracker.dates import month_start
from tracker.models import SessionAttendee, SupervisionSession


def test_a_group_session_is_logged_by_the_supervisor_and_confirmed_by_the_supervisee(tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    team = build_team()
    this_month = month_start(clock.today()).isoformat()
    with running_app(url, tmp_path) as base, chromium() as driver:
        browser = Browser(driver, base, "journey-supervision")
        with browser.recording_failure():
            browser.driver.get(base + "/login")
            browser.field("Email address")
            browser.screenshot("sign-in")

            browser.sign_in("grace@example.nhs.uk", PASSWORD)
            browser.sees("My supervisees")
            browser.sees("Ben Okafor")
            browser.screenshot("my-supervisees")

            driver.find_element(By.CSS_SELECTOR, "a[aria-label='Log session with Asha Patel']").click()
            browser.sees("Save the session")
            browser.sees("Asha Patel")  # chosen already, from the supervisees list
            browser.field("Supervisee(s)").click()
            browser.pick("Ben Okafor")
            browser.field("Supervisee(s)").send_keys(Keys.ESCAPE)
            group = browser.button("Group")
            browser.wait.until(lambda _: group.get_attribute("aria-pressed") == "true")
            browser.field("Topics discussed").send_keys("Caseload review; safeguarding")
            browser.field("Group summary (shared)").send_keys("We agreed who covers the drop-in")
            browser.field("Private note with Asha Patel").send_keys("Asha asked for more home-visit support")
            browser.field("Private note with Ben Okafor").send_keys("Ben is settling in well")
            browser.screenshot("log-a-group-session")
            browser.button("Save the session").click()
            browser.sees("Session logged with Asha Patel, Ben Okafor")
            browser.wait.until(lambda d: d.current_url.endswith("/supervisees"))
            browser.screenshot("after-logging")

            session = SupervisionSession.get()
            assert (session.format, session.minutes, session.date) == ("group", 60, clock.today())
            assert {a.person_id for a in SessionAttendee.select()} == {team.asha.id, team.ben.id}

            browser.go("/supervision/sessions")
            browser.sees("1 session")
            browser.screenshot("supervision-log")
            browser.sign_out()

            browser.sign_in("asha@example.nhs.uk", PASSWORD)
            browser.go("/my-sessions")
            browser.sees("1 waiting for you to confirm")
            browser.sees("Caseload review; safeguarding")
            browser.sees("Group summary (shared with everyone at this session): We agreed who covers the drop-in")
            browser.sees("Your private note (only you and your supervisor see it): Asha asked for more home-visit")
            assert "Ben is settling in well" not in driver.page_source  # Ben's note is his and Grace's alone
            browser.screenshot("my-sessions")
            browser.button("Confirm it is right").click()
            browser.sees("the session is confirmed")
            browser.sees("Confirmed")
            attendee = SessionAttendee.get(SessionAttendee.person == team.asha.id)
            assert attendee.confirmation == "confirmed"

            browser.go("/me")
            cell = browser.sees_element(f"td[data-month='{this_month}']")
            assert cell.get_attribute("data-status") == "met"
            assert "Met" in cell.text and "60/60 min" in cell.text
            browser.screenshot("my-compliance-month-met")
    db.close()
