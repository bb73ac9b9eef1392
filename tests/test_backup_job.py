"""The nightly backup keeps the newest N; a held backup restores; the retention hook runs the rule."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from jobs import backup_job
from tests import factories as f
from tracker.errors import NotFound, ValidationError
from tracker.models import AuditEvent, Person
from tracker.services.backup import check_sqlite_backup
from tracker.settings import Settings


@pytest.fixture
def settings(sqlite_database: str, tmp_path: Path) -> Iterator[Settings]:
    """This test's database and data folder, as the scheduler passes them to its hooks."""
    yield Settings(database_url=sqlite_database, data_dir=tmp_path / "data")


def test_the_nightly_backup_keeps_the_newest_n(settings):
    f.person(staff_id="E1")
    made = [
        backup_job.nightly_backup(settings, keep=2, now=datetime(2026, 11, day, 3, 15)) for day in (20, 21, 22)
    ]
    held = sorted(p.name for p in backup_job.backup_folder(settings).iterdir())
    assert held == ["tracker-20261121-031500.db", "tracker-20261122-031500.db"]
    assert made[-1].removed == [made[0].path]
    assert check_sqlite_backup(made[-1].path) >= 1
    with sqlite3.connect(made[-1].path) as copy:
        assert copy.execute("SELECT staff_id FROM person").fetchall() == [("E1",)]


def test_keep_must_be_at_least_one(settings):
    with pytest.raises(ValueError):
        backup_job.nightly_backup(settings, keep=0)


def test_keep_comes_from_the_settings():
    assert backup_job.keep_of(Settings()) == 14
    assert backup_job.keep_of(dataclasses.replace(Settings())) == 14


def test_the_backup_hook_makes_one_backup(settings):
    assert backup_job.backup_hook(date(2026, 11, 22), settings) == 1
    assert len(backup_job.backups_held(settings)) == 1


def test_a_backup_from_the_page_is_audited_and_restores(settings):
    f.person(staff_id="KEEP")
    made = backup_job.backup_now(settings, "admin@example.org")
    assert [e.action for e in AuditEvent.select()] == ["backup"]
    f.person(staff_id="LATER")
    backup_job.restore_held(settings, made.path.name, "admin@example.org")
    assert [p.staff_id for p in Person.select()] == ["KEEP"]
    # The copy was taken before its own audit event; the restored trail gains the restore.
    [event] = AuditEvent.select()
    assert (event.action, event.actor) == ("restore", "admin@example.org")
    assert made.path.name in event.after


def test_only_held_backups_can_be_restored_or_downloaded(settings):
    backup_job.backup_now(settings, "admin")
    with pytest.raises(NotFound):
        backup_job.held_path(settings, "../tracker.db")
    with pytest.raises(ValidationError):
        backup_job.keep_upload(settings, b"x", "backup.zip", datetime(2026, 1, 1))
    kept = backup_job.keep_upload(settings, b"not a database", "backup.db", datetime(2026, 1, 1))
    with pytest.raises(ValidationError):
        backup_job.restore_held(settings, kept.name, "admin")
    assert Person.select().count() == 0  # nothing changed


def test_the_retention_hook_anonymises_leavers_past_the_period(settings):
    old = f.person("Olive", "Old", "CC", start=date(2010, 1, 1), end=date(2018, 1, 1), staff_id="OLD")
    today = f.person("Tom", "Today", "CC", start=date(2020, 1, 1), staff_id="NOW")
    assert backup_job.retention_hook(date(2026, 11, 22), settings) == 1
    assert Person.get_by_id(old.id).staff_id.startswith("ANON-")
    assert Person.get_by_id(today.id).staff_id == "NOW"
    assert date(2018, 1, 1) + timedelta(days=2190) < date(2026, 11, 22)
