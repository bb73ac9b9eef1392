"""The long sections of an employer or PCN report: training matrix, supervision month by month, exceptions.

Each person is one row, so a page break never splits a person; the header row repeats on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from reportlab.platypus import Flowable, PageBreak, Paragraph

from reports.grid import GridColumn, Row, paged_grid, wrap
from reports.style import LANDSCAPE, fit, fonts, look, styles, usable_width
from tracker import compliance as c
from tracker.dates import uk
from tracker.views.report_data import ScopeReportData

SIZE = 6.4
LEADING = SIZE * 1.2
ROW_HEIGHT = 2 * LEADING + 3.6
HEADER_HEIGHT = 20.0
NAME_WIDTH = 104.0
DETAIL_WIDTH = 100.0
RAG_WIDTH = 32.0
LAST_WIDTH = 46.0
MIN_COURSE_WIDTH = 36.0
PADDING = 5.0
NOT_REQUIRED = "–"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit(text: str, width: float) -> str:
    return fit(text, fonts().narrow, SIZE, width - PADDING)


def _who(p: c.PersonCompliance, kind: str) -> list[tuple[str, ...]]:
    """The name and staff id cell, and the role (with the employer, for a PCN) cell."""
    job = p.employment
    detail: tuple[str, ...] = ()
    if job is not None:
        detail = _detail(job.role_name, job.employer_name if kind == "pcn" else None)
    return [(_fit(p.name, NAME_WIDTH), p.staff_id), detail]


@lru_cache(maxsize=1 << 12)
def _detail(role_name: str, employer_name: str | None) -> tuple[str, ...]:
    """A role cell (with its employer above it, for a PCN), shared by everyone in that job."""
    role = _fit(role_name, DETAIL_WIDTH)
    return (role,) if employer_name is None else (_fit(employer_name, DETAIL_WIDTH), role)


def _who_columns(kind: str) -> list[GridColumn]:
    return [GridColumn("Name\nStaff id", NAME_WIDTH), GridColumn("Employer\nRole" if kind == "pcn" else "Role", DETAIL_WIDTH)]


# ---- training matrix ----------------------------------------------------------------------------------


def course_groups(courses: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The courses cut into as few, even groups as fit across a page."""
    room = usable_width(LANDSCAPE) - NAME_WIDTH - DETAIL_WIDTH - RAG_WIDTH
    per_page = max(1, int(room // MIN_COURSE_WIDTH))
    if not courses:
        return [[]]
    count = -(-len(courses) // per_page)
    size = -(-len(courses) // count)
    return [list(courses[i : i + size]) for i in range(0, len(courses), size)]


def course_cell(status: c.CourseStatus) -> tuple[str, str]:
    when = status.due_by if status.status in (c.MISSING, c.DUE) else status.expires_on
    return _course_cell(status.status, when)


# Cells recur from person to person (a status and a date): each is worded once, not formatted again per cell.
@lru_cache(maxsize=1 << 14)
def _course_cell(status: str, when: date | None) -> tuple[str, str]:
    return look(status).label, uk(when) if when else "No expiry"


@lru_cache(maxsize=1 << 12)
def _month_cell(status: str, minutes: int, required: int, period_months: int, period_total: int
                ) -> tuple[str, str]:
    return look(status).label, (f"{minutes}/{required} min" if period_months == 1
                                else f"{minutes} ({period_total}/{required})")


_day = lru_cache(maxsize=1 << 14)(uk)  # a last session's date, recurring across people


def matrix(data: ScopeReportData) -> list[Flowable]:
    s = styles()
    groups = course_groups(data.courses)
    story: list[Flowable] = []
    room = usable_width(LANDSCAPE) - NAME_WIDTH - DETAIL_WIDTH - RAG_WIDTH
    by_person = [{t.course: t for t in p.training} for p in data.people]
    for number, group in enumerate(groups, start=1):
        part = f" (part {number} of {len(groups)})" if len(groups) > 1 else ""
        width = room / max(len(group), 1)
        columns = _who_columns(data.kind) + [GridColumn("Overall", RAG_WIDTH, "center")]
        columns += [GridColumn(code, width, "center") for code, _ in group]
        rows = []
        for p, by_code in zip(data.people, by_person, strict=True):
            row = Row(_who(p, data.kind) + [(look(p.rag).label,)], {2: p.rag}, frozenset({2}), ROW_HEIGHT)
            for col, (code, _) in enumerate(group, start=3):
                status = by_code.get(code)
                row.cells.append(course_cell(status) if status else (NOT_REQUIRED,))
                if status:
                    row.statuses[col] = status.status
            rows.append(row)
        key = "; ".join(f"<b>{code}</b> {_esc(name)}" for code, name in group)
        intro = [
            Paragraph(f"Training matrix{part}", s.h1),
            Paragraph(
                "Each cell gives the status and a date: when the training expires (or expired), or for a course "
                f"never done, the date it is due by; {NOT_REQUIRED} not required. " + key,
                s.small,
            ),
        ]
        story += paged_grid(intro, columns, rows, pagesize=LANDSCAPE, header_height=HEADER_HEIGHT, size=SIZE,
                            continued=f"Training matrix{part}")
    return story


# ---- supervision --------------------------------------------------------------------------------------


def supervision(data: ScopeReportData) -> list[Flowable]:
    s = styles()
    month_width = (usable_width(LANDSCAPE) - NAME_WIDTH - DETAIL_WIDTH - LAST_WIDTH) / len(data.months)
    columns = _who_columns(data.kind) + [GridColumn("Last\nsession", LAST_WIDTH, "center")]
    columns += [GridColumn(m.strftime("%b\n%Y"), month_width, "center") for m in data.months]
    rows = []
    for p in data.people:
        by_month = {m.month: m for m in p.months}
        row = Row(_who(p, data.kind) + [(_day(p.last_session) or "none",)], height=ROW_HEIGHT)
        for col, first in enumerate(data.months, start=3):
            m = by_month.get(first)
            if m is None:
                row.cells.append((NOT_REQUIRED,))
                continue
            row.cells.append(_month_cell(m.status, m.minutes, m.required, m.period_months, m.period_total))
            row.statuses[col] = m.status
        rows.append(row)
    intro = [
        Paragraph("Supervision month by month", s.h1),
        Paragraph(
            "Minutes of supervision that count under each person's rule, against the minimum for the month. "
            "Paused: absent or not employed for more than half the month. In progress: the month of the as-at "
            f"date ({uk(data.meta.as_of)}). {NOT_REQUIRED} not employed that month.",
            s.small,
        ),
    ]
    return paged_grid(intro, columns, rows, pagesize=LANDSCAPE, header_height=HEADER_HEIGHT, size=SIZE,
                      continued="Supervision month by month")


# ---- exceptions ---------------------------------------------------------------------------------------

EXCEPTION_SIZE = 7.2


def exceptions(data: ScopeReportData) -> list[Flowable]:
    s = styles()
    red = [p for p in data.people if p.rag == c.RED]
    intro: list[Flowable] = [Paragraph("Exceptions: who is red, and why", s.h1)]
    if not red:
        return [PageBreak(), *intro, Paragraph(f"Nobody is red as at {uk(data.meta.as_of)}.", s.body),
                *supervisor_kinds(data)]
    intro.append(Paragraph(
        f"{len(red):,} of {len(data.people):,} people are red as at {uk(data.meta.as_of)}: a course expired or never "
        "done past its allowance, or last month's supervision missed. Amber reasons are listed with them.",
        s.small,
    ))
    width = usable_width(LANDSCAPE)
    widths = [120.0, 50.0, 150.0, width - 120 - 50 - 150 - 52, 52.0]
    columns = [GridColumn("Name", widths[0]), GridColumn("Staff id", widths[1]), GridColumn("Employer and role", widths[2]),
               GridColumn("Why (with dates)", widths[3]), GridColumn("Last session", widths[4], "center")]
    f = fonts()
    leading = EXCEPTION_SIZE * 1.2
    rows = []
    for p in red:
        job = p.employment
        cells = [
            wrap(p.name, widths[0], f.bold, EXCEPTION_SIZE),
            (p.staff_id,),
            wrap(f"{job.employer_name}\n{job.role_name}" if job else "", widths[2], f.regular, EXCEPTION_SIZE),
            _reasons(p.reasons, widths[3], f.regular),
            (uk(p.last_session) or "none",),
        ]
        height = max(len(cell) for cell in cells) * leading + 4
        rows.append(Row(cells, {}, frozenset({0}), height, bookmark=f"{p.name} ({p.staff_id})"))
    return paged_grid(intro, columns, rows, pagesize=LANDSCAPE, header_height=14.0, size=EXCEPTION_SIZE,
                      continued="Exceptions", narrow=False) + supervisor_kinds(data)


def _reasons(reasons: Sequence[str], width: float, font: str) -> tuple[str, ...]:
    """The reasons' lines, one bullet each: wrap("\n".join(bullets)) but each reason broken (and remembered)
    on its own, as the same reasons recur from person to person."""
    if not reasons:
        return wrap("", width, font, EXCEPTION_SIZE)
    return tuple(line for reason in reasons for line in wrap("• " + reason, width, font, EXCEPTION_SIZE))


def supervisor_kinds(data: ScopeReportData) -> list[Flowable]:
    """Named clinical supervisors not of the kind the supervisee's role expects (a warning, not a status)."""
    if not data.supervisor_warnings:
        return []
    s = styles()
    return [Paragraph("Clinical supervisors not of the kind the role expects", s.h2)] + [
        Paragraph(f"<b>{_esc(name)}</b>: {_esc(why)}", s.small) for name, why in data.supervisor_warnings
    ]

