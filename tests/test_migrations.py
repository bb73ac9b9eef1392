"""Upgrading a database in place: a release-1 database becomes the current schema with its rows intact."""

from __future__ import annotations

from datetime import date

import pytest
from peewee import IntegrityError
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from cli import main
from tests.old_schemas import STEP_2_COLUMNS, STEP_6_COLUMNS, make_release_1_schema, undo_step_6, undo_step_8
from tracker import db
from tracker.errors import TrackerError
from tracker.models import (
    ApiToken,
    EmployerPolicy,
    Employment,
    MailOutage,
    Organisation,
    Person,
    PolicyTopic,
    ReminderLedger,
    Role,
    SignInAttempt,
    User,
)


def columns(table: str) -> set[str]:
    return {c.name for c in db.database.get_columns(table)}


def make_release_1() -> None:
    """Today's schema with steps 2 onwards undone, at version 1, holding a person, a job and a policy."""
    undo_step_8()
    undo_step_6()
    make_release_1_schema()
    trust = Organisation.create(name="Northside Community Trust", kind="vcse")
    person_id = Person.insert(staff_id="E1001", first_name="Asha", last_name="Patel", archived=False, version=1,
                              created_at=date(2024, 1, 1)).execute()
    Employment.create(person=person_id, role=Role.get(Role.code == "SPLW"), employer=trust,
                      start_date=date(2024, 2, 1))
    EmployerPolicy.insert(employer=trust, topic=PolicyTopic.get(PolicyTopic.name == "Home visits"),
                          statement="No home visits alone", version="3", requires_acknowledgement=True).execute()


def test_a_release_1_database_is_upgraded_in_place_with_its_rows_intact(database):
    make_release_1()
    assert db.schema_version() == 1
    assert "profession" not in columns("person")
    assert db.migrate_schema() == (1, db.LATEST_VERSION)
    assert db.schema_version() == db.LATEST_VERSION
    for table, column in STEP_2_COLUMNS + STEP_6_COLUMNS:
        assert column in columns(table)
    asha = Person.get(Person.staff_id == "E1001")
    assert (asha.name, asha.profession) == ("Asha Patel", None)
    assert Employment.get(Employment.person == asha.id).start_date == date(2024, 2, 1)
    policy = EmployerPolicy.get()
    assert (policy.statement, policy.version, policy.owner_email) == ("No home visits alone", "3", None)
    asha.profession = "Social prescriber"
    asha.save()
    assert Person.get_by_id(asha.id).profession == "Social prescriber"


def test_step_6_leaves_no_live_token_on_a_deactivated_login_and_keeps_the_logins(database):
    """A token left live on a deactivated login would come back to life on reactivation."""
    make_release_1()
    columns_now = ", ".join(sorted(columns("user")))
    active = db.database.execute_sql(
        f'INSERT INTO "user" (email, password_hash, roles, active, failed_logins, created_at) '
        f"VALUES ('on@example.nhs.uk', 'x', 'staff', {db.database.param}, 0, '2024-01-01') RETURNING id", (True,)
    ).fetchone()[0]
    gone = db.database.execute_sql(
        f'INSERT INTO "user" (email, password_hash, roles, active, failed_logins, created_at) '
        f"VALUES ('off@example.nhs.uk', 'x', 'staff', {db.database.param}, 0, '2024-01-01') RETURNING id", (False,)
    ).fetchone()[0]
    assert "session_epoch" not in columns_now
    for user_id, secret in ((active, "a"), (gone, "b")):
        ApiToken.insert(user=user_id, purpose="api", name="", token_hash=secret, created_at=date(2024, 1, 1)).execute()
    db.migrate_schema()
    assert ApiToken.get(ApiToken.token_hash == "a").revoked_at is None
    assert ApiToken.get(ApiToken.token_hash == "b").revoked_at is not None
    assert [(u.email, u.session_epoch, u.must_change_password) for u in User.select().order_by(User.email)] == [
        ("off@example.nhs.uk", 0, False), ("on@example.nhs.uk", 0, False)]
    SignInAttempt.create(email="on@example.nhs.uk", address="192.0.2.1", succeeded=True)


def test_upgrading_twice_changes_nothing(database):
    make_release_1()
    db.migrate_schema()
    assert db.migrate_schema() == (db.LATEST_VERSION, db.LATEST_VERSION)
    assert Person.select().count() == 1


def test_a_database_newer_than_the_app_is_refused(database, capsys):
    db.SchemaVersion.update(version=db.LATEST_VERSION + 1).execute()
    with pytest.raises(TrackerError, match="newer than this app"):
        db.migrate_schema()
    assert main(["init", "--database", database]) == 1
    assert "upgrade the app" in capsys.readouterr().err


def test_init_twice_is_harmless(database, capsys):
    counts = (Role.select().count(), PolicyTopic.select().count())
    assert main(["init", "--database", database]) == 0
    assert main(["init", "--database", database]) == 0
    out = capsys.readouterr().out
    assert out.count(f"the schema is up to date (version {db.LATEST_VERSION})") == 2
    db.connect(database)
    assert (Role.select().count(), PolicyTopic.select().count()) == counts


def test_step_3_gives_a_release_2_ledger_its_retry_times_and_an_outage_table_keeping_every_row(database):
    migrator = PostgresqlMigrator(db.database.obj) if db.is_postgres() else SqliteMigrator(db.database.obj)
    migrate(*(migrator.drop_column("reminder_ledger", c) for c in ("last_attempt_at", "next_attempt_at")))
    db.database.drop_tables([MailOutage])
    db.SchemaVersion.update(version=2).execute()
    db.database.execute_sql(  # a reminder the old rule gave up on after ten tries
        'INSERT INTO reminder_ledger ("key", recipient, item, stage, period, status, attempts, last_error, '
        "created_at) VALUES ('1:FIRE:due:2026-01', 'asha@example.nhs.uk', 'FIRE', 'due', '2026-01', 'failed', 10, "
        "'server said 554', '2026-01-05 07:00:00')"
    )
    assert db.migrate_schema() == (2, db.LATEST_VERSION)
    assert {"last_attempt_at", "next_attempt_at"} <= columns("reminder_ledger")
    assert db.database.table_exists("mail_outage")
    row = ReminderLedger.get()
    assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == ("failed", 10, "server said 554", None)
    assert db.migrate_schema() == (db.LATEST_VERSION, db.LATEST_VERSION)


def test_sqlite_runs_in_wal_mode_with_foreign_keys_enforced(sqlite_database):
    assert db.database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(IntegrityError), db.database.atomic():
        Employment.create(person=9999, role=Role.get(Role.code == "SPLW"), employer=9999, start_date=date(2024, 1, 1))


# ---- step 7: workforce checks, printed expiries, supervision periods and the 2026/27 catalogue ---------------


def test_step_7_brings_a_release_6_catalogue_up_to_2026_27_keeping_the_administrators_edits(database):
    from tests.old_schemas import STEP_7_COLUMNS, make_release_6
    from tracker.models import AuditEvent, Course, Requirement, SupervisionRule, TrainingRecord

    make_release_6()
    assert db.schema_version() == 6 and "kind" not in columns("course")
    # what the administrators of the older release had done: their own band cap, a course taken off a role
    Role.update(band_cap="8b").where(Role.code == "AP").execute()
    care_coordinator = Role.get(Role.code == "CC")
    ids = dict(Course.select(Course.code, Course.id).tuples())
    fire = [ids["FIRE"]]
    Requirement.delete().where((Requirement.role == care_coordinator.id) & (Requirement.course.in_(fire))).execute()
    trust = Organisation.create(name="Northside Community Trust", kind="vcse")
    asha = Person.insert(staff_id="E1001", first_name="Asha", last_name="Patel", archived=False, version=1,
                         created_at=date(2024, 1, 1)).execute()
    Employment.create(person=asha, role=Role.get(Role.code == "CP"), employer=trust, start_date=date(2024, 2, 1))
    db.database.execute_sql(
        "INSERT INTO training_record (person_id, course_id, completed_on, provider, evidence_state, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?)".replace("?", "%s" if db.is_postgres() else "?"),
        (asha, ids["IG"], date(2025, 3, 1), "e-LfH", "approved", date(2025, 3, 1)),
    )

    assert db.migrate_schema() == (6, db.LATEST_VERSION)
    for table, column in STEP_7_COLUMNS:
        assert column in columns(table)
    kinds = dict(Course.select(Course.code, Course.kind).tuples())
    assert (kinds["IG"], kinds["REG-GPHC"], kinds["DBS-ENH"], kinds["RTW"], kinds["APPRAISAL"]) == (
        "course", "registration", "check", "check", "appraisal")

    def required_of(role: str) -> set[str]:
        query = Requirement.select(Course.code).join(Course).switch(Requirement).join(Role).where(Role.code == role)
        return {code for (code,) in query.tuples()}

    assert {"REG-GPHC", "DBS-ENH", "RTW", "APPRAISAL", "IPC", "MH"} <= required_of("CP")
    assert {"IPC", "MH", "DBS-ENH"} <= required_of("CC") and "FIRE" not in required_of("CC")  # the edit kept
    assert {"REG-GPHC", "SG-L3"} <= required_of("SCP")  # a new role gets every default
    names = dict(Role.select(Role.code, Role.name).tuples())
    assert (names["PA"], names["GP"], names["EPN"]) == (
        "Physician Assistant", "General Practitioner", "Enhanced Practice Nurse")
    caps = dict(Role.select(Role.code, Role.band_cap).tuples())
    assert (caps["AP"], caps["CP"], caps["PT"], caps["EPN"]) == ("8b", "7-8a", "5", "7")
    rule = SupervisionRule.get(SupervisionRule.role == Role.get(Role.code == "SCP").id)
    assert (rule.min_minutes, rule.period_months) == (60, 3)
    record = TrainingRecord.get(TrainingRecord.person == asha)
    assert (record.completed_on, record.provider, record.reference, record.expires_on) == (
        date(2025, 3, 1), "e-LfH", "", None)
    assert AuditEvent.select().where(AuditEvent.action == "catalogue_2026_27").count() == 1


# ---- step 8: role pages and team training events ------------------------------------------------------


def test_step_8_adds_role_pages_and_team_training_events_to_a_release_7_database(database):
    undo_step_8()
    assert not db.database.table_exists("training_event")
    assert db.migrate_schema() == (7, db.LATEST_VERSION)
    assert {"role_page", "training_event", "training_event_attendee"} <= set(db.database.get_tables())
    assert {"course_id", "date", "provider", "minutes", "planned"} <= columns("training_event")
    assert {"event_id", "person_id", "record_id", "already_held"} <= columns("training_event_attendee")
    assert db.migrate_schema() == (db.LATEST_VERSION, db.LATEST_VERSION)
