"""Hostile text in real Chromium: every text a user or an import can set carries payloads that would run if any
page treated data as code (props strings, HTML, Vue templates, links); every page that shows them is opened as
staff, supervisor, lead and admin, and must show them as plain text with nothing run and nothing injected.

One server and one browser serve the whole module; the world is planted before the server starts
(tests/hostile.py). The pages are each role's own menu plus the pages reached from it, so a new page is swept
without being listed here; a few visits also open the dialogs and uploads that show more of the planted text.
The figures (payloads x pages x roles) are written to test-artifacts/injection-sweep.json.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.common.exceptions import NoAlertPresentException, UnexpectedAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.live import ARTIFACTS, Browser, chromium, running_app
from tests.conftest import open_clean_database
from tests.hostile import (
    FIELDS,
    KINDS,
    LOGINS,
    NO_SLASH,
    PAYLOADS,
    World,
    build_world,
    every,
    hostile,
    preview_file,
)
from tests.ui_fixtures import PASSWORD
from tracker import db
from ui.theme import PRODUCT_NAME

ROLES = ("staff", "supervisor", "lead", "admin")

# What the page itself finds: the payload's flag, attributes it injected, elements made from it, script links.
PROBE = """
const bad = [];
for (const el of document.querySelectorAll('*')) {
  for (const a of el.attributes) {
    const name = a.name.toLowerCase();
    if (name.includes('pwn') || name.startsWith('on')) bad.push(`${el.tagName} ${name}="${a.value.slice(0, 60)}"`);
  }
  if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') bad.push('an <img src=x> element');
  if (el.tagName === 'SCRIPT' && el.textContent.trim().startsWith('window.__pwned')) bad.push('a planted <script>');
  const href = (el.getAttribute('href') || '') + (el.getAttribute('src') || '');
  if (/^\\s*javascript:/i.test(href)) bad.push(`${el.tagName} with a javascript: address`);
}
return {pwned: window.__pwned === undefined ? null : String(window.__pwned), bad,
        text: document.body.innerText, title: document.title};
"""


@dataclass
class Site:
    base: str
    driver: WebDriver
    world: World
    folder: Path
    browser: Browser
    role: str | None = None
    tried: dict[str, set[str]] = field(default_factory=dict)  # role -> pages swept
    shown: int = 0  # planted texts found on the page as text

    def as_role(self, role: str) -> None:
        if self.role != role:
            self.driver.delete_all_cookies()
            self.browser.sign_in(LOGINS[role], PASSWORD)
            self.role = role


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("sweep")
    url = open_clean_database("sqlite", folder)
    world = build_world(folder / "data")
    db.close()
    with running_app(url, folder) as base, chromium() as driver:
        yield Site(base, driver, world, folder, Browser(driver, base, "hostile-text"))


def settle(driver: WebDriver) -> None:
    """Until the socket is up and no 'working out' spinner shows."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        busy = driver.execute_script(
            "return window.did_handshake !== true || document.readyState !== 'complete' || "
            "Array.from(document.querySelectorAll('.q-spinner')).some(e => e.getClientRects().length > 0)"
        )
        if not busy:
            break
        time.sleep(0.1)
    time.sleep(0.3)


def probe(site: Site) -> dict[str, object]:
    try:
        return dict(site.driver.execute_script(PROBE))
    except UnexpectedAlertPresentException:
        try:
            site.driver.switch_to.alert.accept()
        except NoAlertPresentException:
            pass
        return {"pwned": "an alert() ran", "bad": [], "text": "", "title": ""}


def console_trouble(driver: WebDriver) -> list[str]:
    """What the console said since the last look about the policy refusing something or a prop evaluated."""
    words = ("Content Security Policy", "Error while converting", "Uncaught", "EvalError")
    return [e["message"][:300] for e in driver.get_log("browser") if any(w in e["message"] for w in words)]


# ---- what each page must show as text, beyond refusing to run it ---------------------------------------------

def texts(*fields: str) -> Callable[[World], list[str]]:
    """'fn*': the field's every payload; 'fn3': payload 3 only."""

    def wanted(world: World) -> list[str]:
        found: list[str] = []
        for name in fields:
            if name.endswith("*"):
                found += every(name[:-1])
            else:
                found.append(hostile(name[:-1], int(name[-1])))
        return found

    return wanted


def backups(world: World) -> list[str]:
    return [hostile("bak", KINDS.index(k)) + ".db" for k in NO_SLASH]


# path (or (role, path)) -> texts the page must show; "fn*" is every payload in the field, "fn3" one of them.
SHOWS: dict[str | tuple[str, str], Callable[[World], list[str]]] = {
    ("staff", "/me"): texts("fn0", "ln0", "gfn0", "emp0", "pcn0", "role0", "course*", "rprov*", "rref*", "why*",
                            "topic*", "stmt*", "pprov5"),
    ("supervisor", "/me"): texts("gfn0", "gln5", "emp0", "pcn0", "topic*", "stmt*"),
    ("staff", "/my-sessions"): texts("gfn0", "fn*", "ln*", "top*", "act*", "note*", "qry0", "sum1", "sum4", "sum7"),
    ("staff", "/reports/mine"): texts("fn0", "ln0"),
    ("staff", "/reports/view/person"): texts("fn0", "ln0"),  # the statement's accessible twin
    ("staff", "/confirm"): texts("fn0", "ln0", "gfn0", "gln5"),
    "/inbox": texts("sub*", "body*"),
    "/me/connections": texts("tok*"),
    "/supervisees": texts("fn*", "ln*", "emp*", "role*"),
    "/supervision/sessions": texts("fn*", "ln*", "qry*"),
    "/supervision/log?with=S3": texts("fn3", "ln3"),
    "/team": texts("course*", "emp*"),
    "/team/matrix": texts("fn*", "ln*", "emp*", "role*", "course*"),
    "/team/supervision": texts("fn*", "ln*", "emp*", "role*"),
    "/evidence": texts("fn*", "ln*", "course*", "prov*"),
    "/policies": texts("emp*", "topic*", "stmt*", "cond1", "cond4", "agr5", "agr7"),
    "/people/S0": texts("fn0", "ln0", "gfn0", "emp0", "pcn0", "role0", "course*", "rprov*", "rref*", "why*", "topic*",
                        "stmt*"),
    "/people/S1": texts("fn1", "ln1", "emp1", "role1", "course1", "prov1", "ref1", "topic1", "stmt1"),
    "/people/G0": texts("gfn0", "gln5", "topic*", "stmt*"),
    "/admin/people": texts("fn*", "ln*", "emp*", "role*"),
    "/admin/people/S0": texts("fn0", "ln0", "gfn0", "emp0", "pcn0", "role0"),
    "/admin/people/S4": texts("fn4", "ln4", "gfn0", "emp4", "role4"),
    "/admin/employers": texts("emp*", "pcn*"),
    "/admin/roles": texts("role*"),
    "/admin/courses": texts("course*"),
    "/admin/course-aliases": texts("alias*", "course*"),
    "/admin/rules": texts("emp0", "course1", "course2", "course3", "course4", "course5", "course6", "course7"),
    "/admin/users": texts("fn0", "gfn0", "pcn0"),
    ("admin", "/admin/audit"): texts("sub*", "tok*"),
    ("lead", "/admin/audit"): texts("prov*", "why*", "act*", "qry*"),
    "/admin/jobs": texts("fn*", "ln*", "course*"),
    "/admin/backup": backups,
    "/roles": texts("role*"),
    "/roles/XR0": texts("role0", "rpg*", "rbl*", "rsup*", "rfund*", "rsrc*", "fn0", "ln0", "emp0"),
    "/roles/XR5": texts("role5", "rnote5", "fn5", "ln5", "emp5"),
    "/team/directory": texts("fn*", "ln*", "emp*", "role*", "gfn0", "gln5"),
    ("staff", "/training-events"): texts("eprov*", "pprov5", "course5"),
    ("lead", "/training-events"): texts("eprov*", "pprov5", "course5"),
    ("admin", "/training-events"): texts("eprov*", "pprov5", "course5"),
    "/training-events/E0": texts("eprov0", "fn0", "ln0", "emp0"),
    "/training-events/E5": texts("eprov5", "fn0", "ln0", "fn5", "ln5", "emp5"),
}


# ---- visits that open more: dialogs, previews, uploads --------------------------------------------------------

def click(site: Site, css: str) -> None:
    site.driver.execute_script("arguments[0].click()", site.browser.sees_element(css))
    settle(site.driver)


def upload(site: Site, name: str, content: bytes) -> Path:
    path = site.folder / "files" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    site.driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    return path


def certificate_upload(site: Site) -> list[str]:
    name = hostile("cert", KINDS.index("img onerror")) + ".pdf"
    upload(site, name, b"%PDF-1.4 hostile")
    sent = name.replace('"', "%22")  # as Chromium writes a file name into the form
    site.browser.sees(f"Chosen: {sent}")
    return [f"Chosen: {sent}"]


def import_preview(site: Site) -> list[str]:
    name = hostile("file", KINDS.index("Vue template")) + ".csv"
    upload(site, name, preview_file())
    name = name.replace('"', "%22")
    site.browser.button("Check the file").click()
    site.browser.sees("4. Preview")
    settle(site.driver)
    return [name, hostile("hdr", 0), hostile("ifn", 0), hostile("iemp", 4)]


def policy_dialogs(site: Site) -> list[str]:
    click(site, ".q-btn[aria-label^='Who has not']")
    site.browser.sees("Not yet acknowledged")
    site.driver.find_element(By.TAG_NAME, "body").send_keys("\ue00c")  # Escape closes the dialog
    return []


def position_dialog(site: Site) -> list[str]:
    """The position dialog, and a refused address echoed back in the notification."""
    policy_dialogs(site)
    click(site, ".q-btn[aria-label^='Edit']")
    site.browser.sees("Save the position")
    typed = hostile("typed", KINDS.index("img onerror"))
    address = site.browser.field("Document web address (https://...)")
    address.clear()
    address.send_keys(typed)
    site.browser.button("Save the position").click()
    site.browser.sees("is not a web address")
    return [hostile("topic", 0), f"'{typed}' is not a web address"]


def supervisee_options(site: Site) -> list[str]:
    """The drop-down of supervisees, open: every name as an option."""
    site.browser.field("Supervisee(s)").click()
    site.browser.sees_element(".q-menu .q-item")
    settle(site.driver)
    return every("fn")


def person_options(site: Site) -> list[str]:
    """The Reports page's person picker, searched: the server's matches for a part of the planted names ("fn"
    is in every payload's first name) as options."""
    picker = site.browser.field("Person (type part of a name)")
    picker.click()
    picker.send_keys("fn")
    site.browser.sees_element(".q-menu .q-item")
    settle(site.driver)
    return []


def reminder_preview(site: Site) -> list[str]:
    site.browser.button("Show the preview").click()
    site.browser.sees("What the next scan would send")
    settle(site.driver)
    return [hostile("course", 2)]


def session_details(site: Site) -> list[str]:
    for summary in site.driver.find_elements(By.CSS_SELECTOR, "details.fold > summary"):
        summary.click()
    settle(site.driver)
    return every("top") + every("act") + every("note") + [hostile("pnote", k) for k in range(1, len(KINDS))]


def audit_details(site: Site) -> list[str]:
    """Each event's recorded detail is folded under "Details": open them all, as a reader clicking each would."""
    for summary in site.driver.find_elements(By.CSS_SELECTOR, "details > summary"):
        summary.click()
    settle(site.driver)
    return []


def role_page_dialog(site: Site) -> list[str]:
    """The edit dialog holds every part's text as the values of its boxes."""
    click(site, ".q-btn[aria-label^='Edit the page of']")
    site.browser.sees("Save the page")
    values = site.driver.execute_script(
        "return Array.from(document.querySelectorAll('textarea')).map(t => t.value).join('\\n')")
    missing = [w for w in every("rpg") + every("rsup") if w not in values]
    assert not missing, f"not in the edit boxes: {missing}"
    site.driver.find_element(By.TAG_NAME, "body").send_keys("\ue00c")
    return []


def restore_dialog(site: Site) -> list[str]:
    click(site, ".q-btn[aria-label^='Restore']")
    return []


ACTIONS: dict[tuple[str, str], Callable[[Site], list[str]]] = {
    ("staff", "/me"): certificate_upload,
    ("admin", "/admin/imports"): import_preview,
    ("lead", "/policies"): policy_dialogs,
    ("admin", "/policies"): position_dialog,
    ("admin", "/admin/jobs"): reminder_preview,
    ("admin", "/admin/backup"): restore_dialog,
    ("admin", "/roles/XR0"): role_page_dialog,
    ("supervisor", "/supervision/sessions"): session_details,
    ("admin", "/admin/audit"): audit_details,
    ("lead", "/admin/audit"): audit_details,
    ("supervisor", "/supervision/log?with=S3"): supervisee_options,
    ("lead", "/reports"): person_options,
    ("admin", "/reports"): person_options,
}


def extra_pages(world: World, role: str) -> list[str]:
    """Pages reached from the menu's: the inbox (the bell), people, a person's admin page, a confirmation link."""
    first, second = (f"/people/{p.id}" for p in world.people[:2])
    shared = ["/roles/XR0", "/roles/XR5"]
    attended = [f"/training-events/{world.events[k]}" for k in (0, 5)]
    return ["/inbox"] + shared + (attended if role != "supervisor" else []) + {
        "staff": [first, world.confirm_path, f"/reports/view/person?name={quote(world.staff.staff_id)}"],
        "supervisor": [first, second, f"/supervision/log?with={world.people[3].id}"],
        "lead": [first, second, f"/people/{world.supervisor.id}"],
        "admin": [first, f"/admin/people/{world.staff.id}", f"/admin/people/{world.people[4].id}", "/admin/people/new"],
    }[role]


def page_key(world: World, path: str) -> str:
    """The path with ids and tokens named (/people/S0, /confirm), for SHOWS and the figures."""
    names = {str(p.id): f"S{k}" for k, p in enumerate(world.people)} | {str(world.supervisor.id): "G0"}
    path, _, query = path.partition("?")
    if path.startswith("/confirm/"):
        return "/confirm"
    if query.startswith("with="):
        return f"{path}?with={names[query[5:]]}"
    events = {str(e): f"E{k}" for k, e in enumerate(world.events)}
    if path.startswith("/training-events/") and path.rsplit("/", 1)[1] in events:
        return "/training-events/" + events[path.rsplit("/", 1)[1]]
    head, _, last = path.rpartition("/")
    return f"{head}/{names[last]}" if head in ("/people", "/admin/people") and last in names else path


def menu_paths(driver: WebDriver) -> list[str]:
    links = driver.find_elements(By.CSS_SELECTOR, "nav.app-nav a[href]")
    hrefs = [link.get_attribute("href") or "" for link in links]
    return ["/" + h.split("://", 1)[1].split("/", 1)[1] for h in hrefs if "://" in h]


def sweep_page(site: Site, role: str, path: str) -> list[str]:
    """Open the page as the role, do its extra visit, and return what went wrong (nothing, when safe)."""
    site.as_role(role)
    console_trouble(site.driver)  # forget what the sign-in page said
    site.driver.get(site.base + path)
    settle(site.driver)
    key = page_key(site.world, path)
    wanted = SHOWS.get((role, key), SHOWS.get(key, lambda w: []))(site.world)
    action = ACTIONS.get((role, key))
    if action is not None:
        wanted = wanted + action(site)
    found = probe(site)
    text = str(found["text"])
    shown = ARTIFACTS / "injection-sweep" / f"{role}{re.sub(r'[/?=]', '_', key)}.txt"
    shown.parent.mkdir(parents=True, exist_ok=True)
    shown.write_text(text)
    problems = [f"a payload ran: window.__pwned = {found['pwned']}"] if found["pwned"] else []
    problems += [f"injected: {b}" for b in found["bad"]]  # type: ignore[attr-defined]
    if re.search(r"(?<![\d:])1337(?![\d:])", text):  # (not a time such as 13:37)
        problems.append("{{ 7*191 }} was evaluated to 1337")
    if not str(found["title"]).endswith(PRODUCT_NAME) and "/confirm/" not in path:
        problems.append(f"the title changed to {found['title']!r}")
    problems += [f"not shown as text: {w!r}" for w in wanted if w not in text]
    site.shown += sum(1 for w in wanted if w in text)
    problems += [f"console: {line}" for line in console_trouble(site.driver)]
    site.tried.setdefault(role, set()).add(key)
    return problems


SKIPPED = ("/logout",)


@pytest.mark.parametrize("role", ROLES)
def test_no_planted_text_runs_or_injects_anything_on_any_page(site: Site, role: str) -> None:
    with site.browser.recording_failure():
        site.as_role(role)
        paths = [p for p in dict.fromkeys(menu_paths(site.driver) + extra_pages(site.world, role)) if p not in SKIPPED]
        failures = {path: found for path in paths if (found := sweep_page(site, role, path))}
    assert len(paths) >= 5
    assert not failures, json.dumps(failures, indent=2)


def test_the_probe_sees_an_injection_and_the_policy_stops_its_inline_handler(site: Site) -> None:
    """The sweep is not blind: markup put into a page by force is found, and its handler is refused."""
    site.as_role("staff")
    site.driver.get(site.base + "/inbox")
    settle(site.driver)
    console_trouble(site.driver)
    site.driver.execute_script(
        "const box = document.createElement('div'); box.innerHTML = arguments[0]; document.body.append(box);",
        hostile("probe", KINDS.index("img onerror")),
    )
    time.sleep(0.5)
    found = probe(site)
    assert "an <img src=x> element" in found["bad"] and 'IMG data-pwn="1"' in found["bad"]  # type: ignore[operator]
    assert found["pwned"] is None  # the inline handler did not run: the policy has no 'unsafe-inline'
    assert any("Content Security Policy" in line for line in console_trouble(site.driver))


def test_the_sweep_covered_every_payload_page_and_role(site: Site) -> None:
    """The figures for the record: it fails if a role was not swept (its test must have run first)."""
    pages = {p for found in site.tried.values() for p in found}
    figures = {
        "payloads": len(PAYLOADS),
        "texts planted in (fields)": len(FIELDS),
        "pages": len(pages),
        "roles": len(site.tried),
        "page visits (page x role)": sum(len(v) for v in site.tried.values()),
        "payload x page x role tried": len(PAYLOADS) * sum(len(v) for v in site.tried.values()),
        "planted texts checked and shown as text": site.shown,
        "by role": {r: sorted(v) for r, v in site.tried.items()},
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "injection-sweep.json").write_text(json.dumps(figures, indent=2))
    assert set(site.tried) == set(ROLES)
    assert len(pages) >= 25
