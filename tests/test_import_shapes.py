"""Files shaped as real exports go in without hand-editing: ESR competence reports, e-learning completion reports
(e-LfH, Learning Pool, Moodle, Totara) and the spreadsheet a team keeps, through the command line and through
the import page's functions, on SQLite and PostgreSQL.

The fixture files are in tests/data/import_shapes/ (their columns and course names follow the systems' exports:
see docs/importing.md); the Excel and UTF-16 files are made here from small factories.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from cli import main
from tests import factories as f
from tests import factories_data as fd
from tracker.errors import ImportRejected
from tracker.importers import import_bytes, import_file
from tracker.models import AuditEvent, CourseAlias, TrainingRecord
from tracker.services import column_mapping as cm
from tracker.services import course_aliases

SHAPES = Path(__file__).parent / "data" / "import_shapes"
TODAY = date(2026, 11, 22)


def records() -> set[tuple[str, str, date]]:
    return {(r.person.staff_id, r.course.code, r.completed_on) for r in TrainingRecord.select()}


def refused(kind: str, data: bytes, name: str, **options: object) -> list[str]:
    before = (TrainingRecord.select().count(), AuditEvent.select().count())
    with pytest.raises(ImportRejected) as caught:
        import_bytes(kind, data, name, "test", today=TODAY, **options)  # type: ignore[arg-type]
    assert (TrainingRecord.select().count(), AuditEvent.select().count()) == before
    return [str(e) for e in caught.value.errors]


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_esr_competence_report_imports_through_the_command_line(database, capsys):
    fd.team()
    code = main(["import", "training", str(SHAPES / "esr_competences.csv"), "--database", database])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "training from esr_competences.csv: 4 rows; created 4, updated 0, skipped 0" in out
    assert "read as CSV, Windows-1252, comma-separated" in out
    assert "ignored columns: Assignment Number, Full Name, Position Title, Org L3, Compliance Status" in out
    assert records() == {
        ("E1001", "FIRE", date(2025, 2, 1)), ("E1001", "SGA-L2", date(2024, 3, 15)),
        ("E1002", "IG", date(2025, 6, 10)), ("E2001", "SGC-L3", date(2025, 2, 1)),
    }
    again = main(["import", "training", str(SHAPES / "esr_competences.csv"), "--database", database])
    assert again == 0 and "created 0, updated 0, skipped 4" in capsys.readouterr().out


def test_an_elearning_report_finds_people_by_email_and_maps_an_unknown_title_once(database):
    fd.team()
    data = (SHAPES / "elfh_completions.csv").read_bytes()
    assert refused("training", data, "elfh.csv") == [
        "row 4: Course Title (course): 'Statutory and Mandatory Training - Moving and Handling' is not a course in "
        "the catalogue (use a course code, name or alias)",
    ]
    course_aliases.remember_alias("admin", "Statutory and Mandatory Training - Moving and Handling", "MH")
    result = import_bytes("training", data, "elfh.csv", "test", today=TODAY)
    assert result.source == "CSV, UTF-8 with BOM, semicolon-separated"
    assert result.ignored == ["First Name", "Last Name", "Status", "Score"]
    assert records() == {("E1001", "FIRE", date(2025, 2, 1)), ("E1001", "PREVENT", date(2025, 2, 1)),
                         ("E1001", "MH", date(2025, 2, 3))}


def test_an_email_that_matches_nobody_or_two_people_is_a_row_error(database):
    t = fd.team()
    f.person("Asha", "Patel", "SPLW", t.practice, staff_id="E3001", email="Shared@Example.org")
    f.person("Ashley", "Patel", "SPLW", t.practice, staff_id="E3002", email="shared@example.org")
    data = (b"Email,Course Title,Completion Date\r\nnobody@example.org,FIRE,01/02/2025\r\n"
            b"SHARED@example.org,FIRE,01/02/2025\r\nasha@example.org,FIRE,01/02/2025\r\n")
    assert refused("training", data, "report.csv") == [
        "row 2: email: no person has the email address 'nobody@example.org'",
        "row 3: email: 2 people have the email address 'shared@example.org' (E3001, E3002): use staff ids",
    ]


def test_a_moodle_report_with_two_digit_years_and_us_dates_is_refused_at_the_cell(database):
    fd.team()
    errors = refused("training", (SHAPES / "moodle_completion.csv").read_bytes(), "moodle.csv")
    assert errors == [
        "row 2: Time completed (completed_on): '01/02/25, 10:32' has a two-digit year, which could be any century: "
        "write the year in full (dd/mm/yyyy, yyyy-mm-dd or 1 Feb 2025)",
        "row 3: Time completed (completed_on): '12/25/2025' looks like a US date (month first): write it day first, "
        "as dd/mm/yyyy",
    ]


def test_moodle_username_and_id_are_never_taken_for_a_staff_id(database):
    fd.team()
    data = b"ID,Username,Course,Completion date\r\nE1001,E1001,FIRE,01/02/2025\r\n"
    assert refused("training", data, "moodle.csv") == [
        "row 1: file: the file needs a column naming the person: staff_id, or email"]


def test_a_totara_workbook_with_date_cells_and_serial_numbers_imports(database):
    fd.team()
    data = xlsx([
        ["User's Fullname", "User's Email", "Course Name", "Completion Date", "Completion Status"],
        ["Asha Patel", "asha@example.org", "Safeguarding Children - Level 2", datetime(2025, 2, 1, 10, 32), "Complete"],
        ["Asha Patel", "asha@example.org", "Resuscitation - Level 1", 45689, "Complete"],
    ])
    result = import_bytes("training", data, "totara.xlsx", "test", today=TODAY)
    assert (result.created, result.source) == (2, "Excel workbook")
    assert records() == {("E1001", "SGC-L2", date(2025, 2, 1)), ("E1001", "BLS", date(2025, 2, 1))}


def test_a_utf16_tab_separated_file_is_read_and_says_so(database):
    fd.team()
    text = "Employee Number\tCompetence Name\tAchieved Date\r\nE1002\tFire Safety\t3 Feb 2025\r\n"
    result = import_bytes("training", text.encode("utf-16"), "unicode.txt", "test", today=TODAY)
    assert (result.created, result.source) == (1, "CSV, UTF-16, tab-separated")


def test_a_training_matrix_makes_one_record_per_dated_cell(database, capsys):
    fd.team()
    code = main(["import", "training-matrix", str(SHAPES / "training_matrix.csv"), "--database", database])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), out
    assert "created 6" in out and "ignored columns: Name, Job Title" in out
    assert records() == {
        ("E1001", "FIRE", date(2025, 2, 1)), ("E1001", "SGA-L2", date(2024, 3, 15)),
        ("E1002", "IG", date(2025, 6, 10)),
        ("E2001", "FIRE", date(2025, 2, 1)), ("E2001", "IG", date(2025, 1, 5)), ("E2001", "BLS", date(2025, 1, 20)),
    }


def test_a_matrix_column_that_is_no_course_is_a_row_1_error(database):
    fd.team()
    data = b"Staff ID,Fire Safety,Basket Weaving\r\nE1001,01/02/2025,01/03/2025\r\nE1002,31/02/2025,\r\n"
    assert refused("training-matrix", data, "matrix.csv") == [
        "row 1: Basket Weaving: unknown column: 'Basket Weaving' is not a course in the catalogue (use a course code, "
        "name or alias), and not a column of the training-matrix file (staff_id, email, first_name, last_name, "
        "employer)",
    ]


def test_a_matrix_finds_people_by_name_and_employer(database):
    fd.team()
    data = b"Forename,Surname,Organisation,FIRE\r\nasha,PATEL,Northside Community Trust,01/02/2025\r\n" \
           b"Asha,Patel,Riverside Surgery,01/02/2025\r\n"
    assert refused("training-matrix", data, "matrix.csv") == [
        "row 3: Forename (first_name): nobody called Asha Patel works for Riverside Surgery"]


def test_map_json_names_the_headers_no_synonym_covers(database, capsys, tmp_path):
    fd.team()
    report = tmp_path / "report.csv"
    report.write_text("Learner Ref,Module Passed,When,Shoe Size\nE1001,FIRE,01/02/2025,9\n")
    assert main(["import", "training", str(report), "--database", database]) == 1
    assert "row 1: Learner Ref: unknown column" in capsys.readouterr().err
    pairs = tmp_path / "map.json"
    pairs.write_text(json.dumps({"Learner Ref": "staff_id", "Module Passed": "course", "When": "completed_on",
                                 "Shoe Size": ""}))
    assert main(["import", "training", str(report), "--map", str(pairs), "--database", database]) == 0
    assert "ignored column: Shoe Size" in capsys.readouterr().out
    assert records() == {("E1001", "FIRE", date(2025, 2, 1))}


def test_the_import_page_recognises_the_same_headers_as_the_command_line(database):
    fd.team()
    data = (SHAPES / "esr_competences.csv").read_bytes()
    headers = cm.headers_of(data, "esr.csv")
    mapping = cm.suggest("training", headers)
    assert mapping["Employee Number"] == "staff_id" and mapping["Assignment Number"] == cm.IGNORE
    assert mapping["Competence Name"] == "course" and mapping["Achieved Date"] == "completed_on"
    assert mapping["Expiry Date"] == "expires_on"
    view = cm.preview("training", data, "esr.csv", mapping, TODAY)
    assert view.ok and view.result is not None and view.result.created == 4
    assert view.result.source == "CSV, Windows-1252, comma-separated"
    done = cm.commit("training", data, "esr.csv", mapping, "admin", TODAY)
    assert done.created == 4 and len(records()) == 4


def test_the_import_page_lists_unknown_course_names_to_map(database):
    fd.team()
    data = (SHAPES / "elfh_completions.csv").read_bytes()
    mapping = cm.suggest("training", cm.headers_of(data, "elfh.csv"))
    view = cm.preview("training", data, "elfh.csv", mapping, TODAY)
    assert view.unknown_courses == ["Statutory and Mandatory Training - Moving and Handling"]
    course_aliases.remember_alias("admin", "Statutory and Mandatory Training - Moving and Handling", "MH")
    assert cm.preview("training", data, "elfh.csv", mapping, TODAY).ok


def test_built_in_aliases_cover_esr_cstf_names_and_are_in_the_catalogue(database):
    held = {a.alias: a.course.code for a in CourseAlias.select()}
    assert held["NHS|CSTF|Safeguarding Adults - Level 3 - 3 Years|"] == "SGA-L3"
    assert held["NHS|CSTF|Safeguarding Children - Level 1 - 3 Years|"] == "SGC-L1"
    assert held["Fire Safety - Level 1"] == "FIRE"
    fd.team()
    data = b"Employee Number,Competence Name,Achieved Date\r\nE1001,NHS|CSTF|Fire Safety - 3 Years|,01/02/2025\r\n"
    assert import_bytes("training", data, "esr.csv", "test", today=TODAY).created == 1  # any renewal period


def test_course_aliases_import_and_export_back_unchanged(database, tmp_path, capsys):
    path = tmp_path / "aliases.csv"
    path.write_text("alias,course\n\"Fire Awareness (annual)\",FIRE\nFIRE,IG\nNew Thing,NOPE\n")
    assert main(["import", "course-aliases", str(path), "--database", database]) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        "row 3: alias: 'FIRE' is already the code or name of FIRE",
        "row 4: course: 'NOPE' is not a course in the catalogue (use our course code or name)",
    ]
    path.write_text("alias,course\n\"Fire Awareness (annual)\",FIRE\n")
    assert main(["import", "course-aliases", str(path), "--database", database]) == 0
    out = tmp_path / "aliases.xlsx"
    assert main(["export", "course-aliases", str(out), "--database", database]) == 0
    capsys.readouterr()
    assert main(["import", "course-aliases", str(out), "--database", database]) == 0
    assert "created 0, updated 0" in capsys.readouterr().out
    assert import_file("course-aliases", out, "test").rows == CourseAlias.select().count()
