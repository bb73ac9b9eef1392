"""Nightly data keeping: a backup of the database (keeping the newest N), and the retention rule for leavers.

Both are hooks for the scheduler's nightly job (`jobs.scheduler.register_nightly`): each takes the date and
returns how many things it did. Backups go to <TRACKER_DATA_DIR>/backups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from tracker import db
from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.services import audit, backup
from tracker.services.evidence import uploads_dir
from tracker.services.retention import anonymise_leavers, retention_days_of
from tracker.settings import Settings

DEFAULT_KEEP = 14
BACKUPS = "backups"


@dataclass(frozen=True)
class NightlyBackup:
    path: Path
    removed: list[Path]


def backup_folder(settings: Settings) -> Path:
    return Path(settings.data_dir) / BACKUPS


def keep_of(settings: Settings) -> int:
    """How many nightly backups to keep (TRACKER_BACKUP_KEEP), else 14."""
    value = getattr(settings, "backup_keep", None)
    return int(value) if value else DEFAULT_KEEP


def nightly_backup(settings: Settings, keep: int = DEFAULT_KEEP, now: datetime | None = None) -> NightlyBackup:
    """A consistent copy of the running database in the backups folder, then all but the newest `keep` go."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    path = backup.backup_to_folder(settings.database_url, backup_folder(settings), now)
    return NightlyBackup(path, backup.prune_backups(backup_folder(settings), keep))


def backup_hook(as_of: date, settings: Settings) -> int:
    """For register_nightly: one backup made."""
    nightly_backup(settings, keep_of(settings))
    return 1


def retention_hook(as_of: date, settings: Settings) -> int:
    """For register_nightly: leavers past the retention period anonymised; returns how many."""
    return len(anonymise_leavers(as_of, retention_days_of(settings), uploads_dir(settings)))


# ---- from the administrators' page -------------------------------------------------------------------


@dataclass(frozen=True)
class BackupFile:
    name: str
    size: int
    modified: datetime  # UTC


def backups_held(settings: Settings) -> list[BackupFile]:
    """Backups in the folder, newest first."""
    folder = backup_folder(settings)
    if not folder.is_dir():
        return []
    found = [
        BackupFile(p.name, p.stat().st_size, datetime.fromtimestamp(p.stat().st_mtime, UTC))
        for p in folder.iterdir()
        if p.is_file() and p.suffix in backup.BACKUP_SUFFIXES
    ]
    return sorted(found, key=lambda b: (b.modified, b.name), reverse=True)


def held_path(settings: Settings, name: str) -> Path:
    """The path of a backup in the folder by its listed name (never a path outside it)."""
    if name not in {b.name for b in backups_held(settings)}:
        raise NotFound(f"there is no backup called {name}")
    return backup_folder(settings) / name


def backup_now(settings: Settings, actor: str, keep: int | None = None) -> NightlyBackup:
    made = nightly_backup(settings, keep or keep_of(settings))
    with database.atomic():
        audit.record(actor, "backup", "database", None, None,
                     {"file": made.path.name, "removed": [p.name for p in made.removed]})
    return made


def keep_upload(settings: Settings, content: bytes, filename: str, now: datetime) -> Path:
    """An uploaded backup, kept in the folder (as uploaded-<time>.db or .dump) so it can be restored."""
    suffix = Path(filename).suffix.lower()
    if suffix not in backup.BACKUP_SUFFIXES:
        raise ValidationError("upload a .db (SQLite) or .dump (PostgreSQL) backup file", "file")
    if not content:
        raise ValidationError("the file is empty", "file")
    folder = backup_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"uploaded-{now.strftime('%Y%m%d-%H%M%S')}{suffix}"
    path.write_bytes(content)
    return path


def restore_held(settings: Settings, name: str, actor: str, notes_key: bytes | None = None) -> backup.RestoreResult:
    """Replace the database with a held backup (a copy of the replaced one is kept), bring its schema up to
    date (sealing an old backup's notes with `notes_key`), and record the restore in the restored database's
    audit trail."""
    source = held_path(settings, name)
    if backup.is_postgres_url(settings.database_url) != (source.suffix == ".dump"):
        raise ValidationError("that backup is for the other kind of database (.db is SQLite, .dump PostgreSQL)", "file")
    db.close()
    result = backup.restore(settings.database_url, source, notes_key=notes_key)  # checked, copied in and brought up to date
    after = db.schema_version()
    with database.atomic():
        audit.record(actor, "restore", "database", None, None,
                     {"file": name, "previous_copy": result.previous_copy.name if result.previous_copy else None,
                      "schema_version": after})
    return result
