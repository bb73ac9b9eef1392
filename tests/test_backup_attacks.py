"""Crafted backups: each hides a backdoor in a file that looks like a backup of this app, and each is refused
before anything in it runs, leaving the database as it was.

SQLite: a trigger that makes a user an administrator on the next insert, a view, an extra table, an unknown
index, an index of ours with another definition, a table of ours with an extra column, bad schema versions.
PostgreSQL (dumps made with the real pg_dump from a database an attacker changed): a function with a trigger,
an extra table, a grant, a CHECK constraint hidden inside one of our tables, an index of ours made of an
expression, and a COPY into another table than its entry names (the file patched). The code before this
change restored the SQLite files and the first four dumps as they were.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import factories as f
from tests import factories_data as fd
from tracker import db
from tracker.errors import ValidationError
from tracker.models import Person, User
from tracker.services import backup, pg_backup


def staff_ids() -> list[str]:
    return sorted(p.staff_id for p in Person.select())


def _sqlite_backup(url: str, tmp_path: Path) -> Path:
    f.person(staff_id="E1")
    fd.user("mallory@example.org")
    return backup.backup(url, tmp_path / "crafted.db")


def _alter(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    return path


def _person_sql(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT sql FROM sqlite_master WHERE name = 'person'").fetchone()[0]


def _extra_column(path: Path) -> list[str]:
    """person rebuilt with one more column (its rows kept), as a file made by hand would have it."""
    sql = _person_sql(path).replace('CREATE TABLE "person" (', 'CREATE TABLE "person_new" (', 1)
    sql = sql.rstrip(")") + ', "backdoor" TEXT DEFAULT (\'x\'))'
    return ["PRAGMA foreign_keys = OFF", sql,
            "INSERT INTO person_new (id, staff_id, first_name, last_name, email, profession, archived, version,"
            " created_at) SELECT id, staff_id, first_name, last_name, email, profession, archived, version,"
            " created_at FROM person", "DROP TABLE person", "ALTER TABLE person_new RENAME TO person"]


SQLITE_ATTACKS: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "trigger": (lambda p: [
        "CREATE TRIGGER promote AFTER INSERT ON supervision_session BEGIN "
        "UPDATE \"user\" SET roles = 'admin' WHERE email = 'mallory@example.org'; END"], "trigger promote"),
    "view": (lambda p: ["CREATE VIEW everyone AS SELECT email, password_hash FROM \"user\""], "view everyone"),
    "extra table": (lambda p: ["CREATE TABLE stash (secret TEXT)"], "table stash is not part"),
    "unknown index": (lambda p: ["CREATE INDEX peek ON person (email)"], "index peek"),
    "our index redefined": (lambda p: ["DROP INDEX person_staff_id", "CREATE INDEX person_staff_id ON person (email)"],
                            "index person_staff_id"),
    "extra column": (_extra_column, "backdoor"),
    "two versions": (lambda p: ["INSERT INTO schema_version (version) VALUES (1)"], "schema version"),
    "version zero": (lambda p: ["UPDATE schema_version SET version = 0"], "schema version (0)"),
    "version as text": (lambda p: ["UPDATE schema_version SET version = 'x'"], "schema version ('x')"),
}


@pytest.mark.parametrize("attack", list(SQLITE_ATTACKS))
def test_a_crafted_sqlite_backup_is_refused_and_nothing_changes(sqlite_database, tmp_path, attack):
    crafted = _sqlite_backup(sqlite_database, tmp_path)
    make, message = SQLITE_ATTACKS[attack]
    _alter(crafted, *make(crafted))
    f.person(staff_id="E2")  # the live database moved on since the backup
    with pytest.raises(ValidationError, match="refused|newer") as refused:
        backup.restore(sqlite_database, crafted)
    assert message in refused.value.message
    db.connect(sqlite_database)
    assert staff_ids() == ["E1", "E2"]
    kinds = {k for (k,) in db.database.execute_sql("SELECT type FROM sqlite_master")}
    assert kinds == {"table", "index"}
    assert not list(tmp_path.glob("*.replaced-*"))


def test_an_untouched_sqlite_backup_restores(sqlite_database, tmp_path):
    clean = _sqlite_backup(sqlite_database, tmp_path)
    f.person(staff_id="E2")
    result = backup.restore(sqlite_database, clean)
    assert result.schema_version == db.LATEST_VERSION and result.previous_copy is not None
    assert staff_ids() == ["E1"]


# ---- PostgreSQL ------------------------------------------------------------------------------------------


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql, pg_backup.libpq_url(url)],
                   check=True, capture_output=True)


def _attackers_dump(url: str, tmp_path: Path, change: str, undo: str) -> Path:
    """The database changed by the attacker, dumped whole with pg_dump's defaults, then put back."""
    db.close()
    _psql(url, change)
    target = tmp_path / "crafted.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={target}", pg_backup.libpq_url(url)], check=True)
    _psql(url, undo)
    return target


PG_ATTACKS: dict[str, tuple[str, str, str]] = {
    "function and trigger": (
        "CREATE FUNCTION public.promote() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE public.\"user\" SET roles = 'admin' WHERE email = 'mallory@example.org'; RETURN NEW; END $$; "
        "CREATE TRIGGER promote AFTER INSERT ON public.supervision_session FOR EACH ROW "
        "EXECUTE FUNCTION public.promote();",
        "DROP TRIGGER promote ON public.supervision_session; DROP FUNCTION public.promote();",
        "FUNCTION public promote()"),
    "extra table": ("CREATE TABLE public.stash (secret text);", "DROP TABLE public.stash;", "TABLE public stash"),
    "grant": ("GRANT SELECT ON public.\"user\" TO PUBLIC;", "REVOKE SELECT ON public.\"user\" FROM PUBLIC;",
              "ACL public TABLE \"user\""),
    "check hidden in our table": (
        "ALTER TABLE public.person ADD CONSTRAINT looks_fine CHECK (pg_catalog.length(staff_id) < 1000);",
        "ALTER TABLE public.person DROP CONSTRAINT looks_fine;", "table person with CONSTRAINT looks_fine CHECK"),
    "our index as an expression": (
        "DROP INDEX public.person_staff_id; CREATE UNIQUE INDEX person_staff_id ON public.person "
        "(pg_catalog.lower(staff_id));",
        "DROP INDEX public.person_staff_id; CREATE UNIQUE INDEX person_staff_id ON public.person (staff_id);",
        "(lower((staff_id)::text))"),
}


@pytest.fixture
def postgres(postgres_database):  # type: ignore[no-untyped-def]
    f.person(staff_id="E1")
    fd.user("mallory@example.org")
    return postgres_database


def _refused_and_untouched(url: str, dump: Path, message: str) -> None:
    f.person(staff_id="E2")
    with pytest.raises(ValidationError, match="refused") as refused:
        backup.restore(url, dump)
    assert message in refused.value.message
    db.connect(url)
    assert staff_ids() == ["E1", "E2"]
    assert User.get(User.email == "mallory@example.org").roles == "staff"
    functions = db.database.execute_sql(
        "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
    ).fetchone()[0]
    stash = db.database.execute_sql("SELECT to_regclass('public.stash')").fetchone()[0]
    assert (functions, stash) == (0, None)
    assert not list(dump.parent.glob("replaced-*"))


@pytest.mark.parametrize("attack", list(PG_ATTACKS))
def test_a_crafted_pg_dump_is_refused_and_nothing_in_it_runs(postgres, tmp_path, attack):
    change, undo, message = PG_ATTACKS[attack]
    crafted = _attackers_dump(postgres, tmp_path, change, undo)
    _refused_and_untouched(postgres, crafted, message)


def test_a_copy_into_another_table_than_its_entry_names_is_refused(postgres, tmp_path):
    made = backup.backup(postgres, tmp_path / "made.dump")
    raw = made.read_bytes()
    assert raw.count(b"COPY public.course (") == 1
    crafted = tmp_path / "patched.dump"
    crafted.write_bytes(raw.replace(b"COPY public.course (", b"COPY public.person ("))  # same length: still valid
    _refused_and_untouched(postgres, crafted, "COPY public.person (id, code, name")


def test_an_untouched_pg_dump_restores(postgres, tmp_path):
    made = backup.backup(postgres, tmp_path / "made.dump")
    f.person(staff_id="E2")
    result = backup.restore(postgres, made)
    assert result.schema_version == db.LATEST_VERSION and result.previous_copy is not None
    assert staff_ids() == ["E1"]
    listed = subprocess.run(["pg_restore", "--list", str(made)], capture_output=True, text=True, check=True).stdout
    assert " ACL " not in listed and "FUNCTION" not in listed  # the app's own dumps hold its tables only


def test_sqlites_own_statistics_do_not_stop_a_restore(sqlite_database, tmp_path):
    analysed = _alter(_sqlite_backup(sqlite_database, tmp_path), "ANALYZE")
    with sqlite3.connect(analysed) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() == (1,)
    backup.restore(sqlite_database, analysed)
    assert staff_ids() == ["E1"]
