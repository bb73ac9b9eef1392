"""Pieces every report shares: the cover, the footer line, figure tiles and the key to statuses."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from reports.style import NHS_BLUE, NHS_PALE_GREY, WHITE, PageFrame, fonts, look, styles, usable_width
from tracker.dates import uk
from tracker.views.report_data import Meta

KEY_WIDTH = 165 * mm
COURSE_KEY = ("compliant", "due_soon", "due", "expired", "missing")
MONTH_KEY = ("met", "in_progress", "paused", "missed")
EXPLAINED = {
    "compliant": "trained, and not due to expire within the warning window",
    "due_soon": "expires within the warning window (60 days unless set)",
    "due": "never done; a new starter still within their allowance",
    "expired": "the latest training has expired",
    "missing": "never done, and the new-starter allowance has run out",
    "met": "the month's qualifying minutes reached the minimum",
    "in_progress": "the month of the as-at date, not yet met",
    "paused": "absent or not employed for more than half of the month",
    "missed": "a past month below the minimum",
}


def generated_line(meta: Meta) -> str:
    return f"{meta.generated_at:%d/%m/%Y %H:%M} ({meta.generated_at.tzname() or 'local time'}) by {meta.generated_by}"


def page_frame(meta: Meta, header: str) -> PageFrame:
    """Header band text, and a footer naming the report, its scope and date, and who generated it when."""
    return PageFrame(
        header=header,
        footer=f"{meta.title} · {meta.scope_label} · as at {uk(meta.as_of)}",
        footnote=f"Generated {generated_line(meta)}",
    )


def cover_page(meta: Meta, contents: Sequence[str], pagesize: tuple[float, float]) -> list[Flowable]:
    s = styles()
    width = usable_width(pagesize)
    facts = Table(
        [
            ["Scope", meta.scope_label],
            ["As at", uk(meta.as_of)],
            ["Generated", generated_line(meta)],
        ],
        colWidths=[40 * mm, width - 40 * mm],
        hAlign="LEFT",
    )
    f = fonts()
    facts.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), f.regular, 12, 16),
        ("FONT", (0, 0), (0, -1), f.bold, 12, 16),
        ("TEXTCOLOR", (0, 0), (0, -1), NHS_BLUE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, NHS_PALE_GREY),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    left: list[Flowable] = [Paragraph("Contents", s.h2)]
    left += [Paragraph(f"{n}. {section}", s.body) for n, section in enumerate(contents, start=1)]
    left.append(Paragraph(
        "Every status is worked out from the records as they stood on the as-at date: training completed "
        "and sessions held after it are left out. Status is printed as a word as well as a colour.",
        s.small,
    ))
    right: list[Flowable] = [Paragraph("How to read the statuses", s.h2), status_key(KEY_WIDTH)]
    story: list[Flowable] = [Spacer(1, 6 * mm), Paragraph(meta.title, s.title), facts, Spacer(1, 6 * mm)]
    if width - KEY_WIDTH >= 70 * mm:  # landscape: contents and key side by side
        columns = Table([[left, right]], colWidths=[width - KEY_WIDTH, KEY_WIDTH], hAlign="LEFT")
        columns.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                     ("RIGHTPADDING", (0, 0), (0, -1), 8 * mm)]))
        return story + [columns]
    return story + left + right


def status_key(width: float) -> Table:
    s = styles()
    rows: list[list[object]] = []
    statuses: list[str] = []
    for group, keys in (("Training", COURSE_KEY), ("Supervision month", MONTH_KEY)):
        for key in keys:
            rows.append([group if key == keys[0] else "", look(key).label, Paragraph(EXPLAINED[key], s.cell)])
            statuses.append(key)
    rows.append(["Person", "Red", Paragraph("a course expired or missing, or last month's supervision missed",
                                             s.cell)])
    rows.append(["", "Amber", Paragraph("something due soon or due, supervision this month unmet with 10 days or "
                                        "fewer left, or a policy not yet acknowledged", s.cell)])
    rows.append(["", "Green", Paragraph("none of the above", s.cell)])
    statuses += ["red", "amber", "green"]
    table = Table(rows, colWidths=[30 * mm, 24 * mm, width - 54 * mm], hAlign="LEFT")
    f = fonts()
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), f.regular, 7.5, 9.2),
        ("FONT", (0, 0), (0, -1), f.bold, 7.5, 9.2),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, NHS_PALE_GREY),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for row, key in enumerate(statuses):
        shade = look(key)
        commands += [
            ("BACKGROUND", (1, row), (1, row), shade.fill),
            ("TEXTCOLOR", (1, row), (1, row), shade.ink),
            ("FONTNAME", (1, row), (1, row), f.bold),
        ]
    table.setStyle(TableStyle(commands))
    return table


def figure_tiles(figures: Sequence[tuple[str, str]], width: float) -> Table:
    """Big numbers with a label under each, side by side."""
    s = styles()
    cells = [[Paragraph(value, s.figure), Paragraph(label, s.figure_label)] for value, label in figures]
    table = Table([cells], colWidths=[width / len(figures)] * len(figures), hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), NHS_PALE_GREY),
        ("LINEAFTER", (0, 0), (-2, -1), 3, WHITE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return table
