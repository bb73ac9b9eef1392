"""Table building blocks: a house style, status cells in text and colour, and page-sized chunks.

Big tables are laid out one page per Table with fixed row heights, so reportlab never has to split them
(splitting a long table is what makes it slow) and a person's row is never split across pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from reports.style import NHS_BLUE, NHS_MID_GREY, NHS_PALE_GREY, WHITE, fonts, look, styles, usable_height

Cell = Any  # a string, a Paragraph or a Drawing
ZEBRA = colors.HexColor("#F4F6F7")


@dataclass
class Grid:
    """Rows of cells plus the per-cell colouring that goes with them."""

    header: list[Cell]
    col_widths: list[float]
    rows: list[list[Cell]] = field(default_factory=list)
    statuses: list[list[tuple[int, str]]] = field(default_factory=list)  # per row: (column, status)

    def add(self, cells: list[Cell], statuses: Sequence[tuple[int, str]] = ()) -> None:
        self.rows.append(cells)
        self.statuses.append(list(statuses))


def base_style(
    font_size: float = 7.5, header_rows: int = 1, zebra: bool = True, narrow: bool = False
) -> list[tuple[Any, ...]]:
    f = fonts()
    regular, bold = (f.narrow, f.narrow_bold) if narrow else (f.regular, f.bold)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), regular, font_size, font_size * 1.2),
        ("FONT", (0, 0), (-1, header_rows - 1), bold, font_size, font_size * 1.2),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), NHS_BLUE),
        ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), WHITE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, NHS_MID_GREY),
        ("BOX", (0, 0), (-1, -1), 0.5, NHS_MID_GREY),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [WHITE, ZEBRA]))
    return commands


def status_commands(
    statuses: Sequence[Sequence[tuple[int, str]]], first_row: int, bold: str | None = None
) -> list[tuple[Any, ...]]:
    commands: list[tuple[Any, ...]] = []
    for offset, row in enumerate(statuses):
        r = first_row + offset
        for col, status in row:
            shade = look(status)
            commands.append(("BACKGROUND", (col, r), (col, r), shade.fill))
            commands.append(("TEXTCOLOR", (col, r), (col, r), shade.ink))
            if bold:
                commands.append(("FONTNAME", (col, r), (col, r), bold))
    return commands


def make_table(
    grid: Grid,
    *,
    font_size: float = 7.5,
    row_height: float | None = None,
    header_height: float | None = None,
    align: Sequence[tuple[int, str]] = (),
    narrow: bool = False,
) -> Table:
    heights = None if row_height is None else [header_height or row_height] + [row_height] * len(grid.rows)
    table = Table([grid.header, *grid.rows], colWidths=grid.col_widths, rowHeights=heights, repeatRows=1,
                  hAlign="LEFT")
    commands = base_style(font_size, narrow=narrow) + status_commands(
        grid.statuses, 1, None if narrow else fonts().bold
    )
    commands += [("ALIGN", (col, 0), (col, -1), how) for col, how in align]
    table.setStyle(TableStyle(commands))
    return table


def paged_tables(
    intro: Sequence[Flowable],
    grid: Grid,
    *,
    pagesize: tuple[float, float],
    row_height: float,
    header_height: float,
    font_size: float = 7.5,
    align: Sequence[tuple[int, str]] = (),
    continued: str = "",
    narrow: bool = False,
) -> list[Flowable]:
    """A section starting on a new page: its intro, then the grid cut into one Table per page."""
    width = sum(grid.col_widths)
    room = usable_height(pagesize) - 4  # a little slack against rounding
    intro_height = sum(_height(f, width) for f in intro)
    story: list[Flowable] = [PageBreak(), *intro]
    start, first = 0, True
    if not grid.rows:
        return story + [Paragraph("Nobody in scope.", styles().body)]
    while start < len(grid.rows):
        space = room - (intro_height if first else _height(_continued(continued), width))
        per_page = max(1, int((space - header_height) // row_height))
        if not first:
            story += [PageBreak(), _continued(continued)]
        part = Grid(grid.header, grid.col_widths, grid.rows[start : start + per_page],
                    grid.statuses[start : start + per_page])
        story.append(make_table(part, font_size=font_size, row_height=row_height, header_height=header_height,
                                align=align, narrow=narrow))
        start += per_page
        first = False
    return story


def _continued(text: str) -> Flowable:
    return Paragraph(f"{text} (continued)", styles().small) if text else Spacer(1, 0)


def _height(flowable: Flowable, width: float) -> float:
    _, h = flowable.wrap(width, 10_000)
    before = getattr(flowable, "getSpaceBefore", lambda: 0)()
    after = getattr(flowable, "getSpaceAfter", lambda: 0)()
    return float(h + before + after)


def key_value_table(pairs: Sequence[tuple[str, Cell]], widths: tuple[float, float]) -> Table:
    """Two columns, label and value, no header: for facts about a person or a report."""
    f = fonts()
    table = Table([[k, v] for k, v in pairs], colWidths=list(widths), hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), f.regular, 9, 11.5),
        ("FONT", (0, 0), (0, -1), f.bold, 9, 11.5),
        ("TEXTCOLOR", (0, 0), (0, -1), NHS_BLUE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, NHS_PALE_GREY),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def heading(text: str) -> list[Flowable]:
    """A section heading that starts a new page when little room is left, so it never sits alone at the
    bottom; the table after it may then run on over the page (its header row repeats)."""
    return [CondPageBreak(30 * mm), Paragraph(text, styles().h2)]
