"""Dense grids drawn straight onto the canvas, one page at a time: the training matrix, supervision month by
month and the exceptions list, which run to thousands of cells.

reportlab's Table styles and measures every cell and splits long tables slowly (STACK-NOTES: one 5,000-row
table took about 4 s). Here a page's rows are chosen up front from their known heights, so a person's row is
never split across pages, and each page's text is written in a handful of text objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from reports.style import BLACK, NHS_BLUE, NHS_MID_GREY, WHITE, fonts, look, styles, text_width, usable_height
from reports.tables import ZEBRA

PAD = 2.5


@dataclass(frozen=True)
class GridColumn:
    title: str  # may hold "\n" for a two-line header
    width: float
    align: str = "left"  # left | center


@dataclass
class Row:
    cells: list[tuple[str, ...]]  # the lines of each cell
    statuses: dict[int, str] = field(default_factory=dict)  # column -> status, drawn in its colours
    bold: frozenset[int] = frozenset()  # columns in bold
    height: float = 0.0
    bookmark: str = ""  # an outline entry for this row (a person), under the section's heading


@lru_cache(maxsize=1 << 15)
def wrap(text: str, width: float, font: str, size: float) -> tuple[str, ...]:
    """Lines of `text` that fit `width` points (the cell's padding taken off), broken between words.

    Word widths are remembered, and so are whole texts' lines (the exceptions' reasons, employers and roles
    recur from person to person); a line's width is the sum of its words' and spaces' widths, as reportlab
    measures it. Each paragraph (between "\n") is broken on its own: wrap("a\nb") is wrap("a") + wrap("b").
    """
    room = width - 2 * PAD
    space = text_width(" ", font, size)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split():
            needed = text_width(word, font, size)
            if line and used + space + needed > room:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += (space if line else 0.0) + needed
            line.append(word)
        lines.append(" ".join(line))
    return tuple(lines)


class GridPage(Flowable):
    """One page's worth of a grid: the header row and the given rows, drawn directly."""

    def __init__(self, columns: Sequence[GridColumn], rows: Sequence[Row], header_height: float, size: float,
                 narrow: bool = True):
        super().__init__()
        self.columns = list(columns)
        self.rows = list(rows)
        self.header_height = header_height
        self.size = size
        f = fonts()
        self.font, self.bold_font = (f.narrow, f.narrow_bold) if narrow else (f.regular, f.bold)
        self.leading = size * 1.2
        self.width = sum(c.width for c in self.columns)
        self.height = header_height + sum(r.height for r in self.rows)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        lefts = [sum(c.width for c in self.columns[:i]) for i in range(len(self.columns))]
        tops = [self.height - self.header_height]
        for row in self.rows:
            tops.append(tops[-1] - row.height)
        ink = Ink(self.canv)
        # backgrounds: header band, zebra stripes, then status colours
        ink.fill(NHS_BLUE)
        ink.box(0, tops[0], self.width, self.header_height)
        ink.fill(ZEBRA)
        for i in range(1, len(self.rows), 2):
            ink.box(0, tops[i + 1], self.width, self.rows[i].height)
        by_fill: dict[str, list[tuple[int, int]]] = {}
        for r, row in enumerate(self.rows):
            for col, status in row.statuses.items():
                by_fill.setdefault(status, []).append((r, col))
        for status, cells in by_fill.items():
            ink.fill(look(status).fill)
            for r, col in cells:
                ink.box(lefts[col], tops[r + 1], self.columns[col].width, self.rows[r].height)
        ink.rules([(0, top, self.width, top) for top in tops[1:]], NHS_MID_GREY, 0.25)
        ink.frame(self.width, self.height, NHS_MID_GREY, 0.5)
        # text, gathered by colour and weight
        header = [self._placed(column.title.split("\n"), column, lefts[col], tops[0], self.header_height,
                               self.bold_font) for col, column in enumerate(self.columns)]
        ink.text(self.bold_font, self.size, WHITE, [p for cell in header for p in cell])
        groups: dict[tuple[str, bool], list[tuple[float, float, str]]] = {}
        # Each line's place, worked out inline (as _placed does) over tens of thousands of cells a section.
        size, leading, drop = self.size, self.leading, self.size * 0.98
        centred = [c.align == "center" for c in self.columns]
        widths = [c.width for c in self.columns]
        plain_widths: dict[str, float] = {}  # a centred line's width, measured once a page
        bold_widths: dict[str, float] = {}
        for r, row in enumerate(self.rows):
            bottom, height, statuses, bold_columns = tops[r + 1], row.height, row.statuses, row.bold
            for col, lines in enumerate(row.cells):
                bold = col in bold_columns
                key = (statuses.get(col, ""), bold)
                out = groups.get(key)
                if out is None:
                    out = groups[key] = []
                baseline = bottom + (height + len(lines) * leading) / 2 - drop
                left = lefts[col]
                if centred[col]:
                    measured = bold_widths if bold else plain_widths
                    for line in lines:
                        if line:
                            used = measured.get(line)
                            if used is None:
                                used = measured[line] = text_width(line, self.bold_font if bold else self.font, size)
                            out.append((left + (widths[col] - used) / 2, baseline, line))
                        baseline -= leading
                else:
                    for line in lines:
                        if line:
                            out.append((left + PAD, baseline, line))
                        baseline -= leading
        for (status, bold), placed in groups.items():
            ink.text(self.bold_font if bold else self.font, self.size, look(status).ink if status else BLACK, placed)
        ink.done()
        doc = getattr(self.canv, "_doctemplate", None)
        if doc is not None and hasattr(doc, "add_outline_entry"):
            for r, row in enumerate(self.rows):
                if row.bookmark:
                    doc.add_outline_entry(row.bookmark, 1, y=tops[r])

    def _placed(self, lines: Sequence[str], column: GridColumn, left: float, bottom: float, height: float,
                font: str) -> list[tuple[float, float, str]]:
        """Where each line of a cell goes: centred vertically, and across where the column says so."""
        baseline = bottom + (height + len(lines) * self.leading) / 2 - self.size * 0.98
        placed = []
        for line in lines:
            if line:
                x = left + PAD
                if column.align == "center":
                    x = left + (column.width - text_width(line, font, self.size)) / 2
                placed.append((x, baseline, line))
            baseline -= self.leading
        return placed


class Ink:
    """Writes boxes, rules and short strings into a page's content stream with few, short operators.

    reportlab's canvas formats every number through a general routine and measures every string it writes;
    a grid of 25,000 strings spends most of its time there. TrueType text (DejaVu) is encoded once per
    document and string, then placed with one Tm and Tj each; other fonts go through reportlab's text object.
    """

    _encoded: WeakKeyDictionary[Any, dict[tuple[str, str], list[tuple[str, str]]]] = WeakKeyDictionary()
    # per document and font: character -> its escaped code in the first subset, and the same characters -> None
    _tables: WeakKeyDictionary[Any, dict[str, tuple[dict[int, str], dict[int, None]]]] = WeakKeyDictionary()

    def __init__(self, canv: Canvas) -> None:
        self.canv = canv
        self.ops: list[str] = ["q"]
        self._numbers: dict[float, str] = {}  # a coordinate -> its "%.2f" text

    @staticmethod
    def _rgb(colour: Color) -> str:
        return f"{colour.red:.3f} {colour.green:.3f} {colour.blue:.3f}"

    def fill(self, colour: Color) -> None:
        self.ops.append(f"{self._rgb(colour)} rg")

    def box(self, x: float, y: float, width: float, height: float) -> None:
        self.ops.append(f"{x:.2f} {y:.2f} {width:.2f} {height:.2f} re f")

    def rules(self, lines: Sequence[tuple[float, float, float, float]], colour: Color, width: float) -> None:
        self.ops.append(f"{self._rgb(colour)} RG {width:.2f} w")
        self.ops += [f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l" for x1, y1, x2, y2 in lines]
        self.ops.append("S")

    def frame(self, width: float, height: float, colour: Color, line: float) -> None:
        self.ops.append(f"{self._rgb(colour)} RG {line:.2f} w 0 0 {width:.2f} {height:.2f} re S")

    def text(self, font_name: str, size: float, colour: Color, placed: Sequence[tuple[float, float, str]]) -> None:
        if not placed:
            return
        font = pdfmetrics.getFont(font_name)
        if not getattr(font, "_dynamicFont", False):
            self._plain_text(font_name, size, colour, placed)
            return
        doc = self.canv._doc
        encoded = self._encoded.setdefault(doc, {})
        ops = self.ops
        ops += ["BT", f"{self._rgb(colour)} rg"]
        current = ""
        # A page's lines share a few columns' x and rows' y: each number is formatted once per page.
        numbers = self._numbers
        for x, y, line in placed:
            pieces = encoded.get((font_name, line))
            if pieces is None:
                pieces = encoded[(font_name, line)] = self._encode(font, font_name, line, doc)
            at_x = numbers.get(x)
            if at_x is None:
                at_x = numbers[x] = f"{x:.2f}"
            at_y = numbers.get(y)
            if at_y is None:
                at_y = numbers[y] = f"{y:.2f}"
            if len(pieces) == 1 and pieces[0][0] == current:  # the usual case: one piece in the font set
                ops.append(f"1 0 0 1 {at_x} {at_y} Tm {pieces[0][1]}")
                continue
            ops.append(f"1 0 0 1 {at_x} {at_y} Tm")
            for name, shown in pieces:
                if name != current:
                    ops.append(f"{name} {size:.2f} Tf")
                    current = name
                ops.append(shown)
        ops.append("ET")

    @classmethod
    def _encode(cls, font: Any, font_name: str, line: str, doc: Any) -> list[tuple[str, str]]:
        """The line as (subset font name, show operator) pieces.

        Most lines use only characters that already have a code in the document's first subset of the font
        (printable ASCII is its own code there, reportlab's "ASCII readable" subsets; a bullet or a dash gets one
        the first time it is drawn): those are escaped by two str.translate calls over tables of the codes known
        so far. Any other line goes through reportlab's per-character splitString and escapePDF, which also
        gives its new characters their codes; the tables then learn them."""
        if not line:
            return []
        tables = cls._tables.setdefault(doc, {}).get(font_name)
        if tables is None:
            font.getSubsetInternalName(0, doc)  # makes the document's subsets of the font
            tables = cls._tables[doc][font_name] = ({}, {})
            cls._learn(font, doc, tables, font.state[doc].assignments)
        escaped, known = tables
        if not line.translate(known):  # every character has a code in the first subset
            return [(font.getSubsetInternalName(0, doc), f"({line.translate(escaped)}) Tj")]
        pieces = [
            (font.getSubsetInternalName(subset, doc), f"({escapePDF(chars)}) Tj")
            for subset, chars in font.splitString(line, doc)
        ]
        cls._learn(font, doc, tables, {ord(ch) for ch in line})
        return pieces

    @staticmethod
    def _learn(font: Any, doc: Any, tables: tuple[dict[int, str], dict[int, None]], chars: Any) -> None:
        """Adds to the tables the characters among `chars` that have a code in the first subset."""
        escaped, known = tables
        assignments = font.state[doc].assignments
        for char in chars:
            code = assignments.get(char)
            if code is not None and code < 256 and char not in known and char != 0xA0:
                escaped[char] = escapePDF(bytes([code]))
                known[char] = None

    def _plain_text(self, font_name: str, size: float, colour: Color,
                    placed: Sequence[tuple[float, float, str]]) -> None:
        self.done()
        text = self.canv.beginText()
        text.setFont(font_name, size)
        text.setFillColor(colour)
        for x, y, line in placed:
            text.setTextOrigin(x, y)
            text.textLine(line)
        self.canv.drawText(text)
        self.ops = ["q"]

    def done(self) -> None:
        self.ops.append("Q")
        self.canv.addLiteral("\n".join(self.ops))
        self.ops = []


def paged_grid(
    intro: Sequence[Flowable],
    columns: Sequence[GridColumn],
    rows: Sequence[Row],
    *,
    pagesize: tuple[float, float],
    header_height: float,
    size: float,
    continued: str = "",
    narrow: bool = True,
) -> list[Flowable]:
    """A section starting on a new page: its intro, then as many rows per page as fit."""
    width = sum(c.width for c in columns)
    story: list[Flowable] = [PageBreak(), *intro]
    if not rows:
        return story + [Paragraph("Nobody in scope.", styles().body)]
    room = usable_height(pagesize) - 4  # a little slack against rounding
    space = room - sum(_height(f, width) for f in intro) - header_height
    page: list[Row] = []
    note = _continued(continued)  # one flowable on every later page of the section, measured once
    note_height = _height(note, width)
    for row in rows:
        if page and row.height > space:
            story.append(GridPage(columns, page, header_height, size, narrow))
            story += [PageBreak(), note]
            space = room - note_height - header_height
            page = []
        page.append(row)
        space -= row.height
    story.append(GridPage(columns, page, header_height, size, narrow))
    return story


def _continued(text: str) -> Flowable:
    return Paragraph(f"{text} (continued)", styles().small) if text else Spacer(1, 0)


def _height(flowable: Flowable, width: float) -> float:
    _, h = flowable.wrap(width, 10_000)
    return float(h + flowable.getSpaceBefore() + flowable.getSpaceAfter())
