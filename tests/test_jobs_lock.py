"""Two scans at once never both send: the PostgreSQL advisory lock (and, on SQLite, the in-process lock)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date

import psycopg2
import pytest

from jobs.locks import lock_id
from jobs.reminders import SCAN_LOCK, ScanResult, scan_once
from tests import factories as f
from tests.conftest import open_clean_database
from tests.jobs_support import mail_server, settings_for, supervised_monthly, team  # noqa: F401
from tracker import db
from tracker.models import ReminderLedger

AS_OF = date(2026, 12, 15)  # Asha's safeguarding expires today: Asha and Sam are told


@pytest.fixture
def postgres_database(tmp_path) -> Iterator[str]:
    url = open_clean_database("postgres", tmp_path)
    yield url
    db.close()


def overdue_team() -> None:
    t = team()
    f.trained(t.asha, "SG-L2", date(2023, 12, 15))
    f.trained(t.asha, "FIRE", date(2026, 6, 1))
    supervised_monthly(t.sam, t.asha, date(2024, 1, 1), date(2027, 1, 31))


def scans_at_once(settings) -> list[ScanResult]:  # type: ignore[no-untyped-def]
    """Two threads start a scan at the same moment; each thread has its own database connection."""
    start = threading.Barrier(2)
    results: list[ScanResult] = []
    failures: list[BaseException] = []

    def scan() -> None:
        try:
            start.wait()
            results.append(scan_once(AS_OF, settings))
        except BaseException as exc:  # reported below, so a thread's failure fails the test
            failures.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    return results


def test_two_scans_at_once_on_postgresql_have_exactly_one_sender(postgres_database, mail_server, tmp_path):  # noqa: F811
    overdue_team()
    mail_server.delay_seconds = 0.4  # the sender holds the lock while the other scan tries it
    results = scans_at_once(settings_for(mail_server, tmp_path))
    senders = [r for r in results if not r.busy]
    assert len(results) == 2 and len(senders) == 1
    assert senders[0].emails_sent == 2
    assert sorted(r.to[0] for r in mail_server.received) == ["asha@team.test", "sam@team.test"]
    assert [r.status for r in ReminderLedger.select()] == ["sent", "sent"]


def test_a_scan_in_another_process_holding_the_lock_keeps_this_one_out(postgres_database, mail_server, tmp_path):  # noqa: F811
    overdue_team()
    settings = settings_for(mail_server, tmp_path)
    other = psycopg2.connect(postgres_database)  # another app instance's session
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (lock_id(SCAN_LOCK),))
        assert scan_once(AS_OF, settings).busy
        assert mail_server.received == [] and ReminderLedger.select().count() == 0
    finally:
        other.close()  # its lock goes with its session (the server notices the session end shortly)
    deadline = time.monotonic() + 10
    while advisory_locks_held() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scan_once(AS_OF, settings).emails_sent == 2


def advisory_locks_held() -> int:
    cursor = db.database.execute_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
    return int(cursor.fetchone()[0])


def test_two_scans_at_once_in_one_sqlite_process_have_exactly_one_sender(sqlite_database, mail_server, tmp_path):  # noqa: F811
    overdue_team()
    mail_server.delay_seconds = 0.4
    results = scans_at_once(settings_for(mail_server, tmp_path))
    assert sorted(r.busy for r in results) == [False, True]
    assert len(mail_server.received) == 2
