"""Screens that survive real use (issue 12), done in Chromium as a person would: a past date picked in the header
by mouse and by keyboard, minutes typed wrong and refused at the field, Save double-clicked, a repeat session asked
about, files chosen through the visible button. Screenshots at 1366x768 and 390x844 go to test-artifacts/."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec

from tests.browser.live import ARTIFACTS, Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.ui_fixtures import PASSWORD, Team, build_team
from tracker import clock
from tracker.dates import add_months, uk
from tracker.models import Person, SupervisionSession, TrainingRecord

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}


@dataclass
class Site:
    base: str
    driver: WebDriver
    team: Team
    files: Path
    browser: Browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("real-use")
    url = open_clean_database("sqlite", folder)
    team = build_team()
    files = folder / "files"
    files.mkdir()
    with running_app(url, folder) as base, chromium() as driver:
        yield Site(base, driver, team, files, Browser(driver, base, "real-use"))


def signed_in_as(site: Site, email: str) -> Browser:
    browser = site.browser
    site.driver.delete_all_cookies()
    browser.sign_in(email, PASSWORD)
    return browser


def shot(site: Site, label: str, size: str = "laptop") -> Path:
    """The viewport as a person sees it at this size (not the whole page): test-artifacts/real-use-<label>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    width, height = SIZES[size]
    site.driver.set_window_size(width, height)
    time.sleep(0.4)  # let Quasar re-lay the page out for the new width
    path = ARTIFACTS / f"real-use-{label}-{width}x{height}.png"
    site.driver.save_screenshot(str(path))
    return path


def focused(driver: WebDriver) -> WebElement:
    return driver.switch_to.active_element


def tab_until(driver: WebDriver, found: Callable[[WebElement], bool], limit: int = 60) -> WebElement:
    """Press Tab until the focused element is the one wanted, as a keyboard user would."""
    for _ in range(limit):
        try:
            element = focused(driver)
            if found(element):
                return element
        except StaleElementReferenceException:
            pass  # the calendar slid to the next month while we looked: look again after one more Tab
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError("Tab never reached the element wanted")


def day_button(browser: Browser, day: int) -> WebElement:
    """The day's button in the month shown, once the month has finished sliding in."""
    xpath = f"//*[contains(@class,'q-date__calendar-item--in')]//button[normalize-space(.)='{day}']"

    def ready(driver: WebDriver) -> WebElement | bool:
        if len(driver.find_elements(By.CSS_SELECTOR, ".q-date__calendar-days")) != 1:
            return False
        found = [b for b in driver.find_elements(By.XPATH, xpath) if b.is_displayed() and b.is_enabled()]
        return found[0] if len(found) == 1 else False

    return browser.wait.until(ready)


def months_back(today: date, months: int) -> date:
    return add_months(today, -months).replace(day=15)


# ---- 1. the as-at picker --------------------------------------------------------------------------------------


def test_a_lead_picks_a_date_two_months_back_with_the_mouse(site: Site) -> None:
    browser = signed_in_as(site, "lead.north@example.nhs.uk")
    driver, today = site.driver, clock.today()
    with browser.recording_failure():
        driver.set_window_size(*SIZES["laptop"])
        driver.find_element(By.CSS_SELECTOR, ".as-at-button").click()
        header = browser.sees_element(".q-date__header-title-label")
        assert header.text == today.strftime("%a ") + str(today.day) + today.strftime(" %b")  # "Wed 2 Dec", UK style
        weekdays = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".q-date__calendar-weekdays div div")]
        assert weekdays[0] == "Mon"
        assert not driver.find_elements(  # tomorrow is not a button: no future day can be picked
            By.XPATH, "//*[contains(@class,'q-date__calendar-item--in')]//button[contains(@class,'q-date__today')]"
            "/../following-sibling::*[contains(@class,'q-date__calendar-item--in')]"
        )
        shot(site, "as-at-picker-open")
        for _ in range(2):
            driver.find_element(By.CSS_SELECTOR, "button[aria-label='Previous month']").click()
        wanted = months_back(today, 2)
        browser.wait.until(lambda d: d.find_element(
            By.CSS_SELECTOR, ".q-date__navigation").text.split("\n").count(wanted.strftime("%B")) == 1)
        day_button(browser, wanted.day).click()
        browser.sees(f"You are viewing records as at {uk(wanted)}, a past date.")
        browser.sees(f"As at {uk(wanted)}")
        shot(site, "as-at-two-months-back")
        browser.go("/team/matrix")  # the date is kept while the lead moves between pages
        browser.sees(f"You are viewing records as at {uk(wanted)}, a past date.")
        browser.button("As at").click()
        browser.button("Back to today").click()
        browser.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".as-at-banner"))


def test_a_lead_picks_a_past_date_with_the_keyboard_alone(site: Site) -> None:
    browser = signed_in_as(site, "lead.north@example.nhs.uk")
    driver, today = site.driver, clock.today()
    with browser.recording_failure():
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        as_at = tab_until(driver, lambda e: "as-at-button" in (e.get_attribute("class") or ""))
        as_at.send_keys(Keys.ENTER)
        browser.sees_element(".q-date")
        previous = tab_until(driver, lambda e: e.get_attribute("aria-label") == "Previous month")
        previous.send_keys(Keys.ENTER)
        wanted = months_back(today, 1)
        browser.wait.until(lambda d: d.find_element(
            By.CSS_SELECTOR, ".q-date__navigation").text.split("\n").count(wanted.strftime("%B")) == 1)
        day_button(browser, wanted.day)  # the month has slid in
        tab_until(driver, lambda e: e.tag_name == "button" and e.text.strip() == str(wanted.day))
        ActionChains(driver).send_keys(Keys.ENTER).perform()
        browser.sees(f"You are viewing records as at {uk(wanted)}, a past date.")
        shot(site, "as-at-by-keyboard")
        browser.go("/?as_of=today")


# ---- 2 and 3. minutes, double-clicks and repeats ----------------------------------------------------------------


def minutes_field(browser: Browser) -> WebElement:
    return browser.field("Minutes")


def sessions() -> int:
    return int(SupervisionSession.select().count())


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Enter a whole number from 1 to 480 minutes: 0 is out of range."),
        ("-5", "Enter a whole number from 1 to 480 minutes: -5 is out of range."),
        ("5000", "Enter a whole number from 1 to 480 minutes: 5000 is out of range."),
        ("7.5", "Enter a whole number from 1 to 480 minutes: '7.5' is not one."),
    ],
)
def test_minutes_typed_out_of_range_are_refused_at_the_field_and_nothing_is_saved(
    site: Site, typed: str, message: str
) -> None:
    browser = signed_in_as(site, "grace@example.nhs.uk")
    before = sessions()
    with browser.recording_failure():
        browser.go(f"/supervision/log?with={site.team.asha.id}")
        field = minutes_field(browser)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(typed)
        browser.field("Topics discussed").click()  # the field loses focus: nothing may change what was typed
        browser.sees(message)
        assert minutes_field(browser).get_attribute("value") == typed
        browser.button("Save the session").click()
        browser.sees(message)
        time.sleep(0.5)  # a save, had one been made, would have been written by now
        assert sessions() == before
        assert minutes_field(browser).get_attribute("value") == typed
        if typed == "5000":
            shot(site, "minutes-5000-refused")
            shot(site, "minutes-5000-refused", "phone")
            site.driver.set_window_size(*SIZES["laptop"])


def test_a_double_click_on_save_stores_one_session_and_a_repeat_is_asked_about(site: Site) -> None:
    browser = signed_in_as(site, "grace@example.nhs.uk")
    driver = site.driver
    before = sessions()
    with browser.recording_failure():
        browser.go(f"/supervision/log?with={site.team.ben.id}")
        field = minutes_field(browser)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("45")
        ActionChains(driver).double_click(browser.button("Save the session")).perform()
        browser.wait.until(lambda d: d.current_url.endswith("/supervisees"))
        browser.sees("Session logged with Ben Okafor")
        assert sessions() == before + 1
        held = SupervisionSession.select().order_by(SupervisionSession.id.desc()).get()
        logged_at = held.recorded_at.replace(tzinfo=__import__("zoneinfo").ZoneInfo("UTC")).astimezone(clock.zone())

        browser.go(f"/supervision/log?with={site.team.ben.id}")  # the same session again, by mistake
        field = minutes_field(browser)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("45")
        browser.button("Save the session").click()
        browser.sees(f"This looks like the session you logged at {logged_at:%H:%M} — save another?")
        shot(site, "repeat-session-question")
        browser.button("Do not save").click()
        time.sleep(0.5)
        assert sessions() == before + 1
        browser.button("Save the session").click()
        browser.sees("save another?")
        browser.button("Save another").click()
        browser.wait.until(lambda d: d.current_url.endswith("/supervisees"))
        assert sessions() == before + 2


# ---- 4. files through the visible button ------------------------------------------------------------------------

WATCH_PICKER = """
window.__picked = 0;
if (!window.__pickWatch) {
  window.__pickWatch = true;
  const click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function () { if (this.type === 'file') { window.__picked++; return; }
    return click.call(this); };
}
"""


def file_input(driver: WebDriver) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, ".file-field-carrier input[type=file]")


def status_says(browser: Browser, words: str) -> None:
    browser.wait.until(lambda d: words in d.find_element(By.CSS_SELECTOR, ".file-field [role=status]").text)


def test_a_certificate_is_chosen_with_the_visible_button_by_mouse_and_keyboard(site: Site) -> None:
    browser = signed_in_as(site, "asha@example.nhs.uk")
    driver, files = site.driver, site.files
    (files / "notes.txt").write_text("not a certificate")
    (files / "huge-scan.pdf").write_bytes(PDF + b"0" * (6 * 1024 * 1024))
    (files / "fire-safety.pdf").write_bytes(PDF)
    with browser.recording_failure():
        browser.go("/me")
        button = browser.button("Choose the certificate file")
        assert button.value_of_css_property("color") == "rgba(0, 94, 184, 1)"  # NHS blue words, not blue on blue
        assert button.value_of_css_property("background-color") in ("rgba(0, 0, 0, 0)", "rgba(255, 255, 255, 1)")
        driver.execute_script(WATCH_PICKER)
        button.click()
        browser.wait.until(lambda d: d.execute_script("return window.__picked") == 1)  # the chooser opened
        button.send_keys(Keys.ENTER)
        browser.wait.until(lambda d: d.execute_script("return window.__picked") == 2)  # and by keyboard
        status_says(browser, "No file chosen yet.")

        file_input(driver).send_keys(str(files / "notes.txt"))
        status_says(browser, "notes.txt is not a PDF, JPEG or PNG file.")
        shot(site, "upload-wrong-type")
        file_input(driver).send_keys(str(files / "huge-scan.pdf"))
        status_says(browser, "huge-scan.pdf is 6 MB; the largest allowed is 5 MB.")
        file_input(driver).send_keys(str(files / "fire-safety.pdf"))
        status_says(browser, "Chosen: fire-safety.pdf")
        shot(site, "upload-chosen")
        shot(site, "upload-chosen", "phone")
        driver.set_window_size(*SIZES["laptop"])
        before = TrainingRecord.select().count()
        browser.field("Course or check").click()
        browser.pick("Fire Safety")
        browser.button("Send for approval").click()
        browser.sees("Sent for approval")
        assert TrainingRecord.select().count() == before + 1


@pytest.mark.parametrize(
    ("path", "button", "good", "bad"),
    [
        ("/admin/imports", "Choose the file to import", "people.csv", "people.pdf"),  # .txt is a CSV export
        ("/admin/backup", "Choose the backup file", None, "backup.zip"),
    ],
)
def test_imports_and_backups_take_files_through_the_same_button(
    site: Site, path: str, button: str, good: str | None, bad: str
) -> None:
    browser = signed_in_as(site, "admin@example.nhs.uk")
    driver, files = site.driver, site.files
    (files / bad).write_bytes(b"x")
    with browser.recording_failure():
        browser.go(path)
        chooser = browser.button(button)
        driver.execute_script(WATCH_PICKER)
        chooser.send_keys(Keys.ENTER)
        browser.wait.until(lambda d: d.execute_script("return window.__picked") == 1)
        file_input(driver).send_keys(str(files / bad))
        status_says(browser, f"{bad} is not a")
        if good:
            (files / good).write_text("Staff id,First name\r\nS1,Ada\r\n")
            file_input(driver).send_keys(str(files / good))
            status_says(browser, f"Chosen: {good}")
            browser.sees("3. Match the columns of people.csv")
        shot(site, "upload" + path.replace("/", "-"))


# ---- 5. consequential actions confirm ---------------------------------------------------------------------------


def click_once_still(browser: Browser, xpath: str) -> None:
    """Click the visible button once the dialog around it has finished moving in or out: while Quasar animates
    it, its backdrop takes the click (as a person's click would land on the backdrop, and they click again)."""

    def clicked(driver: WebDriver) -> bool:
        for button in driver.find_elements(By.XPATH, xpath):
            if button.is_displayed():
                try:
                    button.click()
                    return True
                except (ElementClickInterceptedException, StaleElementReferenceException):
                    return False
        return False

    browser.wait.until(clicked)


def test_recording_a_leaver_asks_first_and_the_last_day_can_be_undone(site: Site) -> None:
    browser = signed_in_as(site, "admin@example.nhs.uk")
    cara = site.team.cara
    far = date(clock.today().year + 4, 1, 1)
    with browser.recording_failure():
        browser.go(f"/admin/people/{cara.id}")
        field = browser.field("Last day")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(uk(far))
        browser.button("Record as a leaver").click()
        browser.sees("Record Cara Lewis as a leaver?")
        browser.sees(f"Their last day will be {uk(far)}")
        browser.sees(f"That is {(far - clock.today()).days} days from today.")
        shot(site, "leaver-confirm")
        click_once_still(browser, "//*[@role='alertdialog']//button[normalize-space(.)='Cancel']")
        click_once_still(browser, "//main//button[normalize-space(.)='Record as a leaver']")
        click_once_still(browser, "//*[@role='alertdialog']//button[normalize-space(.)='Record as a leaver']")
        browser.sees(f"Cara Lewis left: their last day was {uk(far)}.")
        shot(site, "leaver-recorded-can-be-undone")
        browser.button("Undo leaving").click()
        browser.sees("Undo Cara Lewis's leaving?")
        click_once_still(browser, "//*[@role='alertdialog']//button[normalize-space(.)='Undo leaving']")
        browser.sees("Cara Lewis has not left after all.")
        click_once_still(browser, "//main//button[normalize-space(.)='Archive']")
        browser.sees("Archive Cara Lewis?")
        shot(site, "archive-confirm")
        click_once_still(browser, "//*[@role='alertdialog']//button[normalize-space(.)='Cancel']")


# ---- 8. every problem at once, at its field -----------------------------------------------------------------------


def test_an_empty_person_form_shows_every_problem_at_its_field_and_a_summary_that_takes_you_there(site: Site) -> None:
    browser = signed_in_as(site, "admin@example.nhs.uk")
    driver = site.driver
    with browser.recording_failure():
        browser.go("/admin/people/new")
        browser.button("Add the person").click()
        browser.sees("There are 5 problems")
        summary = driver.find_element(By.CSS_SELECTOR, "[role=alert] .problem-summary")
        lines = [b.text for b in summary.find_elements(By.CSS_SELECTOR, "li")]
        assert lines == ["Staff id: a value is required", "First name: a value is required",
                         "Last name: a value is required", "Role: a role is required",
                         "Employer: a value is required"]
        messages = [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".q-field--error .q-field__messages")]
        assert messages.count("A value is required") == 4 and "A role is required" in messages
        shot(site, "empty-person-form-problems")
        browser.button("Last name: a value is required").click()
        assert focused(driver) == browser.field("Last name (required)")
        focused(driver).send_keys("Rahman")
        browser.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".q-field--error")) == 4)
        assert Person.select().where(Person.last_name == "Rahman").count() == 0


# ---- 6 and 7. wide tables and phones ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_the_lead_pages_fit_a_laptop_and_a_phone(site: Site, size: str) -> None:
    browser = signed_in_as(site, "lead.north@example.nhs.uk")
    driver = site.driver
    with browser.recording_failure():
        for path in ("/team", "/team/matrix", "/team/supervision", "/supervision/sessions"):
            width, height = SIZES[size]
            driver.set_window_size(width, height)
            browser.go(path)
            time.sleep(0.4)
            header = driver.find_element(By.CSS_SELECTOR, ".app-header").size["height"]
            assert header <= 64, f"the header is {header}px high on {path}"
            page_width = driver.execute_script("return document.documentElement.scrollWidth")
            assert page_width <= driver.execute_script("return window.innerWidth"), f"{path} spills sideways"
            if path == "/team":  # on a phone the dashboard's tables are lists of cards, each figure labelled
                visible = ("return Array.from(document.querySelectorAll('.data-table.cards tbody td[data-label]'))"
                           ".find(td => td.offsetParent !== null)")
                browser.wait.until(lambda d, visible=visible: d.execute_script(visible))
                label = driver.execute_script(visible)
                look = driver.execute_script(
                    "const td = arguments[0];"
                    "return [getComputedStyle(td.parentElement).display, getComputedStyle(td, '::before').content];",
                    label,
                )
                expected = f'"{label.get_attribute("data-label")}"'
                assert look == (["block", expected] if size == "phone" else ["table-row", "none"]), look
                label.find_element(By.XPATH, "ancestor::table").screenshot(
                    str(ARTIFACTS / f"real-use-lead-team-table-{size}.png"))
            if path == "/team/supervision":  # the heat-map opens on its newest months, this one in view
                grid = driver.find_element(By.CSS_SELECTOR, "[data-month]").find_element(By.XPATH, "ancestor::div[1]")
                browser.wait.until(lambda d, grid=grid: d.execute_script(
                    "const g = arguments[0]; return g.scrollWidth <= g.clientWidth || "
                    "g.scrollLeft + g.clientWidth >= g.scrollWidth - 2", grid))
                this_month = clock.today().strftime("%b %Y")
                header = browser.sees(this_month)
                right = driver.execute_script("return arguments[0].getBoundingClientRect().right", header)
                assert right <= driver.execute_script("return window.innerWidth")
            shot(site, "lead" + path.replace("/", "-"), size)
    driver.set_window_size(*SIZES["laptop"])


# ---- 9. names, not codes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_a_lead_chooses_a_statements_person_by_typing_part_of_a_name(site: Site, size: str) -> None:
    browser = signed_in_as(site, "lead.north@example.nhs.uk")
    driver = site.driver
    asha, cara = site.team.asha, site.team.cara
    with browser.recording_failure():
        driver.set_window_size(*SIZES[size])
        browser.go("/reports")
        person = browser.field("Person (type part of a name)")
        person.click()
        person.send_keys("pat")  # part of a surname, in small letters
        browser.sees_element(".q-menu .q-item")
        options = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".q-menu .q-item") if e.is_displayed()]
        assert options and all("pat" in o.lower() for o in options), options
        assert not any(cara.last_name in o for o in options)  # South's people are not this lead's to choose
        shot(site, "reports-choose-person", size)
        browser.pick(f"Asha Patel ({asha.staff_id}")
        statement_view = ("//h2[contains(normalize-space(.), 'Compliance statement')]"
                          "/following::button[contains(normalize-space(.), 'Read it as a web page')][1]")
        browser.wait.until(ec.element_to_be_clickable((By.XPATH, statement_view))).click()
        browser.wait.until(lambda d: "/reports/view/person" in d.current_url)
        assert f"name={asha.staff_id}" in driver.current_url
        browser.sees("Asha Patel")
        shot(site, "reports-statement-of-the-person-chosen", size)
    driver.set_window_size(*SIZES["laptop"])
