"""Importing CSV and Excel files: every row is checked, and with any bad row nothing is written.

`import_file(kind, path, actor)` (the command line) and `import_bytes(kind, data, filename, actor)` (an upload)
read the file, check every row against the services' rules and what is stored, and then, unless it is a dry
run, write all rows in one transaction with one audit event for the import.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from tracker.clock import today as clock_today
from tracker.db import database
from tracker.errors import ImportRejected, RowError, ValidationError
from tracker.importers import kinds
from tracker.importers.examples import example_rows
from tracker.importers.kinds import ImportResult, RowNote
from tracker.importers.reading import COLUMNS, Table, read_table
from tracker.services import audit

KINDS = tuple(COLUMNS)
REPLACEABLE = ("requirements", "supervision-rules")
MAX_BYTES = 20 * 1024 * 1024  # the import page's limit too; a bigger file is refused before it is parsed


def _too_big(size: int) -> ImportRejected:
    return ImportRejected([RowError(1, "file", f"the file is {size / 2**20:.1f} MB, more than the limit of "
                                               f"{MAX_BYTES // 2**20} MB: split it into smaller files")])

__all__ = ["COLUMNS", "KINDS", "ImportResult", "RowNote", "Table", "import_bytes", "import_file", "read_table"]


def import_bytes(
    kind: str,
    data: bytes,
    filename: str,
    actor: str,
    *,
    dry_run: bool = False,
    replace: bool = False,
    today: date | None = None,
    column_map: dict[str, str] | None = None,
) -> ImportResult:
    """Check and (unless dry_run) write a whole file; raises ImportRejected listing every bad row.
    column_map adds {"their header": "our column"} pairs to the recognised synonyms ("" leaves a column out)."""
    if kind not in COLUMNS:
        raise ValidationError(f"'{kind}' is not a kind of import ({', '.join(KINDS)})", "kind")
    if replace and kind not in REPLACEABLE:
        raise ValidationError(f"--replace is only for {' and '.join(REPLACEABLE)}", "replace")
    if len(data) > MAX_BYTES:
        raise _too_big(len(data))
    table = read_table(data, filename, kind, column_map)
    today = today or clock_today()
    examples = example_rows(kind, table)
    if examples:  # refused, with the other rows' problems too (checked without writing)
        table = dataclasses.replace(table, rows=[r for r in table.rows if r[0] not in {e.row for e in examples}])
        dry_run = True
    try:
        result = _run(kind, table, filename, actor, dry_run, replace, today) if table.rows else None
    except ImportRejected as exc:
        raise ImportRejected(sorted([*examples, *(RowError(e.row, table.label(e.column), e.message)
                                                  for e in exc.errors)], key=lambda e: e.row)) from None
    if examples or result is None:
        raise ImportRejected(examples)
    return result


def _run(kind: str, table: Table, filename: str, actor: str, dry_run: bool, replace: bool, today: date) -> ImportResult:
    result = ImportResult(kind, Path(filename).name, dry_run, len(table.rows), source=table.source,
                          ignored=table.ignored)
    write = not dry_run
    with database.atomic() as transaction:
        if kind == "people":
            kinds.run_people(table, result, today, write)
        elif kind == "training":
            kinds.run_training(table, result, today, write)
        elif kind == "supervision":
            kinds.run_supervision(table, result, today, write)
        elif kind == "absences":
            kinds.run_absences(table, result, today, write)
        elif kind == "training-matrix":
            kinds.run_training_matrix(table, result, today, write)
        elif kind == "course-aliases":
            kinds.run_course_aliases(table, result, today, write)
        elif kind == "requirements":
            kinds.run_requirements(table, result, today, write, replace)
        else:
            kinds.run_supervision_rules(table, result, today, write, replace)
        if dry_run:
            transaction.rollback()
        elif result.changed:
            summary = {
                "file": result.file, "rows": result.rows, "created": result.created, "updated": result.updated,
                "removed": result.removed, "replace": replace, "skipped": [str(n) for n in result.skipped],
                "read_as": result.source, "ignored": result.ignored,
                **result.details,
            }
            audit.record(actor, "import", kind, result.file, None, summary)
    return result


def import_file(
    kind: str,
    path: str | Path,
    actor: str,
    *,
    dry_run: bool = False,
    replace: bool = False,
    today: date | None = None,
    column_map: dict[str, str] | None = None,
) -> ImportResult:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            raise _too_big(file.stat().st_size)
        data = file.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {file}: {exc.strerror or exc}", "file") from None
    return import_bytes(kind, data, file.name, actor, dry_run=dry_run, replace=replace, today=today,
                        column_map=column_map)
