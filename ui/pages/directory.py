"""`/team/directory` (every signed-in user): everyone active in my team across employers, with role (linked to
its page), employer, named supervisor, first point of contact and email; filter by employer and role, search by
name. Nothing private (absences, compliance) is on it: those stay behind their own pages' rights."""

from __future__ import annotations

from nicegui import ui

from tracker.views import directory
from tracker.views.directory import Directory
from tracker.views.team_views import DEFAULT_PAGE_SIZE
from ui.actions import read
from ui.components import empty_state, muted, panel, plural, text
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame
from ui.lead_components import pager
from ui.tables import Column, table

PATH = "/team/directory"
EVERY = ""


def people_table(found: Directory) -> None:
    if not found.people:
        empty_state("Nobody in your team matches.")
        return
    columns = [Column("Name"), Column("Role"), Column("Employer"), Column("Named supervisor"),
               Column("First point of contact"), Column("Email")]
    with table("People in my team", columns) as rows:
        for person in found.people:
            with rows.row(person=str(person.person_id)):
                rows.cell(person.name, header=True)
                with rows.cell():
                    for k, job in enumerate(person.jobs):
                        if k:
                            text("span", ", ")
                        ui.link(job.role_name, f"/roles/{job.role_code}")
                rows.cell(", ".join(dict.fromkeys(j.employer for j in person.jobs)))
                rows.cell(", ".join(person.supervisors) or "None named")
                rows.cell(", ".join(person.first_contacts) or "None named")
                rows.cell(person.email or "—")


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
