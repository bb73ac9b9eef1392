"""Backups: a consistent copy of the database while the app runs, restore with checks, and pruning.

SQLite uses its online backup API (a snapshot even while others write); PostgreSQL uses pg_dump and
pg_restore in custom format. A restore first checks that the file is a tracker database, and keeps a copy
of the database it replaces.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tracker.clock import now as clock_now
from tracker.db import LATEST_VERSION
from tracker.errors import TrackerError, ValidationError

BACKUP_PREFIX = "tracker-"
BACKUP_SUFFIXES = (".db", ".dump")


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    previous_copy: Path | None  # the database as it was before the restore (None if there was none)
    schema_version: int | None  # of the restored file (SQLite); read it from the database for PostgreSQL


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresext://"))


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        raise ValidationError(f"'{url}' is not a SQLite file database", "database")
    return Path(url[len("sqlite:///") :].split("?", 1)[0])


def _libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


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


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise TrackerError(
            f"{name} is not on the PATH: install the PostgreSQL client tools (for example the "
            "postgresql-client package) to back up or restore a PostgreSQL database"
        )
    return found


def _run(command: list[str], what: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise TrackerError(f"{what} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def backup(url: str, target: str | Path) -> Path:
    """Write a consistent copy of the database to `target` (which must not exist yet)."""
    target = Path(target)
    if target.exists():
        raise ValidationError(f"{target} already exists; choose a new file name", "file")
    if not target.parent.exists():
        raise ValidationError(f"the folder {target.parent} does not exist", "file")
    if is_postgres_url(url):
        _run([_tool("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={_libpq_url(url)}"], "pg_dump")
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
    """The schema version of a SQLite tracker database file; raises if it is not one or is damaged."""
    if not path.is_file():
        raise ValidationError(f"there is no file at {path}", "file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = None
            if "schema_version" in tables:
                row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
                version = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{path} is not a SQLite database ({exc})", "file") from None
    if verdict != "ok":
        raise ValidationError(f"{path} is damaged (integrity check: {verdict})", "file")
    if version is None or "person" not in tables:
        raise ValidationError(f"{path} is a SQLite database but not a tracker database", "file")
    return _check_version(int(version), path)


def _check_version(version: int, path: Path) -> int:
    if version > LATEST_VERSION:
        raise ValidationError(
            f"{path} is at schema version {version}, newer than this app ({LATEST_VERSION}); upgrade the app first",
            "file",
        )
    return version


def check_postgres_backup(path: Path) -> None:
    if not path.is_file():
        raise ValidationError(f"there is no file at {path}", "file")
    done = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ValidationError(f"{path} is not a pg_dump custom-format file ({done.stderr.strip()})", "file")
    if " TABLE public schema_version " not in done.stdout or " TABLE public person " not in done.stdout:
        raise ValidationError(f"{path} is a PostgreSQL dump but not of a tracker database", "file")


def restore(url: str, source: str | Path, now: datetime | None = None) -> RestoreResult:
    """Replace the database with the backup in `source`, keeping a copy of the replaced one.

    Close the application's own connection first; other users should be signed out while it runs.
    """
    source = Path(source)
    stamp = _stamp(now)
    if is_postgres_url(url):
        check_postgres_backup(source)
        dumped = source.with_name(f"replaced-{stamp}.dump")
        _run([_tool("pg_dump"), "--format=custom", f"--file={dumped}", f"--dbname={_libpq_url(url)}"], "pg_dump")
        _run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
             f"--dbname={_libpq_url(url)}", str(source)],
            "pg_restore",
        )
        return RestoreResult(source, dumped, None)
    version = check_sqlite_backup(source)
    target = sqlite_path(url)
    if target.resolve() == source.resolve():
        raise ValidationError("that file is the database itself", "file")
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
    return RestoreResult(source, keep, version)


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
