"""Spreadsheets built to exhaust memory: a few kilobytes that claim, or unpack to, millions of cells.

Each starts from a real workbook written by openpyxl (header and one row of a people file) and changes only
what an attacker would: the sheet's <dimension>, a far-away cell, a run of rows, or a huge shared string.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator

from openpyxl import Workbook

from tracker.importers.reading import MAX_ROWS, MAX_UNPACKED_BYTES

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["staff_id", "first_name", "last_name", "role", "employer", "start_date"]
ROW = ["E1", "Asha", "Patel", "SPLW", "Northside Community Trust", "01/01/2024"]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _real_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(ROW)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _rows_xml(first: int = 1) -> str:
    cells = []
    for number, values in enumerate((HEADER, ROW), start=first):
        cells.append(f'<row r="{number}">' + "".join(_inline(f"{chr(65 + i)}{number}", v) for i, v in enumerate(values))
                     + "</row>")
    return "".join(cells)


def _rebuilt(replace: dict[str, Callable[[zipfile.ZipFile, str], None]]) -> bytes:
    """The real workbook with some parts written anew (streamed, so a big part never sits in memory)."""
    source = zipfile.ZipFile(io.BytesIO(_real_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename in replace:
                replace[info.filename](target, info.filename)
            else:
                target.writestr(info, source.read(info.filename))
        for name, writer in replace.items():
            if name not in source.namelist():
                writer(target, name)
    return out.getvalue()


def _sheet(dimension: str | None, body: Callable[[], Iterator[str]]) -> Callable[[zipfile.ZipFile, str], None]:
    def write(target: zipfile.ZipFile, name: str) -> None:
        with target.open(name, "w") as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for chunk in body():
                part.write(chunk.encode())
            part.write(b"</sheetData></worksheet>")
    return write


def claims_the_whole_grid() -> bytes:
    """Two real rows under a <dimension> of every cell Excel allows: read_only pads each row to 16,384 cells and
    adds a million empty rows."""
    return _rebuilt({SHEET: _sheet("A1:XFD1048576", lambda: iter([_rows_xml()]))})


def far_cell_under_a_small_dimension() -> bytes:
    """The dimension says three columns; a value waits in the very last cell of the grid."""
    return _rebuilt({SHEET: _sheet("A1:F2", lambda: iter([_rows_xml(), '<row r="1048576">',
                                                          _inline("XFD1048576", "x"), "</row>"]))})


def too_many_rows() -> bytes:
    """More data rows than the limit, each one short: no dimension, so only counting while reading finds out."""
    def rows() -> Iterator[str]:
        yield _rows_xml()
        for number in range(3, MAX_ROWS + 4):
            yield f'<row r="{number}">{_inline(f"A{number}", "E1")}</row>'
    return _rebuilt({SHEET: _sheet(None, rows)})


def unpacks_past_the_limit() -> bytes:
    """A shared string larger than the unpacked limit: under a megabyte packed."""
    def strings(target: zipfile.ZipFile, name: str) -> None:
        chunk = b"A" * 2**20
        with target.open(name, "w") as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1"><si><t>'.encode())
            for _ in range(MAX_UNPACKED_BYTES // len(chunk) + 8):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return _rebuilt({"xl/sharedStrings.xml": strings})


BOMBS: dict[str, Callable[[], bytes]] = {
    "claims-the-whole-grid": claims_the_whole_grid,
    "far-cell-under-a-small-dimension": far_cell_under_a_small_dimension,
    "too-many-rows": too_many_rows,
    "unpacks-past-the-limit": unpacks_past_the_limit,
}
