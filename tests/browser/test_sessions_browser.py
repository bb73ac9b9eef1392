"""Sessions in real Chromium: a tab left open after signing out in another tab, a page of a deactivated admin,
a redirect after sign-in that tries to leave the site, and the session cookie changing at sign-in."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

from selenium.webdriver.common.by import By

from tests import factories as f
from tests.browser.live import ARTIFACTS, Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.ui_fixtures import PASSWORD, build_team
from tracker import clock, db
from tracker.models import SessionAttendee, User
from tracker.services import users

# Each is a redirect_to that once sent the signed-in browser elsewhere, or would in some browser.
LEAVING = ["/\t/other-host.example/x", "/\n/other-host.example/x", "/\\other-host.example/x",
           "//other-host.example/x", "https://other-host.example/x", "/%09/other-host.example/x"]


def _signed_in_to_me(base: str, cookie: str) -> int:
    """The status of GET /me with only this session cookie (no redirect followed)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    request = urllib.request.Request(base + "/me", headers={"Cookie": f"session={cookie}"})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_sessions_end_where_they_should_in_a_real_browser(tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    team = build_team()
    session = f.session(team.grace, team.asha, clock.today(), minutes=60)
    with running_app(url, tmp_path) as base, chromium() as driver:
        browser = Browser(driver, base, "sessions")
        with browser.recording_failure():
            # Session fixation: the cookie the browser came with is worth nothing once it has signed in.
            driver.get(base + "/login")
            browser.field("Email address")
            before = driver.get_cookie("session")
            assert before is not None
            browser.sign_in("asha@example.nhs.uk", PASSWORD)
            after = driver.get_cookie("session")
            assert after is not None and after["value"] != before["value"]
            assert after.get("httpOnly") and after.get("sameSite") == "Lax"
            assert _signed_in_to_me(base, after["value"]) == 200
            assert _signed_in_to_me(base, before["value"]) == 303

            # The user menu: change the password, sign out (a form posting to /logout).
            driver.find_element(By.CSS_SELECTOR, "button[aria-label^='Signed in as']").click()
            browser.sees("Change your password")
            browser.screenshot("user-menu")
            browser.go("/account/password")
            browser.sees("Current password")
            browser.screenshot("change-password")
            driver.set_window_size(390, 844)
            driver.save_screenshot(str(ARTIFACTS / "sessions-change-password-390.png"))
            driver.set_window_size(1366, 900)

            # Two tabs: /my-sessions open in the first, sign out in the second; the first is taken away.
            browser.go("/my-sessions")
            browser.sees("1 waiting for you to confirm")
            first = driver.current_window_handle
            driver.switch_to.new_window("tab")
            browser.go("/me")
            browser.sign_out()
            browser.sees("You have signed out.")
            browser.screenshot("signed-out")
            driver.switch_to.window(first)
            browser.wait.until(lambda d: "/login?ended=1" in d.current_url)
            browser.sees("Your session ended")
            browser.screenshot("open-tab-ended")
            attendance = SessionAttendee.get(SessionAttendee.session == session.id)
            assert attendance.confirmation == "pending"
            assert _signed_in_to_me(base, after["value"]) == 303

            # An admin with /admin/users open is deactivated from the command line: the page goes.
            browser.sign_in("admin@example.nhs.uk", PASSWORD)
            browser.go("/admin/users")
            browser.sees("Add a login")
            admin = User.get(User.email == "admin@example.nhs.uk")
            users.deactivate_user("cli", admin.id)
            browser.wait.until(lambda d: "/login?ended=1" in d.current_url)
            assert driver.find_elements(By.XPATH, "//button[contains(., 'Reset password')]") == []
            users.set_active("cli", admin.id, True)

            # After sign-in, a redirect that tries to leave the site stays on it.
            host = urlsplit(base).netloc
            for target in LEAVING:
                driver.get(f"{base}/login?redirect_to={quote(target, safe='')}")
                browser.field("Email address").send_keys("asha@example.nhs.uk")
                browser.field("Password").send_keys(PASSWORD)
                browser.button("Sign in").click()
                browser.wait.until(lambda d: "/login" not in d.current_url)
                browser.sees_element("main")
                assert urlsplit(driver.current_url).netloc == host, (target, driver.current_url)
                assert urlsplit(driver.current_url).path == "/me", (target, driver.current_url)
                browser.sign_out()
            browser.screenshot("after-the-last-redirect-attempt")
    db.close()
