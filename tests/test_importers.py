"""Importing files: every kind with a good file, and bad files that name row and column and write nothing."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests import factories as f
from tracker.errors import ImportRejected
from tracker.importers import import_file
from tracker.models import (
    Absence,
    AuditEvent,
    Employment,
    Organisation,
    Pcn,
    Person,
    Requirement,
    SessionAttendee,
    SupervisionRule,
    SupervisionSession,
    SupervisorAssignment,
    TrainingRecord,
)
from tracker.views.population import person_compliance, snapshot

TODAY = date(2026, 11, 22)
TABLES = (Person, Employment, Organisation, Pcn, SupervisorAssignment, TrainingRecord, SupervisionSession,
          SessionAttendee, Absence, Requirement, SupervisionRule, AuditEvent)
PEOPLE_HEADER = "staff_id,first_name,last_name,email,role,employer,employer_type,pcn,band,fte,start_date,end_date,supervisor_staff_id"


def counts() -> dict[str, int]:
    return {t.__name__: t.select().count() for t in TABLES}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def imported(kind: str, path: Path, **options: object):  # type: ignore[no-untyped-def]
    return import_file(kind, path, "test", today=TODAY, **options)  # type: ignore[arg-type]


def rejected(kind: str, path: Path, **options: object) -> list[str]:
    """The import is refused, nothing at all is written, and the errors come back as `row N: column: message`."""
    before = counts()
    with pytest.raises(ImportRejected) as caught:
        imported(kind, path, **options)
    assert counts() == before
    return [str(e) for e in caught.value.errors]


def team(tmp_path: Path) -> Path:
    return write(tmp_path, "people.csv", "\n".join([
        PEOPLE_HEADER,
        "E1001,Asha,Patel,asha@example.org,Social Prescribing Link Worker,Northside Community Trust,vcse,North PCN,5,0.8,01/02/2024,,G1",
        "E1002,Ben,Okafor,,CC,Hill Practice,gp_practice,North PCN,4,1,2025-03-01,,G1",
        "G1,Gita,Rao,gita@example.org,GPP,Hill Practice,,North PCN,,,2019-09-01,,",
    ]) + "\n")


# ---- people -------------------------------------------------------------------------------------------------


def test_a_people_file_creates_people_employers_pcn_and_supervisors_in_one_event(database, tmp_path):
    before = AuditEvent.select().count()
    result = imported("people", team(tmp_path))
    assert (result.rows, result.created, result.updated, result.skipped) == (3, 3, 0, [])
    assert AuditEvent.select().count() == before + 1
    asha = Person.get(Person.staff_id == "E1001")
    job = Employment.get(Employment.person == asha.id)
    assert (job.role.code, job.employer.name, job.employer.kind, job.pcn.name, job.fte) == (
        "SPLW", "Northside Community Trust", "vcse", "North PCN", 0.8)
    assert Organisation.get(Organisation.name == "Hill Practice").kind == "gp_practice"
    supervisors = {a.supervisee.staff_id: (a.supervisor.staff_id, a.start_date) for a in SupervisorAssignment.select()}
    assert supervisors == {"E1001": ("G1", date(2024, 2, 1)), "E1002": ("G1", date(2025, 3, 1))}


def test_importing_the_same_people_again_changes_nothing(database, tmp_path):
    path = team(tmp_path)
    imported("people", path)
    before = counts()
    result = imported("people", path)
    assert (result.created, result.updated) == (0, 0)
    assert [str(n) for n in result.skipped] == ["row 2: E1001 is unchanged", "row 3: E1002 is unchanged",
                                                "row 4: G1 is unchanged"]
    assert counts() == before


def test_a_change_of_employer_in_the_file_ends_the_old_job_the_day_before(database, tmp_path):
    imported("people", team(tmp_path))
    moved = write(tmp_path, "moved.csv", f"{PEOPLE_HEADER}\n"
                  "E1001,Asha,Patel,,SPLW,Hill Practice,,,5,1,01/09/2026,,\n")
    result = imported("people", moved)
    assert (result.created, result.updated) == (0, 1)
    old, new = Employment.select().join(Person).where(Person.staff_id == "E1001").order_by(Employment.start_date)
    assert (old.employer.name, old.end_date) == ("Northside Community Trust", date(2026, 8, 31))
    assert (new.employer.name, new.start_date, new.end_date) == ("Hill Practice", date(2026, 9, 1), None)
    assert Person.get(Person.staff_id == "E1001").version == 2


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(database, tmp_path):
    before = counts()
    result = imported("people", team(tmp_path), dry_run=True)
    assert (result.dry_run, result.created) == (True, 3)
    assert result.summary().startswith("dry run, nothing written: people from people.csv: 3 rows; created 3")
    assert counts() == before


BAD_PEOPLE = [
    ("E1,Asha,Patel,,SPLW,Trust,vcse,,,,31/04/2024,,", "row 2: start_date: '31/04/2024' is not a valid date"),
    ("E1,Asha,Patel,,SPLW,Trust,vcse,,,,29/02/2025,,", "row 2: start_date: '29/02/2025' is not a valid date"),
    ("E1,Asha,Patel,,Astronaut,Trust,vcse,,,,2024-01-01,,", "row 2: role: 'Astronaut' is not a role in the catalogue"),
    ("E1,Asha,Patel,,SPLW,Trust,charity,,,,2024-01-01,,", "row 2: employer_type: 'charity' is not one of pcn"),
    ("E1,Asha,Patel,,SPLW,Trust,vcse,,,2,2024-01-01,,", "row 2: fte: 2 is out of range"),
    ("E1,Asha,Patel,,SPLW,Trust,vcse,,,,2024-01-01,2023-01-01,", "row 2: end_date: the end date 01/01/2023 is before"),
    ("E1,Asha,Patel,,SPLW,Trust,vcse,,,,2024-01-01,,E9", "row 2: supervisor_staff_id: no person has staff id 'E9'"),
    ("E1,,Patel,,SPLW,Trust,vcse,,,,2024-01-01,,", "row 2: first_name: a value is required for a new person (E1)"),
]


def test_every_bad_people_row_is_reported_in_one_pass_and_nothing_is_written(database, tmp_path):
    rows = [
        "E1,Asha,Patel,,SPLW,Trust,vcse,,,,31/04/2024,,",  # a date that does not exist
        "E2,Ben,Okafor,,Astronaut,Trust,vcse,,,,2024-01-01,,",  # a role that is not in the catalogue
        "E3,,Lewis,,,Trust,vcse,,,,2024-01-01,bad,E404",  # no first name or role, a bad date, an unknown supervisor
    ]
    errors = rejected("people", write(tmp_path, "three.csv", PEOPLE_HEADER + "\n" + "\n".join(rows) + "\n"))
    assert errors[0].startswith("row 2: start_date: '31/04/2024' is not a valid date")
    assert errors[1].startswith("row 3: role: 'Astronaut' is not a role in the catalogue")
    row4 = sorted(e.split(":")[1].strip() for e in errors[2:])
    assert row4 == ["end_date", "first_name", "role", "supervisor_staff_id"], errors
    assert "row 4: supervisor_staff_id: no person has staff id 'E404'" in errors


def test_a_bad_people_row_is_named_and_nothing_is_written(database, tmp_path):
    for row, message in BAD_PEOPLE:
        path = write(tmp_path, "bad.csv", f"{PEOPLE_HEADER}\nE0,Zoe,Adams,,SPLW,Trust,vcse,,,,2024-01-01,,\n{row}\n")
        errors = rejected("people", path)
        assert len(errors) == 1 and errors[0].startswith(message.replace("row 2", "row 3")), (message, errors)


def test_every_bad_row_is_reported_not_just_the_first(database, tmp_path):
    path = write(tmp_path, "bad.csv", "\n".join([
        "staff_id,first_name,last_name,role,employer,start_date",
        "E1,Asha,Patel,SPLW,Trust,2024-01-01",
        "E2,Ben,Okafor,Astronaut,Trust,2024-13-01",
        "E1,Asha,Patel,SPLW,Trust,2024-01-01",
    ]))
    assert rejected("people", path) == [
        "row 3: role: 'Astronaut' is not a role in the catalogue (use a role name or code)",
        "row 3: start_date: '2024-13-01' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)",
        "row 4: staff_id: E1 appears more than once in the file (first on row 2)",
    ]


BAD_FILES = [
    (b"", "row 1: file: the file is empty"),
    (b"\xef\xbb\xbf\n\n", "row 1: file: the file is empty"),
    (b"staff_id,first_name,last_name,role,employer,start_date\n", "row 2: file: the file has a header row but no"),
    (b"staff_id,first_name,last_name,role,employer,start_date,nickname\nE1,A,B,SPLW,T,2024-01-01,Ash\n",
     "row 1: nickname: unknown column (the people file has: staff_id, first_name"),
    (b"staff_id,first_name,last_name,role,employer\nE1,A,B,SPLW,T\n", "row 1: start_date: required column is missing"),
    (b"staff_id,first_name,last_name,role,employer,start_date\nE1,A,B,SPLW,T,2024-01-01\nE2,Ren\x81e,B,SPLW,T,2024-01-01\n",
     "row 3: file: the file is neither UTF-8 nor Windows-1252 text (byte 0x81 cannot be read); save it as 'CSV UTF-8'"),
]


def test_a_bad_file_is_refused_with_row_and_column(database, tmp_path):
    for content, message in BAD_FILES:
        [error] = rejected("people", write(tmp_path, "people.csv", content))
        assert error.startswith(message), (message, error)


def test_a_utf8_file_with_a_byte_order_mark_and_upper_case_headers_is_read(database, tmp_path):
    path = write(tmp_path, "p.csv", "\ufeffStaff_ID,First_Name,Last_Name,ROLE,Employer,Start_Date\r\n"
                                    "E1,Renée,Żak,SPLW,Trust,2024-01-01\r\n")
    assert imported("people", path).created == 1
    assert Person.get(Person.staff_id == "E1").name == "Renée Żak"


def test_ten_thousand_people_import_in_seconds(database, tmp_path):
    lines = [PEOPLE_HEADER] + [
        f"S{i:05d},First{i},Last{i},,{'SPLW' if i % 2 else 'CC'},Employer {i % 40},vcse,PCN {i % 5},4,1,"
        f"2024-01-01,,{'S00000' if i else ''}"
        for i in range(10_000)
    ]
    path = write(tmp_path, "big.csv", "\n".join(lines))
    started = time.perf_counter()
    result = imported("people", path)
    elapsed = time.perf_counter() - started
    assert result.created == 10_000 and Employment.select().count() == 10_000
    assert SupervisorAssignment.select().count() == 9_999
    assert elapsed < 20, f"10,000 people took {elapsed:.1f} s"
    started = time.perf_counter()
    assert len(imported("people", path, dry_run=True).skipped) == 10_000
    assert time.perf_counter() - started < 20


# ---- Excel ----------------------------------------------------------------------------------------------------


def xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / "file.xlsx"
    book.save(path)
    return path


def test_an_excel_file_with_real_dates_and_numeric_ids_is_imported(database, tmp_path):
    path = xlsx(tmp_path, [
        ["Staff ID", "First Name", "Last Name", "Role", "Employer", "Start Date", "FTE"],
        [1001, "Asha", "Patel", "SPLW", "Northside Community Trust", datetime(2024, 2, 1), 0.5],
        [None, None, None, None, None, None, None],
        [1002, "Ben", "Okafor", "CC", "Hill Practice", "01/03/2025", 1],
    ])
    assert imported("people", path).created == 2
    job = Employment.select().join(Person).where(Person.staff_id == "1001").get()
    assert (job.start_date, job.fte) == (date(2024, 2, 1), 0.5)


def test_a_bad_row_in_an_excel_file_is_named(database, tmp_path):
    path = xlsx(tmp_path, [
        ["staff_id", "course", "completed_on"],
        ["E1", "SG-L2", datetime(2025, 1, 1)],
        ["E1", "SG-L2", "29/02/2025"],
    ])
    f.person(staff_id="E1")
    assert rejected("training", path) == [
        "row 3: completed_on: '29/02/2025' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)"
    ]


def test_a_file_that_is_not_really_excel_is_refused(database, tmp_path):
    [error] = rejected("people", write(tmp_path, "people.xlsx", b"staff_id,first_name\n"))
    assert error == "row 1: file: the file is not a readable Excel workbook (.xlsx)"


# ---- training, supervision, absences --------------------------------------------------------------------------


def test_training_is_added_and_duplicates_are_skipped_and_reported(database, tmp_path):
    asha = f.person(staff_id="E1")
    f.trained(asha, "SG-L2", date(2023, 12, 1))
    path = write(tmp_path, "training.csv", "\n".join([
        "staff_id,course,completed_on,provider",
        "E1,SG-L2,01/12/2023,e-LfH",
        "E1,Information Governance and Data Security,2026-04-01,e-LfH",
        "E1,IG,01/04/2026,e-LfH",
        "E1,fire,2026-05-01,",
    ]))
    result = imported("training", path)
    assert (result.created, [str(n) for n in result.skipped]) == (2, [
        "row 2: duplicate: E1 already has SG-L2 completed on 01/12/2023",
        "row 4: duplicate of row 3",
    ])
    assert {r.course.code for r in TrainingRecord.select()} == {"SG-L2", "IG", "FIRE"}


def test_bad_training_rows_are_named(database, tmp_path):
    f.person(staff_id="E1")
    path = write(tmp_path, "training.csv", "\n".join([
        "staff_id,course,completed_on",
        "E1,Juggling,2026-01-01",
        "E404,SG-L2,2026-01-01",
        "E1,SG-L2,2026-11-23",
    ]))
    assert rejected("training", path) == [
        "row 2: course: 'Juggling' is not a course in the catalogue (use a course code, name or alias)",
        "row 3: staff_id: no person has staff id 'E404'",
        "row 4: completed_on: 23/11/2026 is in the future",
    ]


def test_supervision_sessions_one_to_one_and_group_are_imported_once(database, tmp_path):
    f.person(staff_id="G1", role="GPP", start=date(2020, 1, 1))
    asha, _ = f.person(staff_id="E1"), f.person(staff_id="E2", first="Ben")
    path = write(tmp_path, "sessions.csv", "\n".join([
        "date,supervisor_staff_id,supervisee_staff_ids,minutes,kind,format,mode",
        "14/10/2026,G1,E1,60,clinical,,video",
        "2026-10-20,G1,E1; E2,90,clinical,group,in_person",
        "2026-10-21,G1,E2,30,,,",
    ]))
    result = imported("supervision", path)
    assert result.created == 3
    formats = sorted((s.format, s.minutes, s.kind, s.mode) for s in SupervisionSession.select())
    assert formats == [("group", 90, "clinical", "in_person"), ("one_to_one", 30, "clinical", "in_person"),
                       ("one_to_one", 60, "clinical", "video")]
    assert person_compliance(asha.id, date(2026, 10, 31)).month(date(2026, 10, 1)).minutes == 150
    again = imported("supervision", path)
    assert (again.created, len(again.skipped)) == (0, 3)


def test_bad_supervision_rows_are_named(database, tmp_path):
    f.person(staff_id="G1", role="GPP", start=date(2020, 1, 1))
    f.person(staff_id="E1", start=date(2024, 1, 1))
    f.person(staff_id="E2", start=date(2024, 1, 1), end=date(2025, 6, 30))
    path = write(tmp_path, "sessions.csv", "\n".join([
        "date,supervisor_staff_id,supervisee_staff_ids,minutes,kind,format,mode",
        "2026-10-14,G1,E1,481,clinical,,",
        "2026-10-14,G1,E1,0,clinical,,",
        "2026-10-14,G1,E2,60,clinical,,",
        "2023-06-01,G1,E1,60,clinical,,",
        "2026-10-14,G1,E1;G1,60,clinical,,",
        "2026-10-14,G1,E1,60,clinical,group,",
        "2026-10-14,G1,E1;E1,60,pastoral,,",
    ]))
    assert rejected("supervision", path) == [
        "row 2: minutes: 481 is out of range (1 to 480)",
        "row 3: minutes: 0 is out of range (1 to 480)",
        "row 4: supervisee_staff_ids: E2 was not employed on 14/10/2026",
        "row 5: supervisee_staff_ids: E1 was not employed on 01/06/2023",
        "row 6: supervisee_staff_ids: G1 cannot supervise themself (they are the supervisor)",
        "row 7: format: a group session needs at least two supervisees",
        "row 8: supervisee_staff_ids: E1 is listed more than once",
        "row 8: kind: 'pastoral' is not one of clinical, educational, practice",
    ]


def test_absences_are_imported_and_overlaps_refused(database, tmp_path):
    f.person(staff_id="E1")
    good = write(tmp_path, "absences.csv", "staff_id,start_date,end_date,reason\nE1,01/03/2026,31/05/2026,maternity\n")
    assert imported("absences", good).created == 1
    bad = write(tmp_path, "bad.csv", "\n".join([
        "staff_id,start_date,end_date,reason",
        "E1,2026-05-01,2026-06-30,sickness",
        "E1,2026-08-01,2026-07-01,sickness",
        "E1,2026-09-01,2026-09-30,holiday",
    ]))
    assert rejected("absences", bad) == [
        "row 2: start_date: E1 already has an absence from 01/03/2026 to 31/05/2026 that overlaps this one",
        "row 3: end_date: the end date 01/07/2026 is before the start date 01/08/2026",
        "row 4: reason: 'holiday' is not one of maternity, sickness, career_break, other",
    ]
    assert [str(n) for n in imported("absences", good).skipped] == ["row 2: duplicate: this absence is already recorded"]


# ---- requirements and supervision rules ---------------------------------------------------------------------


def test_requirements_are_added_or_updated_and_replace_makes_the_file_the_whole_set(database, tmp_path):
    trust = f.org("Northside Community Trust", "vcse")
    asha = f.person(staff_id="E1", employer=trust)
    f.trained(asha, "SG-L2", date(2025, 1, 10))
    built_in = Requirement.select().count()
    path = write(tmp_path, "req.csv", "\n".join([
        "scope,name,course,renewal_months,new_starter_days",
        "employer,Northside Community Trust,SG-L2,12,",
        "role,Social Prescribing Link Worker,SG-L2,36,30",
    ]))
    result = imported("requirements", path)
    assert (result.created, result.updated) == (1, 1)
    assert Requirement.select().count() == built_in + 1
    sg2 = next(t for t in person_compliance(asha.id, TODAY).training if t.course == "SG-L2")
    assert (sg2.expires_on, sg2.status) == (date(2026, 1, 10), "expired")
    replaced = imported("requirements", path, replace=True)
    # the rows the file names are kept as they are; every other one goes
    assert (replaced.removed, replaced.created, replaced.updated) == (built_in - 1, 0, 0)
    assert Requirement.select().count() == 2
    assert {t.course for t in snapshot(TODAY)[0].training} == {"SG-L2"}


def test_bad_requirement_rows_are_named(database, tmp_path):
    path = write(tmp_path, "req.csv", "\n".join([
        "scope,name,course,renewal_months",
        "employer,Nowhere Trust,SG-L2,12",
        "role,SPLW,Juggling,12",
        "role,SPLW,SG-L2,twelve",
        "team,SPLW,SG-L2,12",
        "role,SPLW,SG-L3,12",
        "role,Social Prescribing Link Worker,sg-l3,24",
    ]))
    assert rejected("requirements", path, replace=True) == [
        "row 2: name: 'Nowhere Trust' is not a known employer",
        "row 3: course: 'Juggling' is not a course in the catalogue (use a course code, name or alias)",
        "row 4: renewal_months: 'twelve' is not a whole number",
        "row 5: scope: 'team' is not one of role, employer",
        "row 7: name: the same scope, name and course are already on row 6",
    ]


def test_supervision_rules_by_role_and_employer(database, tmp_path):
    trust = f.org("Northside Community Trust", "vcse")
    asha = f.person(staff_id="E1", employer=trust)
    gp = f.person(staff_id="G1", role="GPP")
    f.session(gp, asha, date(2026, 10, 5), minutes=60)
    path = write(tmp_path, "rules.csv", "\n".join([
        "scope,name,min_minutes_per_month,kinds,group_counts",
        "role,SPLW,60,clinical,yes",
        "employer,Northside Community Trust,90,clinical;educational,no",
    ]))
    assert imported("supervision-rules", path).created == 2
    october = person_compliance(asha.id, TODAY).month(date(2026, 10, 1))
    assert (october.required, october.status) == (90, "missed")
    bad = write(tmp_path, "bad.csv", "scope,name,min_minutes_per_month,kinds,group_counts\nrole,SPLW,-5,pastoral,maybe\n")
    assert rejected("supervision-rules", bad) == [
        "row 2: min_minutes_per_month: -5 is out of range (0 to 2400)",
        "row 2: kinds: 'pastoral' is not one of clinical, educational, practice",
        "row 2: group_counts: 'maybe' is not yes or no",
    ]
    # the file becomes the whole set: the two it names are kept as they are, the built-in rule for senior
    # clinical pharmacists goes
    replaced = imported("supervision-rules", path, replace=True)
    assert (replaced.removed, replaced.created, replaced.updated) == (1, 0, 0)
    assert SupervisionRule.select().count() == 2


def test_replace_is_only_for_rule_files(database, tmp_path):
    with pytest.raises(Exception, match="--replace is only for requirements and supervision-rules"):
        imported("people", team(tmp_path), replace=True)
