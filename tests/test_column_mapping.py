"""Mapping an HR or e-learning export's columns onto ours, remembered per source."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from tests import factories_data as fd
from tracker.errors import ImportRejected, ValidationError
from tracker.models import AuditEvent, TrainingRecord
from tracker.services import column_mapping as cm

TODAY = date(2026, 11, 22)
ELEARNING = ["Employee Number", "Competence Name", "Completion Date", "Delivered By", "Department"]


def elearning_csv(rows: list[list[str]]) -> bytes:
    lines = [",".join(ELEARNING)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_synonyms_and_exact_names_are_suggested_and_the_rest_ignored():
    mapping = cm.suggest("training", ELEARNING)
    assert mapping == {"Employee Number": "staff_id", "Competence Name": "course", "Completion Date": "completed_on",
                       "Delivered By": "provider", "Department": cm.IGNORE}
    assert cm.suggest("people", ["Staff ID", "Forename", "Surname", "Job Title", "Organisation", "Start Date"]) == {
        "Staff ID": "staff_id", "Forename": "first_name", "Surname": "last_name", "Job Title": "role",
        "Organisation": "employer", "Start Date": "start_date",
    }


def test_a_remembered_mapping_wins_and_each_column_is_used_once():
    remembered = {"Department": "provider", "Delivered By": cm.IGNORE}
    mapping = cm.suggest("training", ELEARNING, remembered)
    assert mapping["Department"] == "provider"
    assert mapping["Delivered By"] == cm.IGNORE
    assert cm.suggest("training", ["course", "Course Name"])["Course Name"] == cm.IGNORE


def test_problems_name_missing_required_columns_and_doubles():
    assert cm.problems("training", {"A": "staff_id", "B": "staff_id"}) == [
        "'B' and 'A' both give staff_id", "no column gives course (required)",
        "no column gives completed_on (required)",
    ]
    assert cm.problems("training", {"A": "colour"})[0] == "'A': 'colour' is not a column of the training file"
    with pytest.raises(ValidationError):
        cm.problems("payroll", {})


def test_a_mapped_file_previews_with_errors_on_the_users_own_rows(database):
    t = fd.team()
    data = elearning_csv([
        [t.asha.staff_id, "SG-L2", "01/02/2026", "e-LfH", "Social prescribing"],
        ["NOBODY", "SG-L2", "01/02/2026", "e-LfH", "x"],
        [t.ben.staff_id, "Basket weaving", "2026-02-30", "e-LfH", "x"],
    ])
    view = cm.preview("training", data, "elfh.csv", cm.suggest("training", ELEARNING), TODAY)
    assert view.columns == ["staff_id", "course", "completed_on", "provider"]
    assert [n for n, _ in view.rows] == [2, 3, 4]
    assert not view.ok
    assert view.errors_of(2) == []
    assert [e.column for e in view.errors_of(3)] == ["staff_id"]
    assert sorted(e.column for e in view.errors_of(4)) == ["completed_on", "course"]
    assert TrainingRecord.select().count() == 0


def test_commit_writes_all_rows_or_none(database):
    t = fd.team()
    mapping = cm.suggest("training", ELEARNING)
    bad = elearning_csv([[t.asha.staff_id, "SG-L2", "01/02/2026", "", ""], ["NOBODY", "SG-L2", "01/02/2026", "", ""]])
    with pytest.raises(ImportRejected):
        cm.commit("training", bad, "x.csv", mapping, "lead@example.org", TODAY)
    assert TrainingRecord.select().count() == 0
    good = elearning_csv([[t.asha.staff_id, "SG-L2", "01/02/2026", "e-LfH", ""], [t.ben.staff_id, "IG", "2026-03-04", "", ""]])
    result = cm.commit("training", good, "x.csv", mapping, "lead@example.org", TODAY)
    assert result.created == 2
    assert TrainingRecord.get(TrainingRecord.person == t.asha.id).completed_on == date(2026, 2, 1)


def test_excel_files_keep_their_dates_through_the_mapping(database):
    t = fd.team()
    book = Workbook()
    book.active.append(ELEARNING)
    book.active.append([t.asha.staff_id, "SG-L2", datetime(2026, 2, 1), "e-LfH", "x"])
    out = io.BytesIO()
    book.save(out)
    result = cm.commit("training", out.getvalue(), "elfh.xlsx", cm.suggest("training", ELEARNING), "lead", TODAY)
    assert result.created == 1
    assert TrainingRecord.get(TrainingRecord.person == t.asha.id).completed_on == date(2026, 2, 1)


def test_a_mapping_is_remembered_per_source_and_kind_and_audited(database):
    mapping = cm.suggest("training", ELEARNING)
    cm.save_mapping("e-LfH", "training", mapping, "admin@example.org")
    cm.save_mapping("e-LfH", "training", mapping, "admin@example.org")  # unchanged: no second event
    assert cm.load_mapping("e-LfH", "training") == mapping
    assert cm.load_mapping("e-LfH", "people") is None
    assert cm.sources("training") == ["e-LfH"]
    assert AuditEvent.select().where(AuditEvent.entity == "import_mapping").count() == 1
    cm.save_mapping("e-LfH", "training", {**mapping, "Department": "provider", "Delivered By": cm.IGNORE}, "a")
    assert cm.load_mapping("e-LfH", "training")["Department"] == "provider"
    assert AuditEvent.select().where(AuditEvent.entity == "import_mapping").count() == 2


def test_a_broken_mapping_is_not_remembered(database):
    with pytest.raises(ValidationError):
        cm.save_mapping("ESR", "training", {"Employee Number": "staff_id"}, "a")
    with pytest.raises(ValidationError):
        cm.save_mapping("  ", "training", cm.suggest("training", ELEARNING), "a")
    assert cm.sources("training") == []
