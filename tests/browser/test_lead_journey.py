"""A lead's journey in a real browser: sign in to the dashboard, filter the training matrix, drill into a
person; then the heat-map, policies and evidence pages, and the evidence pack made from the Reports page. Screenshots of each page go to test-artifacts/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests import factories as f
from tests.browser.live import Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.ui_fixtures import PASSWORD, Team, build_team
from tracker import clock, db
from tracker.dates import add_months, month_start, uk
from tracker.models import Course, EmployerPolicy, PolicyTopic, TrainingRecord
from tracker.services.catalogue import default_role_items

EVERY_SPLW_COURSE = tuple(default_role_items("SPLW"))  # every course and check a link worker needs


def a_mixed_team() -> Team:
    """Ben is green, Asha is red (courses missing), and a few more people fill the matrix."""
    team = build_team()
    today = clock.today()
    for course in EVERY_SPLW_COURSE:
        f.trained(team.ben, course, today - timedelta(days=40))
    f.trained(team.asha, "FIRE", add_months(today, -13))  # expired
    for month in range(0, 6):
        f.session(
            team.grace, [team.asha, team.ben], add_months(month_start(today), -month) + timedelta(days=1)
        )
    for n, (first, last) in enumerate([("Dina", "Rahman"), ("Eli", "Brown"), ("Faye", "Green")]):
        person = f.person(first, last, role="CC" if n else "HWBC", employer=team.north)
        f.trained(person, "IG", today - timedelta(days=400 if n == 1 else 20))
    topic = PolicyTopic.get(PolicyTopic.name == "Home visits")
    EmployerPolicy.create(
        employer=team.north,
        topic=topic,
        statement="No home visits alone.",
        version="2",
        requires_acknowledgement=True,
        document_url="https://north.example.org/home-visits.pdf",
    )
    EmployerPolicy.create(
        employer=team.south, topic=topic, statement="Home visits allowed after a risk check."
    )
    TrainingRecord.create(
        person=team.ben,
        course=Course.get(Course.code == "BLS"),
        completed_on=today - timedelta(days=3),
        evidence_state="pending",
    )
    return team


def choose(browser: Browser, label: str, option: str) -> None:
    """Open the drop-down list labelled `label` (a select without typing has no input box) and pick."""
    xpath = (
        f"//label[contains(@class,'q-select')][.//*[contains(@class,'q-field__label') and "
        f"normalize-space(.)='{label}']]"
    )
    browser.wait.until(ec.element_to_be_clickable((By.XPATH, xpath))).click()
    browser.pick(option)


def test_a_lead_filters_the_matrix_and_drills_into_a_person(tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    team = a_mixed_team()
    with running_app(url, tmp_path) as base, chromium() as driver:
        browser = Browser(driver, base, "journey-lead")
        browser.sign_in("lead.north@example.nhs.uk", PASSWORD)
        browser.wait.until(lambda d: d.current_url.endswith("/team"))
        browser.sees("Northside Community Trust: 6 people employed")
        browser.sees_element("[data-tone='green'] .figure-value")
        browser.sees("The figures behind the chart")
        browser.sees_element("canvas")  # the trend chart drew
        browser.screenshot("dashboard")

        browser.go("/team/matrix")
        browser.sees("Showing 1–6 of 6 people")
        browser.screenshot("matrix")
        choose(browser, "Status", "Red")
        browser.wait.until(lambda d: "status=red" in d.current_url)
        browser.sees_element(f"tr[data-person='{team.asha.id}']")
        rows = driver.find_elements(By.CSS_SELECTOR, "table.grid-table tbody tr")
        assert all(r.get_attribute("data-rag") == "red" for r in rows) and rows
        assert not driver.find_elements(By.CSS_SELECTOR, f"tr[data-person='{team.ben.id}']")
        browser.field("Search name or staff id").send_keys("patel")
        browser.sees("Showing 1–1 of 1 people")
        fire = driver.find_element(
            By.CSS_SELECTOR, f"tr[data-person='{team.asha.id}'] td[data-course='FIRE']"
        )
        assert fire.get_attribute("data-status") == "expired" and fire.text.startswith("Expired")
        browser.screenshot("matrix-filtered")

        driver.find_element(By.CSS_SELECTOR, f"a[data-person-link='{team.asha.id}']").click()
        browser.wait.until(lambda d: d.current_url.endswith(f"/people/{team.asha.id}"))
        browser.sees("Fire Safety expired on")
        browser.sees(team.asha.staff_id)
        browser.screenshot("person")
        driver.back()
        browser.sees("Showing 1–1 of 1 people")  # the filters came back with the address

        browser.go("/team/supervision")
        browser.sees("Met, of those due")
        browser.screenshot("heat-map")
        browser.go("/policies")
        browser.sees("Employers differ")
        browser.screenshot("policies")
        browser.go("/evidence")
        browser.sees("Waiting: 1 certificate")
        browser.screenshot("evidence")
        browser.button("Approve or reject").click()  # the decision is drawn when asked for, its date box focused
        browser.wait.until(lambda d: d.switch_to.active_element.get_attribute("placeholder") == "dd/mm/yyyy")
        driver.find_element(By.CSS_SELECTOR, "button[aria-label='Choose the completion date']").click()
        browser.sees_element(".q-date .q-date__today").click()  # the calendar is made at the first press
        browser.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "input[placeholder='dd/mm/yyyy']")
                           .get_attribute("value") == uk(clock.today()))
        browser.field("How you checked it without a certificate").send_keys("Saw the paper certificate")
        browser.button("Approve").click()
        browser.sees("Waiting: 0 certificates")
        decided = TrainingRecord.get((TrainingRecord.person == team.ben.id) & (TrainingRecord.decided_by.is_null(False)))
        assert (decided.evidence_state, decided.completed_on) == ("approved", clock.today())

        browser.go("/reports")  # the inspection evidence pack, drawn and zipped in the real worker processes
        browser.button("Make the evidence pack").click()
        browser.sees("Ready: evidence-employer-northside-community-trust-")
        link = browser.sees_element("a[href^='/reports/ready/']")
        assert (link.get_attribute("href") or "").split("/reports/ready/")[1]
        browser.screenshot("evidence-pack")
    db.close()
