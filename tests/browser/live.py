"""A real server (`python main.py serve`) on a free port, and headless Chromium driven by Selenium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--window-size=1366,900"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(database_url: str, folder: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve the app from a subprocess until the block ends; the server's output must hold no error.
    `env` adds settings (TRACKER_OIDC_*, say) to the server's environment."""
    port = free_port()
    extra = env or {}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_"))}
    env.update(extra)
    env.update(
        TRACKER_SCHEDULER="off", TRACKER_DATA_DIR=str(folder / "data"), TRACKER_DATABASE_URL=database_url,
        NICEGUI_STORAGE_PATH=str(folder / ".nicegui"), TRACKER_BASE_URL=f"http://127.0.0.1:{port}",
    )
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--database", database_url, "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, log_path)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    output = log_path.read_text(errors="replace")
    assert "Traceback" not in output and "ERROR" not in output, output


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError("the server stopped:\n" + log_path.read_text(errors="replace"))
        try:
            with urllib.request.urlopen(base + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not answer within 45 s:\n" + log_path.read_text(errors="replace"))


@contextmanager
def chromium() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console, for CSP and script errors
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


class Browser:
    """A few verbs for journeys: go, sign in, click by words, wait to see words, save a screenshot."""

    def __init__(self, driver: WebDriver, base: str, name: str) -> None:
        self.driver, self.base, self.name = driver, base, name
        self.wait = WebDriverWait(driver, 30)
        self.shots = 0

    @contextmanager
    def recording_failure(self) -> Iterator[None]:
        """On any failure, keep a screenshot of the page as it was (test-artifacts/<journey>-failed.png)."""
        try:
            yield
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            self.driver.save_screenshot(str(ARTIFACTS / f"{self.name}-failed.png"))
            raise

    def go(self, path: str) -> None:
        self.driver.get(self.base + path)
        self.sees_element("main")

    def sees_element(self, css: str) -> WebElement:
        return self.wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def sees(self, words: str) -> WebElement:
        """A visible element whose own text contains the words."""
        xpath = f"//body//*[not(self::script)][text()[contains(normalize-space(.), {_quoted(words)})]]"

        def shown(driver: WebDriver) -> WebElement | bool:
            return next((e for e in driver.find_elements(By.XPATH, xpath) if e.is_displayed()), False)

        return self.wait.until(shown)

    def button(self, words: str) -> WebElement:
        xpath = f"//button[contains(normalize-space(.), {_quoted(words)})]"
        return self.wait.until(ec.element_to_be_clickable((By.XPATH, xpath)))

    def field(self, label: str) -> WebElement:
        xpath = (
            f"//label[.//*[contains(@class,'q-field__label') and normalize-space(.)={_quoted(label)}]]"
            "//*[self::input or self::textarea]"
        )
        return self.wait.until(ec.element_to_be_clickable((By.XPATH, xpath)))

    def sign_in(self, email: str, password: str) -> None:
        self.driver.get(self.base + "/login")
        self.field("Email address").send_keys(email)
        self.field("Password").send_keys(password)
        self.button("Sign in").click()
        self.wait.until(lambda d: "/login" not in d.current_url)
        self.sees_element("main")

    def sign_out(self) -> None:
        menus = self.driver.find_elements(By.CSS_SELECTOR, "button[aria-label^='Signed in as']")
        if menus:  # on /logout itself the form is on the page, with no menu around it
            menus[0].click()
        self.wait.until(ec.element_to_be_clickable((By.XPATH, "//form[@action='/logout']//button"))).click()
        self.wait.until(lambda d: "/login" in d.current_url)

    def pick(self, option: str) -> None:
        """Choose an option in the open drop-down menu."""
        xpath = f"//*[contains(@class,'q-menu')]//*[contains(@class,'q-item')][contains(normalize-space(.), {_quoted(option)})]"
        self.wait.until(ec.element_to_be_clickable((By.XPATH, xpath))).click()

    def screenshot(self, label: str) -> Path:
        """The whole page, saved as test-artifacts/<journey>-NN-<label>.png."""
        ARTIFACTS.mkdir(exist_ok=True)
        self.shots += 1
        height = self.driver.execute_script(
            "const p = document.querySelector('.q-page'); return Math.max(document.body.scrollHeight, "
            "p ? p.scrollHeight + 80 : 0)"
        )
        self.driver.set_window_size(1366, max(900, min(int(height), 5000)))
        time.sleep(0.4)
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1366, 900)
        return path


def _quoted(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    parts = text.split("'")
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in parts) + ")"
