"""Backups: a consistent copy of the database while the app runs, restore with checks, and pruning.

SQLite uses its online backup API (a snapshot even while others write); PostgreSQL uses pg_dump of the app's
tables in custom format. A restore accepts only what this app's schema holds and runs nothing else: a SQLite
file is checked object by object before it is copied in (tracker.services.sqlite_schema: no trigger, view or
unknown table, index or column; a schema version of this app's), a pg_dump file statement by statement before
the app runs it itself in one transaction (tracker.services.pg_backup). Either way the restored database is
upgraded to the current schema and checked against it once more, and a copy of the database it replaced is
kept. Private notes are sealed with a key kept outside the database (tracker.note_crypto): no backup holds
one in plain text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tracker import db
from tracker.clock import now as clock_now
from tracker.db import LATEST_VERSION
from tracker.errors import TrackerError, ValidationError
from tracker.services import pg_backup, sqlite_schema

BACKUP_PREFIX = "tracker-"
BACKUP_SUFFIXES = (".db", ".dump")


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    previous_copy: Path | None  # the database as it was before the restore (None if there was none)
    schema_version: int | None  # of the restored file, before it was brought up to date


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresext://"))


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        raise ValidationError(f"'{url}' is not a SQLite file database", "database")
    return Path(url[len("sqlite:///") :].split("?", 1)[0])


def _stamp(now: datetime | None) -> str:
    return (now or clock_now()).strftime("%Y%m%d-%H%M%S")


def _copy_sqlite(source: Path, target: Path) -> None:
    """Page-by-page online copy: consistent even while other connections write to the source."""
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    partial.replace(target)


def backup(url: str, target: str | Path) -> Path:
    """Write a consistent copy of the database to `target` (which must not exist yet)."""
    target = Path(target)
    if target.exists():
        raise ValidationError(f"{target} already exists; choose a new file name", "file")
    if not target.parent.exists():
        raise ValidationError(f"the folder {target.parent} does not exist", "file")
    if is_postgres_url(url):
        pg_backup.dump(url, target)
        return target
    source = sqlite_path(url)
    if not source.exists():
        raise ValidationError(f"there is no database at {source}", "database")
    _copy_sqlite(source, target)
    return target


def backup_to_folder(url: str, folder: str | Path, now: datetime | None = None) -> Path:
    """A backup named by its time (tracker-YYYYmmdd-HHMMSS.db or .dump) in `folder` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".dump" if is_postgres_url(url) else ".db"
    return backup(url, folder / f"{BACKUP_PREFIX}{_stamp(now)}{suffix}")


def check_sqlite_backup(path: Path) -> int:
    """The schema version of a SQLite file holding only this app's schema; raises, saying why, otherwise."""
    return sqlite_schema.check_file(Path(path), LATEST_VERSION)


def check_postgres_backup(url: str, path: Path) -> int:
    """The schema version of a pg_dump file holding only this app's schema (checked against the database at
    `url`, as this app's migrations made it); raises, saying why, otherwise. Runs nothing from the file."""
    db.connect(url)
    reference = pg_backup.read_catalogue(db.database)
    pg_backup.check_contents(Path(path), reference)
    script = pg_backup.render(Path(path), Path(path).parent)
    try:
        return _checked_script(script, reference, Path(path))
    finally:
        script.unlink(missing_ok=True)


def _checked_script(script: Path, reference: pg_backup.Catalogue, path: Path) -> int:
    pg_backup.check_script(script, reference)
    version = pg_backup.version_in(script)
    if version is not None and version > LATEST_VERSION:
        raise ValidationError(
            f"{path} is at schema version {version}, newer than this app ({LATEST_VERSION}); upgrade the app first",
            "file")
    if version is None or version < 1:
        raise ValidationError(f"{path} was refused: its schema version is not one of this app's", "file")
    return version


def restore(url: str, source: str | Path, now: datetime | None = None, *, notes_key: bytes | None = None) -> RestoreResult:
    """Replace the database with the backup in `source`, bring it up to date and keep a copy of the replaced one.
    A backup from before notes were sealed has its notes sealed with `notes_key` (and is refused without it).

    Nothing in the backup runs unless it is part of this app's schema. Leaves the app's connection open to the
    restored database. Other users should be signed out while it runs.
    """
    source = Path(source)
    stamp = _stamp(now)
    if is_postgres_url(url):
        return _restore_postgres(url, source, stamp, notes_key)
    return _restore_sqlite(url, source, stamp, notes_key)


def _restore_postgres(url: str, source: Path, stamp: str, notes_key: bytes | None) -> RestoreResult:
    db.connect(url)
    reference = pg_backup.read_catalogue(db.database)
    pg_backup.check_contents(source, reference)
    script = pg_backup.render(source, source.parent)
    try:
        version = _checked_script(script, reference, source)
        kept = source.with_name(f"replaced-{stamp}.dump")
        pg_backup.dump(url, kept)
        with db.database.atomic():
            pg_backup.load(db.database, script, reference)
            db.migrate_schema(notes_key)
            problems = reference.same_as(pg_backup.read_catalogue(db.database))
            if problems:
                raise ValidationError(f"{source} was refused: once restored, {'; '.join(problems)}", "file")
    finally:
        script.unlink(missing_ok=True)
    return RestoreResult(source, kept, version)


def _restore_sqlite(url: str, source: Path, stamp: str, notes_key: bytes | None) -> RestoreResult:
    version = check_sqlite_backup(source)
    target = sqlite_path(url)
    if target.exists() and target.resolve() == source.resolve():
        raise ValidationError("that file is the database itself", "file")
    db.close()
    keep: Path | None = target.with_name(f"{target.stem}.replaced-{stamp}{target.suffix or '.db'}")
    if target.exists():
        _copy_sqlite(target, keep)
    else:
        keep = None
        target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    try:
        db.connect(url)
        db.migrate_schema(notes_key)
        with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as conn:
            problems = sqlite_schema.check_live(conn)
        if problems:
            raise ValidationError(f"{source} was refused: once upgraded, {'; '.join(problems[:5])}", "file")
    except TrackerError:
        db.close()
        if keep is not None:
            _put_back(keep, target)
        raise
    return RestoreResult(source, keep, version)


def _put_back(kept: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{kept}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def prune_backups(folder: str | Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` timed backups (tracker-*.db / .dump) in `folder`; returns those removed."""
    if keep < 1:
        raise ValidationError("keep at least one backup", "keep")
    folder = Path(folder)
    if not folder.is_dir():
        return []
    backups = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.name.startswith(BACKUP_PREFIX) and p.suffix in BACKUP_SUFFIXES),
        key=lambda p: p.name,
        reverse=True,
    )
    removed = backups[keep:]
    for path in removed:
        path.unlink()
    return removed
