"""Pieces of the lead's and administrator's pages: the team's filter bar, a pager for long lists and
headline figures. Forms write through ui.actions.write."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from nicegui import ui

from tracker import compliance as c
from tracker.views.team_views import PAGE_SIZES, Filters, Option, Paged
from ui.attrs import attrs
from ui.components import status_label, text

STATUS_OPTIONS = {"": "Any status", c.RED: "Red", c.AMBER: "Amber", c.GREEN: "Green"}
SORT_LABELS = {"name": "Name", "status": "Status (red first)", "employer": "Employer", "role": "Role"}
TEAM_PAGES = (
    ("/team", "Dashboard"),
    ("/team/matrix", "Training matrix"),
    ("/team/supervision", "Supervision heat-map"),
)


def count_of(n: int, noun: str = "person", plural: str = "people") -> str:
    return f"{n:,} {noun if n == 1 else plural}"


def team_tabs(current: str) -> None:
    with ui.element("nav").classes("flex gap-4 flex-wrap").props('aria-label="Team views"'):
        for path, label in TEAM_PAGES:
            link = ui.link(label, path).classes("font-semibold")
            if path == current:
                link.props('aria-current="page"').classes("no-underline text-black")


def figure(label: str, value: str, detail: str = "", tone: str | None = None) -> ui.element:
    """A headline number with its meaning in words."""
    with ui.element("div").classes("figure-card") as card:
        attrs(card, data_tone=tone)
        text("div", label).classes("figure-label")
        text("div", value).classes("figure-value")
        if detail:
            text("div", detail).classes("figure-detail")
    return card


def _select(options: Mapping[str, str], value: str, label: str, marker: str) -> ui.select:
    return (
        ui.select(dict(options), value=value if value in options else "", label=label)
        .props("outlined dense options-dense")
        .classes("min-w-[12rem]")
        .mark(marker)
    )


class FilterBar:
    """Employer, role, PCN and status filters, a search box and the order; calls `on_change(filters)`."""

    def __init__(
        self,
        filters: Filters,
        employers: Sequence[Option],
        roles: Sequence[Option],
        pcns: Sequence[Option],
        on_change: Callable[[Filters], Awaitable[None]],
    ) -> None:
        self.filters = filters
        self.on_change = on_change
        self._quiet = False
        with (
            ui.element("form")
            .classes("flex flex-wrap gap-3 items-end w-full")
            .props('role="search" aria-label="Filter the team"')
            .on("submit.prevent", js_handler="() => {}")  # Enter filters in place (no inline handler: CSP)
        ):
            self.search = (
                ui.input("Search name or staff id", value=filters.search)
                .props("outlined dense clearable debounce=400 type=search")
                .classes("min-w-[16rem]")
                .mark("filter-search")
            )
            self.employer = _select(
                self._options("Any employer", employers),
                str(filters.employer_id or ""),
                "Employer",
                "filter-employer",
            )
            self.employer.set_visibility(len(employers) > 1)
            self.role = _select(self._options("Any role", roles), filters.role or "", "Role", "filter-role")
            self.pcn = _select(self._options("Any PCN", pcns), str(filters.pcn_id or ""), "PCN", "filter-pcn")
            self.pcn.set_visibility(len(pcns) > 1)
            self.status = _select(STATUS_OPTIONS, filters.status or "", "Status", "filter-status")
            self.sort = _select(SORT_LABELS, filters.sort, "Order by", "filter-sort")
            ui.button("Clear filters", on_click=self.clear).props("flat no-caps").mark("filter-clear")
        for element in (self.employer, self.role, self.pcn, self.status, self.sort, self.search):
            element.on_value_change(self._changed)

    @staticmethod
    def _options(anything: str, options: Sequence[Option]) -> dict[str, str]:
        return {"": anything} | {o.value: o.label for o in options}

    def read(self) -> Filters:
        params = {
            "employer": self.employer.value or "",
            "role": self.role.value or "",
            "pcn": self.pcn.value or "",
            "status": self.status.value or "",
            "q": self.search.value or "",
            "sort": self.sort.value or "name",
        }
        return Filters.from_params(params)

    async def _changed(self) -> None:
        if self._quiet:
            return
        wanted = self.read()
        if wanted != self.filters:
            self.filters = wanted
            await self.on_change(wanted)

    async def clear(self) -> None:
        self._quiet = True
        try:
            for element in (self.employer, self.role, self.pcn, self.status, self.search):
                element.set_value("")
            self.sort.set_value("name")
        finally:
            self._quiet = False
        self.filters = Filters()
        await self.on_change(self.filters)


def pager(
    paged: Paged[Any], on_page: Callable[[int, int], Awaitable[None]], noun: str = "people",
    sizes: Sequence[int] = PAGE_SIZES,
) -> None:
    """'Showing 26–50 of 9,191 people', previous and next, and how many to a page (one of `sizes`)."""
    with (
        attrs(ui.element("nav").classes("flex items-center gap-3 flex-wrap w-full"), aria_label=f"Pages of {noun}")
    ):
        words = (
            f"Showing {paged.first:,}–{paged.last:,} of {paged.total:,} {noun}"
            if paged.total
            else f"No {noun} match"
        )
        text("span", words).props('role="status"').mark("pager-status")
        previous = ui.button("Previous", icon="chevron_left", on_click=lambda: on_page(paged.page - 1, paged.size))
        attrs(previous.props('outline dense no-caps aria-label="Previous page"'), disable=paged.page <= 1)
        previous.mark("pager-previous")
        text("span", f"Page {paged.page} of {paged.pages}")
        after = ui.button("Next", icon="chevron_right", on_click=lambda: on_page(paged.page + 1, paged.size))
        after.props('outline dense no-caps icon-right=chevron_right aria-label="Next page"')
        attrs(after, disable=paged.page >= paged.pages).mark("pager-next")
        size = (
            ui.select({s: f"{s} a page" for s in sizes}, value=paged.size, label="Rows")
            .props("outlined dense options-dense")
            .classes("min-w-[8rem]")
        )
        size.on_value_change(lambda e: on_page(1, int(e.value)))


@lru_cache(maxsize=8192)
def _day(day: date) -> str:
    """dd/mm/yyyy, each date written once: a page of 100 people repeats a few hundred dates in 2,000 cells."""
    return f"{day:%d/%m/%Y}"


def member_cell_text(status: c.CourseStatus) -> tuple[str, str]:
    """A matrix cell: the status in words and the date that goes with it."""
    if status.status in (c.DUE, c.MISSING):
        return status_label(status.status), f"due {_day(status.due_by)}" if status.due_by else ""
    if status.expires_on is None:
        return status_label(status.status), "no expiry"
    if status.status == c.EXPIRED:
        return status_label(status.status), _day(status.expires_on)
    return status_label(status.status), f"to {_day(status.expires_on)}"


def with_params(path: str, filters: Filters, **extra: str) -> str:
    from urllib.parse import urlencode

    params = filters.to_params() | {k: v for k, v in extra.items() if v}
    return path + ("?" + urlencode(params) if params else "")


def filters_of(page_params: Callable[[str], str | None]) -> Filters:
    names = ("employer", "role", "pcn", "status", "q", "sort")
    return Filters.from_params({n: page_params(n) or "" for n in names})


LEAD_CSS = """
.figure-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.75rem; width: 100%; }
.figure-card { background: #FFFFFF; border: 1px solid #D8DDE0; border-left: 6px solid #005EB8; border-radius: 4px;
  padding: 0.75rem 1rem; }
.figure-card[data-tone="red"] { border-left-color: #D5281B; }
.figure-card[data-tone="amber"] { border-left-color: #FFB81C; }
.figure-card[data-tone="green"] { border-left-color: #007F3B; }
.figure-label { font-size: 0.9rem; color: #4C6272; font-weight: 600; }
.figure-value { font-size: 2rem; font-weight: 700; line-height: 1.1; }
.figure-detail { font-size: 0.85rem; color: #4C6272; }
.grid-table { border-collapse: separate; border-spacing: 2px; font-size: 0.85rem; }
.grid-table th, .grid-table td { padding: 0.3rem 0.4rem; vertical-align: middle; }
.grid-table thead th { font-weight: 600; text-align: left; vertical-align: bottom; background: #FFFFFF;
  border-bottom: 2px solid #212B32; }
.grid-table tbody th { text-align: left; font-weight: 600; background: #FFFFFF; min-width: 12rem;
  max-width: 18rem; }
.grid-table tbody th .detail { font-size: 0.75rem; font-weight: 400; color: #4C6272; }
.grid-table tbody th, .grid-table thead th:first-child { position: sticky; left: 0; z-index: 1; }
.grid-table td.cell { text-align: center; line-height: 1.2; min-width: 6.4rem; border-radius: 3px;
  font-weight: 600; font-size: 0.8rem; }
.grid-table td.cell .when { white-space: nowrap; font-weight: 500; }
.grid-wrap { position: relative; max-width: 100%; overflow-x: auto; }
.grid-table .status-chip i { font-size: 1rem; }
.grid-table a { color: #005EB8; }
.code-list { display: grid; grid-template-columns: max-content 1fr; column-gap: 1rem; margin: 0.5rem 0; }
.code-list dt { font-weight: 600; }
.code-list dd { margin: 0; }
.grid-table td.cell-none { text-align: center; color: #4C6272; background: #F0F4F5; }
.grid-table td.plain { white-space: nowrap; }
.grid-table tfoot td, .grid-table tfoot th { font-weight: 600; border-top: 2px solid #212B32; text-align: center; }
.bar-track { background: #E8EDEE; height: 0.7rem; border-radius: 3px; min-width: 8rem; }
.bar-fill { background: #005EB8; height: 0.7rem; border-radius: 3px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.diff-row th { border-left: 6px solid #FFB81C; }
.grid-table td.why-cell { min-width: 11rem; max-width: 16rem; }
.grid-table td.why-cell .detail { font-size: 0.75rem; line-height: 1.25; margin-top: 0.2rem; color: #212B32; }
.policy-cell { min-width: 14rem; max-width: 24rem; }
/* a cell's parts without wrappers of their own: the document link, then the acknowledgement chip with its
   button beside it, then the edit button, each on a line of its own */
.policy-cell > a { display: block; width: fit-content; }
.policy-cell > .status-chip { margin: 0.25rem 0.5rem 0.25rem 0; vertical-align: middle; }
.policy-cell > [data-act^="edit-"] { display: flex; width: fit-content; }
.policy-cell > .detail { color: #4C6272; }
.policy-cell > button { font-style: normal; }
.policy-topic { min-width: 12rem; font-weight: 600; }
.policy-topic > .status-chip { display: flex; width: fit-content; margin: 0.25rem 0; }
.policy-topic > .detail { font-size: 0.875rem; font-style: italic; font-weight: 400; }
"""


def style() -> None:
    ui.add_css(LEAD_CSS, shared=False)
