"""Two app instances on one PostgreSQL database, as behind a load balancer: each `python main.py serve` on its
own port with its own NiceGUI storage folder (they share the data folder, so the secret key). A write through
one is seen through the other; a browser session belongs to the instance that signed it in (hence sticky
sessions); and the daily scan, due on both at start, is run by exactly one while the other is told another
instance holds the advisory lock. Skipped only where no PostgreSQL answers.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bench.live import LiveServer, launch, live_servers
from bench.load import PASSWORD, Socket, listener, log_a_session, page_elements, sign_in
from jobs.scheduler import SCAN
from tests import factories as f
from tests.conftest import open_clean_database
from tests.jobs_support import MAIL_FROM, MailServer, mail_server, team  # noqa: F401
from tracker import clock, db
from tracker.models import JobRun, ReminderLedger, SupervisionSession, User
from tracker.passwords import hash_password
from tracker.services import people, tokens

BUSY = "another instance was running the scan"


@pytest.fixture
def postgres_database(tmp_path: Path) -> Iterator[str]:
    url = open_clean_database("postgres", tmp_path)  # skipped where no PostgreSQL answers
    yield url
    db.close()


def _sessions_seen(server: LiveServer, token: str) -> int:
    answer = httpx.get(server.url + "/api/v1/sessions", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return len(answer.json()["sessions"])


async def _log_through(server: LiveServer, email: str, supervisee: int, minutes: int) -> httpx.Cookies:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        await sign_in(http, server.url, email)
        await log_a_session(http, server.url, supervisee, minutes)
        return http.cookies


async def _people_on_dashboard(server: LiveServer, email: str) -> list[int]:
    """The headcount the team dashboard of `server` shows an administrator, twice: now, and after another
    instance (this test's own process) has added a person through the services."""
    seen = []
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        await sign_in(http, server.url, email)
        for step in range(2):
            if step:
                people.create_person("another instance", "E7777", "Yusuf", "Later", "OPM", "Northside Community Trust",
                                     clock.today() - timedelta(days=30))
            page = await http.get("/team")
            _, elements = page_elements(page.text)
            texts = [str(e.get("text", "")) for e in elements.values()]
            found = [re.search(r"([0-9,]+) people employed", t) for t in texts]
            seen.append(next(int(m.group(1).replace(",", "")) for m in found if m))
    return seen


def _finished_scans(after_id: int, at_least: int, seconds: float = 60) -> list[JobRun]:
    deadline = time.monotonic() + seconds
    runs: list[JobRun] = []
    while time.monotonic() < deadline:
        runs = list(JobRun.select().where((JobRun.job_id == SCAN) & (JobRun.id > after_id)).order_by(JobRun.id))
        if len(runs) >= at_least and all(r.status != "running" for r in runs):
            return runs
        time.sleep(0.2)
    raise AssertionError(f"the scans did not finish: {[(r.status, r.message) for r in runs]}")


async def _run_scan_now_on_both(servers: tuple[LiveServer, ...], email: str) -> list[dict]:
    """An administrator on each instance presses "Run now" on the daily scan at the same moment."""
    async with httpx.AsyncClient(base_url=servers[0].url, timeout=60) as one, \
            httpx.AsyncClient(base_url=servers[1].url, timeout=60) as two:
        pages = []
        for http, server in ((one, servers[0]), (two, servers[1])):
            await sign_in(http, server.url, email)
            pages.append(page_elements((await http.get("/admin/jobs")).text))
        async with Socket(servers[0].url, pages[0][0], one.cookies) as a, \
                Socket(servers[1].url, pages[1][0], two.cookies) as b:
            button = {"aria-label": "Run now: Daily reminder scan"}
            await asyncio.gather(a.emit(listener(pages[0][1], "q-btn", "Run now", "click", **button)),
                                 b.emit(listener(pages[1][1], "q-btn", "Run now", "click", **button)))
            return list(await asyncio.gather(a.notice(), b.notice()))


def test_two_instances_share_the_data_and_only_one_runs_the_scan(
    postgres_database: str, mail_server: MailServer, tmp_path: Path  # noqa: F811
) -> None:
    t = team()
    supervisor = User.create(email="sam.login@team.test", password_hash=hash_password(PASSWORD),
                             roles="staff;supervisor", person=t.sam)
    admin = User.create(email="admin@team.test", password_hash=hash_password(PASSWORD), roles="admin")
    token = tokens.create(admin.id, "api", "checks").secret
    seeded = JobRun.create(job_id=SCAN, as_of=clock.today() - timedelta(days=3), status="ok",
                           started_at=clock.utc_now() - timedelta(days=3))  # the scan was missed while down
    mail_server.delay_seconds = 1.0  # the sender holds the lock a while
    shared = tmp_path / "shared-data"
    mail = {"TRACKER_SMTP_HOST": mail_server.host, "TRACKER_SMTP_PORT": str(mail_server.port),
            "TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": MAIL_FROM}
    servers = (launch(postgres_database, tmp_path, name="first", scheduler=True, extra_env=mail, data_dir=shared),
               launch(postgres_database, tmp_path, name="second", scheduler=True, extra_env=mail, data_dir=shared))
    with live_servers(*servers) as (first, second):
        assert _sessions_seen(first, token) == _sessions_seen(second, token) == 0
        cookies = asyncio.run(_log_through(first, supervisor.email, t.asha.id, 60))
        assert _sessions_seen(second, token) == 1  # written through the first, read through the second
        asyncio.run(_log_through(second, supervisor.email, t.asha.id, 45))  # another session that day
        assert _sessions_seen(first, token) == 2
        before, after = asyncio.run(_people_on_dashboard(second, admin.email))
        assert after == before + 1  # the second instance's cached snapshot took in a write made elsewhere
        elsewhere = httpx.get(second.url + "/me", cookies=cookies, follow_redirects=False)
        assert elsewhere.status_code == 303  # a session lives on the instance that signed it in: sticky sessions

        caught_up = _finished_scans(seeded.id, at_least=1)
        time.sleep(1)  # time enough for a second catch-up to show itself, had either instance started one
        caught_up = _finished_scans(seeded.id, at_least=1)
        assert [r.message == BUSY for r in caught_up].count(False) == 1, [r.message for r in caught_up]
        sent_by_catch_up = len(mail_server.received)
        assert sent_by_catch_up > 0

        f.person("Zoe", "New", role="OPM", employer=t.employer, start=clock.today() - timedelta(days=400),
                 email="zoe@team.test")  # new work for the next scan: her courses are missing
        notices = asyncio.run(_run_scan_now_on_both(servers, admin.email))
        pressed = _finished_scans(caught_up[-1].id, at_least=2)
    assert SupervisionSession.select().count() == 2
    assert sorted(r.message == BUSY for r in pressed) == [False, True], [(r.status, r.message) for r in pressed]
    assert any(BUSY in str(n.get("message")) for n in notices)
    worker = next(r for r in pressed if r.message != BUSY)
    assert worker.status == "ok" and worker.count > 0
    recipients = [tuple(m.to) for m in mail_server.received]
    assert len(mail_server.received) > sent_by_catch_up and ("zoe@team.test",) in recipients
    assert {r.status for r in ReminderLedger.select()} == {"sent"}
    assert len(ReminderLedger.select()) == len({r.key for r in ReminderLedger.select()})  # nothing claimed twice
    logs = first.output() + second.output()
    assert "Traceback" not in logs, logs[-3000:]
