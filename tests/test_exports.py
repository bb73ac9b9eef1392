"""Exports: the table views to CSV and Excel, with filters applied and nothing a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from tests import factories as f
from tests import factories_data as fd
from tracker.access import Scope
from tracker.formula_guard import FORMULA_STARTS, guard, unguard
from tracker.importers import import_bytes
from tracker.models import Person
from tracker.services import audit, training
from tracker.views import exports

AS_OF = date(2026, 11, 22)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Excel needs the mark to read accents
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+44 20", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert exports.safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Asha", "O'Neil", "", 12, -3, 1.5, date(2026, 1, 1), None])
def test_ordinary_values_pass_unchanged(value):
    assert exports.safe_cell(value) == value


def test_formula_names_are_neutralised_in_csv_and_xlsx(database):
    t = fd.team()
    Person.update(first_name="=cmd|' /C calc'!A0", last_name="@Evil").where(Person.id == t.asha.id).execute()
    table = exports.people_table(AS_OF)
    [csv_row] = [r for r in read_csv(exports.to_csv(table)) if r[0] == "E1001"]
    assert csv_row[1:3] == ["'=cmd|' /C calc'!A0", "'@Evil"]
    book = load_workbook(io.BytesIO(exports.to_xlsx(table)))
    cells = [row for row in book.active.iter_rows() if row[0].value == "E1001"][0]
    assert cells[1].value == "=cmd|' /C calc'!A0"  # the name itself: no apostrophe stored
    assert cells[1].data_type == "s"  # stored as text, never as a formula
    sheet = exports.to_xlsx(table)
    with zipfile.ZipFile(io.BytesIO(sheet)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "=cmd" in xml


@pytest.mark.parametrize("text", ["=1+1", "-Ann", "+44 20 7946 0000", "@x", "'=1", "''-x", "'plain", "O'Neil", "'",
                                  "''", "plain", ""])
def test_the_csv_guard_comes_off_exactly_as_it_went_on(text):
    guarded = guard(text)
    assert unguard(guarded) == text
    assert not guarded.startswith(FORMULA_STARTS)


def test_excel_exports_open_with_a_frozen_filtered_header_and_fitted_columns(database):
    fd.team()
    book = load_workbook(io.BytesIO(exports.to_xlsx(exports.people_table(AS_OF))))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:M")
    assert sheet["A1"].font.b
    assert 10 <= sheet.column_dimensions["F"].width <= exports.MAX_COLUMN_WIDTH  # employer names


def test_people_export_is_the_import_format_with_iso_dates(database):
    fd.team()
    rows = read_csv(exports.to_csv(exports.people_table(AS_OF)))
    assert rows[0] == exports.PEOPLE_COLUMNS
    asha = next(r for r in rows if r[0] == "E1001")
    assert asha == ["E1001", "Asha", "Patel", "asha@example.org", "SPLW", "Northside Community Trust", "vcse", "", "",
                    "1.0", "2024-01-01", "", "E2900"]


def test_xlsx_keeps_dates_as_dates_and_numbers_as_numbers(database):
    fd.team()
    rows = read_xlsx(exports.to_xlsx(exports.people_table(AS_OF)))
    asha = next(r for r in rows if r[0] == "E1001")
    assert asha[10] == datetime(2024, 1, 1)  # openpyxl reads dates back as datetimes
    assert asha[9] == 1.0


def test_an_exported_people_file_imports_back_unchanged(database):
    fd.team()
    data = exports.to_xlsx(exports.people_table(AS_OF))
    result = import_bytes("people", data, "people.xlsx", "test", dry_run=True, today=AS_OF)
    assert (result.created, result.updated) == (0, 0)
    assert len(result.skipped) == 4


def test_filters_apply_to_the_people_export(database):
    t = fd.team()
    charity = exports.ExportFilters(scope=Scope(employer_id=t.charity.id))
    assert [r[0] for r in exports.people_table(AS_OF, charity).rows] == ["E1001", "E1002"]
    link_workers = exports.ExportFilters(role="SPLW", search="okafor")
    assert [r[0] for r in exports.people_table(AS_OF, link_workers).rows] == ["E1002"]


def test_archived_people_are_left_out_unless_asked_for(database):
    t = fd.team()
    Person.update(archived=True).where(Person.id == t.ben.id).execute()
    assert "E1002" not in [r[0] for r in exports.people_table(AS_OF).rows]
    assert "E1002" in [r[0] for r in exports.people_table(AS_OF, exports.ExportFilters(include_archived=True)).rows]


def test_the_matrix_carries_the_engines_statuses_and_the_filters(database):
    t = fd.team()
    f.trained(t.asha, "SG-L2", date(2023, 12, 1))
    f.session(t.gp, t.asha, date(2026, 10, 14))
    table = exports.compliance_matrix(AS_OF, exports.ExportFilters(scope=Scope(employer_id=t.charity.id), search="asha"))
    [row] = table.rows
    cells = dict(zip(table.headers, row, strict=True))
    assert cells["staff_id"] == "E1001"
    assert cells["status"] == "red"
    assert cells["SG-L2"] == "due_soon"
    assert cells["SG-L2 expires_on"] == date(2026, 12, 1)
    assert cells["IG"] == "missing"
    assert cells["supervision_last_month"] == "met"
    assert cells["last_session"] == date(2026, 10, 14)
    assert read_csv(exports.to_csv(table))[1][table.headers.index("SG-L2 expires_on")] == "2026-12-01"


def test_the_matrix_filters_by_status(database):
    t = fd.team()
    f.session(t.gp, t.carol, date(2026, 10, 14))
    reds = exports.compliance_matrix(AS_OF, exports.ExportFilters(rag="red"))
    assert len(reds.rows) == 4
    assert exports.compliance_matrix(AS_OF, exports.ExportFilters(rag="green")).rows == []


def test_a_course_not_required_of_someone_says_so(database):
    fd.team()
    table = exports.compliance_matrix(AS_OF)
    gp = dict(zip(table.headers, next(r for r in table.rows if r[0] == "E2900"), strict=True))
    assert gp["SG-L2"] == "not required"


def test_sessions_export_never_holds_private_notes_and_filters_by_supervisor_and_dates(database, notes_key):
    t = fd.team()
    s = f.session(t.gp, [t.asha, t.ben], date(2026, 10, 14))
    s.topics = "caseload"
    s.save()
    f.notes_everywhere("very private", notes_key)
    f.session(t.gp, t.carol, date(2026, 9, 1))
    table = exports.sessions_table(AS_OF, supervisor_id=t.gp.id, date_from=date(2026, 10, 1))
    assert table.rows == [[date(2026, 10, 14), "E2900", "E1001;E1002", 60, "clinical", "group", "in_person"]]
    assert b"private" not in exports.to_xlsx(table) + exports.to_csv(table)
    charity_only = exports.sessions_table(AS_OF, exports.ExportFilters(scope=Scope(employer_id=t.practice.id)))
    assert [r[0] for r in charity_only.rows] == [date(2026, 9, 1)]


def test_training_export_leaves_out_evidence_not_yet_approved(database):
    t = fd.team()
    f.trained(t.asha, "SG-L2", date(2025, 1, 1))
    f.trained(t.asha, "FIRE", date(2026, 1, 1), state="pending")
    assert exports.training_table(AS_OF).rows == [["E1001", "SG-L2", date(2025, 1, 1), "", "", None]]


def test_training_export_carries_the_reference_and_the_printed_expiry(database):
    t = fd.team()
    training.add_training("test", t.asha.id, "REG-HCPC", date(2025, 1, 1), "Health and Care Professions Council",
                          reference="PA123456", expires_on=date(2026, 8, 31), today=AS_OF)
    assert exports.training_table(AS_OF).rows == [
        ["E1001", "REG-HCPC", date(2025, 1, 1), "Health and Care Professions Council", "PA123456", date(2026, 8, 31)]
    ]


def test_absences_export(database):
    t = fd.team()
    f.absent(t.ben, date(2026, 2, 1), date(2026, 7, 31), "maternity")
    assert exports.absences_table(AS_OF).rows == [["E1002", date(2026, 2, 1), date(2026, 7, 31), "maternity"]]


def test_audit_export_filters_by_actor_and_entity(database):
    audit.record("lead@example.org", "update", "person", 1, {"first_name": "A"}, {"first_name": "B"})
    audit.record("admin@example.org", "create", "course", 2, None, {"code": "X"})
    table = exports.audit_table(actor="lead@example.org")
    assert [r[1:5] for r in table.rows] == [["lead@example.org", "update", "person", "1"]]
    assert len(exports.audit_table(entity="course").rows) == 1
    assert len(exports.audit_table(date_to=date(2000, 1, 1)).rows) == 0
    assert read_csv(exports.to_csv(exports.audit_table()))[0] == exports.AUDIT_COLUMNS


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError):
        exports.write(exports.ExportTable("x", ["a"]), "pdf")


def test_the_matrix_names_a_few_reasons_not_a_paragraph():
    reasons = [f"course {n} expired" for n in range(12)]
    assert exports.short_reasons(reasons) == "course 0 expired; course 1 expired; course 2 expired; and 9 more (see " \
                                             "the course columns)"
    assert exports.short_reasons(reasons[:2]) == "course 0 expired; course 1 expired"
