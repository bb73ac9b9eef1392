"""The frame of the team's long lists (the training matrix, the supervision heat-map): the cached snapshot of
the viewer's team, the filter bar, and one page of rows redrawn in place when the filters or the page change
(the address follows, so refresh and back keep the view)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from nicegui import ui

from tracker.access import lead_scope
from tracker.views import team_views as tv
from tracker.views.team_cache import CACHE
from ui.actions import read
from ui.components import panel
from ui.layout import Page
from ui.lead_components import FilterBar, filters_of, style, team_tabs, with_params

OnPage = Callable[[int, int], Awaitable[None]]


async def _nothing(name: str, value: str) -> None:
    return None


@dataclass
class View:
    filters: tv.Filters
    page: int
    size: int
    extra: dict[str, str] = field(default_factory=dict)  # a page's own parameters (the matrix's courses), kept
    # in the address with the filters
    set_extra: Callable[[str, str], Awaitable[None]] = _nothing  # change one of them and redraw


Draw = Callable[[tv.TeamSnapshot, View, OnPage], None]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


async def show_team_list(page: Page, path: str, draw: Draw, extra: tuple[str, ...] = ()) -> None:
    """`extra`: the names of the page's own address parameters, given to `draw` in view.extra."""
    style()
    scope = lead_scope(page.viewer)
    snapshot = await read(CACHE.snapshot, scope, page.as_of)
    view = View(
        filters_of(page.param),
        _int(page.param("page"), 1),
        _int(page.param("size"), tv.DEFAULT_PAGE_SIZE),
        {name: page.param(name) or "" for name in extra},
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
        params = view.extra | {
            "page": str(view.page) if view.page > 1 else "",
            "size": "" if view.size == tv.DEFAULT_PAGE_SIZE else str(view.size),
        }
        ui.navigate.history.replace(with_params(path, view.filters, **params))
        redraw()

    def redraw() -> None:
        content.clear()
        with content:
            draw(snapshot, view, lambda number, size: refresh(number=number, size=size))

    async def changed(filters: tv.Filters) -> None:
        await refresh(filters=filters)

    async def set_extra(name: str, value: str) -> None:
        view.extra[name] = value
        await refresh()

    view.set_extra = set_extra

    with panel():
        FilterBar(view.filters, snapshot.employers, snapshot.roles, snapshot.pcns, changed)
    with panel():
        content = ui.column().classes("w-full gap-3")
    redraw()
