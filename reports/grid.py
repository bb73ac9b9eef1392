"""Dense grids drawn straight onto the canvas, one page at a time: the training matrix, supervision month by
month and the exceptions list, which run to thousands of cells.

reportlab's Table styles and measures every cell and splits long tables slowly (STACK-NOTES: one 5,000-row
table took about 4 s). Here a page's rows are chosen up front from their known heights, so a person's row is
never split across pages, and each page's text is written in a handful of text objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib.colors import Color
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from reports.style import BLACK, NHS_BLUE, NHS_MID_GREY, WHITE, fonts, look, styles, text_width, usable_height
from reports.tables import ZEBRA

PAD = 2.5


@dataclass(frozen=True)
class Column:
    title: str  # may hold "\n" for a two-line header
    width: float
    align: str = "left"  # left | center


@dataclass
class Row:
    cells: list[tuple[str, ...]]  # the lines of each cell
    statuses: dict[int, str] = field(default_factory=dict)  # column -> status, drawn in its colours
    bold: frozenset[int] = frozenset()  # columns in bold
    height: float = 0.0


def wrap(text: str, width: float, font: str, size: float) -> tuple[str, ...]:
    """Lines of `text` that fit `width` points (the cell's padding taken off)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += simpleSplit(paragraph, font, size, width - 2 * PAD) or [""]
    return tuple(lines)


class GridPage(Flowable):
    """One page's worth of a grid: the header row and the given rows, drawn directly."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Row], header_height: float, size: float,
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
        canv = self.canv
        lefts = [sum(c.width for c in self.columns[:i]) for i in range(len(self.columns))]
        tops = [self.height - self.header_height]
        for row in self.rows:
            tops.append(tops[-1] - row.height)
        # backgrounds: header band, zebra stripes, then status colours
        canv.setFillColor(NHS_BLUE)
        canv.rect(0, tops[0], self.width, self.header_height, stroke=0, fill=1)
        canv.setFillColor(ZEBRA)
        for i in range(1, len(self.rows), 2):
            canv.rect(0, tops[i + 1], self.width, self.rows[i].height, stroke=0, fill=1)
        by_fill: dict[str, list[tuple[int, int]]] = {}
        for r, row in enumerate(self.rows):
            for col, status in row.statuses.items():
                by_fill.setdefault(status, []).append((r, col))
        for status, cells in by_fill.items():
            canv.setFillColor(look(status).fill)
            for r, col in cells:
                canv.rect(lefts[col], tops[r + 1], self.columns[col].width, self.rows[r].height, stroke=0, fill=1)
        # rules
        canv.setStrokeColor(NHS_MID_GREY)
        canv.setLineWidth(0.25)
        path = canv.beginPath()
        for top in tops[1:]:
            path.moveTo(0, top)
            path.lineTo(self.width, top)
        canv.drawPath(path, stroke=1, fill=0)
        canv.setLineWidth(0.5)
        canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        # text, one text object per colour and weight
        self._header_text(lefts, tops[0])
        groups: dict[tuple[str, bool], list[tuple[int, int]]] = {}
        for r, row in enumerate(self.rows):
            for col in range(len(row.cells)):
                groups.setdefault((row.statuses.get(col, ""), col in row.bold), []).append((r, col))
        for (status, bold), cells in groups.items():
            ink = look(status).ink if status else BLACK
            font = self.bold_font if bold else self.font
            self._text(cells, ink, font, lefts, tops)

    def _header_text(self, lefts: list[float], top: float) -> None:
        text = self.canv.beginText()
        text.setFont(self.bold_font, self.size, self.leading)
        text.setFillColor(WHITE)
        for col, column in enumerate(self.columns):
            lines = column.title.split("\n")
            self._place(text, lines, column, lefts[col], top, self.header_height, self.bold_font)
        self.canv.drawText(text)

    def _text(self, cells: list[tuple[int, int]], ink: Color, font: str, lefts: list[float],
              tops: list[float]) -> None:
        text = self.canv.beginText()
        text.setFont(font, self.size, self.leading)
        text.setFillColor(ink)
        for r, col in cells:
            row = self.rows[r]
            self._place(text, row.cells[col], self.columns[col], lefts[col], tops[r + 1], row.height, font)
        self.canv.drawText(text)

    def _place(self, text, lines: Sequence[str], column: Column, left: float, bottom: float,  # type: ignore[no-untyped-def]
               height: float, font: str) -> None:
        block = len(lines) * self.leading
        baseline = bottom + (height + block) / 2 - self.size * 0.98
        if column.align != "center":
            # one origin per cell; textLine steps down by the leading without measuring the text
            text.setTextOrigin(left + PAD, baseline)
            for line in lines:
                text.textLine(line)
            return
        for line in lines:
            if line:
                text.setTextOrigin(left + (column.width - text_width(line, font, self.size)) / 2, baseline)
                text.textLine(line)
            baseline -= self.leading


def paged_grid(
    intro: Sequence[Flowable],
    columns: Sequence[Column],
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
    for row in rows:
        if page and row.height > space:
            story.append(GridPage(columns, page, header_height, size, narrow))
            note = _continued(continued)
            story += [PageBreak(), note]
            space = room - _height(note, width) - header_height
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
