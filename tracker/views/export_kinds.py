"""`export KIND FILE`: every import kind written in exactly the columns its import reads, so that importing an
export back creates and updates nothing.

People are one row per person with the latest job (the data-set bundle, tracker.views.export_bundle, carries the whole
employment history in several files); everyone is included, archived people too, as the import would find them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tracker.errors import ValidationError
from tracker.views.export_bundle import (
    aliases_table,
    matrix_import_table,
    requirements_table,
    supervision_rules_table,
)
from tracker.views.exports import (
    ExportFilters,
    ExportTable,
    absences_table,
    people_table,
    sessions_table,
    training_table,
    write,
)

EXPORT_KINDS = ("people", "training", "supervision", "absences", "requirements", "supervision-rules",
                "course-aliases", "training-matrix")


def export_table(kind: str, as_of: date) -> ExportTable:
    everyone = ExportFilters(include_archived=True)
    if kind == "people":
        return people_table(as_of, everyone)
    if kind == "training":
        return training_table(as_of, everyone)
    if kind == "supervision":
        return sessions_table(as_of, everyone)
    if kind == "absences":
        return absences_table(as_of, everyone)
    if kind == "requirements":
        return requirements_table()
    if kind == "supervision-rules":
        return supervision_rules_table()
    if kind == "course-aliases":
        return aliases_table()
    if kind == "training-matrix":
        return matrix_import_table(as_of, everyone)
    raise ValidationError(f"'{kind}' is not a kind of export ({', '.join(EXPORT_KINDS)})", "kind")


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return suffix[1:]
    raise ValidationError(f"write a .csv or .xlsx file, not '{Path(path).name}'", "file")


def export_bytes(kind: str, path: str | Path, as_of: date) -> bytes:
    return write(export_table(kind, as_of), format_of(path))
