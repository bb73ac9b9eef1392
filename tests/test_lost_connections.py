"""The PostgreSQL server drops the app's connections (pg_terminate_backend, as a restart or fail-over does): the
next read, write and scheduled job work without a restart, in the thread that held the dead connection and in
every other. SQLite has no server to lose: its connection is a file handle, so these run on PostgreSQL only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from peewee import OperationalError

from tests import factories as f
from tests.conftest import open_clean_database
from tests.server_support import terminate_backends
from tracker import db
from tracker.connection import ReconnectingPostgresqlDatabase
from tracker.models import JobRun, Organisation, Person


@pytest.fixture
def postgres(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = open_clean_database("postgres", tmp_path)
    yield url
    db.close()


def backend_pid() -> int:
    return int(db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0])


def test_the_postgres_database_is_the_reconnecting_kind(postgres: str) -> None:
    assert isinstance(db.database.obj, ReconnectingPostgresqlDatabase)


def test_a_read_and_a_write_work_after_the_server_ended_the_connection(postgres: str) -> None:
    trust = f.org("Northside Community Trust")
    before = backend_pid()
    assert terminate_backends(postgres) == 1
    assert Organisation.get_by_id(trust.id).name == "Northside Community Trust"  # a read outside a transaction
    assert backend_pid() != before
    assert terminate_backends(postgres) == 1
    with db.database.atomic():  # a unit of work: BEGIN finds the connection gone and opens another first
        f.person("Asha", "Patel", employer=trust)
    assert Person.select().count() == 1


def test_a_unit_of_work_begins_on_a_new_connection_when_the_goodbye_arrives_after_the_idle_check(
    postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust = f.org("Northside Community Trust")
    assert terminate_backends(postgres) == 1
    # As on a busy machine: the server has hung up, but the idle check ran before its goodbye reached the socket.
    monkeypatch.setattr(ReconnectingPostgresqlDatabase, "_dropped", lambda self: False)
    with db.database.atomic():
        f.person("Asha", "Patel", employer=trust)
    assert Person.select().count() == 1


def test_a_connection_lost_inside_a_transaction_fails_that_unit_only(postgres: str) -> None:
    trust = f.org("Northside Community Trust")
    with pytest.raises(OperationalError), db.database.atomic():
        Organisation.update(name="Renamed").where(Organisation.id == trust.id).execute()
        terminate_backends(postgres)
        Organisation.update(name="Renamed again").where(Organisation.id == trust.id).execute()
    assert not db.database.in_transaction()
    assert Organisation.get_by_id(trust.id).name == "Northside Community Trust"  # nothing half-written
    with db.database.atomic():
        Organisation.update(name="Renamed").where(Organisation.id == trust.id).execute()
    assert Organisation.get_by_id(trust.id).name == "Renamed"


def test_every_thread_recovers_its_own_connection(postgres: str) -> None:
    """Like run.io_bound's pool: each worker thread keeps its own connection, and each finds it dead."""
    f.org("Northside Community Trust")
    barrier = threading.Barrier(4)

    def count_in_this_thread() -> tuple[int, int]:
        barrier.wait(timeout=10)  # four threads, so four connections
        return threading.get_ident(), Organisation.select().count()

    with ThreadPoolExecutor(max_workers=4) as pool:
        first = list(pool.map(lambda _: count_in_this_thread(), range(4)))
        ended = terminate_backends(postgres)
        barrier.reset()
        again = list(pool.map(lambda _: count_in_this_thread(), range(4)))
    assert ended >= 4
    assert [n for _, n in first] == [n for _, n in again] == [1, 1, 1, 1]


def test_a_scheduled_job_runs_again_in_the_thread_whose_connection_was_ended(postgres: str) -> None:
    from jobs.scheduler import _scheduled
    from tracker.settings import Settings

    settings = Settings.from_env()
    with ThreadPoolExecutor(max_workers=1) as pool:  # one worker thread, as APScheduler reuses them
        pool.submit(_scheduled, "monthly-reports", settings).result(timeout=60)
        terminate_backends(postgres)
        pool.submit(_scheduled, "monthly-reports", settings).result(timeout=60)
    runs = list(JobRun.select().where(JobRun.job_id == "monthly-reports").order_by(JobRun.id))
    assert [r.status for r in runs] == ["ok", "ok"]
    assert all(r.as_of is not None and r.as_of >= date(2000, 1, 1) for r in runs)
