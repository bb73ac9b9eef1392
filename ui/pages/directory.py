"""`/team/directory` (every signed-in user): everyone active in my team across employers, with role (linked to
its page), employer, named supervisor, first point of contact and email; filter by employer and role, search by
name. Nothing private (absences, compliance) is on it: those stay behind their own pages' rights."""

from __future__ import annotations

from collections.abc import Sequence

from nicegui import ui

from tracker.views import directory
from tracker.views.directory import Colleague, Directory
from tracker.views.team_views import DEFAULT_PAGE_SIZE
from ui.actions import read
from ui.components import empty_state, muted, panel, plural
from ui.data_table import Spec, data_table
from ui.grids import Part, link_cell, text_cell
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame
from ui.lead_components import pager

PATH = "/team/directory"
EVERY = ""
COLUMNS = ("Name", "Role", "Employer", "Named supervisor", "First point of contact", "Email")


def directory_spec(people: Sequence[Colleague]) -> Spec:
    """The page's people as one table drawn from data (ui/data_table.js): a row of elements each would cost
    most of the page's time."""
    head = [{"parts": [text_cell(label)]} for label in COLUMNS]
    rows = []
    for person in people:
        roles: list[Part] = []
        for job in person.jobs:
            roles += ([text_cell(", ")] if roles else []) + [link_cell(job.role_name, f"/roles/{job.role_code}")]
        plain = (", ".join(dict.fromkeys(j.employer for j in person.jobs)), ", ".join(person.supervisors) or
                 "None named", ", ".join(person.first_contacts) or "None named", person.email or "—")
        cells = [{"header": True, "parts": [text_cell(person.name)]}, {"parts": roles}]
        rows.append({"data": {"person": person.person_id},
                     "cells": cells + [{"parts": [text_cell(value)]} for value in plain]})
    return {"cls": "data-table", "caption": "People in my team", "head": head, "rows": rows}


def people_table(found: Directory) -> None:
    if not found.people:
        empty_state("Nobody in your team matches.")
        return
    data_table(directory_spec(found.people)).classes("w-full").mark("directory-table")


async def show(page: Page) -> None:
    first = await read(directory.directory, page.viewer, page.as_of)
    with ui.row().classes("items-end gap-4 w-full"):
        employer = ui.select({EVERY: "Every employer", **{str(k): v for k, v in first.employers}}, value=EVERY,
                             label="Employer").classes("min-w-[16rem]").props("outlined").mark("filter-employer")
        role = ui.select({EVERY: "Every role", **dict(first.roles)}, value=EVERY, label="Role").classes(
            "min-w-[16rem]").props("outlined").mark("filter-role")
        name = ui.input("Search by name").props("outlined clearable").mark("filter-name")
    counted = muted("")
    holder = ui.column().classes("w-full")

    async def draw(number: int = 1, size: int = DEFAULT_PAGE_SIZE, found: Directory | None = None) -> None:
        if found is None:
            found = await read(
                directory.directory, page.viewer, page.as_of,
                employer_id=int(employer.value) if employer.value else None,
                role_code=role.value or None, search=name.value or "", page=number, size=size,
            )
        matched = found.shown.total
        counted.text = f"Matching: {plural(matched, 'person', 'people')} of {found.everyone} in your team."
        holder.clear()
        with holder, panel():
            people_table(found)
            if matched > found.shown.size:
                pager(found.shown, draw)

    employer.on_value_change(lambda: draw())
    role.on_value_change(lambda: draw())
    name.on_value_change(lambda: draw())
    await draw(found=first)  # the unfiltered first page came with the lists to filter by


def register() -> None:
    add_nav(PATH, "Team directory", "contacts", "Team", lambda v: v.user_id > 0, order=55)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def directory_page() -> None:
        async with frame("Team directory", breadcrumbs=[("Team", None)]) as page:
            muted("Everyone working in your team, whichever organisation employs them, and whom to ask.")
            await show(page)
