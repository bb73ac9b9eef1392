"""A PostgreSQL connection that comes back by itself after the server drops it.

peewee keeps one connection per thread: NiceGUI's event loop shares one, each `run.io_bound` and scheduler thread
has its own, and each lives as long as its thread. When the server ends them (a restart, a fail-over, an
administrator's pg_terminate_backend, an idle timeout) every one is dead, and without this every page would
fail until the app restarted.

Before a unit of work starts (BEGIN, or a statement outside a transaction), the connection is checked without a
round trip: a server that has ended a session sends its goodbye and closes the socket, so an idle connection with
something to read, or one the driver already knows is broken, is closed and a new one opened. Nothing is ever
sent twice: a statement is repeated only when it is a read outside a transaction whose connection turned out to
be gone. A connection lost inside a transaction fails that unit of work (its changes are gone with it, and the
caller is told) and the next one reconnects.
"""

from __future__ import annotations

import logging
import select
from typing import Any

from peewee import InterfaceError, OperationalError, PostgresqlDatabase
from playhouse import db_url

log = logging.getLogger(__name__)
LOST = (OperationalError, InterfaceError)


class ReconnectingPostgresqlDatabase(PostgresqlDatabase):  # type: ignore[misc]
    def begin(self, *args: Any, **kwargs: Any) -> None:
        self._replace_if_dropped()
        try:
            super().begin(*args, **kwargs)
        except LOST:
            # The server's goodbye can arrive just after the idle check. BEGIN is the unit's first statement, so
            # nothing of the unit has reached the server: begin again on a new connection.
            if not self._is_broken():
                raise
            log.warning("the database server closed this connection as a unit of work began; opening a new one")
            self._close_dead()
            super().begin(*args, **kwargs)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        if self.in_transaction():
            return super().execute_sql(sql, params)
        self._replace_if_dropped()
        try:
            return super().execute_sql(sql, params)
        except LOST:
            if not self._is_broken() or self.in_transaction():
                raise
            self._close_dead()
            if not _is_read(sql):
                raise  # a write may have reached the server before the connection went: never repeat it
            return super().execute_sql(sql, params)

    def rollback(self) -> None:
        try:
            super().rollback()
        except LOST:
            if not self._is_broken():
                raise
            # The server rolled the transaction back when the connection went; the caller's own error stands.

    def _is_broken(self) -> bool:
        adapter: Any = self._adapter  # type: ignore[attr-defined]  # peewee's psycopg2/psycopg3 adapter
        return not self.is_closed() and adapter.txn_status(self._connection()) == adapter.txn_unknown

    def _connection(self) -> Any:
        return self._state.conn  # type: ignore[attr-defined]  # this thread's, without connecting

    def _dropped(self) -> bool:
        """True when this thread's connection is known dead or the server has hung up on it while it was idle."""
        if self.is_closed():
            return False
        if self._is_broken():
            return True
        try:
            readable, _, _ = select.select([self._connection().fileno()], [], [], 0)
        except (OSError, ValueError, InterfaceError):
            return True
        return bool(readable)  # an idle session with no LISTEN has nothing to say but goodbye

    def _replace_if_dropped(self) -> None:
        if self._dropped():
            log.warning("the database server closed this connection; opening a new one")
            self._close_dead()

    def _close_dead(self) -> None:
        try:
            self.close()
        except LOST:
            self.dispose()  # forget it: closing a dead connection has nothing left to do


def _is_read(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


def open_postgres(url: str) -> ReconnectingPostgresqlDatabase:
    """The database named by a postgresql:// URL (the same parameters as playhouse.db_url), not yet connected."""
    params = db_url.parse(url)
    if not params.get("database"):
        raise ValueError(f'"{url}" has no database name: use postgresql://host/dbname')
    return ReconnectingPostgresqlDatabase(**params)
