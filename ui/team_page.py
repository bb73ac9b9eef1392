"""The frame of the team's long lists (the training matrix, the supervision heat-map): the cached snapshot of
the viewer's team, the filter bar, and one page of rows redrawn in place when the filters or the page change
(the address follows, so refresh and back keep the view)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import ui

from tracker.access import lead_scope
from tracker.views import team_views as tv
from tracker.views.team_cache import CACHE
from ui.actions import read
from ui.components import panel
from ui.layout import Page
from ui.lead_components import FilterBar, filters_of, style, team_tabs, with_params

OnPage = Callable[[int, int], Awaitable[None]]


@dataclass
class View:
    filters: tv.Filters
    page: int
    size: int


Draw = Callable[[tv.TeamSnapshot, View, OnPage], None]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


async def show_team_list(page: Page, path: str, draw: Draw) -> None:
    style()
    scope = lead_scope(page.viewer)
    snapshot = await read(CACHE.snapshot, scope, page.as_of)
    view = View(
        filters_of(page.param), _int(page.param("page"), 1), _int(page.param("size"), tv.DEFAULT_PAGE_SIZE)
    )
    team_tabs(path)
    content: ui.column

    async def refresh(
        filters: tv.Filters | None = None, number: int | None = None, size: int | None = None
    ) -> None:
        nonlocal snapshot
        view.filters = filters or view.filters
        view.page = 1 if filters is not None else (number or view.page)
        view.size = size or view.size
        fresh = await read(CACHE.snapshot, scope, page.as_of)
        if fresh is None:  # the app is stopping
            return
        snapshot = fresh
        extra = {
            "page": str(view.page) if view.page > 1 else "",
            "size": "" if view.size == tv.DEFAULT_PAGE_SIZE else str(view.size),
        }
        ui.navigate.history.replace(with_params(path, view.filters, **extra))
        redraw()

    def redraw() -> None:
        content.clear()
        with content:
            draw(snapshot, view, lambda number, size: refresh(number=number, size=size))

    async def changed(filters: tv.Filters) -> None:
        await refresh(filters=filters)

    with panel():
        FilterBar(view.filters, snapshot.employers, snapshot.roles, snapshot.pcns, changed)
    with panel():
        content = ui.column().classes("w-full gap-3")
    redraw()
