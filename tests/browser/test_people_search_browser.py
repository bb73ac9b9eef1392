"""The people pickers in a real browser (issue 15): an administrator types part of a name into the clinical
supervisor field of a new person, the server's matches appear (a hostile name among them shown as text, its
script never run), one is chosen with the keyboard and saved."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.keys import Keys

from tests import factories as f
from tests.browser.live import Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.joint_team import START, build_joint_team
from tests.ui_fixtures import PASSWORD
from tracker import db
from tracker.models import Person, SupervisorAssignment

HOSTILE = '<img src=x onerror="window.__pwned=1">Person0x'


def options(browser: Browser) -> list[str]:
    """The drop-down's options as shown (read in one go: the menu is redrawn as the matches arrive)."""
    return list(browser.driver.execute_script(
        "return [...document.querySelectorAll('.q-menu .q-item')].map(e => e.textContent.trim())"))


def test_an_admin_types_a_name_and_chooses_the_supervisor_from_the_servers_matches(tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    team = build_joint_team()
    hostile = f.person(HOSTILE, "Member99", employer=team.employers[0], start=START, staff_id="H0001")
    grace = team.people[3]
    db.close()
    with running_app(url, tmp_path) as base, chromium() as driver:
        driver.set_window_size(1366, 768)
        browser = Browser(driver, base, "people-search")
        with browser.recording_failure():
            browser.sign_in("admin@example.nhs.uk", PASSWORD)
            browser.go("/admin/people/new")
            browser.sees("Type 2 or more letters of a name or staff ID")
            browser.field("Staff id (required)").send_keys("E2001")
            browser.field("First name (required)").send_keys("Dina")
            browser.field("Last name (required)").send_keys("Rahman")
            browser.field("Role (required)").send_keys("Health and")
            browser.pick("Health and Wellbeing Coach")
            browser.field("Employer (required; type a new one to add it)").send_keys("Riverside")
            browser.pick("Riverside NHS Trust")
            supervisor = browser.field("Clinical supervisor")
            assert supervisor.get_attribute("aria-description") == "Type 2 or more letters of a name or staff ID"
            supervisor.send_keys("person0")
            browser.wait.until(lambda d: f"{grace.name} ({grace.staff_id})" in options(browser))
            browser.wait.until(lambda d: f"{HOSTILE} Member99 (H0001)" in options(browser))  # the name as text
            assert len(options(browser)) == 11  # Person00..09 and the hostile one
            assert driver.execute_script("return window.__pwned === undefined")
            supervisor.send_keys("3")
            browser.wait.until(lambda d: options(browser) == [f"{grace.name} ({grace.staff_id})"])
            supervisor.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
            browser.button("Add the person").click()
            browser.sees("Dina Rahman")
            assert driver.execute_script("return window.__pwned === undefined")
    db.connect(url)
    try:
        dina = Person.get(Person.staff_id == "E2001")
        assert SupervisorAssignment.get(SupervisorAssignment.supervisee == dina.id).supervisor_id == grace.id
        assert hostile.id != grace.id
    finally:
        db.close()
