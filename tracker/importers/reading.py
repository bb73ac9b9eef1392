"""Reading a CSV or XLSX file into rows keyed by column name, checking the header row.

Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2. Entirely blank rows are
passed over (exports often end with some) but keep their numbers.

A file is read as a stream and refused as soon as it holds more than a real export does (MAX_ROWS data rows,
MAX_COLUMNS columns); a workbook is refused before it is opened when its parts unpack to more than
MAX_UNPACKED_BYTES, or its sheet says it spans more than those rows and columns. A few kilobytes can unpack to
millions of cells ("zip bomb"); none of them is ever built.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from tracker.errors import ImportRejected, RowError
from tracker.formula_guard import unguard
from tracker.importers.headers import normalise, recognise

# kind -> (required columns, optional columns), in the order of INTERFACES.md
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "people": (
        ("staff_id", "first_name", "last_name", "role", "employer", "start_date"),
        ("email", "employer_type", "pcn", "band", "fte", "end_date", "supervisor_staff_id"),
    ),
    "training": (("course", "completed_on"), ("staff_id", "email", "provider", "reference", "expires_on")),
    "supervision": (
        ("date", "supervisor_staff_id", "supervisee_staff_ids", "minutes"),
        ("kind", "format", "mode"),
    ),
    "absences": (("staff_id", "start_date", "end_date"), ("reason",)),
    "requirements": (("scope", "name", "course"), ("renewal_months", "new_starter_days")),
    "supervision-rules": (("scope", "name", "min_minutes_per_month"), ("kinds", "group_counts", "period_months")),
    "course-aliases": (("alias", "course"), ()),
    # then one column per catalogue item, headed by its code, name or an alias
    "training-matrix": ((), ("staff_id", "email", "first_name", "last_name", "employer")),
}
# kind -> columns of which the file must have at least one (who the row is about)
ONE_OF: dict[str, tuple[tuple[str, ...], ...]] = {
    "training": (("staff_id",), ("email",)),
    "training-matrix": (("staff_id",), ("email",), ("first_name", "last_name", "employer")),
}


def missing_person_columns(kind: str, found: set[str]) -> str | None:
    """A message if the file has no way to name its people, else None."""
    options = ONE_OF.get(kind)
    if not options or any(all(c in found for c in option) for option in options):
        return None
    return "the file needs a column naming the person: " + ", or ".join(" and ".join(o) for o in options)

Row = dict[str, object]

MAX_ROWS = 200_000  # data rows: ten times the staff of the largest primary-care network, with their history
MAX_COLUMNS = 200  # an ESR or e-learning export has a few dozen
MAX_UNPACKED_BYTES = 256 * 2**20  # all the parts of a workbook together, as the zip directory declares them


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, Row]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # known export columns that hold nothing we keep
    courses: list[str] = field(default_factory=list)  # training-matrix: the headers of the item columns
    source: str = ""  # how the file was read, e.g. "CSV, UTF-8 with BOM, semicolon-separated"
    headers: dict[str, str] = field(default_factory=dict)  # our column -> the file's own header, where they differ

    def label(self, column: str) -> str:
        """A column as the user's file names it: "Time completed (completed_on)"."""
        theirs = self.headers.get(column)
        return f"{theirs} ({column})" if theirs else column


@dataclass
class Records:
    cells: list[list[object]]
    source: str


def _reject(row: int, column: str, message: str) -> ImportRejected:
    return ImportRejected([RowError(row, column, message)])


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decode(data: bytes) -> tuple[str, str]:
    """(text, the encoding read): UTF-8 with or without a byte-order mark, UTF-16 with one, else Windows-1252
    (what Excel's plain "CSV" writes on a UK Windows machine)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            row = data[: exc.start + 3].count(b"\n") + 1
            raise _reject(row, "file", f"the file says it is UTF-8 but byte 0x{data[exc.start + 3]:02x} is not: save "
                                       "it as 'CSV UTF-8' and import it again") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise _reject(1, "file", "the file says it is UTF-16 but cannot be read as UTF-16") from None
    if b"\x00" in data[:4096]:
        raise _reject(1, "file", "the file is not text (it holds zero bytes): save it as 'CSV UTF-8' and import it "
                                 "again")
    if _utf8(data):
        return data.decode("utf-8"), "UTF-8"
    return _cp1252(data), "Windows-1252"


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cp1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise _reject(
            row,
            "file",
            f"the file is neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02x} cannot be read); "
            "save it as 'CSV UTF-8' and import it again",
        ) from None


DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _delimiter(text: str) -> str:
    """The separator of the header line (outside quotes) that occurs most: comma, semicolon or tab."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            break
        elif char in counts and not quoted:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


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


def _unguarded(records: Iterable[list[str]]) -> Iterator[list[str]]:
    for record in records:
        yield [unguard(cell) for cell in record]


def _csv_records(data: bytes) -> Records:
    text, encoding = _decode(data)
    if not text.strip():
        raise _reject(1, "file", "the file is empty")
    delimiter = _delimiter(text)
    try:
        cells = _bounded(_unguarded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error as exc:
        raise _reject(1, "file", f"the file cannot be read as CSV ({exc})") from None
    return Records(cells, f"CSV, {encoding}, {DELIMITERS[delimiter]}-separated")


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


def _xlsx_records(data: bytes) -> Records:
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
        return Records(_bounded(sheet.iter_rows(values_only=True)), "Excel workbook")
    finally:
        book.close()


def read_records(data: bytes, filename: str) -> list[list[object]]:
    return read_file(data, filename).cells


def read_file(data: bytes, filename: str) -> Records:
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


def read_table(data: bytes, filename: str, kind: str, column_map: dict[str, str] | None = None) -> Table:
    """The rows of the file under our column names (headers recognised as on the import page, plus the pairs of
    column_map); a bad header or an empty file raises ImportRejected."""
    read = read_file(data, filename)
    records = read.cells
    while records and all(_is_blank(v) for v in records[-1]):
        records.pop()
    if not records:
        raise _reject(1, "file", "the file is empty")
    required, optional = COLUMNS[kind]
    allowed = required + optional
    raw_header = [str(v).strip() if v is not None else "" for v in records[0]]
    matrix = kind == "training-matrix"
    found = recognise(kind, raw_header, allowed, column_map, ignore_unknown=matrix)
    errors = list(found.errors)
    for index, name in enumerate(raw_header):
        if not normalise(name) and any(index < len(r) and not _is_blank(r[index]) for r in records[1:]):
            errors.append(RowError(1, f"column {index + 1}", "this column has values but no name"))
    errors.extend(RowError(1, name, "required column is missing") for name in required if name not in found.found)
    person = missing_person_columns(kind, found.found)
    if person:
        errors.append(RowError(1, "file", person))
    if errors:
        raise ImportRejected(errors)
    header = dict(found.columns)
    if matrix:
        header.update({i: raw_header[i] for i in found.unknown})
    used = sorted(header)
    table = Table([header[i] for i in used], ignored=found.ignored, source=read.source,
                  courses=[raw_header[i] for i in found.unknown],
                  headers={ours: raw_header[i] for i, ours in found.columns.items() if normalise(raw_header[i]) != ours})
    width = len(raw_header)
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
