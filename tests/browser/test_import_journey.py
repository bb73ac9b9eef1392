"""Journey in a real browser: an administrator imports an e-learning completion report whose people are known
by email and one of whose course titles we do not know; she maps that title to our course on the import page,
there and then, and the file imports. The title is remembered as an alias. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from selenium.webdriver.common.by import By

from tests.browser.live import Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.ui_fixtures import PASSWORD, build_team
from tracker import db
from tracker.models import CourseAlias, TrainingRecord

SHAPES = Path(__file__).resolve().parent.parent / "data" / "import_shapes"
UNKNOWN = "Statutory and Mandatory Training - Moving and Handling"


def test_an_unknown_course_title_is_mapped_on_the_import_page_and_remembered(tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    team = build_team()
    report = tmp_path / "elfh_completions.csv"
    shape = (SHAPES / "elfh_completions.csv").read_bytes()
    report.write_bytes(re.sub(rb"(?i)@example\.org", b"@example.nhs.uk", shape))
    with running_app(url, tmp_path) as base, chromium() as driver:
        browser = Browser(driver, base, "journey-import")
        with browser.recording_failure():
            browser.sign_in("admin@example.nhs.uk", PASSWORD)
            browser.go("/admin/imports")
            driver.find_element(By.XPATH, "//label[.//*[contains(@class,'q-field__label') and "
                                          "normalize-space(.)='Kind of file']]").click()
            browser.pick("Training completions")
            driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(report))
            browser.sees("3. Match the columns of elfh_completions.csv")
            browser.button("Check the file").click()
            browser.sees("4. Preview")
            browser.sees("1 course name(s) not recognised")
            browser.sees("1 problem(s): nothing will be imported until every row is right")
            browser.screenshot("unknown-course")
            driver.set_window_size(390, 844)
            driver.save_screenshot(str(Path("test-artifacts") / "journey-import-phone-unknown-course.png"))
            driver.set_window_size(1366, 900)

            browser.field("Our course").click()
            browser.pick("MH - Moving and Handling")
            browser.button("Remember").click()
            browser.sees(f"Remembered: {UNKNOWN} is MH.")
            ready = browser.sees("Ready:")
            assert "created 3, updated 0, skipped 0" in ready.text
            browser.sees("Read as CSV, UTF-8 with BOM, semicolon-separated; ignored columns: First Name, Last Name")
            browser.screenshot("ready")
            browser.button("Import all rows").click()
            browser.sees("Done")
            browser.screenshot("done")

    assert {(r.person_id, r.course.code, r.completed_on) for r in TrainingRecord.select()} == {
        (team.asha.id, "FIRE", date(2025, 2, 1)), (team.asha.id, "PREVENT", date(2025, 2, 1)),
        (team.asha.id, "MH", date(2025, 2, 3)),
    }
    alias = CourseAlias.get(CourseAlias.alias == UNKNOWN)
    assert (alias.course.code, alias.builtin) == ("MH", False)
    db.close()
    shutil.rmtree(tmp_path / "uploads", ignore_errors=True)
