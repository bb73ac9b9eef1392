# mypy: disable-error-code="attr-defined,misc"
"""Mapping the columns of someone else's spreadsheet (an HR or e-learning export) onto an import kind's.

`suggest` proposes a mapping from a remembered one, exact names and common synonyms; `problems` says what is
wrong with a mapping; `remap` rewrites the file under our column names (rows keep their numbers, so the
importer's row errors point at the user's own rows); `preview` dry-runs the import. A mapping is remembered
per source (say "ESR" or "Blue Stream") and kind, in ImportMapping.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from tracker.db import database
from tracker.errors import ImportRejected, RowError, ValidationError
from tracker.formula_guard import guard
from tracker.importers import COLUMNS, ImportResult, import_bytes
from tracker.importers.headers import SYNONYMS, normalise, recognise
from tracker.importers.reading import missing_person_columns, read_file, read_records, read_table
from tracker.models import ImportMapping
from tracker.services import audit
from tracker.services.validate import Lookups, cell_text

__all__ = ["COURSE_COLUMN", "IGNORE", "SYNONYMS", "normalise", "problems", "suggest"]

IGNORE = ""  # the target of a header the user leaves out
COURSE_COLUMN = "*course*"  # training-matrix: the header is an item (its code, name or an alias), kept as it is


def columns_of(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if kind not in COLUMNS:
        raise ValidationError(f"'{kind}' is not a kind of import ({', '.join(COLUMNS)})", "kind")
    return COLUMNS[kind]


def suggest(kind: str, headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """header -> our column (or IGNORE), each of our columns used at most once: what was remembered for this
    source first, then the recognition the command line uses (our names, then the synonyms of real exports)."""
    required, optional = columns_of(kind)
    ours = required + optional
    result: dict[str, str] = {}
    for header in headers:
        if remembered and header in remembered:
            target = remembered[header]
            if target in (IGNORE, COURSE_COLUMN) or (target in ours and target not in result.values()):
                result[header] = target
    rest = [h for h in headers if h not in result]
    found = recognise(kind, rest, ours, ignore_unknown=kind == "training-matrix")
    for index, target in found.columns.items():
        if target not in result.values():
            result[rest[index]] = target
    for index in found.unknown:
        result[rest[index]] = COURSE_COLUMN
    return {h: result.get(h, IGNORE) for h in headers}


def problems(kind: str, mapping: dict[str, str]) -> list[str]:
    """What stops this mapping being used: unknown targets, a column given twice, required ones missing."""
    required, optional = columns_of(kind)
    ours = required + optional
    found: list[str] = []
    used: dict[str, str] = {}
    for header, target in mapping.items():
        if target == IGNORE or (target == COURSE_COLUMN and kind == "training-matrix"):
            continue
        if target not in ours:
            found.append(f"'{header}': '{target}' is not a column of the {kind} file")
        elif target in used:
            found.append(f"'{header}' and '{used[target]}' both give {target}")
        else:
            used[target] = header
    found += [f"no column gives {name} (required)" for name in required if name not in used]
    person = missing_person_columns(kind, set(used))
    if person:
        found.append(person)
    return found


def headers_of(data: bytes, filename: str) -> list[str]:
    records = read_records(data, filename)
    if not records:
        raise ImportRejected([RowError(1, "file", "the file is empty")])
    return [str(v).strip() if v is not None else "" for v in records[0]]


def _cell(value: object) -> object:
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def remap(kind: str, data: bytes, filename: str, mapping: dict[str, str]) -> tuple[bytes, str]:
    """The file rewritten under our column names, with ignored columns dropped and every row where it was.
    Returns (bytes, file name): CSV stays CSV, Excel becomes a fresh .xlsx."""
    errors = problems(kind, mapping)
    if errors:
        raise ValidationError("; ".join(errors), "mapping")
    records = read_records(data, filename)
    headers = [str(v).strip() if v is not None else "" for v in records[0]]
    keep = [(i, h if mapping[h] == COURSE_COLUMN else mapping[h]) for i, h in enumerate(headers)
            if mapping.get(h, IGNORE) != IGNORE]
    rows = [[t for _, t in keep]] + [[_cell(r[i]) if i < len(r) else None for i, _ in keep] for r in records[1:]]
    if filename.lower().endswith((".xlsx", ".xlsm")):
        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), f"{Path(filename).stem}.xlsx"
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        # guarded again: the reader took the file's own guard off, and the importer will take this one off
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else guard(v) if isinstance(v, str)
                         else v for v in row])
    return text.getvalue().encode("utf-8"), f"{Path(filename).stem}.csv"


@dataclass
class Preview:
    """The first rows under our column names, the errors of every row, and what the import would do."""

    columns: list[str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    result: ImportResult | None = None
    unknown_courses: list[str] = field(default_factory=list)

    def errors_of(self, row: int) -> list[RowError]:
        return [e for e in self.errors if e.row == row]

    @property
    def ok(self) -> bool:
        return self.result is not None and not self.errors


def preview(
    kind: str, data: bytes, filename: str, mapping: dict[str, str], today: date, shown: int = 20,
    replace: bool = False,
) -> Preview:
    """Dry-run the import of the remapped file: nothing is written."""
    mapped, name = remap(kind, data, filename, mapping)
    records = read_records(mapped, name)
    columns = [str(c) for c in records[0]]
    view = Preview(columns)
    for number, record in enumerate(records[1 : shown + 1], start=2):
        view.rows.append((number, dict(zip(columns, record, strict=False))))
    try:
        view.result = _as_read(import_bytes(kind, mapped, name, "preview", dry_run=True, replace=replace,
                                            today=today), data, filename, mapping)
    except ImportRejected as exc:
        view.errors = exc.errors
    view.unknown_courses = unknown_courses(kind, mapped, name)
    return view


def _as_read(result: ImportResult, data: bytes, filename: str, mapping: dict[str, str]) -> ImportResult:
    """The summary says how the user's own file was read, and which of its columns were left out."""
    result.source = read_file(data, filename).source
    result.ignored = [h for h, target in mapping.items() if target == IGNORE and h]
    return result


def unknown_courses(kind: str, mapped: bytes, name: str) -> list[str]:
    """The course names of a remapped file that are no code, name or alias of ours (to map there and then)."""
    if kind not in ("training", "training-matrix"):
        return []
    lookups = Lookups()
    try:
        table = read_table(mapped, name, kind)
    except ImportRejected:
        return []
    names = table.courses if kind == "training-matrix" else [cell_text(raw.get("course")) for _, raw in table.rows]
    unknown: dict[str, None] = {}
    for course in names:
        if course and lookups.find_course(course) is None:
            unknown.setdefault(" ".join(course.split()), None)
    return list(unknown)[:100]


def commit(
    kind: str, data: bytes, filename: str, mapping: dict[str, str], actor: str, today: date, replace: bool = False,
) -> ImportResult:
    """Import the remapped file for real: all rows or none (ImportRejected lists every bad row)."""
    mapped, name = remap(kind, data, filename, mapping)
    return _as_read(import_bytes(kind, mapped, name, actor, replace=replace, today=today), data, filename, mapping)


# ---- remembered mappings ---------------------------------------------------------------------------------


def load_mapping(source: str, kind: str) -> dict[str, str] | None:
    row = ImportMapping.get_or_none((ImportMapping.source == source.strip()) & (ImportMapping.kind == kind))
    return json.loads(row.mapping) if row else None


def sources(kind: str) -> list[str]:
    return [s for (s,) in ImportMapping.select(ImportMapping.source).where(ImportMapping.kind == kind)
            .order_by(ImportMapping.source).tuples()]


def save_mapping(source: str, kind: str, mapping: dict[str, str], actor: str) -> ImportMapping:
    """Remember a good mapping for this source and kind (one audit event)."""
    source = source.strip()
    if not source or len(source) > 80:
        raise ValidationError("name the source of the file (up to 80 characters), for example ESR", "source")
    errors = problems(kind, mapping)
    if errors:
        raise ValidationError("; ".join(errors), "mapping")
    text = json.dumps(mapping, sort_keys=True)
    with database.atomic():
        row = ImportMapping.get_or_none((ImportMapping.source == source) & (ImportMapping.kind == kind))
        before = audit.as_dict(row)
        if row is None:
            row = ImportMapping.create(source=source, kind=kind, mapping=text)
        elif row.mapping != text:
            row.mapping = text
            row.save()
        else:
            return row
        audit.record(actor, "save" if before is None else "update", "import_mapping", row.id, before,
                     audit.as_dict(row))
    return row
