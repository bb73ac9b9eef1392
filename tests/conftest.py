"""Shared fixtures: a clean real database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker import db
from tracker.services.catalogue import load_catalogues

POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL")
_pg_state: dict[str, object] = {}

# TRACKER_TEST_TODAY (an ISO date or date-time with offset, e.g. 2028-02-29T12:00:00+00:00) runs the whole
# session as if the real clock said that (time-machine, ticking on from there): .ci/run re-runs a subset on
# awkward days (29 February, New Year's Eve late, the spring clock change) so no test leans on today's date.
TEST_TODAY = os.environ.get("TRACKER_TEST_TODAY")
_travel: dict[str, object] = {}


def _travel_destination(text: str) -> datetime:
    moment = datetime.fromisoformat(text if "T" in text else f"{text}T12:00:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Europe/London"))


def pytest_configure(config: pytest.Config) -> None:
    if TEST_TODAY and "traveller" not in _travel:
        import time_machine

        traveller = time_machine.travel(_travel_destination(TEST_TODAY), tick=True)
        traveller.start()
        _travel["traveller"] = traveller


def pytest_report_header(config: pytest.Config) -> str | None:
    return f"clock travelled to {TEST_TODAY} (TRACKER_TEST_TODAY)" if TEST_TODAY else None


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = _travel.pop("traveller", None)
    if traveller is not None:
        traveller.stop()  # type: ignore[attr-defined]


def _postgres_answers(url: str) -> bool:
    try:
        import psycopg2

        psycopg2.connect(url.replace("postgresql://", "postgresql://", 1), connect_timeout=3).close()
        return True
    except Exception:
        return False


def _private_postgres_url() -> str:
    """A database of this test process's own, so parallel runs on one server never collide."""
    if "url" in _pg_state:
        return str(_pg_state["url"])
    import psycopg2

    assert POSTGRES_URL
    base, _, _dbname = POSTGRES_URL.rpartition("/")
    name = f"tracker_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conn = psycopg2.connect(POSTGRES_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    _pg_state["url"] = f"{base}/{name}"
    _pg_state["name"] = name
    return str(_pg_state["url"])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if "name" not in _pg_state or not POSTGRES_URL:
        return
    import psycopg2

    db.close()
    conn = psycopg2.connect(POSTGRES_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{_pg_state["name"]}" WITH (FORCE)')
    conn.close()


def database_urls() -> list:
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres"),
    ]


_sqlite_template: dict[str, Path] = {}


def _sqlite_template_file() -> Path:
    """A migrated SQLite file with the catalogues, built once per test process and copied for each test."""
    if "path" not in _sqlite_template:
        folder = Path(tempfile.mkdtemp(prefix="tracker-template-"))
        path = folder / "template.db"
        db.connect(f"sqlite:///{path}")
        db.migrate_schema()
        load_catalogues()
        db.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.database.execute_sql("PRAGMA journal_mode=delete")
        db.close()
        _sqlite_template["path"] = path
    return _sqlite_template["path"]


def _empty_postgres() -> None:
    """Empty every table (faster than dropping and creating them for each test) and reload the catalogues."""
    if db.schema_version() != db.LATEST_VERSION:
        if db.schema_version() is not None:
            db.drop_everything()
        db.migrate_schema()
    else:
        from tracker.models import ALL_MODELS

        tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        db.database.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    load_catalogues()


def open_clean_database(kind: str, tmp_path: Path) -> str:
    """Connect to an empty, migrated database with the built-in catalogues; returns its URL."""
    db.close()
    if kind == "sqlite":
        target = tmp_path / "tracker.db"
        shutil.copyfile(_sqlite_template_file(), target)
        url = f"sqlite:///{target}"
        db.connect(url)
    else:
        if not POSTGRES_URL:
            pytest.skip("TRACKER_TEST_POSTGRES_URL is not set (CI sets it)")
        if not _postgres_answers(POSTGRES_URL):
            pytest.skip("no PostgreSQL server answers at TRACKER_TEST_POSTGRES_URL")
        url = _private_postgres_url()
        db.connect(url)
        _empty_postgres()
    return url


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test has a data folder (and so a notes key) of its own unless it sets one: a key left over from
    another test would seal notes that this test's app cannot read, and none is made in the repository's data/."""
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    yield


@pytest.fixture
def notes_key() -> bytes:
    """The notes key of the installation the test runs as (the one its app, started from the environment, reads)."""
    from tests.factories import installation_notes_key

    return installation_notes_key()


@pytest.fixture(params=database_urls())
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A clean database with the catalogues loaded; the same test runs on SQLite and PostgreSQL."""
    url = open_clean_database(request.param, tmp_path)
    yield url
    db.close()


@pytest.fixture
def postgres_database(tmp_path: Path) -> Iterator[str]:
    """For tests about PostgreSQL itself (pg_dump files); skipped only where no server answers."""
    url = open_clean_database("postgres", tmp_path)
    yield url
    db.close()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[str]:
    """For tests about SQLite itself (files, WAL, backups)."""
    url = open_clean_database("sqlite", tmp_path)
    yield url
    db.close()
