"""`/team/supervision` (leads and admins): people × the last 12 months, each cell the month's supervision
status in words with the minutes done, and a footer with the share met each month."""

from __future__ import annotations

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from tracker import compliance as c
from tracker import team_views as tv
from tracker.access import ADMIN, LEAD, require
from ui import theme
from ui.components import empty_state, muted, status_chip, status_label, status_tone, text
from ui.layout import add_nav, frame
from ui.lead_components import pager
from ui.team_page import OnPage, View, show_team_list

PATH = "/team/supervision"


def month_cell(status: c.MonthStatus | None) -> None:
    if status is None:
        TextElement(tag="td", text="—").classes("cell-none").props('title="Not employed"')
        return
    background, colour, _ = theme.TONES[status_tone(status.status)]
    TextElement(tag="td", text=f"{status_label(status.status)}\n{status.minutes}/{status.required}").classes(
        "cell"
    ).style(f"background:{background};color:{colour}").props(
        f'data-month="{status.month.isoformat()}" data-status="{status.status}"'
    )


def heatmap_table(result: tv.HeatmapPage) -> None:
    with ui.element("div").classes("w-full overflow-x-auto"), ui.element("table").classes("grid-table").mark(
        "heatmap"
    ):
        text("caption", "Supervision each month: status and minutes done of those needed").classes("sr-only")
        with ui.element("thead"), ui.element("tr"):
            text("th", "Name").props('scope="col"')
            text("th", "Overall").props('scope="col"')
            for month in result.months:
                text("th", month.strftime("%b %Y")).props('scope="col"')
        with ui.element("tbody"):
            for m in result.rows.items:
                by_month = {s.month: s for s in m.result.months}
                with ui.element("tr").props(f'data-person="{m.person_id}"'):
                    with ui.element("th").props('scope="row"'):
                        ui.link(m.name, f"/people/{m.person_id}")
                        text("div", f"{m.role_name}, {m.employer_name}").classes("text-xs font-normal muted")
                    with ui.element("td"):
                        status_chip(m.rag)
                    for month in result.months:
                        month_cell(by_month.get(month))
        with ui.element("tfoot"), ui.element("tr"):
            text("th", "Met, of those due").props('scope="row" colspan="2"')
            for total in result.totals:
                TextElement(tag="td", text=f"{total.pct:g}%\n{total.met}/{total.counted}" if total.counted else "—")


def draw(snapshot: tv.TeamSnapshot, view: View, on_page: OnPage) -> None:
    result = tv.heatmap(snapshot, view.filters, view.page, view.size)
    muted(
        "Each month shows Met, Missed, In progress or Paused (absent or not employed for more than half the month), "
        "with the minutes done of those the person's rule needs. A dash means not employed that month."
    )
    if not result.rows.total:
        empty_state("No one matches these filters." if view.filters.active else "No one is employed on this date.")
        return
    heatmap_table(result)
    pager(result.rows, on_page)


def register() -> None:
    add_nav(PATH, "Supervision heat-map", "calendar_view_month", "Team", lambda v: v.is_lead or v.is_admin, order=30)

    @ui.page(PATH, response_timeout=60)
    async def heatmap_page() -> None:
        async with frame("Supervision heat-map", breadcrumbs=[("Team", "/team")]) as page:
            require(page.viewer, LEAD, ADMIN)
            await show_team_list(page, PATH, draw)
