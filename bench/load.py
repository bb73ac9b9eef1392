"""Load: 20 and then 50 simulated browser sessions against a real server, for a fixed time each.

`python -m bench load` (part of `make bench`) serves a copy of the benchmark population (10,000 staff), and
`python -m bench.load [--sessions 20 50] [--seconds 20]` a fresh demo database. Either way the server is
`python main.py serve` on a free localhost port with TRACKER_SCHEDULER=off, and the copy gets one login per
simulated user (mostly supervisors, some staff, a few leads).

Each session behaves like a browser: it signs in through the real sign-in page (the page over HTTP, then its
socket, typing the email and password and pressing the button), then keeps opening the pages its role uses
(each page over HTTP, then its socket, held open until the next page, as a browser does)
and, for a supervisor, logging a session with one of their supervisees (the log page, its socket, the Save
button, until the app navigates on). Between steps it waits 2 to 6 s. Sessions arrive 0.2 s apart; once all
have signed in, the figures are taken for the fixed time: p50 and p95 of page latency (the full HTML
response) and of action latency (the click until the app has saved and moved on), errors, and the server's
resident memory (peak, including the sign-ins, and at the end). Each level runs long enough for its p95 to rest
on 300 page loads. Localhost only.

With `--postgres URL` the bench also runs 50 sessions through HAProxy (docs/deployment.md's configuration, without
TLS) to two instances on a copy of the PostgreSQL population; memory and CPU are the two instances' together.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx
import socketio

from bench import Bench, section
from bench.live import ROOT, LiveServer, free_port, launch, live_server, live_servers

PASSWORD = "Load-Test-Password-7"
THINK_SECONDS = (2.0, 6.0)  # a busy person between clinics, not a robot
RAMP_PER_SESSION = 0.2  # people arrive one after another: 20 sessions sign in over 4 s, 50 over 10 s
ELEMENTS = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.S)
CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")


@dataclass
class Login:
    email: str
    role: str  # supervisor | staff | lead
    pages: list[str]
    supervisees: list[int] = field(default_factory=list)


@dataclass
class Stats:
    pages: list[float] = field(default_factory=list)
    actions: list[float] = field(default_factory=list)
    sign_ins: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    server_cpu: float = 0.0  # CPU seconds the server used while measured
    driver_cpu: float = 0.0  # and this process, the simulated browsers


# ---- the database copy and its logins ---------------------------------------------------------------------


def copy_sqlite(source: Path, target: Path) -> str:
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return f"sqlite:///{target}"


def add_logins(url: str, count: int, on: date) -> list[Login]:
    """One login per simulated user in the copy: supervisors with supervisees, staff, and leads."""
    from tracker import db
    from tracker.models import Employment, Person, SupervisorAssignment, User
    from tracker.passwords import hash_password

    db.connect(url)
    try:
        active = SupervisorAssignment.select(SupervisorAssignment.supervisor, SupervisorAssignment.supervisee).where(
            (SupervisorAssignment.start_date <= on)
            & (SupervisorAssignment.end_date.is_null() | (SupervisorAssignment.end_date >= on))
        )
        caseloads: dict[int, list[int]] = {}
        for supervisor, supervisee in active.tuples():
            caseloads.setdefault(supervisor, []).append(supervisee)
        chosen = random.Random(7).sample(sorted(caseloads), min(count, len(caseloads)))  # typical, not the busiest
        supervisors = chosen or sorted(caseloads)
        staff = [p for (p,) in Employment.select(Employment.person).where(Employment.end_date.is_null()).limit(count)
                 .tuples()]
        employer = Employment.get(Employment.person == supervisors[0]).employer_id
        digest = hash_password(PASSWORD)
        logins: list[Login] = []
        for i in range(count):
            if i % 10 == 0:
                login = Login(f"load-lead-{i}@bench.test", "lead", ["/team", "/team/matrix", "/policies",
                                                                      f"/people/{supervisors[0]}"])
                User.create(email=login.email, password_hash=digest, roles="lead", lead_employer=employer)
            elif i % 10 in (1, 2):
                person = staff[i % len(staff)]
                login = Login(f"load-staff-{i}@bench.test", "staff", ["/me", "/my-sessions", "/me/connections"])
                User.create(email=login.email, password_hash=digest, roles="staff", person=person)
            else:
                person = supervisors[i % len(supervisors)]
                login = Login(f"load-sup-{i}@bench.test", "supervisor",
                              ["/supervisees", "/me", "/supervision/sessions", f"/people/{caseloads[person][0]}"],
                              caseloads[person])
                User.create(email=login.email, password_hash=digest, roles="staff;supervisor", person=person)
            logins.append(login)
        assert Person.select().count() > 0
        return logins
    finally:
        db.close()


# ---- a simulated browser ----------------------------------------------------------------------------------


def page_elements(html: str) -> tuple[str, dict[str, dict]]:
    client = CLIENT_ID.search(html)
    found = ELEMENTS.search(html)
    if client is None or found is None:
        raise RuntimeError("not a NiceGUI page")
    raw = found.group(1).replace("&#36;", "$").replace("&#96;", "`").replace("&gt;", ">").replace("&lt;", "<")
    return client.group(1), json.loads(raw.replace("&amp;", "&"))


def listener(
    elements: dict[str, dict], kind: str, label: str, event: str, **props: str
) -> tuple[int, str]:
    """The element of that kind and label (and those props) on the page, and its listener for the event."""
    for key, element in elements.items():
        shown = element.get("props", {})
        if element["tag"] == kind and shown.get("label") == label and all(shown.get(k) == v for k, v in props.items()):
            for e in element.get("events", []):
                if e["type"] == event:
                    return int(key), e["listener_id"]
    raise RuntimeError(f"no {kind} '{label}' on the page")


class Socket:
    """The page's socket, as the browser opens it; collects what the server says (navigations, notices)."""

    def __init__(self, base: str, client_id: str, cookies: httpx.Cookies) -> None:
        self.base, self.client_id, self.cookies = base, client_id, cookies
        self.sio = socketio.AsyncClient(reconnection=False)
        self.said: asyncio.Queue[tuple[str, dict]] = asyncio.Queue()
        self.sio.on("open", lambda msg: self.said.put_nowait(("open", msg)))
        self.sio.on("notify", lambda msg: self.said.put_nowait(("notify", msg)))

    async def __aenter__(self) -> Socket:
        query = {"client_id": self.client_id, "next_message_id": 0, "implicit_handshake": "true",
                 "tab_id": str(uuid.uuid4()), "old_tab_id": "", "document_id": str(uuid.uuid4())}
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        await self.sio.connect(f"{self.base}?{urlencode(query)}", socketio_path="/_nicegui_ws/socket.io",
                               transports=["websocket"], headers={"Cookie": cookie}, wait_timeout=15)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.sio.disconnect()

    async def emit(self, element: tuple[int, str], *args: object) -> None:
        await self.sio.emit("event", {"id": element[0], "client_id": self.client_id, "listener_id": element[1],
                                      "args": [json.dumps(a) for a in args]})

    async def notice(self, timeout: float = 60) -> dict:
        """The next notice the app shows (ui.notify), whatever its kind."""
        while True:
            kind, msg = await asyncio.wait_for(self.said.get(), timeout)
            if kind == "notify":
                return msg

    async def navigated(self, timeout: float = 30) -> str:
        """Wait until the app moves to another page; a negative notice first is a failure."""
        while True:
            kind, msg = await asyncio.wait_for(self.said.get(), timeout)
            if kind == "open":
                return str(msg.get("path"))
            if msg.get("type") == "negative":
                raise RuntimeError(f"refused: {msg.get('message')}")


async def sign_in(http: httpx.AsyncClient, base: str, email: str) -> None:
    page = await http.get("/login")
    client_id, elements = page_elements(page.text)
    async with Socket(base, client_id, http.cookies) as socket:
        await socket.emit(listener(elements, "nicegui-input", "Email address", "update:value"), email)
        await socket.emit(listener(elements, "nicegui-input", "Password", "update:value"), PASSWORD)
        await socket.emit(listener(elements, "q-btn", "Sign in", "click"))
        finish = await socket.navigated()
    await http.get(finish)  # as the browser does: this gives it its new, signed-in session cookie


async def log_a_session(http: httpx.AsyncClient, base: str, supervisee: int, minutes: int = 60) -> float:
    """Log a session of `minutes` (a supervisor's sessions on one day differ in length, or the app rightly asks
    whether the second one is a repeat)."""
    page = await http.get(f"/supervision/log?with={supervisee}")
    client_id, elements = page_elements(page.text)
    async with Socket(base, client_id, http.cookies) as socket:
        await socket.emit(listener(elements, "nicegui-input", "Minutes", "update:value"), str(minutes))
        started = time.perf_counter()
        await socket.emit(listener(elements, "q-btn", "Save the session", "click"))
        where = await socket.navigated()
        took = time.perf_counter() - started
    if where != "/supervisees":
        raise RuntimeError(f"after saving, the app went to {where}")
    return took


async def one_session(
    base: str, login: Login, start_after: float, measure_from: float, deadline: float, stats: Stats,
    rng: random.Random,
) -> None:
    """Sign in after start_after seconds, then browse and act until the deadline; figures from measure_from on."""
    await asyncio.sleep(start_after)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        try:
            started = time.perf_counter()
            await sign_in(http, base, login.email)
            stats.sign_ins.append(time.perf_counter() - started)
        except Exception as exc:  # reported with the figures
            stats.errors.append(f"sign-in {login.email}: {type(exc).__name__}: {exc}")
            return
        socket: Socket | None = None  # the open page's socket, as a browser keeps it until it leaves the page
        lengths = itertools.cycle(range(480, 0, -1))  # no two of this supervisor's sessions alike
        while time.monotonic() < deadline:
            await asyncio.sleep(rng.uniform(*THINK_SECONDS))
            if socket is not None:
                await socket.__aexit__()
                socket = None
            step = "page"
            try:
                counted = time.monotonic() >= measure_from
                if login.supervisees and rng.random() < 0.2:
                    step = "logging a session"
                    took = await log_a_session(http, base, rng.choice(login.supervisees), next(lengths))
                    if counted:
                        stats.actions.append(took)
                    continue
                path = rng.choice(login.pages)
                started = time.perf_counter()
                response = await http.get(path)
                took = time.perf_counter() - started
                if response.status_code != 200 or "You may not open this page" in response.text:
                    stats.errors.append(f"{path}: {response.status_code}")
                    continue
                if counted:
                    stats.pages.append(took)
                    stats.by_page.setdefault(re.sub(r"/\d+", "/{id}", path), []).append(took)
                step = f"the socket of {path}"
                socket = await Socket(base, page_elements(response.text)[0], http.cookies).__aenter__()
            except Exception as exc:
                stats.errors.append(f"{login.email}, {step}: {type(exc).__name__} {exc}".strip())
        if socket is not None:
            await socket.__aexit__()


async def watch_memory(server: LiveServer, stats: Stats, deadline: float) -> None:
    while time.monotonic() < deadline:
        stats.rss.append(server.rss_bytes())
        await asyncio.sleep(0.5)


async def drive(server: LiveServer, logins: list[Login], seconds: float, seed: int) -> Stats:
    """Sessions sign in one after another over the ramp (RAMP_PER_SESSION each, as people arrive), then the
    figures are taken for `seconds` while every session is running."""
    stats = Stats()
    ramp = RAMP_PER_SESSION * len(logins)
    measure_from = time.monotonic() + ramp
    deadline = measure_from + seconds
    rng = random.Random(seed)

    async def measure_cpu() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.monotonic()))
        server, driver = server_cpu(), time.process_time()
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))
        stats.server_cpu, stats.driver_cpu = server_cpu() - server, time.process_time() - driver

    server_cpu = server.cpu_seconds
    await asyncio.gather(
        watch_memory(server, stats, deadline),
        measure_cpu(),
        *(one_session(server.url, login, i * RAMP_PER_SESSION, measure_from, deadline, stats,
                      random.Random(rng.random()))
          for i, login in enumerate(logins)),
    )
    stats.rss.append(server.rss_bytes())
    return stats


# ---- reporting --------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# issue 15's targets: sessions -> (page p95, action p95) in seconds; memory and cold start
P95_TARGETS = {20: (0.3, 0.3), 50: (1.0, None)}
RSS_TARGET_MB = 400
COLD_START_TARGET_S = 4.0
MIN_PAGES_FOR_P95 = 300


def verdict(value: float, target: float | None, unit: str = "ms", scale: float = 1000) -> str:
    if target is None:
        return ""
    return f"  target <= {target * scale:g} {unit}: " + ("ok" if value <= target else "MISSED")


def targets(sessions: int, stats: Stats, started_s: float) -> list[str]:
    """Each of issue 15's targets for this level, with its figure and ok/MISSED, and the machine's load."""
    page_target, action_target = P95_TARGETS.get(sessions, (None, None))
    page, action = percentile(stats.pages, 95), percentile(stats.actions, 95)
    peak_mb = max(stats.rss or [0]) / 2**20
    lines = [
        f"  target: page p95 {page * 1000:.0f} ms{verdict(page, page_target)}",
        f"  target: action p95 {action * 1000:.0f} ms{verdict(action, action_target)}",
        f"  target: errors {len(stats.errors)}  target 0: {'ok' if not stats.errors else 'MISSED'}",
        f"  target: cold start {started_s:.1f} s{verdict(started_s, COLD_START_TARGET_S, 's', 1)}",
        f"  load average {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores",
    ]
    if sessions == 50:
        lines.append(f"  target: server memory peak {peak_mb:.0f} MB{verdict(peak_mb, RSS_TARGET_MB, 'MB', 1)}")
    if len(stats.pages) < MIN_PAGES_FOR_P95:
        lines.append(f"  (p95 rests on {len(stats.pages)} page loads, fewer than {MIN_PAGES_FOR_P95}: run longer)")
    return lines


def describe(sessions: int, stats: Stats, seconds: float) -> list[str]:
    ms = lambda v: f"{v * 1000:7.0f} ms"  # noqa: E731
    return [
        f"{sessions} sessions for {seconds:.0f} s: {len(stats.pages)} pages, {len(stats.actions)} actions, "
        f"{len(stats.errors)} errors",
        f"  page latency    p50 {ms(percentile(stats.pages, 50))}   p95 {ms(percentile(stats.pages, 95))}",
        f"  action latency  p50 {ms(percentile(stats.actions, 50))}   p95 {ms(percentile(stats.actions, 95))}",
        f"  sign-in         p50 {ms(percentile(stats.sign_ins, 50))}   p95 {ms(percentile(stats.sign_ins, 95))}",
        f"  server memory   peak {max(stats.rss or [0]) / 2**20:.0f} MiB, at the end {stats.rss[-1] / 2**20:.0f} MiB",
        f"  CPU while measured: server {stats.server_cpu / seconds:.0%} of a core, "
        f"simulated browsers {stats.driver_cpu / seconds:.0%}",
        "  slowest pages   " + ", ".join(
            f"{path} {ms(percentile(times, 50)).strip()} ({len(times)})"
            for path, times in sorted(stats.by_page.items(), key=lambda kv: -percentile(kv[1], 50))[:4]
        ),
        *(f"  error: {e}" for e in stats.errors[:5]),
    ]


@contextmanager
def served_copy(database_url: str | None, workdir: Path, sessions: int) -> Iterator[tuple[LiveServer, list[Login]]]:
    """A copy of the population (or a new demo database), the logins, and the server running on it."""
    from tracker import clock

    if database_url is None:
        target = workdir / "demo.db"
        subprocess.run([sys.executable, "main.py", "demo", "--database", f"sqlite:///{target}"], cwd=ROOT,
                       check=True, capture_output=True)
        url = f"sqlite:///{target}"
    else:
        url = copy_sqlite(Path(database_url.removeprefix("sqlite:///")), workdir / "copy.db")
    logins = add_logins(url, sessions, clock.today())
    with live_server(url, workdir, name=f"load-{sessions}") as server:
        yield server, logins


def run_levels(database_url: str | None, levels: list[int], seconds: float) -> list[str]:
    lines = []
    for sessions in levels:
        with tempfile.TemporaryDirectory(prefix="tracker-load-") as folder:
            with served_copy(database_url, Path(folder), sessions) as (server, logins):
                started_rss = server.rss_bytes()
                stats = asyncio.run(drive(server, logins, seconds, seed=sessions))
        lines += describe(sessions, stats, seconds)
        lines.append(f"  server memory when started {started_rss / 2**20:.0f} MiB")
        lines += targets(sessions, stats, server.started_in)
    return lines


# ---- two instances behind the deployment guide's proxy (PostgreSQL) ------------------------------------------

# docs/deployment.md's HAProxy backend, on localhost without TLS (so the stickiness cookie is not `secure`)
HAPROXY_CONFIG = """global
    maxconn 2000
defaults
    mode http
    timeout connect 5s
    timeout client 1m
    timeout server 1m
    timeout tunnel 1h
frontend web
    bind 127.0.0.1:{port}
    default_backend tracker
backend tracker
    balance roundrobin
    cookie TRACKER_INSTANCE insert indirect nocache httponly
    option forwardfor
    server a 127.0.0.1:{a} cookie a
    server b 127.0.0.1:{b} cookie b
"""
TWO_INSTANCES_P95_TARGET = 0.5


@dataclass
class Proxied:
    """Instances behind a proxy, seen as one server: the proxy's address, their memory and CPU added up."""

    url: str
    instances: tuple[LiveServer, ...]

    def rss_bytes(self) -> int:
        return sum(s.rss_bytes() for s in self.instances)

    def cpu_seconds(self) -> float:
        return sum(s.cpu_seconds() for s in self.instances)

    @property
    def started_in(self) -> float:
        return max(s.started_in for s in self.instances)


def _postgres_admin(url: str):  # type: ignore[no-untyped-def]
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True  # CREATE and DROP DATABASE run outside a transaction
    return connection


@contextmanager
def postgres_copy(url: str) -> Iterator[str]:
    """A copy of the PostgreSQL database at url (CREATE DATABASE ... TEMPLATE), dropped afterwards; the
    population itself is not touched by the logins and the sessions the load run logs."""
    from tracker import db

    base, _, name = url.rpartition("/")
    copy = f"{name}_load"
    db.close()  # a template database must have no other connection while it is copied
    admin = _postgres_admin(f"{base}/postgres")
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
            cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        yield f"{base}/{copy}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        admin.close()
        db.connect(url)


@contextmanager
def haproxy(a: LiveServer, b: LiveServer, workdir: Path) -> Iterator[str]:
    """HAProxy in front of the two instances, as docs/deployment.md configures it; yields its address."""
    port = free_port()
    config = workdir / "haproxy.cfg"
    config.write_text(HAPROXY_CONFIG.format(port=port, a=a.url.rsplit(":", 1)[1], b=b.url.rsplit(":", 1)[1]))
    log = (workdir / "haproxy.log").open("wb")
    process = subprocess.Popen([str(shutil.which("haproxy")), "-db", "-f", str(config)], stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(url + "/login", timeout=2)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("HAProxy did not start:\n" + (workdir / "haproxy.log").read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def run_two_instances(postgres_url: str, sessions: int, seconds: float) -> list[str]:
    """`sessions` simulated browsers through HAProxy to two instances on one PostgreSQL database."""
    from tracker import clock

    with tempfile.TemporaryDirectory(prefix="tracker-load-pair-") as folder, postgres_copy(postgres_url) as url:
        workdir = Path(folder)
        logins = add_logins(url, sessions, clock.today())
        pair = launch(url, workdir, name="a"), launch(url, workdir, name="b")
        with live_servers(*pair), haproxy(*pair, workdir) as proxy_url:
            proxied = Proxied(proxy_url, pair)
            stats = asyncio.run(drive(proxied, logins, seconds, seed=sessions))  # type: ignore[arg-type]
    page = percentile(stats.pages, 95)
    lines = [f"two instances behind HAProxy (PostgreSQL): {describe(sessions, stats, seconds)[0]}",
             *describe(sessions, stats, seconds)[1:],
             f"  target: page p95 {page * 1000:.0f} ms{verdict(page, TWO_INSTANCES_P95_TARGET)}",
             f"  target: errors {len(stats.errors)}  target 0: {'ok' if not stats.errors else 'MISSED'}",
             f"  load average {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores"]
    if len(stats.pages) < MIN_PAGES_FOR_P95:
        lines.append(f"  (p95 rests on {len(stats.pages)} page loads, fewer than {MIN_PAGES_FOR_P95}: run longer)")
    return lines


def seconds_for(sessions: int) -> float:
    """Long enough that p95 rests on MIN_PAGES_FOR_P95 page loads, with a margin (a step is a page four times in
    five, after a think of THINK_SECONDS)."""
    steps_per_second = sessions / (sum(THINK_SECONDS) / 2)
    return max(20.0, round(1.5 * MIN_PAGES_FOR_P95 / (0.8 * steps_per_second)))


@section("load", "20 and 50 simulated browser sessions against a running server (p50/p95, memory)")
def load(b: Bench) -> None:
    if b.backend == "sqlite":
        for sessions in (20, 50):
            for line in run_levels(b.url, [sessions], seconds=seconds_for(sessions)):
                b.note(line)
        return
    if shutil.which("haproxy") is None:
        b.note("two instances behind a proxy: not measured, HAProxy is not installed (apt-get install haproxy)")
        return
    for line in run_two_instances(b.url, 50, seconds=seconds_for(50)):
        b.note(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--population", metavar="SQLITE_URL", help="serve a copy of this database instead of a demo")
    args = parser.parse_args(argv)
    for line in run_levels(args.population, args.sessions, args.seconds):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
