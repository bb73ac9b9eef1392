"""Databases shaped as earlier releases left them, made from today's schema by undoing the later steps."""

from __future__ import annotations

from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from tracker import db
from tracker.models import ONE_LEAD_SCOPE, RolePage, SignInAttempt, TrainingEvent, TrainingEventAttendee

# What steps 3 and 4 add; a release-2 database has none of it.
STEP_3_COLUMNS = (("session_attendee", "private_note"), ("supervision_session", "group_summary"))
STEP_2_COLUMNS = (("person", "profession"), ("employer_policy", "owner_email"))
# What step 6 adds (with the sign_in_attempt table).
STEP_6_COLUMNS = (("user", "session_epoch"), ("user", "must_change_password"))


def _migrator():  # type: ignore[no-untyped-def]
    return PostgresqlMigrator(db.database.obj) if db.is_postgres() else SqliteMigrator(db.database.obj)


def _drop_lead_scope_check() -> None:
    if db.is_postgres():
        db.database.execute_sql(f'ALTER TABLE "user" DROP CONSTRAINT IF EXISTS "{ONE_LEAD_SCOPE}"')
        return
    sql = db.database.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'user'").fetchone()[0]
    without = sql.replace(
        f', CONSTRAINT "{ONE_LEAD_SCOPE}" CHECK (lead_employer_id IS NULL OR lead_pcn_id IS NULL)', "")
    db.database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with db.database.atomic():
            db._sqlite_rebuild("user", without)
    finally:
        db.database.execute_sql("PRAGMA foreign_keys = ON")


def undo_step_6() -> None:
    """Take away what step 6 adds (sessions and sign-in); its tests call this before making an older release
    (the others keep these columns, so rows written with today's models fit)."""
    migrate(*(_migrator().drop_column(table, column) for table, column in STEP_6_COLUMNS))
    db.database.drop_tables([SignInAttempt], safe=True)


def undo_step_7() -> None:
    """Take away what step 7 adds: the role pages' text and team training events."""
    db.database.drop_tables([TrainingEventAttendee, TrainingEvent, RolePage], safe=True)
    db.SchemaVersion.update(version=6).execute()


def make_release_2() -> None:
    """Today's (empty) schema with steps 3 to 5 undone, at version 2."""
    migrate(*(_migrator().drop_column(table, column) for table, column in STEP_3_COLUMNS))
    _drop_lead_scope_check()
    db.SchemaVersion.update(version=2).execute()


def make_release_1_schema() -> None:
    make_release_2()
    migrate(*(_migrator().drop_column(table, column) for table, column in STEP_2_COLUMNS))
    db.SchemaVersion.update(version=1).execute()
