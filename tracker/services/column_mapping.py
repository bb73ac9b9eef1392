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
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from tracker.db import database
from tracker.errors import ImportRejected, RowError, ValidationError
from tracker.importers import COLUMNS, ImportResult, import_bytes
from tracker.importers.reading import read_records
from tracker.models import ImportMapping
from tracker.services import audit

IGNORE = ""  # the target of a header the user leaves out

SYNONYMS: dict[str, tuple[str, ...]] = {
    "staff_id": ("employee_number", "employee_no", "emp_no", "employee_id", "staff_number", "staff_no",
                 "assignment_number", "person_number", "payroll_number", "id"),
    "first_name": ("forename", "forenames", "given_name", "firstname", "first"),
    "last_name": ("surname", "family_name", "lastname", "last"),
    "email": ("email_address", "e_mail", "work_email", "e_mail_address"),
    "role": ("job_title", "job_role", "position", "position_title", "post"),
    "employer": ("organisation", "organization", "employer_name", "organisation_name", "company"),
    "employer_type": ("organisation_type", "organization_type", "employer_kind"),
    "pcn": ("primary_care_network", "pcn_name", "network"),
    "band": ("grade", "pay_band", "afc_band", "agenda_for_change_band"),
    "fte": ("wte", "whole_time_equivalent", "full_time_equivalent"),
    "start_date": ("date_started", "hire_date", "employment_start", "assignment_start_date", "start"),
    "end_date": ("leaving_date", "termination_date", "date_left", "assignment_end_date", "end"),
    "supervisor_staff_id": ("supervisor", "clinical_supervisor", "supervisor_id", "supervisor_employee_number"),
    "course": ("course_name", "course_title", "competence", "competence_name", "competency", "module", "training",
               "course_code"),
    "completed_on": ("completion_date", "date_completed", "completed", "achievement_date", "date_achieved",
                     "date_passed"),
    "provider": ("training_provider", "delivered_by", "platform", "source", "regulator", "issuing_body"),
    "reference": ("reference_number", "registration_number", "registration_no", "certificate_number",
                  "certificate_no", "dbs_certificate_number", "pin"),
    "expires_on": ("expiry_date", "expiry", "expires", "date_of_expiry", "expiration_date", "renewal_date",
                   "valid_until", "valid_to"),
    "date": ("session_date", "supervision_date", "date_of_session"),
    "supervisee_staff_ids": ("supervisee", "supervisees", "supervisee_id", "attendees"),
    "minutes": ("duration", "duration_minutes", "length_minutes", "mins"),
    "kind": ("type", "supervision_type", "session_type"),
    "format": ("session_format", "one_to_one_or_group"),
    "mode": ("delivery", "delivery_mode", "how"),
    "reason": ("absence_reason", "absence_type", "category"),
}


def normalise(header: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(header or "").strip().lower()).strip("_")


def columns_of(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if kind not in COLUMNS:
        raise ValidationError(f"'{kind}' is not a kind of import ({', '.join(COLUMNS)})", "kind")
    return COLUMNS[kind]


def suggest(kind: str, headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """header -> our column (or IGNORE), each of our columns used at most once: what was remembered for this
    source first, then headers that are our names, then common synonyms."""
    required, optional = columns_of(kind)
    ours = required + optional
    result: dict[str, str] = {}

    def pick(header: str, target: str) -> None:
        if header not in result and target in ours and target not in result.values():
            result[header] = target

    for header in headers:
        if remembered and header in remembered:
            if remembered[header] == IGNORE:
                result[header] = IGNORE
            else:
                pick(header, remembered[header])
    for header in headers:
        pick(header, normalise(header))
    for header in headers:
        key = normalise(header)
        for target in ours:
            if key in SYNONYMS.get(target, ()):
                pick(header, target)
    return {h: result.get(h, IGNORE) for h in headers}


def problems(kind: str, mapping: dict[str, str]) -> list[str]:
    """What stops this mapping being used: unknown targets, a column given twice, required ones missing."""
    required, optional = columns_of(kind)
    ours = required + optional
    found: list[str] = []
    used: dict[str, str] = {}
    for header, target in mapping.items():
        if target == IGNORE:
            continue
        if target not in ours:
            found.append(f"'{header}': '{target}' is not a column of the {kind} file")
        elif target in used:
            found.append(f"'{header}' and '{used[target]}' both give {target}")
        else:
            used[target] = header
    found += [f"no column gives {name} (required)" for name in required if name not in used]
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
    keep = [(i, mapping[h]) for i, h in enumerate(headers) if mapping.get(h, IGNORE) != IGNORE]
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
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row])
    return text.getvalue().encode("utf-8"), f"{Path(filename).stem}.csv"


@dataclass
class Preview:
    """The first rows under our column names, the errors of every row, and what the import would do."""

    columns: list[str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    result: ImportResult | None = None

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
        view.result = import_bytes(kind, mapped, name, "preview", dry_run=True, replace=replace, today=today)
    except ImportRejected as exc:
        view.errors = exc.errors
    return view


def commit(
    kind: str, data: bytes, filename: str, mapping: dict[str, str], actor: str, today: date, replace: bool = False,
) -> ImportResult:
    """Import the remapped file for real: all rows or none (ImportRejected lists every bad row)."""
    mapped, name = remap(kind, data, filename, mapping)
    return import_bytes(kind, mapped, name, actor, replace=replace, today=today)


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
