"""The not-found page in real Chromium: the app's header and menu, plain words, and a link home that works."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By

from tests.browser.live import Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.ui_fixtures import PASSWORD, build_team
from tracker import db


def test_an_unknown_address_shows_the_apps_not_found_page_with_a_way_home(tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    build_team()
    db.close()
    with running_app(url, tmp_path) as base, chromium() as driver:
        browser = Browser(driver, base, "not-found")
        with browser.recording_failure():
            browser.sign_in("admin@example.nhs.uk", PASSWORD)
            browser.go("/no/such/page")
            browser.sees("Page not found")
            browser.sees("There is no page at this address")
            assert driver.find_elements(By.CSS_SELECTOR, ".app-header")  # the app's own header, not NiceGUI's
            assert not driver.find_elements(By.XPATH, "//*[contains(text(), 'HTTPException')]")
            browser.screenshot("page")
            driver.find_element(By.LINK_TEXT, "Go to your home page").click()
            browser.wait.until(lambda d: "/no/such/page" not in d.current_url)
            browser.sees_element("main")
