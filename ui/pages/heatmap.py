"""`/team/supervision` (leads and admins): people × the last 12 months, each cell the month's supervision
status in words with the minutes done, and a footer with the share met each month."""

from __future__ import annotations

from nicegui import ui

from tracker.access import ADMIN, LEAD, require
from tracker.views import team_views as tv
from ui.components import empty_state, muted
from ui.data_table import data_table
from ui.grids import heatmap_table
from ui.layout import add_nav, frame
from ui.lead_components import pager
from ui.team_page import OnPage, View, show_team_list

PATH = "/team/supervision"


def draw(snapshot: tv.TeamSnapshot, view: View, on_page: OnPage) -> None:
    result = tv.heatmap(snapshot, view.filters, view.page, view.size)
    muted(
        "Each month shows Met, Missed, In progress or Paused (absent or not employed for more than half the month), "
        "with the minutes done of those the person's rule needs. A dash means not employed that month."
    )
    if not result.rows.total:
        empty_state(
            "No one matches these filters." if view.filters.active else "No one is employed on this date."
        )
        return
    muted("It opens on the newest months, this one included; scroll sideways for earlier ones. Names stay in view.")
    data_table(heatmap_table(result)).classes("w-full grid-wrap").mark("heatmap")
    pager(result.rows, on_page)


def register() -> None:
    add_nav(
        PATH,
        "Supervision heat-map",
        "calendar_view_month",
        "Team",
        lambda v: v.is_lead or v.is_admin,
        order=30,
    )

    @ui.page(PATH, response_timeout=60)
    async def heatmap_page() -> None:
        async with frame("Supervision heat-map", breadcrumbs=[("Team", "/team")]) as page:
            require(page.viewer, LEAD, ADMIN)
            await show_team_list(page, PATH, draw)
