"""The example row each import template carries, and how an import recognises it.

A template shows the expected forms in one row under its header (UK dates, a catalogue course name, the
catalogue's words for kinds and modes). The row describes no one: its staff ids read EXAMPLE-001. Importing a
file that still holds the row, as it is (Excel's re-typing of its dates and numbers included), is refused
with a message at that row, so an untouched template writes nothing and an edited one imports once the row is
deleted. A row that was changed is an ordinary row and is checked as one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from tracker.dates import uk
from tracker.errors import RowError
from tracker.importers.reading import COLUMNS, Table

EXAMPLE_STAFF_ID = "EXAMPLE-001"
MATRIX_COURSE = "Fire Safety"
MESSAGE = "this is the template's example row: delete it (or replace it with a real record) and import again"

EXAMPLES: dict[str, dict[str, str]] = {
    "people": {
        "staff_id": EXAMPLE_STAFF_ID, "first_name": "Alex", "last_name": "Example",
        "role": "Social Prescribing Link Worker", "employer": "Riverside Surgery", "start_date": "01/04/2025",
        "email": "alex.example@nhs.net", "employer_type": "gp_practice", "pcn": "Riverside PCN", "band": "5",
        "fte": "0.8", "end_date": "", "supervisor_staff_id": "EXAMPLE-002",
    },
    "training": {
        "course": "Fire Safety", "completed_on": "15/01/2026", "staff_id": EXAMPLE_STAFF_ID, "email": "",
        "provider": "e-Learning for Healthcare", "reference": "", "expires_on": "",
    },
    "supervision": {
        "date": "12/01/2026", "supervisor_staff_id": "EXAMPLE-002", "supervisee_staff_ids": EXAMPLE_STAFF_ID,
        "minutes": "60", "kind": "clinical", "format": "one_to_one", "mode": "video",
    },
    "absences": {"staff_id": EXAMPLE_STAFF_ID, "start_date": "02/02/2026", "end_date": "27/02/2026",
                 "reason": "sickness"},
    "requirements": {"scope": "role", "name": "Social Prescribing Link Worker", "course": "Fire Safety",
                     "renewal_months": "12", "new_starter_days": "90"},
    "supervision-rules": {"scope": "role", "name": "Social Prescribing Link Worker", "min_minutes_per_month": "60",
                          "kinds": "clinical;practice", "group_counts": "yes", "period_months": "1"},
    "course-aliases": {"alias": "EXAMPLE|Fire Safety - 1 Year|", "course": "FIRE"},
    "training-matrix": {"staff_id": EXAMPLE_STAFF_ID, "email": "", "first_name": "Alex", "last_name": "Example",
                        "employer": "Riverside Surgery", MATRIX_COURSE: "15/01/2026"},
}


def template_columns(kind: str) -> list[str]:
    """The template's header: the kind's columns (a training matrix's with one course column)."""
    required, optional = COLUMNS[kind]
    return list(required + optional) + ([MATRIX_COURSE] if kind == "training-matrix" else [])


def template_row(kind: str) -> list[str]:
    example = EXAMPLES[kind]
    return [example[column] for column in template_columns(kind)]


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return uk(value.date())
    if isinstance(value, date):
        return uk(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else " ".join(str(value).split()).casefold()


def is_example(kind: str, row: Mapping[str, object]) -> bool:
    """True for the template's example row, unchanged (columns the file leaves out do not count)."""
    example = EXAMPLES[kind]
    shared = [column for column in row if column in example]
    return bool(shared) and all(_text(row[column]) == _text(example[column]) for column in shared)


def example_rows(kind: str, table: Table) -> list[RowError]:
    """One error for each row of the table that is the template's example."""
    return [RowError(number, "file", MESSAGE) for number, row in table.rows if is_example(kind, row)]
