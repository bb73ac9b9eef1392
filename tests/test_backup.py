"""Backups: consistent copies while the app writes, restores that check the file first, and pruning."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from cli import main
from tests import factories as f
from tracker import db
from tracker.errors import ValidationError
from tracker.models import Person
from tracker.services.backup import backup, backup_to_folder, check_sqlite_backup, prune_backups, sqlite_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def staff_ids() -> list[str]:
    return sorted(p.staff_id for p in Person.select())


def test_backup_then_restore_brings_back_the_old_data_and_keeps_the_replaced_database(database, capsys, tmp_path):
    f.person(staff_id="E1")
    copy = tmp_path / ("backup.db" if database.startswith("sqlite") else "backup.dump")
    code, out, err = run(capsys, "backup", str(copy), "--database", database)
    assert code == 0, err
    assert out.startswith("backed up ") and copy.stat().st_size > 0
    f.person(staff_id="E2")
    code, out, err = run(capsys, "restore", str(copy), "--database", database)
    assert code == 0, err
    assert f"now at schema version {db.LATEST_VERSION}" in out and "the database it replaced is kept at" in out
    db.connect(database)
    assert staff_ids() == ["E1"]
    kept = Path(out.split("kept at ")[1].strip())
    assert kept.exists() and kept != copy


def test_a_backup_is_consistent_while_another_connection_is_writing(sqlite_database, tmp_path):
    f.person(staff_id="E1")
    writer = sqlite3.connect(sqlite_path(sqlite_database))
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO person (staff_id, first_name, last_name, archived, version, created_at) "
                   "VALUES ('E2', 'Ben', 'Okafor', 0, 1, '2026-11-22')")
    try:
        copy = backup(sqlite_database, tmp_path / "busy.db")
    finally:
        writer.commit()
        writer.close()
    assert check_sqlite_backup(copy) == db.LATEST_VERSION
    with sqlite3.connect(copy) as conn:
        assert [r[0] for r in conn.execute("SELECT staff_id FROM person")] == ["E1"]
    assert staff_ids() == ["E1", "E2"]


def _text_file(path: Path) -> Path:
    path.write_text("staff_id,name\nE1,Asha\n")
    return path


def _other_sqlite(path: Path, version: int | None) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE person (id INTEGER PRIMARY KEY)")
    if version is not None:
        conn.execute("CREATE TABLE schema_version (version INTEGER)")
        conn.execute("INSERT INTO schema_version VALUES (?)", (version,))
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: _text_file(p), "is not a SQLite database"),
        (lambda p: _other_sqlite(p, None), "is a SQLite database but not a tracker database"),
        (lambda p: _other_sqlite(p, 99), "is at schema version 99, newer than this app"),
        (lambda p: p.with_name("missing.db"), "there is no file at"),
    ],
    ids=["csv", "other-sqlite", "newer", "missing"],
)
def test_restore_refuses_a_file_that_is_not_a_tracker_database(sqlite_database, capsys, tmp_path, make, message):
    f.person(staff_id="E1")
    source = make(tmp_path / "suspect.db")
    code, out, err = run(capsys, "restore", str(source), "--database", sqlite_database)
    assert (code, out) == (1, "") and message in err
    db.connect(sqlite_database)
    assert staff_ids() == ["E1"]
    assert not list(tmp_path.glob("*.replaced-*"))


def test_backup_will_not_overwrite_a_file(sqlite_database, capsys, tmp_path):
    existing = tmp_path / "keep.db"
    existing.write_text("precious")
    code, _, err = run(capsys, "backup", str(existing), "--database", sqlite_database)
    assert code == 1 and "already exists" in err and existing.read_text() == "precious"


def test_timed_backups_are_pruned_to_the_newest(sqlite_database, tmp_path):
    folder = tmp_path / "backups"
    made = [backup_to_folder(sqlite_database, folder, datetime(2026, 11, day, 2, 0)) for day in (18, 19, 20, 21, 22)]
    assert made[0].name == "tracker-20261118-020000.db"
    (folder / "notes.txt").write_text("not a backup")
    removed = prune_backups(folder, keep=2)
    assert sorted(p.name for p in removed) == [p.name for p in made[:3]]
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", made[3].name, made[4].name]
    with pytest.raises(ValidationError):
        prune_backups(folder, keep=0)
