"""What a page may know of the storage itself: a connection for a request served off the page machinery
(the API, the calendar feed), and which database it is (a backup is a file on SQLite, a dump on PostgreSQL)."""

from __future__ import annotations

from contextlib import AbstractContextManager

from tracker import db


def connection_context() -> AbstractContextManager[object]:
    """A context holding this thread's connection open for the requests of one route."""
    return db.database.connection_context()


def is_postgres() -> bool:
    return db.is_postgres()
