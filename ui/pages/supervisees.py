"""Supervisor: "My supervisees": who is due or missed this month, days since the last session, one-click log."""

from __future__ import annotations

from collections.abc import Sequence

from nicegui import ui

from tracker.access import SUPERVISOR, require
from tracker.views.caseload import CASELOAD_PAGE_SIZE, DUE, MISSED_LAST_MONTH, SuperviseeRow, caseload_page
from ui.actions import read
from ui.components import empty_state, heading, muted, panel, plural, uk_date
from ui.data_table import Spec, data_table
from ui.grids import TONES, chip_cell, link_cell, text_cell, worded_chip_cell
from ui.layout import PAGE_BUILD_SECONDS, add_nav, frame
from ui.lead_components import pager

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


COLUMNS = (("Name", False), ("Role and employer", False), ("Supervision", False), ("Last session", False),
           ("Days since", True), ("Overall", False), ("Action", False))


def supervisee_spec(rows: Sequence[SuperviseeRow]) -> Spec:
    """The supervisees as one table drawn from data (ui/data_table.js): as elements, some sixteen a row, they
    cost most of the page's time. Each row's "Log session" goes to the form: a link, drawn as a button."""
    right = "text-right"
    head = [{"cls": right if numeric else None, "parts": [text_cell(label)]} for label, numeric in COLUMNS]
    body = []
    for r in rows:
        if r.state in STATE_CHIPS:
            status, label = STATE_CHIPS[r.state]
            chip = worded_chip_cell(status, label)
        else:
            chip = chip_cell(r.this_month.status if r.this_month else "paused")
        log = link_cell("Log session", f"/supervision/log?with={r.person_id}", log=r.person_id)
        cells = [
            {"header": True, "cls": "whitespace-nowrap",
             "parts": [link_cell(r.name, f"/people/{r.person_id}", person_link=r.person_id)]},
            {"parts": [text_cell(f"{r.role}, {r.employer}")]},
            {"parts": [chip, {"detail": r.summary}]},
            {"parts": [text_cell(uk_date(r.last_session, "None in 12 months"))]},
            {"cls": right, "parts": [text_cell(str(r.days_since) if r.days_since is not None else "—")]},
            {"parts": [chip_cell(r.rag)]},
            {"parts": [{**log, "cls": "row-action", "label": f"Log session with {r.name}"}]},
        ]
        body.append({"data": {"person": r.person_id, "state": r.state}, "cells": cells})
    return {"cls": "data-table", "caption": "Your supervisees, the most urgent first", "tones": TONES, "head": head,
            "rows": body}


def supervisee_table(rows: Sequence[SuperviseeRow]) -> None:
    data_table(supervisee_spec(rows)).classes("w-full").mark("supervisees-table")
