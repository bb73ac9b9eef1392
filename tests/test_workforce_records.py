"""Workforce checks, printed expiries, safeguarding pairs and supervision periods through the database and the
loader, on SQLite and PostgreSQL: what an ESR or e-learning export, a registration check and a rule file write
is what the engine counts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cli import main
from tests import factories as f
from tracker import compliance as c
from tracker.errors import ImportRejected
from tracker.importers import import_file
from tracker.models import Role, SupervisionRule, TrainingRecord
from tracker.services import rules, training
from tracker.views.population import person_compliance

TODAY = date(2026, 11, 22)


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def item(person_id: int, code: str, on: date = TODAY) -> c.CourseStatus:
    result = person_compliance(person_id, on)
    assert result is not None
    return next(t for t in result.training if t.course == code)


def test_a_registrations_printed_expiry_counts_through_the_loader(database):
    priya = f.person("Priya", "Raman", role="CP")
    training.add_training("test", priya.id, "REG-GPHC", date(2026, 8, 22), "General Pharmaceutical Council",
                          reference="2071234", expires_on=date(2026, 12, 12), today=TODAY)
    got = item(priya.id, "REG-GPHC")
    assert (got.kind, got.status, got.completed_on, got.expires_on) == (
        "registration", "due_soon", date(2026, 8, 22), date(2026, 12, 12))
    later = TrainingRecord.get()
    assert (later.reference, later.expires_on) == ("2071234", date(2026, 12, 12))


def test_a_printed_expiry_later_than_the_rules_leaves_the_rules(database):
    priya = f.person("Priya", "Raman", role="CP")
    training.add_training("test", priya.id, "REG-GPHC", date(2025, 12, 1), "GPhC", expires_on=date(2027, 6, 30),
                          today=TODAY)
    assert (item(priya.id, "REG-GPHC").expires_on, item(priya.id, "REG-GPHC").status) == (date(2026, 12, 1), "due_soon")


def test_an_expiry_not_after_the_date_is_refused_at_the_field_and_nothing_is_written(database):
    priya = f.person("Priya", "Raman", role="CP")
    try:
        training.add_training("test", priya.id, "DBS-ENH", date(2025, 1, 10), expires_on=date(2025, 1, 10),
                              today=TODAY)
    except Exception as exc:  # noqa: BLE001 - the message and field are what matter
        assert getattr(exc, "field", None) == "expires_on"
        assert "is not after the date 10/01/2025" in str(exc)
    else:
        raise AssertionError("an expiry on the day of the check was accepted")
    assert TrainingRecord.select().count() == 0


def test_a_training_file_with_two_safeguarding_subjects_and_expiry_dates_goes_in(database, tmp_path):
    """As ESR and e-learning exports record them: one row per subject with an expiry, a check with its number."""
    cara = f.person("Cara", "Bennett", role="CC", staff_id="10034567")
    path = write(tmp_path, "esr.csv", "\n".join([
        "staff_id,course,completed_on,expires_on,provider,reference",
        "10034567,SGA-L3,01/02/2025,01/02/2028,e-Learning for Healthcare,",
        "10034567,SGC-L3,03/02/2025,,e-Learning for Healthcare,",
        "10034567,DBS-ENH,12/03/2024,,Disclosure and Barring Service,001234567890",
    ]))
    result = import_file("training", path, "test", today=TODAY)
    assert result.created == 3
    statuses = {t.course: (t.status, t.met_by) for t in person_compliance(cara.id, TODAY).training}
    assert statuses["SG-L1"] == ("compliant", ("SGA-L3", "SGC-L3"))
    assert statuses["SG-L2"] == ("compliant", ("SGA-L3", "SGC-L3"))
    assert statuses["DBS-ENH"] == ("compliant", ("DBS-ENH",))
    dbs = TrainingRecord.get(TrainingRecord.reference != "")
    assert (dbs.reference, dbs.provider) == ("001234567890", "Disclosure and Barring Service")


def test_an_import_with_a_bad_expiry_names_each_row_and_writes_nothing(database, tmp_path):
    f.person("Cara", "Bennett", role="CC", staff_id="E1")
    path = write(tmp_path, "bad.csv", "\n".join([
        "staff_id,course,completed_on,expires_on,reference",
        "E1,REG-NMC,2025-06-01,2025-05-31,12A3456E",
        "E1,RTW,2025-06-01,12/31/2026,",
    ]))
    try:
        import_file("training", path, "test", today=TODAY)
    except ImportRejected as exc:
        lines = [f"row {e.row}: {e.column}: {e.message}" for e in exc.errors]
    else:
        raise AssertionError("a bad file was imported")
    assert lines[0] == "row 2: expires_on: the expiry 31/05/2025 is not after the date 01/06/2025"
    assert lines[1].startswith("row 3: expires_on:") and "12/31/2026" in lines[1]
    assert TrainingRecord.select().count() == 0


def test_a_pair_with_one_side_expired_is_expired_through_the_loader(database):
    cara = f.person("Cara", "Bennett", role="CC")
    f.trained(cara, "SGA-L3", date(2023, 10, 1))
    f.trained(cara, "SGC-L3", date(2025, 10, 1))
    got = item(cara.id, "SG-L2")
    assert (got.status, got.expires_on, got.satisfied_by) == ("expired", date(2026, 10, 1), "SGA-L3 + SGC-L3")


def test_a_senior_clinical_pharmacist_is_supervised_every_three_months_by_default(database):
    """The built-in rule: a session in October covers November and December; the quarter before was met."""
    siddiqui = f.person("Farah", "Siddiqui", role="SC")
    chidi = f.person("Chidi", "Eze", role="SCP", start=date(2025, 1, 1))
    for on in (date(2026, 1, 20), date(2026, 5, 2), date(2026, 8, 9), date(2026, 10, 5)):
        f.session(siddiqui, chidi, on)
    result = person_compliance(chidi.id, TODAY)
    assert result is not None
    by_month = {m.month: (m.status, m.minutes, m.period_months) for m in result.months}
    assert by_month[date(2025, 12, 1)] == ("missed", 0, 3)  # October-December 2025: no session
    assert by_month[date(2026, 2, 1)] == ("met", 0, 3)  # January's session meets January-March
    assert by_month[date(2026, 9, 1)] == ("met", 0, 3)
    assert by_month[date(2026, 10, 1)] == ("met", 60, 3)
    assert by_month[date(2026, 11, 1)] == ("met", 0, 3)
    assert result.rag != c.RED or not any(r.startswith("Supervision") for r in result.reasons)


def test_a_rule_file_sets_the_period_and_refuses_one_the_year_does_not_divide_into(database, tmp_path):
    asha = f.person("Asha", "Patel", role="SPLW", start=date(2025, 1, 1))
    gp = f.person("Rhys", "Llewellyn", role="GPP")
    f.session(gp, asha, date(2026, 7, 1))
    path = write(tmp_path, "rules.csv", "scope,name,min_minutes_per_month,kinds,group_counts,period_months\n"
                                        "role,SPLW,60,clinical,yes,6\n")
    assert import_file("supervision-rules", path, "test", today=TODAY).created == 1
    assert SupervisionRule.get(SupervisionRule.role == Role.get(Role.code == "SPLW").id).period_months == 6
    result = person_compliance(asha.id, TODAY)
    assert result is not None and result.month(date(2026, 11, 1)).status == "met"  # July-December: July's hour
    assert result.month(date(2026, 6, 1)).status == "missed"  # January-June: nothing
    bad = write(tmp_path, "bad.csv", "scope,name,min_minutes_per_month,kinds,group_counts,period_months\n"
                                     "role,SPLW,60,clinical,yes,5\nrole,CC,60,clinical,yes,24\n")
    try:
        import_file("supervision-rules", bad, "test", today=TODAY)
    except ImportRejected as exc:
        lines = [f"row {e.row}: {e.column}: {e.message}" for e in exc.errors]
    else:
        raise AssertionError("a bad period was imported")
    assert lines == [
        "row 2: period_months: 5 is not a period the year divides into (one of 1, 2, 3, 4, 6, 12)",
        "row 3: period_months: 24 is out of range (1 to 12)",
    ]
    rule = rules.set_supervision_rule("test", "role", "CC", 60, "clinical", True, 3)
    assert rule.period_months == 3


def test_status_json_lists_every_item_with_its_kind_and_each_months_period(database, capsys):
    chidi = f.person("Chidi", "Eze", role="SCP", staff_id="E7001")
    training.add_training("test", chidi.id, "REG-GPHC", date(2026, 3, 1), "GPhC", reference="2071234",
                          today=TODAY)
    assert main(["status", "--as-of", "2026-11-22", "--format", "json", "--database", database]) == 0
    people = json.loads(capsys.readouterr().out)["people"]
    entry = next(p for p in people if p["staff_id"] == "E7001")
    kinds = {t["course"]: t["kind"] for t in entry["training"]}
    assert kinds["REG-GPHC"] == "registration" and kinds["DBS-ENH"] == "check" and kinds["RTW"] == "check"
    assert kinds["APPRAISAL"] == "appraisal" and kinds["IPC"] == "course" and kinds["MH"] == "course"
    registration = next(t for t in entry["training"] if t["course"] == "REG-GPHC")
    assert (registration["status"], registration["expires_on"]) == ("compliant", "2027-03-01")
    november = entry["supervision"]["months"][-1]
    assert november["month"] == "2026-11"
    assert november["period"] == {"from": "2026-10-01", "to": "2026-12-31", "months": 3, "minutes": 0,
                                  "required": 60}


def test_naming_a_supervisor_of_another_kind_warns_and_the_reports_exceptions_list_it(database, tmp_path):
    from tracker.models import AuditEvent, Person
    from tracker.services import assignments
    from tracker.views.report_data import scope_report_data

    trust = f.org("Northside Community Trust")
    priya = f.person("Priya", "Raman", role="CP", employer=trust)
    callum = f.person("Callum", "Fraser", role="SC", employer=trust)
    farah = f.person("Farah", "Siddiqui", role="SC", employer=trust)
    Person.update(profession="physiotherapist").where(Person.id == callum.id).execute()
    Person.update(profession="pharmacist").where(Person.id == farah.id).execute()
    placed = assignments.assign_supervisor("test", priya.id, callum.id, "clinical", date(2026, 1, 1))
    assert placed.warning == ("a physiotherapist is not a kind of clinical supervisor a Clinical Pharmacist expects "
                              "(a pharmacist or gp)")
    assert "warning" in json.loads(AuditEvent.select().order_by(AuditEvent.id.desc()).get().after)
    data = scope_report_data("employer", "Northside Community Trust", TODAY, "Jo Lead", None)
    assert data.supervisor_warnings == (("Priya Raman", placed.warning),)
    fine = assignments.assign_supervisor("test", priya.id, farah.id, "clinical", date(2026, 2, 1))
    assert fine.warning is None
    assert scope_report_data("employer", "Northside Community Trust", TODAY, "Jo Lead", None).supervisor_warnings == ()
