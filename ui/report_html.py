"""The accessible twin of each PDF report: the same gathered data (reports.build.gather_for) drawn as a page of
headings, real tables with column and row headers and captions, and each chart given as the table of figures it
draws. reportlab cannot tag a PDF (a structure tree for screen readers); this page is the form for them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from nicegui import ui

from reports.supervisor import totals
from tracker import compliance as c
from tracker.dates import uk
from tracker.views.report_data import PersonStatementData, ScopeReportData, SupervisorLogData
from tracker.views.team_views import DEFAULT_PAGE_SIZE, PAGE_SIZES, paginate
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
from ui.lead_components import pager
from ui.tables import Column, table

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
        with table("Compliance by course", [Column("Course"), Column("In date", numeric=True)]) as cells:
            for code, name in data.courses:
                with cells.row():
                    cells.cell(f"{code} {name}", header=True)
                    cells.cell(f"{s.course_pct.get(code, 0.0):.1f}%")
        heading("Chart: fully compliant month by month", 3)
        muted("The PDF draws these figures as a line chart: a snapshot at each month's end.")
        columns = [Column("As at"), Column("People", numeric=True), Column("Fully compliant", numeric=True)]
        with table("Fully compliant month by month", columns) as cells:
            for point in data.trend:
                with cells.row():
                    cells.cell(uk(point.day), header=True)
                    cells.cell(f"{point.people:,}")
                    cells.cell(f"{point.pct_green:.1f}%")
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


def _matrix(data: ScopeReportData, people: Sequence[c.PersonCompliance]) -> None:
    columns = [Column("Name"), Column("Staff id"), Column("Overall")] + [Column(code) for code, _ in data.courses]
    with table("Training matrix: each person's status for every course they need", columns, wide=True) as cells:
        for p in people:
            by_code = {t.course: t for t in p.training}
            with cells.row():
                cells.cell(p.name, header=True)
                cells.cell(p.staff_id)
                with cells.cell():
                    status_chip(p.rag)
                for code, _ in data.courses:
                    t = by_code.get(code)
                    if t is None:
                        cells.cell("not required")
                        continue
                    when = t.expires_on or t.due_by
                    cells.cell(f"{status_label(t.status)}{', ' + uk(when) if when else ''}")


def _supervision(data: ScopeReportData, people: Sequence[c.PersonCompliance]) -> None:
    months = data.months
    columns = [Column("Name")] + [Column(f"{m:%b %Y}") for m in months]
    with table("Supervision minutes against the minutes required, each month", columns, wide=True) as cells:
        for p in people:
            by_month = {m.month: m for m in p.months}
            with cells.row():
                cells.cell(p.name, header=True)
                for month in months:
                    m = by_month.get(month)
                    cells.cell(f"{status_label(m.status)}: {m.minutes}/{m.required} min" if m else "—")


def _exceptions(red: Sequence[c.PersonCompliance]) -> None:
    columns = [Column("Name"), Column("Staff id"), Column("Employer and role"), Column("Why"),
               Column("Last session")]
    with table("Exceptions", columns, wide=True) as cells:
        for p in red:
            job = p.employment
            with cells.row():
                cells.cell(p.name, header=True)
                cells.cell(p.staff_id)
                cells.cell(f"{job.employer_name}, {job.role_name}" if job else "")
                cells.cell("; ".join(p.reasons))
                cells.cell(uk(p.last_session) or "none")


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
        columns = [Column("Course"), Column("Status"), Column("Completed"), Column("Expires or due")]
        with table("Training required", columns) as cells:
            for t in p.training:
                with cells.row():
                    cells.cell(f"{t.course} {t.name}", header=True)
                    cells.cell(status_label(t.status))
                    cells.cell(uk(t.completed_on) or "—")
                    cells.cell(uk(t.expires_on or t.due_by) or "no expiry")
    with panel():
        heading("Supervision", 2)
        columns = [Column("Month"), Column("Status"), Column("Minutes", numeric=True), Column("Required", numeric=True)]
        with table("Supervision month by month", columns) as cells:
            for m in p.months:
                with cells.row():
                    cells.cell(f"{m.month:%B %Y}", header=True)
                    cells.cell(status_label(m.status))
                    cells.cell(str(m.minutes))
                    cells.cell(str(m.required))
        columns = [Column("Date"), Column("Supervisor"), Column("Kind"), Column("Minutes", numeric=True),
                   Column("Confirmed")]
        with table("Sessions attended", columns) as cells:
            for a in data.sessions:
                with cells.row():
                    cells.cell(uk(a.date), header=True)
                    cells.cell(a.supervisor)
                    cells.cell(KIND_LABELS.get(a.kind, a.kind))
                    cells.cell(str(a.minutes))
                    cells.cell(a.confirmation.replace("_", " "))


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
        columns = [Column("Date"), Column("Kind"), Column("Format"), Column("Mode"), Column("Minutes", numeric=True),
                   Column("Supervisees")]
        with table("Sessions given", columns, wide=True) as cells:
            for s in data.sessions:
                with cells.row():
                    cells.cell(uk(s.date), header=True)
                    cells.cell(KIND_LABELS.get(s.kind, s.kind))
                    cells.cell(FORMAT_LABELS.get(s.format, s.format))
                    cells.cell(MODE_LABELS.get(s.mode, s.mode))
                    cells.cell(str(s.minutes))
                    cells.cell(", ".join(a.name for a in s.attendees))
    with panel():
        heading("Named supervisees", 2)
        columns = [Column("Supervisee"), Column("Staff id"), Column("Kind"), Column("From"), Column("To")]
        with table("Named supervisees", columns) as cells:
            for a in data.supervisees:
                with cells.row():
                    cells.cell(a.name, header=True)
                    cells.cell(a.staff_id)
                    cells.cell(KIND_LABELS.get(a.kind, a.kind))
                    cells.cell(uk(a.start))
                    cells.cell(uk(a.end) or "current")


def draw(data: object) -> None:
    if isinstance(data, ScopeReportData):
        scope_report(data)
    elif isinstance(data, PersonStatementData):
        person_statement(data)
    elif isinstance(data, SupervisorLogData):
        supervisor_log(data)
