"""Import templates carry one example row in the expected forms; importing it unchanged is refused at that row
and writes nothing; with the row deleted, the same file imports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.test_importers import TODAY, counts
from tracker.errors import ImportRejected
from tracker.importers import KINDS, import_bytes
from tracker.importers.examples import EXAMPLES, MESSAGE
from tracker.models import Course, Person, Role
from ui.pages.imports import template

DATE_COLUMNS = {"start_date", "end_date", "completed_on", "expires_on", "date", "Fire Safety"}


def rows_of(kind: str, fmt: str) -> list[list[str]]:
    data = template(kind, fmt)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(data)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_template_has_one_example_row_in_uk_dates_and_catalogue_names(sqlite_database: str, fmt: str) -> None:
    for kind in KINDS:
        header, *rows = rows_of(kind, fmt)
        assert len(rows) == 1, kind
        example = dict(zip(header, rows[0], strict=True))
        for column, value in example.items():
            if column in DATE_COLUMNS and value:
                assert re.fullmatch(r"\d\d/\d\d/\d{4}", value), (kind, column, value)
        if "course" in example and kind != "course-aliases":
            assert Course.get_or_none(Course.name == example["course"]) is not None, kind
        if kind == "course-aliases":
            assert Course.get_or_none(Course.code == example["course"]) is not None
        if example.get("role") or example.get("scope") == "role":
            assert Role.get_or_none(Role.name == (example.get("role") or example["name"])) is not None, kind


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_importing_a_template_unchanged_is_refused_at_its_example_row(database: str, kind: str, fmt: str) -> None:
    before = counts()
    with pytest.raises(ImportRejected) as caught:
        import_bytes(kind, template(kind, fmt), f"{kind}-template.{fmt}", "test", today=TODAY)
    assert [str(e) for e in caught.value.errors] == [f"row 2: file: {MESSAGE}"]
    assert counts() == before


def test_a_filled_in_template_names_the_example_row_with_the_other_problems_then_imports_without_it(
    database: str,
) -> None:
    text = template("people", "csv").decode("utf-8-sig")
    good = "E1001,Asha,Patel,CC,Hill Practice,01/02/2024,,gp_practice,North PCN,4,1,,"
    bad = "E1002,Ben,Okafor,CC,Hill Practice,31/02/2024,,,,,,,"
    before = counts()
    with pytest.raises(ImportRejected) as caught:
        import_bytes("people", (text + good + "\n" + bad + "\n").encode(), "people.csv", "test", today=TODAY)
    found = [str(e) for e in caught.value.errors]
    assert found[0] == f"row 2: file: {MESSAGE}" and found[1].startswith("row 4: start_date:") and len(found) == 2
    assert counts() == before
    header = text.splitlines()[0]
    result = import_bytes("people", f"{header}\n{good}\n".encode(), "people.csv", "test", today=TODAY)
    assert result.created == 1 and Person.get(Person.staff_id == "E1001").last_name == "Patel"


def test_an_example_row_that_excel_retyped_is_still_recognised(database: str, tmp_path: Path) -> None:
    example = EXAMPLES["training"]
    book = Workbook()
    sheet = book.active
    sheet.append(list(example))
    sheet.append([datetime(2026, 1, 15) if c == "completed_on" else (v or None) for c, v in example.items()])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportRejected) as caught:
        import_bytes("training", out.getvalue(), "training.xlsx", "test", today=date(2026, 11, 22))
    assert [str(e) for e in caught.value.errors] == [f"row 2: file: {MESSAGE}"]


def test_a_changed_example_row_is_an_ordinary_row(database: str) -> None:
    text = template("training", "csv").decode("utf-8-sig").replace("15/01/2026", "16/01/2026")
    with pytest.raises(ImportRejected) as caught:
        import_bytes("training", text.encode(), "training.csv", "test", today=TODAY)
    assert MESSAGE not in str(caught.value) and "EXAMPLE-001" in str(caught.value)  # no such person
