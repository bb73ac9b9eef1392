"""`/team/matrix` (leads and admins): people × courses, each cell the status in words and colour with its
date; filters (employer, role, PCN, status), search and order; one page of rows at a time, from the cached
snapshot of the viewer's team."""

from __future__ import annotations

from nicegui import ui

from tracker.access import ADMIN, LEAD, require
from tracker.views import team_views as tv
from ui.components import empty_state, muted, text
from ui.data_table import data_table
from ui.grids import legend, matrix_table
from ui.layout import add_nav, frame
from ui.lead_components import count_of, pager
from ui.team_page import OnPage, View, show_team_list

PATH = "/team/matrix"


def course_chooser(result: tv.MatrixPage, view: View) -> None:
    """Which course columns show: none chosen shows them all. The choice is kept in the address (?courses=)."""
    options = {o.value: f"{o.label} ({o.value})" for o in result.available}
    chosen = [o.value for o in result.columns] if result.choosing else []

    async def chosen_now(value: list[str] | None) -> None:
        await view.set_extra("courses", ",".join(code for code in value or [] if code in options))

    (
        ui.select(options, multiple=True, value=chosen, label="Courses shown")
        .props('outlined dense options-dense use-chips clearable hint="Choose none to show every course"')
        .classes("min-w-[20rem] max-w-full")
        .mark("matrix-courses")
        .on_value_change(lambda e: chosen_now(e.value))
    )
    if result.ignored:
        muted(
            f"Not shown: {', '.join(result.ignored)} "
            f"{'is not a course' if len(result.ignored) == 1 else 'are not courses'} anyone listed needs."
            + ("" if result.choosing else " Every course is shown.")
        ).props('role="status"').mark("matrix-courses-ignored")


def draw(snapshot: tv.TeamSnapshot, view: View, on_page: OnPage) -> None:
    courses = tv.chosen_courses(view.extra.get("courses"))
    result = tv.matrix(snapshot, view.filters, view.page, view.size, courses)
    counts = result.counts
    muted(
        f"{count_of(result.rows.total)}: {counts['red']:,} red, {counts['amber']:,} amber, {counts['green']:,} green."
    ).props('role="status"').mark("matrix-counts")
    if not result.rows.total:
        empty_state(
            "No one matches these filters." if view.filters.active else "No one is employed on this date."
        )
        return
    course_chooser(result, view)
    muted(
        "Red and amber people say why, in the words of the rules. Supervision is this month's so far. "
        "Scroll sideways to see every course; names stay in view."
    )
    data_table(matrix_table(result)).classes("w-full grid-wrap").mark("matrix")
    pager(result.rows, on_page)
    with ui.element("details").classes("w-full"):
        text("summary", "What the course codes stand for").classes("cursor-pointer font-semibold")
        with ui.element("dl").classes("code-list"):
            for code, label in legend(result.columns):
                text("dt", code)
                text("dd", label)
        text("p", "A dash (—) means the course is not required of that person.").classes("muted")


def register() -> None:
    add_nav(PATH, "Training matrix", "grid_on", "Team", lambda v: v.is_lead or v.is_admin, order=20)

    @ui.page(PATH, response_timeout=60)
    async def matrix_page() -> None:
        async with frame("Training matrix", breadcrumbs=[("Team", "/team")]) as page:
            require(page.viewer, LEAD, ADMIN)
            await show_team_list(page, PATH, draw, extra=("courses",))
