"""`/team/matrix` (leads and admins): people × courses, each cell the status in words and colour with its
date; filters (employer, role, PCN, status), search and order; one page of rows at a time, from the cached
snapshot of the viewer's team."""

from __future__ import annotations

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from tracker import team_views as tv
from tracker.access import ADMIN, LEAD, require
from ui import theme
from ui.components import empty_state, muted, status_chip, status_tone, text
from ui.layout import add_nav, frame
from ui.lead_components import count_of, member_cell_text, pager
from ui.team_page import OnPage, View, show_team_list

PATH = "/team/matrix"


def matrix_table(snapshot: tv.TeamSnapshot, result: tv.MatrixPage) -> None:
    columns = result.columns
    with ui.element("div").classes("w-full overflow-x-auto"), ui.element("table").classes("grid-table").mark(
        "matrix"
    ):
        text("caption", "Training status of each person in each course they need").classes("sr-only")
        with ui.element("thead"), ui.element("tr"):
            for label in ("Name", "Role", "Employer", "Overall"):
                text("th", label).props('scope="col"')
            for column in columns:
                with ui.element("th").props(f'scope="col" title="{column.label}"'):
                    text("span", column.value).props('aria-hidden="true"')
                    text("span", column.label).classes("sr-only")
        with ui.element("tbody"):
            for m in result.rows.items:
                with ui.element("tr").props(f'data-person="{m.person_id}" data-rag="{m.rag}"'):
                    with ui.element("th").props('scope="row"'):
                        ui.link(m.name, f"/people/{m.person_id}").mark(f"person-{m.person_id}")
                    TextElement(tag="td", text=m.role_name).classes("plain")
                    TextElement(tag="td", text=m.employer_name).classes("plain")
                    with ui.element("td"):
                        status_chip(m.rag)
                    for column in columns:
                        status = m.courses.get(column.value)
                        if status is None:
                            TextElement(tag="td", text="—").classes("cell-none").props('title="Not required"')
                            continue
                        words, when = member_cell_text(status)
                        background, colour, _ = theme.TONES[status_tone(status.status)]
                        TextElement(tag="td", text=f"{words}\n{when}" if when else words).classes("cell").style(
                            f"background:{background};color:{colour}"
                        ).props(f'data-course="{column.value}" data-status="{status.status}"')


def legend(columns: tuple[tv.Option, ...]) -> None:
    if not columns:
        return
    with ui.element("details").classes("w-full"):
        text("summary", "What the course codes stand for").classes("cursor-pointer font-semibold")
        with ui.element("dl").classes("grid gap-x-4").style("grid-template-columns: max-content 1fr"):
            for column in columns:
                text("dt", column.value).classes("font-semibold")
                text("dd", column.label).classes("m-0")
        muted("A dash (—) means the course is not required of that person.")


def register() -> None:
    add_nav(PATH, "Training matrix", "grid_on", "Team", lambda v: v.is_lead or v.is_admin, order=20)

    @ui.page(PATH, response_timeout=60)
    async def matrix_page() -> None:
        async with frame("Training matrix", breadcrumbs=[("Team", "/team")]) as page:
            require(page.viewer, LEAD, ADMIN)
            await show_team_list(page, PATH, draw)


def draw(snapshot: tv.TeamSnapshot, view: View, on_page: OnPage) -> None:
    result = tv.matrix(snapshot, view.filters, view.page, view.size)
    counts = result.counts
    muted(
        f"{count_of(result.rows.total)}: {counts['red']:,} red, {counts['amber']:,} amber, {counts['green']:,} green."
    ).props('role="status"').mark("matrix-counts")
    if not result.rows.total:
        empty_state("No one matches these filters." if view.filters.active else "No one is employed on this date.")
        return
    matrix_table(snapshot, result)
    pager(result.rows, on_page)
    legend(result.columns)
