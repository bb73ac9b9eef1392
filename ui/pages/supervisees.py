"""Supervisor: "My supervisees": who is due or missed this month, days since the last session, one-click log."""

from __future__ import annotations

from collections.abc import Sequence

from nicegui import ui

from tracker.access import SUPERVISOR, require
from tracker.views.caseload import CASELOAD_PAGE_SIZE, DUE, MISSED_LAST_MONTH, SuperviseeRow, caseload_page
from ui.actions import read
from ui.attrs import attrs
from ui.components import empty_state, heading, muted, panel, plural, status_chip
from ui.layout import PAGE_BUILD_SECONDS, add_nav, frame
from ui.lead_components import pager
from ui.tables import Column, table

CASELOAD_PAGE_SIZES = (CASELOAD_PAGE_SIZE, 50, 100)
STATE_CHIPS = {MISSED_LAST_MONTH: ("missed", "Missed last month"), DUE: ("in_progress", "Due this month")}


def register() -> None:
    add_nav("/supervisees", "My supervisees", "groups", "Supervision", lambda v: v.is_supervisor,
            order=10, home_rank=20)

    @ui.page("/supervisees", response_timeout=PAGE_BUILD_SECONDS)
    async def supervisees() -> None:
        async with frame("My supervisees") as page:
            require(page.viewer, SUPERVISOR)
            assert page.viewer.person_id is not None
            person_id = page.viewer.person_id
            with ui.row().classes("items-center gap-4"):
                ui.button("Log a session", icon="add", on_click=lambda: ui.navigate.to("/supervision/log")).props(
                    "unelevated no-caps"
                )
                counted = muted("")
            holder = ui.column().classes("w-full")

            async def draw(number: int = 1, size: int = CASELOAD_PAGE_SIZE) -> None:
                found = await read(caseload_page, person_id, page.as_of, number, size)
                if found is None:
                    return
                counted.text = (
                    f"{plural(found.rows.total, 'supervisee')}; {found.to_see} still to see this month or missed "
                    "last month."
                )
                holder.clear()
                with holder, panel():
                    heading("This month", 2)
                    if not found.rows.total:
                        empty_state("No one is named as your supervisee on this date.")
                        return
                    supervisee_table(found.rows.items)
                    if found.rows.total > CASELOAD_PAGE_SIZE:
                        pager(found.rows, draw, noun="supervisees", sizes=CASELOAD_PAGE_SIZES)

            await draw()


def supervisee_table(rows: Sequence[SuperviseeRow]) -> None:
    columns = [
        Column("Name"), Column("Role and employer"), Column("Supervision"), Column("Last session"),
        Column("Days since", numeric=True), Column("Overall"), Column("Action"),
    ]
    with table("Your supervisees, the most urgent first", columns) as cells:
        for r in rows:
            with cells.row(person=str(r.person_id), state=r.state):
                with cells.cell(header=True).classes("whitespace-nowrap"):
                    ui.link(r.name, f"/people/{r.person_id}")
                cells.cell(f"{r.role}, {r.employer}")
                with cells.cell():
                    if r.state in STATE_CHIPS:
                        status, label = STATE_CHIPS[r.state]
                        status_chip(status, label)
                    else:
                        status_chip(r.this_month.status if r.this_month else "paused")
                    ui.label(r.summary).classes("text-sm muted")
                cells.cell(r.last_session.strftime("%d/%m/%Y") if r.last_session else "None in 12 months")
                cells.cell(str(r.days_since) if r.days_since is not None else "—")
                with cells.cell():
                    status_chip(r.rag)
                with cells.cell():
                    log = ui.button(
                        "Log session",
                        on_click=lambda pid=r.person_id: ui.navigate.to(f"/supervision/log?with={pid}"),
                    ).props("outline dense no-caps").classes("whitespace-nowrap px-2")
                    attrs(log, aria_label=f"Log session with {r.name}").mark(f"log-{r.person_id}")
