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


def undo_step_8() -> None:
    """Take away what step 8 adds: the role pages' text and team training events."""
    db.database.drop_tables([TrainingEventAttendee, TrainingEvent, RolePage], safe=True)
    db.SchemaVersion.update(version=7).execute()


def make_release_2() -> None:
    """Today's (empty) schema with steps 3 to 5 undone, at version 2."""
    migrate(*(_migrator().drop_column(table, column) for table, column in STEP_3_COLUMNS))
    _drop_lead_scope_check()
    db.SchemaVersion.update(version=2).execute()


def make_release_1_schema() -> None:
    make_release_2()
    migrate(*(_migrator().drop_column(table, column) for table, column in STEP_2_COLUMNS))
    db.SchemaVersion.update(version=1).execute()


# What step 7 adds (with the 2026/27 catalogue: workforce checks, new roles, renamed roles, band caps).
STEP_7_COLUMNS = (
    ("course", "kind"), ("training_record", "reference"), ("training_record", "expires_on"),
    ("supervision_rule", "period_months"),
)


def make_release_6() -> None:
    """Today's schema and catalogue as release 6 left them: no workforce checks, periods or 2026/27 roles, the
    old role names and band caps, infection prevention for clinicians only, at version 6."""
    from tracker.models import Course, Requirement, Role, SupervisionRule
    from tracker.services.catalogue import (
        BAND_CAPS_2026,
        REGISTERED_CLINICIANS,
        RENAMED_ROLES,
        WORKFORCE_ITEMS,
    )

    new_items = [code for code, *_ in WORKFORCE_ITEMS]
    new_roles = ["SCP", "EPN"]
    item_ids = [i for (i,) in Course.select(Course.id).where(Course.code.in_(new_items)).tuples()]
    role_ids = [i for (i,) in Role.select(Role.id).where(Role.code.in_(new_roles)).tuples()]
    Requirement.delete().where(Requirement.course.in_(item_ids) | Requirement.role.in_(role_ids)).execute()
    clinicians = Role.select(Role.id).where(Role.code.in_(sorted(REGISTERED_CLINICIANS)))
    for code in ("IPC", "MH"):
        wanted_by = Requirement.role.not_in(clinicians) if code == "IPC" else Requirement.role.is_null(False)
        Requirement.delete().where((Requirement.course == Course.get(Course.code == code).id) & wanted_by).execute()
    SupervisionRule.delete().where(SupervisionRule.role.in_(role_ids)).execute()
    Course.delete().where(Course.id.in_(item_ids)).execute()
    Role.delete().where(Role.id.in_(role_ids)).execute()
    for code, old, _new in RENAMED_ROLES:
        Role.update(name=old).where(Role.code == code).execute()
    for code, _band in BAND_CAPS_2026:
        Role.update(band_cap=None).where(Role.code == code).execute()
    migrate(*(_migrator().drop_column(table, column) for table, column in STEP_7_COLUMNS))
    db.SchemaVersion.update(version=6).execute()
