"""Every page, as each kind of user sees it, scanned in Chromium with axe-core (installed from the npm
registry into test-artifacts/axe at test time and injected into the page): no serious or critical violation.

The pages come from each user's own navigation menu (so a new page is scanned without listing it here),
plus the pages reached from them: a person, an administrator's person page, adding a person, sign-in.
The findings are written to test-artifacts/axe-report.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.live import ARTIFACTS, Browser, chromium, running_app
from tests.browser.test_lead_journey import a_mixed_team
from tests.conftest import open_clean_database
from tests.ui_fixtures import PASSWORD
from tracker import db

AXE_VERSION = "4"
SERIOUS = ("serious", "critical")
USERS = ("asha@example.nhs.uk", "grace@example.nhs.uk", "lead.north@example.nhs.uk", "admin@example.nhs.uk")
SKIPPED: tuple[str, ...] = ()
# Violations accepted while a fix is on its way (none now); the scan fails on any serious one not listed.
KNOWN: dict[tuple[str, str], str] = {}
# AXE_PAGES="/admin/rules,/admin/users" scans only those pages (a path, or a path with its query), to check a fix
# quickly; unset, every page is scanned.
ONLY = tuple(p.strip() for p in os.environ.get("AXE_PAGES", "").split(",") if p.strip())


def wanted(path: str) -> bool:
    return not ONLY or path in ONLY or path.split("?", 1)[0] in ONLY


def axe_source() -> str:
    """axe.min.js from the npm registry (kept under test-artifacts/axe between runs)."""
    folder = ARTIFACTS / "axe"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to fetch axe-core from the npm registry (apt-get install npm)"
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(folder),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            timeout=300,
        )
    return script.read_text()


def settle(driver: WebDriver) -> None:
    """Wait for the page to finish loading and any 'working out' spinner to go."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        busy = driver.execute_script(
            "return document.readyState !== 'complete' || "
            "Array.from(document.querySelectorAll('.q-spinner')).some(e => e.offsetParent !== null)"
        )
        if not busy:
            break
        time.sleep(0.2)
    time.sleep(0.4)


def scan(driver: WebDriver, source: str) -> list[dict[str, object]]:
    """The serious and critical violations on the page now, with the elements they are about. axe leaves
    target-size (WCAG 2.2 AA, 2.5.8) off by default; it is switched on here."""
    driver.execute_script(source)
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}})"
        ".then(r => done(r.violations), e => done([String(e)]));"
    )
    found = []
    for v in violations:
        if isinstance(v, str):
            raise AssertionError(f"axe failed to run: {v}")
        if v.get("impact") in SERIOUS:
            found.append(
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"]][:5],
                    "html": [n.get("html", "")[:300] for n in v["nodes"]][:3],
                    "summary": [n.get("failureSummary", "") for n in v["nodes"]][:2],
                }
            )
    return found


def menu_paths(driver: WebDriver) -> list[str]:
    links = driver.find_elements(By.CSS_SELECTOR, "nav.app-nav a[href]")
    paths = [link.get_attribute("href") or "" for link in links]
    return [p.split("://", 1)[1].split("/", 1)[1] for p in paths if "://" in p]


def test_no_page_has_a_serious_or_critical_accessibility_violation(tmp_path: Path) -> None:
    source = axe_source()
    url = open_clean_database("sqlite", tmp_path)
    team = a_mixed_team()
    report: dict[str, list[dict[str, object]]] = {}
    with running_app(url, tmp_path) as base, chromium() as driver:
        browser = Browser(driver, base, "axe")
        if wanted("/login"):
            driver.get(base + "/login")
            settle(driver)
            report["/login (signed out)"] = scan(driver, source)
        extra = {
            "asha@example.nhs.uk": [f"/people/{team.asha.id}", "/account/password", "/roles/SPLW", "/logout",
                                    f"/reports/view/person?name={team.asha.staff_id}"],  # the reports' HTML twins
            "grace@example.nhs.uk": [f"/people/{team.ben.id}", f"/reports/view/supervisor?name={team.grace.staff_id}",
                                     "/supervision/sessions"],  # stacked name links of group sessions
            "lead.north@example.nhs.uk": [f"/people/{team.asha.id}", "/team/matrix?status=red", "/training-events/new",
                                          "/team/matrix?courses=FIRE,IG,NOPE",  # the chooser in use, a message
                                          "/reports/view/employer?name=Northside%20Community%20Trust"],
            "admin@example.nhs.uk": [f"/admin/people/{team.asha.id}", "/admin/people/new", "/roles/SPLW",
                                     "/admin/rules", "/admin/users"],  # their tables once had empty headers
        }
        for email in USERS:
            browser.sign_in(email, PASSWORD)
            settle(driver)
            paths = ["/" + p for p in menu_paths(driver)] + extra[email]
            for path in dict.fromkeys(paths):
                if path in SKIPPED or not wanted(path):
                    continue
                driver.get(base + path)
                settle(driver)
                report[f"{path} ({email.split('@')[0]})"] = scan(driver, source)
            browser.sign_out()
    db.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(report, indent=2))
    assert len(report) > (len(ONLY) - 1 if ONLY else 20), f"too few pages were scanned: {list(report)}"
    failing = {
        page: unknown
        for page, found in report.items()
        if (unknown := [v for v in found if (page.split(" ")[0], v["id"]) not in KNOWN])
    }
    assert not failing, json.dumps(failing, indent=2)
