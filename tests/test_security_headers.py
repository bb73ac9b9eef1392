"""Hardening: security headers on every response, cookie flags, the generated secret, lock-out, session expiry,
password rules, and a real browser that runs the app under the Content-Security-Policy."""

from __future__ import annotations

import asyncio
import re
import stat
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from nicegui import app
from nicegui.testing import User as Visitor

from bench.live import live_server
from tests import factories as f
from tests.app_routes import app_routes
from tests.ui_fixtures import PASSWORD, SIGN_IN_WAIT_RETRIES, login_user, sign_in, ui_database  # noqa: F401
from tracker import clock
from tracker import sign_in_throttle as throttle
from tracker.errors import ValidationError
from tracker.models import SignInAttempt, User
from tracker.passwords import check_password_rules
from tracker.services import auth as tracker_auth
from tracker.settings import Settings
from ui import auth
from ui.app import storage_secret

REPO = Path(__file__).resolve().parent.parent
ALWAYS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
POLICY_PARTS = ("default-src 'none'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'")


def concrete(path: str) -> str:
    """A URL for a route: path parameters filled in, a known file for NiceGUI's static mount."""
    if path.endswith("/static"):
        return path + "/nicegui.js"
    if path == "/_nicegui_ws":
        return "/_nicegui_ws/socket.io/?EIO=4&transport=polling"
    return re.sub(r"\{[^}]+\}", "1", path)


def assert_hardened(response: httpx.Response, url: str) -> None:
    for name, value in ALWAYS.items():
        assert response.headers.get(name) == value, f"{url} ({response.status_code}) lacks {name}"
    policy = response.headers.get("content-security-policy", "")
    if url.startswith("/files/") and response.status_code == 200:
        assert policy == "sandbox"  # a certificate keeps its own, stricter policy
    else:
        for part in POLICY_PARTS:
            assert part in policy, f"{url} ({response.status_code}): {part} missing from {policy!r}"
        scripts = next(p for p in policy.split("; ") if p.startswith("script-src "))
        assert "'unsafe-inline'" not in scripts and "*" not in scripts and "data:" not in scripts, policy


async def fetch_everything(user: Visitor) -> list[str]:
    urls = [concrete(r.path) for r in app_routes()] + ["/no/such/page", "/api/v1/nothing"]
    for url in urls:
        response = await user.http_client.get(url)
        assert_hardened(response, url)
    return urls


@pytest.mark.usefixtures("ui_database")
async def test_every_route_answers_with_the_security_headers_signed_in_or_not(user: Visitor) -> None:
    login_user("admin@example.nhs.uk", "admin")
    signed_out = await fetch_everything(user)
    await sign_in(user, "admin@example.nhs.uk")
    signed_in = await fetch_everything(user)
    assert len(signed_out) == len(signed_in) >= 15
    assert "/api/v1/people" in signed_in and "/people/1" in signed_in and "/files/certificates/1" in signed_in


@pytest.mark.usefixtures("ui_database")
async def test_each_page_gets_a_fresh_nonce_on_every_script_and_other_responses_allow_no_inline_script(
    user: Visitor,
) -> None:
    login_user("admin@example.nhs.uk", "admin")
    await sign_in(user, "admin@example.nhs.uk")
    nonces = []
    for url in ("/team", "/me/connections", "/no/such/page"):
        response = await user.http_client.get(url)
        policy = response.headers["content-security-policy"]
        found = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})' 'unsafe-eval';", policy)
        assert found, f"{url}: {policy}"
        tags = re.findall(r"<script\b[^>]*>", response.text)
        assert len(tags) >= 4 and all(f'nonce="{found.group(1)}"' in tag for tag in tags), tags
        assert int(response.headers["content-length"]) == len(response.content)
        nonces.append(found.group(1))
    assert len(set(nonces)) == len(nonces)  # never the same twice
    download = await user.http_client.get("/imports/templates/people.csv")
    assert download.status_code == 200
    assert "script-src 'self' 'unsafe-eval';" in download.headers["content-security-policy"]  # no nonce at all


@pytest.mark.usefixtures("ui_database")
async def test_plain_http_gets_no_hsts_and_a_cookie_that_is_http_only_and_same_site(user: Visitor) -> None:
    response = await user.http_client.get("/login")
    assert "strict-transport-security" not in response.headers
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


@pytest.fixture
def behind_https(ui_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:  # noqa: F811
    monkeypatch.setenv("TRACKER_BASE_URL", "https://tracker.example.nhs.uk")
    yield ui_database


async def test_behind_https_hsts_is_sent_and_the_session_cookie_is_secure(behind_https: str, user: Visitor) -> None:
    response = await user.http_client.get("/login")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    cookie = response.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "wss://" in response.headers["content-security-policy"]
    assert "ws://" not in response.headers["content-security-policy"]


@pytest.mark.usefixtures("ui_database")
async def test_the_storage_secret_is_made_on_first_run_in_the_data_folder_for_the_owner_only(
    user: Visitor, tmp_path: Path
) -> None:
    await user.open("/setup")
    key = tmp_path / "data" / "secret.key"
    assert key.is_file() and REPO not in key.resolve().parents
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key.read_text().strip())) >= 32
    settings = Settings(data_dir=tmp_path / "data")
    assert storage_secret(settings) == storage_secret(settings)  # the same on the next start
    assert storage_secret(Settings(data_dir=tmp_path / "elsewhere")) != storage_secret(settings)
    ignored = (REPO / ".gitignore").read_text().split()
    assert "data/" in ignored and ".nicegui/" in ignored  # the default data and storage folders stay out of git


@pytest.mark.usefixtures("ui_database")
async def test_five_wrong_passwords_hold_back_that_address_even_against_the_right_one(user: Visitor) -> None:
    login_user("asha@example.nhs.uk", person=f.person())
    await user.open("/login")
    user.find("Email address").type("asha@example.nhs.uk")  # kept; the page clears the password after a failure
    for attempt in range(1, throttle.FREE_ATTEMPTS + 1):
        user.find("Password").type("not the password at all")
        user.find(marker="sign-in").click()
        assert await failures_reach(attempt)
        await user.should_see(tracker_auth.NOT_RECOGNISED, retries=SIGN_IN_WAIT_RETRIES)
    user.find("Password").type(PASSWORD)
    user.find(marker="sign-in").click()
    await user.should_see(tracker_auth.NOT_RECOGNISED, retries=SIGN_IN_WAIT_RETRIES)
    assert not SignInAttempt.select().where(SignInAttempt.succeeded).exists()
    response = await user.http_client.get("/me")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def failures_reach(count: int, email: str = "asha@example.nhs.uk") -> bool:
    failed = SignInAttempt.select().where((SignInAttempt.email == email) & ~SignInAttempt.succeeded)
    for _ in range(100):
        if failed.count() >= count:
            return True
        await asyncio.sleep(0.05)
    return False


def _age_session(signed_in_ago: timedelta) -> None:
    now = clock.utc_now()
    for storage in app.storage._users.values():
        if auth.USER_ID in storage:
            storage[auth.SIGNED_IN_AT] = (now - signed_in_ago).isoformat()
            storage[auth.LAST_SEEN] = (now - timedelta(minutes=1)).isoformat()


@pytest.mark.usefixtures("ui_database")
async def test_a_busy_session_still_ends_twelve_hours_after_signing_in(user: Visitor) -> None:
    login_user("asha@example.nhs.uk", person=f.person())
    await sign_in(user, "asha@example.nhs.uk")
    _age_session(timedelta(hours=11, minutes=58))
    assert (await user.http_client.get("/me")).status_code == 200
    _age_session(tracker_auth.ABSOLUTE_LIMIT + timedelta(minutes=1))
    response = await user.http_client.get("/me")
    assert response.status_code == 303 and "expired=1" in response.headers["location"]
    assert (await user.http_client.get("/me")).status_code == 303  # the session is gone, not just refused once


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short1A", "at least 12"),
        ("elevenchars", "at least 12"),
        ("Password1234", "commonly used password"),
        ("qwertyuiop12", "commonly used password"),
        ("aaaaaaaaaaaaaaaa", "repeats"),
        ("abababababababab", "repeats"),
        ("Summer2026!!", "too easy to guess"),
        ("NHSPassword1", "too easy to guess"),
        ("Monday1234567", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused(password: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        check_password_rules(password)


@pytest.mark.parametrize("password", ["Correct-Horse-42", "a long passphrase of words", "Żaneta-ćwiczy-2026"])
def test_long_uncommon_passwords_pass(password: str) -> None:
    check_password_rules(password)


@pytest.mark.usefixtures("ui_database")
async def test_first_run_set_up_refuses_a_common_password_and_creates_nobody(user: Visitor) -> None:
    await user.open("/setup")
    user.find("Email address").type("admin@example.nhs.uk")
    user.find("Password (at least 12 characters)").type("password1234")
    user.find("The password again").type("password1234")
    user.find("Create the administrator").click()
    await user.should_see("too easy to guess", retries=40)
    assert User.select().count() == 0


def _chromium():  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def test_a_real_browser_runs_the_app_under_the_content_security_policy(tmp_path: Path) -> None:
    """The policy is strict enough to matter and loose enough for NiceGUI: the page renders and connects."""
    from selenium.webdriver.common.by import By

    with live_server(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path) as server:
        policy = httpx.get(server.url + "/setup").headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        browser = _chromium()
        try:
            browser.get(server.url + "/setup")
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not browser.execute_script("return window.did_handshake === true"):
                time.sleep(0.1)
            connected = browser.execute_script("return window.did_handshake === true")
            buttons = [b.text for b in browser.find_elements(By.TAG_NAME, "button")]
            logs = browser.get_log("browser")
        finally:
            browser.quit()
    assert "Create the administrator" in buttons  # Vue rendered the page
    assert connected  # and its socket reached the server
    violations = [e["message"] for e in logs if "Content Security Policy" in e["message"] or "EvalError" in e["message"]]
    assert violations == []
    assert not [e for e in logs if e["level"] == "SEVERE"], logs


@pytest.mark.usefixtures("ui_database")
async def test_an_upload_too_large_or_without_a_length_is_refused_before_it_is_read(user: Visitor) -> None:
    from nicegui import ui

    from tracker.models import TrainingRecord
    from ui.pages.security_headers import UPLOAD_LIMIT

    login_user("asha@example.nhs.uk", person=f.person())
    await sign_in(user, "asha@example.nhs.uk", then="/me")
    address = user.find(ui.upload).elements.pop().props["url"]
    huge = await user.http_client.post(address, files={"file": ("big.pdf", b"%PDF-" + b"0" * UPLOAD_LIMIT)})
    assert huge.status_code == 413 and "too large" in huge.text
    assert huge.headers["x-content-type-options"] == "nosniff"

    async def body():  # type: ignore[no-untyped-def]
        yield b"--x\r\n"

    unsized = await user.http_client.post(address, content=body(), headers={"content-type": "multipart/form-data"})
    assert unsized.status_code == 411
    small = await user.http_client.post(address, files={"file": ("cert.pdf", b"%PDF-1.4 small")})
    assert small.status_code == 200  # an ordinary upload still reaches the page
    await user.should_see("Chosen: cert.pdf")
    assert TrainingRecord.select().count() == 0
