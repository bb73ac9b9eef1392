"""`/team` (leads and admins): the team's headline figures, the 12-month trend, training by course, each
employer's share, and who needs attention first; every number from the cached snapshot of the viewer's team."""

from __future__ import annotations

from datetime import date

from nicegui import background_tasks, ui

from tracker.access import ADMIN, LEAD, Scope, lead_scope, require
from tracker.dates import add_months, month_start, uk
from tracker.views import team_views as tv
from tracker.views.scope_names import scope_name
from tracker.views.team_cache import CACHE
from ui.actions import read
from ui.charts import trend_chart, trend_table
from ui.components import empty_state, heading, muted, panel, text
from ui.data_table import data_table
from ui.grids import bar_cell, chip_cell, link_cell, simple_table, text_cell
from ui.layout import add_nav, frame
from ui.lead_components import figure, style, team_tabs

PATH = "/team"


def headline(snapshot: tv.TeamSnapshot) -> None:
    s = snapshot.summary
    last_month = add_months(month_start(snapshot.as_of), -1).strftime("%B %Y")
    with ui.element("div").classes("figure-row").mark("headline"):
        figure(
            "Fully compliant",
            f"{s.fully_compliant_pct:g}%",
            f"{s.green:,} of {s.people:,} people green",
            "green",
        )
        figure("Amber", f"{s.amber:,}", "something due soon or to do", "amber")
        figure("Red", f"{s.red:,}", "out of date, missing or supervision missed", "red")
        figure("Supervision met", f"{s.supervision_met_last_month_pct:g}%", f"in {last_month}, of those due")


def courses(snapshot: tv.TeamSnapshot) -> None:
    with panel():
        heading("Training by course", 2)
        muted(
            "The share of people who need each course and hold it in date (compliant or due soon), lowest first."
        )
        figures = snapshot.course_figures
        if not figures:
            empty_state("No course is required of anyone in the team.")
            return
        rows = [
            (
                {"course": f.code},
                [
                    text_cell(f.name),
                    text_cell(f"{f.pct:g}%"),
                    text_cell(f"{f.compliant:,} of {f.required:,}"),
                    bar_cell(f.pct),
                ],
            )
            for f in figures
        ]
        headers = [("Course", False), ("In date", True), ("People", True), ("Share", False)]
        data_table(simple_table("Training by course: share in date", headers, rows)).classes("w-full").mark(
            "courses"
        )


def employers(snapshot: tv.TeamSnapshot) -> None:
    figures = snapshot.employer_figures
    if len(figures) < 2:
        return
    with panel():
        heading("By employer", 2)
        rows = [
            (
                {"employer": str(f.employer_id)},
                [
                    link_cell(f.name, f"/team/matrix?employer={f.employer_id}"),
                    text_cell(f"{f.people:,}"),
                    *(text_cell(f"{f.counts.get(s, 0):,}") for s in ("green", "amber", "red")),
                    text_cell(f"{f.green_pct:g}%"),
                ],
            )
            for f in figures
        ]
        headers = [
            ("Employer", False),
            ("People", True),
            ("Green", True),
            ("Amber", True),
            ("Red", True),
            ("Fully compliant", True),
        ]
        data_table(simple_table("Each employer's people by status", headers, rows)).classes("w-full").mark(
            "employers"
        )


def attention(snapshot: tv.TeamSnapshot) -> None:
    with panel():
        heading("Needs attention", 2)
        people = snapshot.needs_attention
        if not people:
            empty_state("Everyone is green.")
            return
        rows = []
        for m in people:
            why = m.why(limit=1)
            rows.append(
                (
                    {"person": str(m.person_id)},
                    [
                        link_cell(m.name, f"/people/{m.person_id}"),
                        chip_cell(m.rag),
                        text_cell(why),
                        text_cell(m.employer_name),
                    ],
                )
            )
        headers = [("Name", False), ("Status", False), ("Why", False), ("Employer", False)]
        data_table(simple_table("People to look at first: red, then amber", headers, rows)).classes(
            "w-full"
        ).mark("attention")
        ui.link("See everyone who is red in the training matrix", "/team/matrix?status=red")


def trend_panel(scope: Scope, as_of: date) -> None:
    with panel():
        heading("The last 12 months", 2)
        muted(
            "Fully compliant and supervision met at the end of each month, and on the as-at date. Past months "
            "are worked out again at most every 15 minutes; the as-at date's figures are always current."
        )
        waiting = ui.row().classes("items-center gap-2").props('role="status"')
        with waiting:
            ui.spinner(size="1.5rem").props('aria-hidden="true"')
            text("span", "Working out the figures for each month…")
        holder = ui.column().classes("w-full")

    async def fill() -> None:
        points = await read(CACHE.trend, scope, as_of)
        if points is None or holder.is_deleted:  # the app is stopping (io_bound gives None), or the visitor left
            return
        series = tv.trend_series(points)
        waiting.delete()
        with holder:
            trend_chart(series)
            trend_table(series)

    background_tasks.create(fill(), name="dashboard trend")


def register() -> None:
    add_nav(
        PATH, "Team dashboard", "dashboard", "Team", lambda v: v.is_lead or v.is_admin, order=10, home_rank=10
    )

    @ui.page(PATH, response_timeout=60)
    async def dashboard() -> None:
        async with frame("Team dashboard") as page:
            require(page.viewer, LEAD, ADMIN)
            style()
            scope = lead_scope(page.viewer)
            snapshot = await read(CACHE.snapshot, scope, page.as_of)
            team = await read(scope_name, page.viewer)
            team_tabs(PATH)
            muted(f"{team}: {snapshot.summary.people:,} people employed on {uk(page.as_of)}.").mark("scope")
            headline(snapshot)
            trend_panel(scope, page.as_of)
            with (
                ui.element("div")
                .classes("grid gap-4 w-full")
                .style("grid-template-columns: repeat(auto-fit, minmax(min(26rem, 100%), 1fr))")  # one column on a phone
            ):
                courses(snapshot)
                attention(snapshot)
            employers(snapshot)
