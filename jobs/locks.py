"""One sender at a time: a PostgreSQL advisory lock around a scan; on SQLite one instance is assumed.

The lock is a session lock taken on the connection of the thread that runs the scan (peewee keeps one connection
per thread), held while reminders are claimed and sent, and released at the end; if the process dies, the
server drops the connection and with it the lock. Use a direct connection to PostgreSQL, not a transaction
pooler, or the lock may be taken on one server connection and the queries run on another.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from tracker.db import database, is_postgres

_local_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def lock_id(name: str) -> int:
    """A stable 63-bit number for a lock name (the same in every process and on every machine)."""
    return (zlib.crc32(f"tracker:{name}".encode()) << 16) | 0x7E41


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Yields True when this caller may run `name` now, False while another scan holds it.

    On PostgreSQL the advisory lock decides, between threads (each has its own connection) and between
    processes alike. On SQLite a thread lock keeps two scans of one process apart.
    """
    if is_postgres():
        key = lock_id(name)
        cursor = database.execute_sql("SELECT pg_try_advisory_lock(%s)", (key,))
        if not cursor.fetchone()[0]:
            yield False
            return
        try:
            yield True
        finally:
            database.execute_sql("SELECT pg_advisory_unlock(%s)", (key,))
        return
    with _guard:
        local = _local_locks.setdefault(name, threading.Lock())
    if not local.acquire(blocking=False):
        yield False
        return
    try:
        yield True
    finally:
        local.release()
