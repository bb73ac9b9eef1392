"""The joint team's shared ground in a real browser: a trust's lead records the all-team safeguarding session for
15 people from 4 employers by clicking their names; the register PDF lists all 15 (read back); then a link
worker from a VCSE employer signs in and finds the course compliant on My compliance from that date, and looks
up her role's page and the directory. Screenshots at 1366x768 and 390x844 go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import httpx
from selenium.webdriver.common.by import By

from tests.browser.live import ARTIFACTS, Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.factories_reports import pdf_pages
from tests.joint_team import build_joint_team
from tests.ui_fixtures import PASSWORD
from tracker import clock, db
from tracker.dates import uk
from tracker.models import TrainingRecord

COURSE = "Safeguarding Adults and Children Level 2"


def small_screen(browser: Browser, label: str) -> None:
    browser.driver.set_window_size(390, 844)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.driver.save_screenshot(str(ARTIFACTS / f"{browser.name}-{label}-390.png"))
    browser.driver.set_window_size(1366, 768)


def test_a_lead_records_an_all_team_session_and_an_attendee_sees_it(tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    team = build_joint_team(16)
    attendees = team.people[:15]
    names = [p.name for p in attendees]
    missing_one = team.people[15].name
    db.close()
    today = clock.today()
    with running_app(url, tmp_path) as base, chromium() as driver:
        driver.set_window_size(1366, 768)
        browser = Browser(driver, base, "journey-team-training")
        with browser.recording_failure():
            browser.sign_in("lead.trust@example.nhs.uk", PASSWORD)
            browser.go("/training-events")
            browser.button("Record or plan an event").click()
            browser.sees("The event")
            browser.field("Course (required)").send_keys("Level 2")
            browser.pick(COURSE)
            browser.field("Provider or trainer (required)").send_keys("Riverside NHS Trust safeguarding team")
            browser.field("Duration in minutes").send_keys("180")
            for name in names:
                box = browser.sees(name)
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
                box.click()
            browser.screenshot("chosen")
            browser.button("Save the event").click()
            browser.sees("recorded for 15 people")
            browser.sees("15 from 4 employers")
            browser.screenshot("recorded")
            small_screen(browser, "recorded")

            link = browser.sees_element("a[href$='/register.pdf']").get_attribute("href")
            assert link
            cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
            response = httpx.get(link, cookies=cookies)
            assert response.status_code == 200, response.text
            register = "\n".join(pdf_pages(response.content, tmp_path))
            assert all(name in register for name in names) and missing_one not in register
            assert "15 from 4 employers" in register
            browser.sign_out()

            browser.sign_in("member01@example.nhs.uk", PASSWORD)  # a link worker at SOAR Community (VCSE)
            browser.go("/me")
            row = browser.wait.until(lambda d: d.find_element(
                By.XPATH, f"//tr[th[normalize-space(.)='{COURSE}']]"))  # the course heads its row
            assert "Compliant" in row.text and uk(today) in row.text, row.text
            browser.screenshot("my-compliance")
            browser.go("/training-events")
            browser.sees(COURSE)
            browser.go("/roles/SPLW")
            browser.sees("what matters to you")
            browser.screenshot("role-page")
            small_screen(browser, "role-page")
            browser.go("/team/directory")
            browser.sees("Matching: 16 people of 16 in your team.")
            browser.screenshot("directory")
            small_screen(browser, "directory")
    db.connect(url)
    try:
        assert TrainingRecord.select().count() == 15
    finally:
        db.close()
