"""The database proxy, connecting by URL, SQLite pragmas, and schema migrations.

A new database gets the current schema at once. An older one is upgraded in place, one numbered step at a
time; each step is written against the shape the database had before it, and is safe to repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from peewee import Database, DatabaseProxy, IntegerField, Model, PostgresqlDatabase, SqliteDatabase
from playhouse import db_url
from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator, migrate

from tracker.errors import TrackerError

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": 5000,
    "cache_size": -32000,
}


def connect(url: str) -> Database:
    """Open the database named by a playhouse.db_url URL and bind the proxy to it."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        path = Path(url[len("sqlite:///") :])
        path.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite:"):
        # BEGIN IMMEDIATE: a write transaction that reads first queues for the write lock (busy_timeout) instead
        # of failing with "database is locked" when another writer commits in between (WAL snapshot upgrade).
        db = db_url.connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    else:
        db = db_url.connect(url)
    database.initialize(db)
    return db


def close() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


class SchemaVersion(Model):
    version = IntegerField()

    class Meta:
        database = database
        table_name = "schema_version"


def _migrator() -> SchemaMigrator:
    return PostgresqlMigrator(database.obj) if is_postgres() else SqliteMigrator(database.obj)


def _columns(table: str) -> set[str]:
    return {c.name for c in database.get_columns(table)}


def _v2_professions_and_policy_owners() -> None:
    """Release 2: a person's profession (to check a supervisor's kind) and a policy owner's email."""
    from tracker.models import EmployerPolicy, Person

    ops = []
    m = _migrator()
    if "profession" not in _columns("person"):
        ops.append(m.add_column("person", "profession", Person.profession))
    if "owner_email" not in _columns("employer_policy"):
        ops.append(m.add_column("employer_policy", "owner_email", EmployerPolicy.owner_email))
    if ops:
        migrate(*ops)


def _v3_sessions_and_sign_in_throttle() -> None:
    """Release 3: a session epoch and "must change password" per login, a log of sign-in attempts, and no live
    API token left on a deactivated login (reactivating it must not bring its old tokens back)."""
    from tracker.clock import utc_now
    from tracker.models import ApiToken, SignInAttempt, User

    # Plain ADD COLUMN with a default: playhouse would rebuild "user" on SQLite to make a column NOT NULL, which
    # the foreign keys of api_token and inbox_message refuse once any row points at a user.
    false = "0" if is_sqlite() else "FALSE"
    boolean = "INTEGER" if is_sqlite() else "BOOLEAN"
    if "session_epoch" not in _columns("user"):
        database.execute_sql('ALTER TABLE "user" ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0')
    if "must_change_password" not in _columns("user"):
        database.execute_sql(f'ALTER TABLE "user" ADD COLUMN must_change_password {boolean} NOT NULL DEFAULT {false}')
    database.create_tables([SignInAttempt], safe=True)
    inactive = User.select(User.id).where(User.active == False)  # noqa: E712
    ApiToken.update(revoked_at=utc_now()).where(ApiToken.user.in_(inactive) & ApiToken.revoked_at.is_null()).execute()


# Step N upgrades a database at version N-1 to version N. Version 1 is the first release's schema.
MIGRATIONS: dict[int, Callable[[], None]] = {
    2: _v2_professions_and_policy_owners,
    3: _v3_sessions_and_sign_in_throttle,
}
LATEST_VERSION = max(MIGRATIONS, default=1)


def schema_version() -> int | None:
    if not database.table_exists("schema_version"):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else None


def migrate_schema() -> tuple[int | None, int]:
    """Create or upgrade the schema; returns (version before, version after)."""
    from tracker.models import ALL_MODELS

    before = schema_version()
    with database.atomic():
        if before is None:
            if database.table_exists("person"):
                raise TrackerError("this database has tracker tables but no schema version; restore a backup")
            database.create_tables([SchemaVersion, *ALL_MODELS])
            SchemaVersion.create(version=LATEST_VERSION)
            return None, LATEST_VERSION
        if before > LATEST_VERSION:
            raise TrackerError(
                f"the database is at schema version {before}, newer than this app ({LATEST_VERSION}); "
                "upgrade the app"
            )
        for step in range(before + 1, LATEST_VERSION + 1):
            MIGRATIONS[step]()
            SchemaVersion.update(version=step).execute()
    return before, LATEST_VERSION


def drop_everything() -> None:
    """For tests and benchmarks only: remove every table."""
    from tracker.models import ALL_MODELS

    database.drop_tables([SchemaVersion, *ALL_MODELS], cascade=is_postgres())
