"""No acknowledged write is lost when the process is killed: a child process streams service writes (printing
each one once its transaction has committed); we SIGKILL it in mid-stream, several times, and then find every
acknowledged write in the database, no half-written transaction, and (SQLite) `PRAGMA integrity_check` ok.

SQLite runs in WAL mode with synchronous=NORMAL: a commit is in the WAL (in the operating system's hands) when
the call returns, so killing the process loses nothing; only a power cut could lose the last commits.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests import factories as f
from tests.conftest import open_clean_database
from tests.crash_writer import ACTOR, EMPLOYER, SUPERVISEE, SUPERVISOR
from tracker import db
from tracker.models import (
    AuditEvent,
    Employment,
    Person,
    SessionAttendee,
    SupervisionSession,
    SupervisorAssignment,
)

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
ACKS_BEFORE_KILL = 40


def _prepare() -> None:
    employer = f.org(EMPLOYER, "nhs_trust")
    boss = f.person("Crash", "Supervisor", role="SC", employer=employer, start=date(2024, 1, 1), staff_id=SUPERVISOR)
    seen = f.person("Crash", "Supervisee", employer=employer, start=date(2024, 1, 1), staff_id=SUPERVISEE)
    SupervisorAssignment.create(supervisor=boss, supervisee=seen, kind="clinical", start_date=date(2024, 1, 1))


def _run_and_kill(url: str, prefix: str, rng: random.Random) -> list[str]:
    """Start the writer, let it acknowledge some writes, kill it at a random moment; every line it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NICEGUI_")}
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_writer", url, prefix], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert writer.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while len(lines) < ACKS_BEFORE_KILL + 1 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
    time.sleep(rng.uniform(0, 0.03))  # land somewhere inside the next transaction, or between two
    writer.send_signal(signal.SIGKILL)
    rest, errors = writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL, errors
    lines += [line.strip() for line in rest.splitlines() if line.strip()]
    assert lines[0] == "ready", errors
    return lines[1:]


def _check_acknowledged(acks: list[str]) -> None:
    staff_ids = [a.split()[1] for a in acks if a.startswith("person ")]
    session_ids = [int(a.split()[1]) for a in acks if a.startswith("session ")]
    assert len(staff_ids) + len(session_ids) == len(acks) >= ROUNDS * ACKS_BEFORE_KILL
    found = {p.staff_id: p.id for p in Person.select().where(Person.staff_id.in_(staff_ids))}
    assert sorted(found) == sorted(staff_ids), "an acknowledged person is missing"
    jobs = Employment.select().where(Employment.person.in_(list(found.values()))).count()
    assert jobs == len(staff_ids)
    sessions = SupervisionSession.select().where(SupervisionSession.id.in_(session_ids)).count()
    attendees = SessionAttendee.select().where(SessionAttendee.session.in_(session_ids)).count()
    assert sessions == attendees == len(session_ids), "an acknowledged session is missing or half written"


def _check_whole_transactions() -> None:
    """Every write that landed, acknowledged or not, landed whole: rows and audit events match one to one."""
    created = Person.select().where(Person.first_name == "Crash", Person.last_name.startswith("Test ")).count()
    person_events = AuditEvent.select().where((AuditEvent.actor == ACTOR) & (AuditEvent.entity == "person")).count()
    crash_jobs = (
        Employment.select().join(Person).where(Person.first_name == "Crash", Person.last_name.startswith("Test "))
        .count()
    )
    assert created == person_events == crash_jobs
    sessions = SupervisionSession.select().count()
    session_events = AuditEvent.select().where(
        (AuditEvent.actor == ACTOR) & (AuditEvent.entity == "supervision_session")
    ).count()
    assert sessions == session_events == SessionAttendee.select().count()


def _killed_streams(url: str) -> list[str]:
    rng = random.Random(7)
    acks: list[str] = []
    for round_number in range(ROUNDS):
        acks += _run_and_kill(url, f"K{round_number}-", rng)
    return acks


def test_killing_the_writer_loses_no_acknowledged_write_on_sqlite(sqlite_database: str) -> None:
    _prepare()
    db.close()
    acks = _killed_streams(sqlite_database)
    path = sqlite_database.removeprefix("sqlite:///")
    raw = sqlite3.connect(path)  # a fresh connection replays the WAL the killed process left behind
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        raw.close()
    db.connect(sqlite_database)
    _check_acknowledged(acks)
    _check_whole_transactions()


@pytest.fixture
def postgres_database(tmp_path: Path) -> Iterator[str]:
    url = open_clean_database("postgres", tmp_path)  # skipped where no PostgreSQL answers
    yield url
    db.close()


def test_killing_the_writer_loses_no_acknowledged_write_on_postgresql(postgres_database: str) -> None:
    _prepare()
    acks = _killed_streams(postgres_database)
    _check_acknowledged(acks)
    _check_whole_transactions()
