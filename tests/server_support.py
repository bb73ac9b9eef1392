"""What the resilience tests do to a running server from outside: end its database sessions, kill it, look at
its processes, and fetch what a signed-in browser may fetch."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import psycopg2
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.live import ROOT


def terminate_backends(url: str) -> int:
    """End every session on the database of `url` but this one, from a connection of its own; how many ended."""
    name = url.rpartition("/")[2]
    admin = psycopg2.connect(url)
    try:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            return int(cur.fetchone()[0])
    finally:
        admin.close()


def serve(database_url: str, folder: Path, port: int, log_name: str) -> subprocess.Popen[bytes]:
    """`python main.py serve` on a given port (running_app picks its own), as running_app configures it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_"))}
    env.update(
        TRACKER_SCHEDULER="off", TRACKER_DATA_DIR=str(folder / "data"), TRACKER_DATABASE_URL=database_url,
        NICEGUI_STORAGE_PATH=str(folder / ".nicegui"), TRACKER_BASE_URL=f"http://127.0.0.1:{port}",
    )
    with open(folder / log_name, "wb") as log:
        return subprocess.Popen(
            [sys.executable, "main.py", "serve", "--database", database_url, "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its parent to read its exit."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, their children...), from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def fetch(base: str, path: str, driver: WebDriver) -> tuple[int, bytes]:
    """GET with the browser's cookies (its signed-in session)."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
