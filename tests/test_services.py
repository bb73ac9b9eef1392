"""The write services: each checks its input, writes in one transaction and records exactly one audit event."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import pytest

from tests import factories as f
from tracker.errors import ConflictError, NotFound, ValidationError
from tracker.models import (
    Absence,
    AuditEvent,
    Employment,
    Organisation,
    Person,
    Requirement,
    SessionAttendee,
    SupervisionRule,
    SupervisionSession,
    SupervisorAssignment,
    TrainingRecord,
    User,
)
from tracker.passwords import verify_password
from tracker.services import absences, assignments, organisations, people, rules, supervision, training, users
from tracker.views.population import person_compliance

TODAY = date(2026, 11, 22)
PASSWORD = "correct horse battery 9"


def events() -> int:
    return AuditEvent.select().count()


class Captured:
    event: AuditEvent


@contextmanager
def one_audit_event() -> Iterator[Captured]:
    """The block must record exactly one audit event; `.event` holds it afterwards."""
    before = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    captured = Captured()
    yield captured
    query = AuditEvent.select().order_by(AuditEvent.id)
    if before is not None:
        query = query.where(AuditEvent.id > before.id)
    found = list(query)
    assert len(found) == 1, [(e.action, e.entity) for e in found]
    captured.event = found[0]


def refused(call: Callable[[], object], field: str, words: str, error: type = ValidationError) -> None:
    """The call raises naming `field` and saying `words`, and writes no audit event."""
    count = events()
    with pytest.raises(error) as caught:
        call()
    if field:
        assert caught.value.field == field
    assert words in caught.value.message
    assert events() == count


# ---- organisations and people ----------------------------------------------------------------------------


def test_an_employer_is_created_once_whatever_the_letter_case(database):
    with one_audit_event():
        org = organisations.get_or_create_employer("cli", "Hill Practice", "gp_practice")
    count = events()
    again = organisations.get_or_create_employer("cli", "hill practice", "gp_practice")
    assert again.id == org.id and org.kind == "gp_practice"
    assert events() == count
    refused(lambda: organisations.get_or_create_employer("cli", "Other", "charity"), "employer_type", "not one of")


def test_create_person_writes_the_person_their_job_and_one_event(database):
    with one_audit_event() as audited:
        asha = people.create_person(
            "cli", "E1001", "Asha", "Patel", "Social Prescribing Link Worker", "Northside Community Trust",
            "01/02/2024", employer_kind="vcse", pcn="North PCN", band="5", fte=0.8,
        )
    job = Employment.get(Employment.person == asha.person_id)
    assert (job.role.code, job.employer.name, job.employer.kind, job.pcn.name) == ("SPLW", "Northside Community Trust",
                                                                                     "vcse", "North PCN")
    assert (job.start_date, job.end_date, job.fte, job.band) == (date(2024, 2, 1), None, 0.8, "5")
    event = audited.event
    assert event.action == "create" and json.loads(event.after)["employment"]["start_date"] == "2024-02-01"


def test_create_person_refuses_bad_fields_and_writes_nothing(database):
    f.person(staff_id="E1")
    count = Person.select().count()

    def create(**changes: object) -> Callable[[], object]:
        values: dict = {"staff_id": "E2", "first_name": "Ben", "last_name": "Okafor", "role": "SPLW",
                        "employer": "Northside Community Trust", "start_date": "2024-01-01"} | changes
        return lambda: people.create_person("cli", **values)

    refused(create(staff_id="E1"), "staff_id", "already in use")
    refused(create(role="Astronaut"), "role", "'Astronaut' is not a role")
    refused(create(start_date="29/02/2025"), "start_date", "not a valid date")
    refused(create(end_date="2023-12-31"), "end_date", "before the start date")
    refused(create(first_name=""), "first_name", "required")
    refused(create(fte="1.5"), "fte", "out of range")
    refused(create(email="not-an-address"), "email", "not an email address")
    refused(create(supervisor_staff_id="E2"), "supervisor_staff_id", "own supervisor")
    assert Person.select().count() == count


def test_an_empty_person_form_lists_every_required_field_at_once(database):
    count = events()
    with pytest.raises(ValidationError) as caught:
        people.create_person("ui", "", "", "", "", "", "")
    problems = {p.field: p.message for p in caught.value.problems}
    assert problems == {
        "staff_id": "a value is required", "first_name": "a value is required", "last_name": "a value is required",
        "role": "a role is required", "employer": "a value is required", "start_date": problems["start_date"],
    }
    assert "required" in problems["start_date"]
    assert caught.value.field == "staff_id"  # the first one, as before
    assert "Last name: a value is required" in caught.value.message.splitlines()
    assert Person.select().count() == 0 and events() == count


def test_a_person_form_wrong_everywhere_names_each_field_and_an_unknown_supervisor_too(database):
    f.person(staff_id="E1")
    with pytest.raises(ValidationError) as caught:
        people.create_person("ui", "E1", "Ben", "Okafor", "Astronaut", "Hill Practice", "31/02/2026",
                             email="not-an-address", fte="1.5", supervisor_staff_id="E404")
    problems = {p.field: p.message for p in caught.value.problems}
    assert set(problems) == {"staff_id", "role", "start_date", "email", "fte", "supervisor_staff_id"}
    assert "already in use" in problems["staff_id"] and "E404" in problems["supervisor_staff_id"]
    assert Person.select().count() == 1


def test_a_details_form_emptied_names_both_names(database):
    asha = f.person(staff_id="E1")
    with pytest.raises(ValidationError) as caught:
        people.update_person("ui", asha.id, 1, "", " ", "nope")
    assert [p.field for p in caught.value.problems] == ["first_name", "last_name", "email"]
    assert Person.get_by_id(asha.id).first_name == "Asha"


def test_a_validation_error_of_one_field_is_as_it_was():
    one = ValidationError("a value is required", "staff_id")
    assert (one.message, one.field, [(p.field, p.message) for p in one.problems]) == (
        "a value is required", "staff_id", [("staff_id", "a value is required")])
    assert ValidationError("no field").problems[0].field is None


def test_a_named_supervisor_is_recorded_from_the_start_date(database):
    gp = f.person("Gita", "Rao", role="GPP", staff_id="G1")
    ben = people.create_person("cli", "E2", "Ben", "Okafor", "CC", "Hill Practice", date(2025, 3, 1),
                               supervisor_staff_id="G1")
    [link] = SupervisorAssignment.select().where(SupervisorAssignment.supervisee == ben.person_id)
    assert (link.supervisor_id, link.kind, link.start_date, link.end_date) == (gp.id, "clinical", date(2025, 3, 1), None)


def test_updating_with_a_stale_version_is_a_conflict_and_changes_nothing(database):
    asha = f.person(staff_id="E1", first="Asha")
    with one_audit_event():
        updated = people.update_person("ui", asha.id, 1, "Asha", "Patel-Jones", "asha@example.org")
    assert (updated.version, updated.last_name) == (2, "Patel-Jones")
    refused(lambda: people.update_person("ui", asha.id, 1, "Ash", "P", None), "", "changed by someone else",
            ConflictError)
    assert Person.get_by_id(asha.id).first_name == "Asha"


def test_a_change_of_role_ends_the_old_job_the_day_before(database):
    asha = f.person(staff_id="E1", role="SPLW", start=date(2024, 1, 1))
    with one_audit_event():
        people.change_employment("ui", asha.id, "Care Coordinator", "Hill Practice", "2025-06-01",
                                 employer_kind="gp_practice", version=1)
    old, new = Employment.select().where(Employment.person == asha.id).order_by(Employment.start_date)
    assert (old.role.code, old.end_date) == ("SPLW", date(2025, 5, 31))
    assert (new.role.code, new.employer.name, new.start_date, new.end_date) == ("CC", "Hill Practice",
                                                                                  date(2025, 6, 1), None)
    assert Person.get_by_id(asha.id).version == 2
    refused(lambda: people.change_employment("ui", asha.id, "SPLW", "Hill Practice", "2025-06-01"), "start_date",
            "must start after")


def test_a_leaver_keeps_their_record_and_can_then_be_archived(database):
    asha = f.person(staff_id="E1", start=date(2024, 1, 1))
    refused(lambda: people.archive_person("ui", asha.id), "archived", "leaving date")
    refused(lambda: people.record_leaver("ui", asha.id, "2023-06-30"), "end_date", "before the start date")
    with one_audit_event():
        people.record_leaver("ui", asha.id, "30/06/2026")
    assert Employment.get(Employment.person == asha.id).end_date == date(2026, 6, 30)
    with one_audit_event():
        archived = people.archive_person("ui", asha.id)
    assert archived.archived and Person.select().where(Person.staff_id == "E1").count() == 1
    assert person_compliance(asha.id, TODAY) is None or not person_compliance(asha.id, TODAY).active


def test_a_new_supervisor_replaces_the_old_from_the_day(database):
    asha, gp1, gp2 = f.person(staff_id="E1"), f.person(staff_id="G1", role="GPP"), f.person(staff_id="G2", role="GPP")
    assignments.assign_supervisor("ui", asha.id, gp1.id, start=date(2025, 1, 1))
    with one_audit_event():
        assignments.assign_supervisor("ui", asha.id, gp2.id, start=date(2026, 3, 1))
    first, second = SupervisorAssignment.select().order_by(SupervisorAssignment.start_date)
    assert (first.supervisor_id, first.end_date) == (gp1.id, date(2026, 2, 28))
    assert (second.supervisor_id, second.end_date) == (gp2.id, None)
    contact = assignments.first_point_of_contact("ui", asha.id, gp1.id, date(2026, 3, 1))
    assert contact.first_contact and contact.kind == "practice"
    assert [p.id for p in assignments.supervisees_of(gp2.id, date(2026, 4, 1))] == [asha.id]
    refused(lambda: assignments.assign_supervisor("ui", asha.id, asha.id), "supervisor_staff_id", "own supervisor")


# ---- training -----------------------------------------------------------------------------------------------


def test_a_completion_is_recorded_once_and_a_repeat_is_reported_not_refused(database):
    asha = f.person(staff_id="E1")
    with one_audit_event():
        first = training.add_training("ui", asha.id, "sg-l2", "01/12/2023", "e-LfH", today=TODAY)
    assert not first.duplicate and first.record.course.code == "SG-L2"
    count = events()
    again = training.add_training("ui", asha.id, "Safeguarding Adults and Children Level 2", "2023-12-01",
                                  today=TODAY)
    assert again.duplicate and again.record.id == first.record.id
    assert events() == count and TrainingRecord.select().count() == 1


def test_a_completion_in_the_future_or_of_an_unknown_course_is_refused(database):
    asha = f.person(staff_id="E1")
    refused(lambda: training.add_training("ui", asha.id, "SG-L2", "2026-11-23", today=TODAY), "completed_on",
            "in the future")
    refused(lambda: training.add_training("ui", asha.id, "Juggling", "2026-11-01", today=TODAY), "course",
            "'Juggling' is not a course")
    training.add_training("ui", asha.id, "SG-L2", "2026-11-22", today=TODAY)
    assert TrainingRecord.select().count() == 1


# ---- supervision --------------------------------------------------------------------------------------------


def test_a_session_is_logged_with_one_event_that_leaves_out_the_private_notes(database, notes_key):
    gp, asha = f.person(staff_id="G1", role="GPP"), f.person(staff_id="E1")
    with one_audit_event() as audited:
        session = supervision.log_session(
            "ui", gp.id, "14/10/2026", 60, "clinical", None, "video", [asha.id], topics="caseload",
            next_date="2026-11-14", private_notes="worried about burnout", today=TODAY, notes_key=notes_key,
        )
    assert (session.format, session.mode, session.minutes) == ("one_to_one", "video", 60)
    event = audited.event
    assert "burnout" not in (event.after or "") and "private_notes" not in json.loads(event.after)
    assert json.loads(event.after)["supervisee_staff_ids"] == ["E1"]
    [result] = [person_compliance(asha.id, date(2026, 10, 31))]
    assert result.month(date(2026, 10, 1)).status == "met"


BAD_SESSIONS = [
    ({"minutes": 0}, "minutes", "out of range (1 to 480)"),
    ({"minutes": 481}, "minutes", "out of range (1 to 480)"),
    ({"minutes": "45.5"}, "minutes", "not a whole number"),
    ({"format": "group"}, "format", "at least two supervisees"),
    ({"on": "2023-06-01"}, "supervisee_staff_ids", "E1 was not employed on 01/06/2023"),
    ({"on": "2026-11-23"}, "date", "in the future"),
    ({"kind": "pastoral"}, "kind", "not one of clinical, educational, practice"),
    ({"supervisees": "self"}, "supervisee_staff_ids", "cannot supervise themself"),
    ({"supervisees": []}, "supervisee_staff_ids", "at least one supervisee"),
]


def test_an_empty_session_form_lists_every_problem_at_once(database):
    gp = f.person(staff_id="G1", role="GPP")
    count = events()
    with pytest.raises(ValidationError) as caught:
        supervision.log_session("ui", gp.id, "", "", "pastoral", None, "by pigeon", [], next_date="32/13/2026",
                                today=TODAY)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["date", "supervisee_staff_ids", "minutes", "kind", "mode", "next_date"]
    assert SupervisionSession.select().count() == 0 and events() == count


def test_a_bad_session_is_refused(database):
    gp, asha = f.person(staff_id="G1", role="GPP"), f.person(staff_id="E1", start=date(2024, 1, 1))
    for changes, field, words in BAD_SESSIONS:
        values: dict = {"on": "2026-10-14", "minutes": 60, "kind": "clinical", "format": None,
                        "supervisees": [asha.id]} | changes
        if values["supervisees"] == "self":
            values["supervisees"] = [asha.id, gp.id]
        refused(lambda v=values: supervision.log_session("ui", gp.id, v["on"], v["minutes"], v["kind"], v["format"],
                                                         "in_person", v["supervisees"], today=TODAY),
                field, words)
    assert SupervisionSession.select().count() == 0


def test_a_group_session_counts_for_every_supervisee_who_confirms_or_queries_it(database):
    gp = f.person(staff_id="G1", role="GPP")
    asha, ben = f.person(staff_id="E1"), f.person(staff_id="E2", first="Ben")
    session = supervision.log_session("ui", gp.id, date(2026, 11, 3), 90, "clinical", "group", "in_person",
                                      [asha.id, ben.id], today=TODAY)
    assert SessionAttendee.select().where(SessionAttendee.session == session.id).count() == 2
    with one_audit_event():
        supervision.confirm_attendance("user:asha", session.id, asha.id)
    with one_audit_event():
        supervision.query_attendance("user:ben", session.id, ben.id, "It was 60 minutes, not 90")
    states = {a.person_id: (a.confirmation, a.query_text) for a in SessionAttendee.select()}
    assert states == {asha.id: ("confirmed", ""), ben.id: ("queried", "It was 60 minutes, not 90")}
    refused(lambda: supervision.query_attendance("user:ben", session.id, ben.id, " "), "query_text", "required")
    refused(lambda: supervision.confirm_attendance("user:gp", session.id, gp.id), "", "not recorded", NotFound)


# ---- absences and rules ---------------------------------------------------------------------------------------


def test_an_absence_must_end_after_it_starts_and_not_overlap_another(database):
    asha = f.person(staff_id="E1")
    refused(lambda: absences.add_absence("ui", asha.id, "2026-03-01", "2026-02-28", "sickness"), "end_date",
            "before the start date")
    with one_audit_event():
        absences.add_absence("ui", asha.id, "2026-03-01", "2026-05-31", "maternity")
    refused(lambda: absences.add_absence("ui", asha.id, "2026-05-01", "2026-06-30"), "start_date", "overlaps")
    refused(lambda: absences.add_absence("ui", asha.id, "2026-06-01", "2026-06-30", "holiday"), "reason",
            "not one of")
    assert Absence.select().count() == 1


def test_an_employer_requirement_is_set_then_changed_and_overrides_the_role(database):
    trust = f.org("Northside Community Trust", "vcse")
    asha = f.person(staff_id="E1", employer=trust)
    f.trained(asha, "SG-L2", date(2025, 1, 10))
    with one_audit_event():
        rules.set_requirement("ui", "employer", "northside community trust", "SG-L2", 12, None)
    with one_audit_event():
        rules.set_requirement("ui", "employer", "Northside Community Trust", "SG-L2", "24", "30")
    count = events()
    rules.set_requirement("ui", "employer", "Northside Community Trust", "SG-L2", 24, 30)
    assert events() == count
    row = Requirement.get(Requirement.employer == trust.id)
    assert (row.renewal_months, row.new_starter_days) == (24, 30)
    sg2 = next(t for t in person_compliance(asha.id, TODAY).training if t.course == "SG-L2")
    assert sg2.expires_on == date(2027, 1, 10)
    refused(lambda: rules.set_requirement("ui", "employer", "Nowhere Trust", "SG-L2"), "name", "not a known employer")
    refused(lambda: rules.set_requirement("ui", "role", "SPLW", "SG-L2", -1), "renewal_months", "out of range")
    refused(lambda: rules.set_requirement("ui", "team", "SPLW", "SG-L2"), "scope", "not one of role, employer")


def test_a_supervision_rule_names_the_kinds_that_count(database):
    with one_audit_event():
        rule = rules.set_supervision_rule("ui", "role", "Clinical Pharmacist", 90, "clinical; educational", "no")
    assert (rule.min_minutes, rule.kinds, rule.group_counts) == (90, "clinical;educational", False)
    refused(lambda: rules.set_supervision_rule("ui", "role", "CP", 60, "pastoral"), "kinds", "not one of")
    refused(lambda: rules.set_supervision_rule("ui", "role", "CP", 60, "clinical", "maybe"), "group_counts",
            "not yes or no")
    with one_audit_event():
        rules.remove_supervision_rule("ui", rule.id)
    assert not SupervisionRule.select().where(SupervisionRule.id == rule.id).exists()


# ---- users ------------------------------------------------------------------------------------------------


def test_a_login_is_created_with_a_hashed_password_the_audit_never_sees(database):
    f.person(staff_id="E1")
    with one_audit_event() as audited:
        user = users.add_user("cli", "Asha@Example.org", PASSWORD, ["staff", "supervisor"], "E1")
    assert user.email == "asha@example.org" and user.roles == ("staff", "supervisor")
    stored = User.get_by_id(user.user_id)
    assert verify_password(stored.password_hash, PASSWORD) and PASSWORD not in stored.password_hash
    assert "password_hash" not in json.loads(audited.event.after)


BAD_LOGINS = [
    (["lead"], None, None, "employer", "a lead needs a scope"),
    (["staff"], None, None, "person", "linked to a person"),
    (["boss"], None, None, "roles", "'boss' is not one of"),
    (["lead"], None, "Nowhere Trust", "employer", "not a known employer"),
    (["admin"], "E404", None, "person", "no person has staff id 'E404'"),
]


def test_a_login_with_a_bad_role_or_scope_is_refused(database):
    for roles, person, employer, field, words in BAD_LOGINS:
        refused(lambda r=roles, p=person, e=employer: users.add_user("cli", "lead@example.org", PASSWORD, r, p, e),
                field, words)
    assert User.select().count() == 0


def test_weak_passwords_and_repeated_emails_are_refused(database):
    refused(lambda: users.add_user("cli", "a@example.org", "short", "admin"), "password", "at least 12")
    users.add_user("cli", "a@example.org", PASSWORD, "admin")
    refused(lambda: users.add_user("cli", "A@example.org", PASSWORD, "admin"), "email", "already a login")


def test_a_password_change_checks_the_current_one_and_a_deactivated_login_stays(database):
    f.org("Hill Practice", "gp_practice")
    user = users.add_user("cli", "lead@example.org", PASSWORD, "lead", employer_name="Hill Practice")
    refused(lambda: users.change_password("ui", user.user_id, "new password 123", "wrong one"), "current_password",
            "not your current password")
    with one_audit_event():
        users.change_password("ui", user.user_id, "new password 123", PASSWORD)
    assert verify_password(User.get_by_id(user.user_id).password_hash, "new password 123")
    with one_audit_event():
        users.set_roles("ui", user.user_id, "lead;admin", pcn_name=None, employer_name="Hill Practice")
    with one_audit_event():
        users.deactivate_user("ui", user.user_id)
    stored = User.get_by_id(user.user_id)
    assert (stored.active, stored.roles, stored.lead_employer.name) == (False, "lead;admin", "Hill Practice")
    assert Organisation.select().count() == 1
