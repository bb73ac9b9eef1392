"""Sign in with NHSmail in real Chromium, against the test's own OpenID Connect provider: a click on the button,
Continue on the provider's page, the app signed in; a refused answer and an unknown address shown in words on the
sign-in page with no session; sign out. Screenshots in test-artifacts/oidc-*."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from tests.browser.live import ARTIFACTS, Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.oidc_provider import running_provider
from tests.ui_fixtures import build_team
from tracker.services import oidc


def _through_the_provider(browser: Browser, email: str) -> None:
    """On the sign-in page: click the button, then Continue as `email` on the provider's page."""
    browser.go("/login")
    browser.wait.until(ec.element_to_be_clickable((By.LINK_TEXT, "Sign in with NHSmail"))).click()
    browser.wait.until(lambda d: "Test NHSmail" in d.title)
    field = browser.driver.find_element(By.NAME, "login_hint")
    field.clear()
    field.send_keys(email)
    browser.driver.find_element(By.CSS_SELECTOR, "button[value='allow']").click()


def test_sign_in_with_nhsmail_then_refusals_then_sign_out(tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    build_team()
    with running_provider() as provider, running_app(url, tmp_path, env=provider.env()) as base, \
            chromium() as driver:
        provider.redirect_uri = base + oidc.CALLBACK_PATH
        browser = Browser(driver, base, "oidc")
        with browser.recording_failure():
            browser.go("/login")
            browser.sees("Sign in with NHSmail")
            browser.screenshot("sign-in-page")
            driver.set_window_size(390, 844)
            driver.save_screenshot(str(ARTIFACTS / "oidc-sign-in-page-390.png"))
            driver.set_window_size(1366, 900)

            # Someone NHSmail knows but the tracker does not.
            _through_the_provider(browser, "stranger@example.nhs.uk")
            browser.sees("no active account here uses that email address")
            assert "/login" in driver.current_url
            browser.screenshot("unknown-address")
            driver.get(base + "/me")
            browser.wait.until(lambda d: "/login" in d.current_url)  # no session

            # A token with the wrong nonce (a replayed or injected answer).
            provider.misbehave = "nonce"
            _through_the_provider(browser, "asha@example.nhs.uk")
            browser.sees("could not be verified")
            provider.misbehave = ""
            driver.get(base + "/me")
            browser.wait.until(lambda d: "/login" in d.current_url)

            # The real thing, typed in capitals as some people do.
            before = driver.get_cookie("session")
            _through_the_provider(browser, "ASHA@example.nhs.uk")
            browser.wait.until(lambda d: "/login" not in d.current_url and "127.0.0.1" in d.current_url)
            browser.sees_element("main")
            browser.sees("Asha Patel")
            after = driver.get_cookie("session")
            assert before is not None and after is not None and after["value"] != before["value"]
            browser.screenshot("signed-in")
            browser.sign_out()
            browser.sees("You have signed out.")
            driver.get(base + "/me")
            browser.wait.until(lambda d: "/login" in d.current_url)
