"""Reading a CSV or XLSX file into rows keyed by column name, checking the header row.

Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2. Entirely blank rows are
passed over (exports often end with some) but keep their numbers.

A file is read as a stream and refused as soon as it holds more than a real export does (MAX_ROWS data rows,
MAX_COLUMNS columns); a workbook is refused before it is opened when its parts unpack to more than
MAX_UNPACKED_BYTES, or its sheet says it spans more than those rows and columns. A few kilobytes can unpack to
millions of cells ("zip bomb"); none of them is ever built.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tracker.errors import ImportRejected, RowError

# kind -> (required columns, optional columns), in the order of INTERFACES.md
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "people": (
        ("staff_id", "first_name", "last_name", "role", "employer", "start_date"),
        ("email", "employer_type", "pcn", "band", "fte", "end_date", "supervisor_staff_id"),
    ),
    "training": (("staff_id", "course", "completed_on"), ("provider", "reference", "expires_on")),
    "supervision": (
        ("date", "supervisor_staff_id", "supervisee_staff_ids", "minutes"),
        ("kind", "format", "mode"),
    ),
    "absences": (("staff_id", "start_date", "end_date"), ("reason",)),
    "requirements": (("scope", "name", "course"), ("renewal_months", "new_starter_days")),
    "supervision-rules": (("scope", "name", "min_minutes_per_month"), ("kinds", "group_counts", "period_months")),
}

Row = dict[str, object]

MAX_ROWS = 200_000  # data rows: ten times the staff of the largest primary-care network, with their history
MAX_COLUMNS = 200  # an ESR or e-learning export has a few dozen
MAX_UNPACKED_BYTES = 256 * 2**20  # all the parts of a workbook together, as the zip directory declares them


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, Row]] = field(default_factory=list)


def _reject(row: int, column: str, message: str) -> ImportRejected:
    return ImportRejected([RowError(row, column, message)])


def _header_name(value: object) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise _reject(
            row,
            "file",
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read); "
            "save it as 'CSV UTF-8' and import it again",
        ) from None


def _too_large(row: int, what: str) -> ImportRejected:
    return _reject(row, "file", f"{what}, more than a real export has (at most {MAX_ROWS:,} rows of data and "
                                f"{MAX_COLUMNS} columns): split the file, or remove the cells far from the data")


def _bounded(records: Iterable[Sequence[object]]) -> list[list[object]]:
    """The records with trailing blank cells dropped, refused at the first one past the limits."""
    kept: list[list[object]] = []
    blank: list[object] = []
    for number, record in enumerate(records, start=1):
        cells = list(record)
        while cells and _is_blank(cells[-1]):
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise _too_large(number, f"row {number:,} has {len(cells):,} columns")
        if number > MAX_ROWS + 1:
            if cells:
                raise _too_large(number, f"the file has data in row {number:,}")
            continue  # blank rows past the limit are not kept: only data there would matter
        kept.append(cells or blank)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def _csv_records(data: bytes) -> list[list[object]]:
    text = _decode(data)
    if not text.strip():
        raise _reject(1, "file", "the file is empty")
    try:
        return _bounded(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _reject(1, "file", f"the file cannot be read as CSV ({exc})") from None


def _check_unpacked_size(data: bytes) -> None:
    """Python's zipfile never unpacks more than a part declares, so the declared sizes bound the work."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _reject(1, "file", "the file is not a readable Excel workbook (.xlsx)") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _too_large(1, f"the workbook unpacks to {unpacked / 2**20:,.0f} MB "
                            f"(the limit is {MAX_UNPACKED_BYTES // 2**20} MB)")


def _xlsx_records(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _reject(1, "file", "the file is not a readable Excel workbook (.xlsx)") from None
    try:
        sheet = book.worksheets[0]
        rows, columns = sheet.max_row or 0, sheet.max_column or 0  # from the sheet's own <dimension>, if any
        if rows > MAX_ROWS + 1 or columns > MAX_COLUMNS:
            raise _too_large(1, f"the sheet says it spans {rows:,} rows and {columns:,} columns")
        # Read each row as it is, neither padded to nor cut at the declared size (which the file may misstate).
        sheet.reset_dimensions()
        return _bounded(sheet.iter_rows(values_only=True))
    finally:
        book.close()


def read_records(data: bytes, filename: str) -> list[list[object]]:
    name = filename.lower()
    if name.endswith(".csv") or name.endswith(".txt"):
        return _csv_records(data)
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        if not data:
            raise _reject(1, "file", "the file is empty")
        return _xlsx_records(data)
    if name.endswith(".xls"):
        raise _reject(1, "file", "old Excel files (.xls) cannot be read: save it as .xlsx or CSV UTF-8")
    raise _reject(1, "file", "use a .csv or .xlsx file")


def read_table(data: bytes, filename: str, kind: str) -> Table:
    """The rows of the file under their column names; a bad header or an empty file raises ImportRejected."""
    records = read_records(data, filename)
    while records and all(_is_blank(v) for v in records[-1]):
        records.pop()
    if not records:
        raise _reject(1, "file", "the file is empty")
    required, optional = COLUMNS[kind]
    allowed = required + optional
    header = [_header_name(v) for v in records[0]]
    errors: list[RowError] = []
    used: list[int] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            if any(index < len(r) and not _is_blank(r[index]) for r in records[1:]):
                errors.append(RowError(1, f"column {index + 1}", "this column has values but no name"))
            continue
        if name in seen:
            errors.append(RowError(1, name, f"the column appears twice (columns {seen[name] + 1} and {index + 1})"))
        elif name not in allowed:
            errors.append(RowError(1, name, f"unknown column (the {kind} file has: {', '.join(allowed)})"))
        seen.setdefault(name, index)
        used.append(index)
    errors.extend(RowError(1, name, "required column is missing") for name in required if name not in seen)
    if errors:
        raise ImportRejected(errors)
    table = Table([header[i] for i in used])
    width = len(header)
    for number, record in enumerate(records[1:], start=2):
        if all(_is_blank(v) for v in record):
            continue
        extra = [v for v in record[width:] if not _is_blank(v)]
        if extra:
            errors.append(RowError(number, "file", f"the row has {len(record)} cells but the header has {width}"))
            continue
        table.rows.append((number, {header[i]: (record[i] if i < len(record) else None) for i in used}))
    if errors:
        raise ImportRejected(errors)
    if not table.rows:
        raise _reject(2, "file", "the file has a header row but no data rows")
    return table
