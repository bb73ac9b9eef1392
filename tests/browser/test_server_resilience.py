"""The real server when things go wrong underneath it: PostgreSQL ends its sessions, or it is killed with -9.

Lost connections: on a private PostgreSQL database, a signed-in browser opens a page; every session of the app is
ended from outside (pg_terminate_backend); the next page, download and write (a new calendar feed) work, again
after a second and third round, with no restart and no error in the server's log.

kill -9: the server draws a PDF, so worker processes exist; it is killed with SIGKILL; a new server on the same
port answers within seconds, and none of the old workers is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.browser.live import Browser, _wait_until_up, chromium, free_port, running_app
from tests.conftest import open_clean_database
from tests.server_support import alive, descendants, fetch, serve, terminate_backends
from tests.ui_fixtures import PASSWORD, build_team
from tracker import db
from tracker.models import ApiToken

RESTART_WITHIN_SECONDS = 10


def test_pages_downloads_and_writes_work_after_postgres_ends_every_session_of_the_app(tmp_path: Path) -> None:
    url = open_clean_database("postgres", tmp_path)  # skipped where no PostgreSQL answers
    build_team()
    db.close()
    with running_app(url, tmp_path) as base, chromium() as driver:
        browser = Browser(driver, base, "lost-connections")
        with browser.recording_failure():
            browser.sign_in("asha@example.nhs.uk", PASSWORD)
            browser.go("/me")
            browser.sees("Asha Patel")
            assert fetch(base, "/exports/my-calendar.ics", driver)[0] == 200

            assert terminate_backends(url) >= 1
            browser.go("/me")
            browser.sees("Asha Patel")
            status, body = fetch(base, "/exports/my-calendar.ics", driver)
            assert status == 200 and body.startswith(b"BEGIN:VCALENDAR")

            assert terminate_backends(url) >= 1
            browser.go("/me/connections")
            browser.button("Make a private feed address").click()
            browser.sees("Your calendar feed address")

            ended = terminate_backends(url)
            browser.go("/inbox")
            browser.go("/me")
            browser.sees("Asha Patel")
    db.connect(url)
    assert ApiToken.select().count() == 1
    print(f"lost connections: sessions ended in the last round {ended}; every page and the write answered")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_after_kill_9_the_server_starts_again_on_its_port_and_no_pdf_worker_is_left(tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    build_team()
    db.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    first = serve(url, tmp_path, port, "first.log")
    workers: set[int] = set()
    second: subprocess.Popen[bytes] | None = None
    try:
        _wait_until_up(base, first, tmp_path / "first.log")
        with chromium() as driver:
            browser = Browser(driver, base, "kill-9")
            browser.sign_in("admin@example.nhs.uk", PASSWORD)
            status, pdf = fetch(base, "/reports/pdf/employer?name=Northside%20Community%20Trust", driver)
            assert status == 200 and pdf.startswith(b"%PDF"), pdf[:200]
        workers = descendants(first.pid)
        assert workers, "the PDF was drawn, so worker processes exist"

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        started = time.monotonic()
        second = serve(url, tmp_path, port, "second.log")
        _wait_until_up(base, second, tmp_path / "second.log")
        took = time.monotonic() - started
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = sorted(pid for pid in workers if alive(pid))
        print(f"kill -9: {len(workers)} worker process(es) before; the new server answered in {took:.1f} s; "
              f"{len(left)} left")
        assert left == [], f"workers of the killed server still running: {left}"
        assert took < RESTART_WITHIN_SECONDS
        with chromium() as driver:
            browser = Browser(driver, base, "kill-9-restarted")
            browser.sign_in("admin@example.nhs.uk", PASSWORD)
            status, pdf = fetch(base, "/reports/pdf/employer?name=Northside%20Community%20Trust", driver)
            assert status == 200 and pdf.startswith(b"%PDF")
    finally:
        for pid in workers:  # on a failure, leave nothing behind on the machine
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        _stop(first)
        if second is not None:
            _stop(second)
    log = (tmp_path / "second.log").read_text(errors="replace")
    assert "Traceback" not in log and "ERROR" not in log, log
