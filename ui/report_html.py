"""The accessible twin of each PDF report: the same gathered data (reports.build.gather_for) drawn as a page of
headings, real tables with column and row headers and captions, and each chart given as the table of figures it
draws. reportlab cannot tag a PDF (a structure tree for screen readers); this page is the form for them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from nicegui import ui

from reports.supervisor import totals
from tracker import compliance as c
from tracker.dates import uk
from tracker.views.report_data import PersonStatementData, ScopeReportData, SupervisorLogData
from tracker.views.team_views import DEFAULT_PAGE_SIZE, PAGE_SIZES, paginate
from ui.attrs import attrs
from ui.components import (
    FORMAT_LABELS,
    KIND_LABELS,
    MODE_LABELS,
    definition_list,
    heading,
    muted,
    panel,
    status_chip,
    status_label,
)
from ui.data_table import DataTable, data_table
from ui.grids import Part, chip_cell, simple_table, text_cell
from ui.lead_components import pager

T = TypeVar("T")


def paged(rows: Sequence[T], noun: str, draw: Callable[[Sequence[T]], None]) -> None:
    """The rows drawn a page at a time, with the pager: the PDF's tables for 500 people were 26,000 elements as
    one page (3.5 s to build); the PDF keeps everyone on paper."""

    @ui.refreshable
    def shown(page: int = 1, size: int = DEFAULT_PAGE_SIZE) -> None:
        chosen = paginate(rows, page, size)
        draw(chosen.items)
        if chosen.total > PAGE_SIZES[0]:  # more than the fewest a page can show
            pager(chosen, turn, noun)

    async def turn(page: int, size: int) -> None:
        shown.refresh(page, size)

    shown()


def about(meta_title: str, scope: str, as_of: str, generated: str) -> None:
    with panel():
        definition_list([("Report", meta_title), ("Scope", scope), ("As at", as_of), ("Made", generated)])


def figures(caption: str, headers: list[tuple[str, bool]], rows: Iterable[tuple[dict[str, str], list[Part]]],
            *, wide: bool = False) -> DataTable:
    """A report's table, drawn in the browser from its data (ui/grids.py's simple_table): one element however
    many cells (the matrix's page of 25 people was 500 elements, most of the page's 480 ms). `wide`: it may
    scroll sideways, so its scroll box is a named region keyboard users can focus and scroll (WCAG 2.1.1)."""
    drawn = data_table(simple_table(caption, headers, rows)).classes("w-full")
    if wide:
        attrs(drawn, tabindex="0", role="region", aria_label=caption)
    return drawn


def scope_report(data: ScopeReportData) -> None:
    meta = data.meta
    about(meta.title, meta.scope_label, uk(meta.as_of), f"{meta.generated_at:%d/%m/%Y %H:%M} for {meta.generated_by}")
    s = data.summary
    with panel():
        heading("Headline figures", 2)
        definition_list([
            ("People employed on the date", f"{s.people:,}"),
            ("Fully compliant (green)", f"{s.fully_compliant_pct:.1f}% ({s.green:,})"),
            ("Amber: something due soon", f"{s.amber:,}"),
            ("Red: expired, missing or supervision missed", f"{s.red:,}"),
            ("Met supervision last month", f"{s.supervision_met_last_month_pct:.1f}%"),
        ])
        heading("Chart: compliance by course", 3)
        muted("The PDF draws these figures as a bar chart: the share of the people who need each course whose "
              "training is in date.")
        figures("Compliance by course", [("Course", False), ("In date", True)], (
            ({"course": code}, [text_cell(f"{code} {name}"), text_cell(f"{s.course_pct.get(code, 0.0):.1f}%")])
            for code, name in data.courses
        ))
        heading("Chart: fully compliant month by month", 3)
        muted("The PDF draws these figures as a line chart: a snapshot at each month's end.")
        figures("Fully compliant month by month", [("As at", False), ("People", True), ("Fully compliant", True)], (
            ({}, [text_cell(uk(point.day)), text_cell(f"{point.people:,}"), text_cell(f"{point.pct_green:.1f}%")])
            for point in data.trend
        ))
    with panel():
        heading("Training matrix", 2)
        paged(data.people, "people in the training matrix", lambda people: _matrix(data, people))
        muted("Courses: " + "; ".join(f"{code} {name}" for code, name in data.courses))
    with panel():
        heading("Supervision month by month", 2)
        paged(data.people, "people's supervision", lambda people: _supervision(data, people))
    with panel():
        heading("Exceptions: who is red, and why", 2)
        red = [p for p in data.people if p.rag == "red"]
        if not red:
            muted(f"Nobody is red as at {uk(meta.as_of)}.")
            return
        paged(red, "people who are red", _exceptions)


def _training_cell(t: c.CourseStatus | None) -> Part:
    if t is None:
        return text_cell("not required")
    when = t.expires_on or t.due_by
    return text_cell(f"{status_label(t.status)}{', ' + uk(when) if when else ''}")


def _matrix(data: ScopeReportData, people: Sequence[c.PersonCompliance]) -> None:
    headers = [("Name", False), ("Staff id", False), ("Overall", False)] + [(code, False) for code, _ in data.courses]
    rows = []
    for p in people:
        by_code = {t.course: t for t in p.training}
        cells = [text_cell(p.name), text_cell(p.staff_id), chip_cell(p.rag)]
        rows.append(({"person": str(p.person_id)}, cells + [_training_cell(by_code.get(code)) for code, _ in data.courses]))
    figures("Training matrix: each person's status for every course they need", headers, rows, wide=True).mark(
        "report-matrix"
    )


def _supervision(data: ScopeReportData, people: Sequence[c.PersonCompliance]) -> None:
    months = data.months
    headers = [("Name", False)] + [(f"{m:%b %Y}", False) for m in months]
    rows = []
    for p in people:
        by_month = {m.month: m for m in p.months}
        cells = [text_cell(p.name)]
        for month in months:
            m = by_month.get(month)
            cells.append(text_cell(f"{status_label(m.status)}: {m.minutes}/{m.required} min" if m else "—"))
        rows.append(({"person": str(p.person_id)}, cells))
    figures("Supervision minutes against the minutes required, each month", headers, rows, wide=True).mark(
        "report-supervision"
    )


def _exceptions(red: Sequence[c.PersonCompliance]) -> None:
    headers = [("Name", False), ("Staff id", False), ("Employer and role", False), ("Why", False),
               ("Last session", False)]
    rows = []
    for p in red:
        job = p.employment
        rows.append(({"person": str(p.person_id)}, [
            text_cell(p.name), text_cell(p.staff_id),
            text_cell(f"{job.employer_name}, {job.role_name}" if job else ""),
            text_cell("; ".join(p.reasons)), text_cell(uk(p.last_session) or "none"),
        ]))
    figures("Exceptions", headers, rows, wide=True).mark("report-exceptions")


def person_statement(data: PersonStatementData) -> None:
    meta = data.meta
    about(meta.title, meta.scope_label, uk(meta.as_of), f"{meta.generated_at:%d/%m/%Y %H:%M} for {meta.generated_by}")
    p = data.compliance
    with panel():
        heading("Summary", 2)
        status_chip(p.rag)
        for reason in p.reasons:
            muted(reason)
    with panel():
        heading("Training", 2)
        headers = [("Course", False), ("Status", False), ("Completed", False), ("Expires or due", False)]
        figures("Training required", headers, (
            ({"course": t.course}, [
                text_cell(f"{t.course} {t.name}"), text_cell(status_label(t.status)),
                text_cell(uk(t.completed_on) or "—"), text_cell(uk(t.expires_on or t.due_by) or "no expiry"),
            ])
            for t in p.training
        ))
    with panel():
        heading("Supervision", 2)
        headers = [("Month", False), ("Status", False), ("Minutes", True), ("Required", True)]
        figures("Supervision month by month", headers, (
            ({}, [text_cell(f"{m.month:%B %Y}"), text_cell(status_label(m.status)), text_cell(str(m.minutes)),
                  text_cell(str(m.required))])
            for m in p.months
        ))
        headers = [("Date", False), ("Supervisor", False), ("Kind", False), ("Minutes", True), ("Confirmed", False)]
        figures("Sessions attended", headers, (
            ({}, [text_cell(uk(a.date)), text_cell(a.supervisor), text_cell(KIND_LABELS.get(a.kind, a.kind)),
                  text_cell(str(a.minutes)), text_cell(a.confirmation.replace("_", " "))])
            for a in data.sessions
        ))


def supervisor_log(data: SupervisorLogData) -> None:
    meta = data.meta
    about(meta.title, meta.scope_label, f"{uk(data.period_from)} to {uk(data.period_to)}",
          f"{meta.generated_at:%d/%m/%Y %H:%M} for {meta.generated_by}")
    if data.scope_note:
        muted(data.scope_note)
    sums = totals(data)
    with panel():
        heading("Sessions given", 2)
        muted(f"{len(data.sessions):,} sessions, {sums.minutes / 60:.1f} hours in all. Private supervision notes "
              "are never included.")
        headers = [("Date", False), ("Kind", False), ("Format", False), ("Mode", False), ("Minutes", True),
                   ("Supervisees", False)]
        figures("Sessions given", headers, (
            ({}, [text_cell(uk(s.date)), text_cell(KIND_LABELS.get(s.kind, s.kind)),
                  text_cell(FORMAT_LABELS.get(s.format, s.format)), text_cell(MODE_LABELS.get(s.mode, s.mode)),
                  text_cell(str(s.minutes)), text_cell(", ".join(a.name for a in s.attendees))])
            for s in data.sessions
        ), wide=True)
    with panel():
        heading("Named supervisees", 2)
        headers = [("Supervisee", False), ("Staff id", False), ("Kind", False), ("From", False), ("To", False)]
        figures("Named supervisees", headers, (
            ({}, [text_cell(a.name), text_cell(a.staff_id), text_cell(KIND_LABELS.get(a.kind, a.kind)),
                  text_cell(uk(a.start)), text_cell(uk(a.end) or "current")])
            for a in data.supervisees
        ))


def draw(data: object) -> None:
    if isinstance(data, ScopeReportData):
        scope_report(data)
    elif isinstance(data, PersonStatementData):
        person_statement(data)
    elif isinstance(data, SupervisorLogData):
        supervisor_log(data)
