"""The database proxy, connecting by URL, SQLite pragmas, and schema migrations.

A new database gets the current schema at once. An older one is upgraded in place, one numbered step at a
time; each step is written against the shape the database had before it, and is safe to repeat.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from peewee import Database, DatabaseProxy, IntegerField, Model, PostgresqlDatabase, SqliteDatabase
from playhouse import db_url
from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator, migrate

from tracker.connection import open_postgres
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
        # SQLite's lower() folds only A-Z; searching and ordering names as Python does (str.lower) needs this.
        db.register_function(_py_lower, "py_lower", 1, deterministic=True)
    elif url.startswith(("postgresql://", "postgres://")):
        db = open_postgres(url)  # reconnects by itself after the server drops a connection
    else:
        db = db_url.connect(url)
    database.initialize(db)
    return db


def _py_lower(text: str | None) -> str | None:
    return None if text is None else str(text).lower()


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


def _v3_reminder_retries() -> None:
    """Reminders back off instead of giving up after ten tries: when each was tried and is due again, and the
    mail outages administrators were told about."""
    from tracker.models import MailOutage, ReminderLedger

    ops = []
    m = _migrator()
    have = _columns("reminder_ledger")
    for name in ("last_attempt_at", "next_attempt_at"):
        if name not in have:
            ops.append(m.add_column("reminder_ledger", name, getattr(ReminderLedger, name)))
    if ops:
        migrate(*ops)
    database.create_tables([MailOutage], safe=True)


def _v4_private_notes_per_attendee_sealed(notes_key: bytes | None) -> None:
    """Each attendee's own private note (session_attendee.private_note), a group summary shared by
    all of a group's parties, and every note sealed with the installation's key (tracker.note_crypto).

    The one notes column of a session moves: a one-to-one session's notes become its attendee's private note; a
    group session's notes, which every attendee saw under a "private" label, are kept for the supervisor who
    wrote them alone (never widened, never shown to an attendee as their own).
    """
    from tracker import note_crypto as nc
    from tracker.models import SessionAttendee, SupervisionSession

    m = _migrator()
    ops = []
    if "private_note" not in _columns("session_attendee"):
        ops.append(m.add_column("session_attendee", "private_note", SessionAttendee.private_note))
    if "group_summary" not in _columns("supervision_session"):
        ops.append(m.add_column("supervision_session", "group_summary", SupervisionSession.group_summary))
    if ops:
        migrate(*ops)
    written = (
        SupervisionSession.select(SupervisionSession.id, SupervisionSession.format, SupervisionSession.supervisor_notes)
        .where(SupervisionSession.supervisor_notes != "")
        .tuples()
    )
    for session_id, fmt, notes in list(written):
        if nc.is_sealed(notes):  # an earlier run got this far
            continue
        attendees = [p for (p,) in SessionAttendee.select(SessionAttendee.person)
                     .where(SessionAttendee.session == session_id).tuples()]
        if fmt == "one_to_one" and len(attendees) == 1:
            SessionAttendee.update(private_note=nc.seal_if_written(notes, nc.attendee_place(session_id, attendees[0]), notes_key)).where(
                (SessionAttendee.session == session_id) & (SessionAttendee.person == attendees[0])
            ).execute()
            SupervisionSession.update(supervisor_notes="").where(SupervisionSession.id == session_id).execute()
        else:
            SupervisionSession.update(supervisor_notes=nc.seal_if_written(notes, nc.supervisor_place(session_id), notes_key)).where(
                SupervisionSession.id == session_id
            ).execute()


def _v5_one_lead_scope() -> None:
    """A lead has one scope, an employer or a PCN, enforced by a CHECK constraint on the user table.

    A login that had both keeps the employer (the narrower one the service always asked for) and loses the PCN;
    each such change is in the audit trail for an administrator to review.
    """
    from tracker.models import ONE_LEAD_SCOPE, User
    from tracker.services import audit

    both = User.select(User.id, User.email, User.lead_pcn).where(
        User.lead_employer.is_null(False) & User.lead_pcn.is_null(False)
    )
    for user_id, email, pcn_id in list(both.tuples()):
        User.update(lead_pcn=None).where(User.id == user_id).execute()
        audit.record("upgrade", "set_roles", "user", user_id, {"email": email, "lead_pcn": pcn_id},
                     {"email": email, "lead_pcn": None, "why": "a lead sees one employer or one PCN: the employer kept"})
    check = "lead_employer_id IS NULL OR lead_pcn_id IS NULL"
    if is_postgres():
        held = database.execute_sql("SELECT 1 FROM pg_constraint WHERE conname = %s", (ONE_LEAD_SCOPE,)).fetchone()
        if held is None:
            database.execute_sql(f'ALTER TABLE "user" ADD CONSTRAINT "{ONE_LEAD_SCOPE}" CHECK ({check})')
        return
    sql = database.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'user'").fetchone()[0]
    if ONE_LEAD_SCOPE in sql:
        return
    _sqlite_rebuild("user", sql.rstrip().removesuffix(")") + f', CONSTRAINT "{ONE_LEAD_SCOPE}" CHECK ({check}))')


def _sqlite_rebuild(table: str, create_sql: str) -> None:
    """Give a SQLite table a new definition (SQLite cannot add a constraint in place), rows and indexes kept:
    SQLite's own twelve-step procedure, run by migrate_schema with foreign keys off and checked before commit."""
    indexes = [sql for (sql,) in database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))]
    rebuilt = f"{table}__rebuilt"
    head = re.compile(rf'^\s*CREATE\s+TABLE\s+"?{re.escape(table)}"?\s*\(', re.I)
    if not head.match(create_sql):
        raise TrackerError(f"cannot rebuild {table}: the new definition is for another table")
    database.execute_sql(head.sub(f'CREATE TABLE "{rebuilt}" (', create_sql, count=1))
    database.execute_sql(f'INSERT INTO "{rebuilt}" SELECT * FROM "{table}"')
    database.execute_sql(f'DROP TABLE "{table}"')
    database.execute_sql(f'ALTER TABLE "{rebuilt}" RENAME TO "{table}"')
    for sql in indexes:
        database.execute_sql(sql)


def _v6_sessions_and_sign_in_throttle() -> None:
    """Release 6: a session epoch and "must change password" per login, a log of sign-in attempts, and no live
    API token left on a deactivated login (reactivating it must not bring its old tokens back)."""
    from tracker.clock import utc_now
    from tracker.models import ApiToken, SignInAttempt, User

    # NOT NULL columns are added with a default for the rows there are, which is then taken away again, so an
    # upgraded table reads exactly as create_tables writes a new one (the restore checks compare the two).
    added = {"session_epoch": ("INTEGER", "0"), "must_change_password": ("INTEGER" if is_sqlite() else "BOOLEAN", "FALSE")}
    for column, (kind, default) in added.items():
        if column in _columns("user"):
            continue
        database.execute_sql(f'ALTER TABLE "user" ADD COLUMN "{column}" {kind} NOT NULL DEFAULT {default}')
        if is_postgres():
            database.execute_sql(f'ALTER TABLE "user" ALTER COLUMN "{column}" DROP DEFAULT')
    if is_sqlite():
        sql = database.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'user'").fetchone()[0]
        plain = sql
        for column, (kind, default) in added.items():
            plain = plain.replace(f'"{column}" {kind} NOT NULL DEFAULT {default}', f'"{column}" {kind} NOT NULL')
        if plain != sql:
            _sqlite_rebuild("user", plain)
    database.create_tables([SignInAttempt], safe=True)
    inactive = User.select(User.id).where(User.active == False)  # noqa: E712
    ApiToken.update(revoked_at=utc_now()).where(ApiToken.user.in_(inactive) & ApiToken.revoked_at.is_null()).execute()


def _v7_workforce_checks_and_periods() -> None:
    """Release 7: catalogue items of several kinds (registrations, checks, appraisals beside courses), the
    reference number and printed expiry of a record, a supervision rule's period, and the 2026/27 catalogue
    (tracker.services.catalogue.upgrade_to_2026_27: new items, roles and defaults added, administrators' edits kept)."""
    from tracker.models import Course, SupervisionRule, TrainingRecord
    from tracker.services.catalogue import upgrade_to_2026_27

    m = _migrator()
    ops = []
    for table, name, field in (
        ("course", "kind", Course.kind),
        ("training_record", "reference", TrainingRecord.reference),
        ("training_record", "expires_on", TrainingRecord.expires_on),
        ("supervision_rule", "period_months", SupervisionRule.period_months),
    ):
        if name not in _columns(table):
            ops.append(m.add_column(table, name, field))
    if ops:
        migrate(*ops)
    upgrade_to_2026_27()


def _v8_role_pages_and_team_training_events() -> None:
    """Release 8: administrators' text for role pages, and team training events with their attendees."""
    from tracker.models import RolePage, TrainingEvent, TrainingEventAttendee

    database.create_tables([RolePage, TrainingEvent, TrainingEventAttendee], safe=True)


def _v9_course_aliases() -> None:
    """Release 9: other systems' names for catalogue items (ESR competences, e-learning titles), the built-in
    ones loaded with the catalogues."""
    from tracker.models import CourseAlias

    database.create_tables([CourseAlias], safe=True)


# Step N upgrades a database at version N-1 to version N. Version 1 is the first release's schema.
MIGRATIONS: dict[int, Callable[[], None]] = {
    2: _v2_professions_and_policy_owners,
    3: _v3_reminder_retries,
    4: lambda: _v4_private_notes_per_attendee_sealed(None),  # migrate_schema gives it the notes key
    5: _v5_one_lead_scope,
    6: _v6_sessions_and_sign_in_throttle,
    7: _v7_workforce_checks_and_periods,
    8: _v8_role_pages_and_team_training_events,
    9: _v9_course_aliases,
}
LATEST_VERSION = max(MIGRATIONS, default=1)


def schema_version() -> int | None:
    if not database.table_exists("schema_version"):
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else None


def migrate_schema(notes_key: bytes | None = None) -> tuple[int | None, int]:
    """Create or upgrade the schema; returns (version before, version after). An upgrade from before version 4
    seals the notes it finds with `notes_key` (tracker.note_crypto), and is refused without it."""
    from tracker.models import ALL_MODELS

    before = schema_version()
    if before is not None and before > LATEST_VERSION:
        raise TrackerError(
            f"the database is at schema version {before}, newer than this app ({LATEST_VERSION}); upgrade the app"
        )
    if before is None or before == LATEST_VERSION:
        with database.atomic():
            if before is None:
                if database.table_exists("person"):
                    raise TrackerError("this database has tracker tables but no schema version; restore a backup")
                database.create_tables([SchemaVersion, *ALL_MODELS])
                SchemaVersion.create(version=LATEST_VERSION)
        return before, LATEST_VERSION
    # SQLite rebuilds a table to change its constraints, which needs foreign keys off (they cannot be switched
    # inside a transaction); every reference is checked again before the upgrade commits.
    steps = MIGRATIONS | {4: lambda: _v4_private_notes_per_attendee_sealed(notes_key)}
    relaxed = is_sqlite()
    if relaxed:
        database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with database.atomic():
            for step in range(before + 1, LATEST_VERSION + 1):
                steps[step]()
                SchemaVersion.update(version=step).execute()
            if relaxed and database.execute_sql("PRAGMA foreign_key_check").fetchone() is not None:
                raise TrackerError("the upgrade would leave rows pointing at nothing; nothing was changed")
    finally:
        if relaxed:
            database.execute_sql("PRAGMA foreign_keys = ON")
    return before, LATEST_VERSION


def drop_everything() -> None:
    """For tests and benchmarks only: remove every table."""
    from tracker.models import ALL_MODELS

    database.drop_tables([SchemaVersion, *ALL_MODELS], cascade=is_postgres())
