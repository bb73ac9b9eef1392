"""`/admin/course-aliases` (administrators): other systems' names for our courses (ESR competences, e-learning
titles), built-in and added; add one, point one elsewhere, or remove one. Every change through
tracker.services.course_aliases (validated, audited)."""

from __future__ import annotations

from nicegui import ui

from tracker.access import ADMIN, require
from tracker.services import course_aliases
from tracker.views.alias_views import AliasRow, alias_rows, course_choices
from ui.actions import read, write
from ui.attrs import attrs
from ui.components import heading, muted, panel
from ui.layout import PAGE_BUILD_SECONDS, add_nav, frame
from ui.tables import Column, table

PATH = "/admin/course-aliases"


def register() -> None:
    add_nav(PATH, "Course aliases", "translate", "Administration", lambda v: v.is_admin, order=45)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def aliases_page() -> None:
        async with frame("Course aliases", breadcrumbs=[("Administration", None)]) as page:
            require(page.viewer, ADMIN)
            courses = await read(course_choices) or {}
            with panel():
                heading("Add an alias", 2)
                muted("An alias is a course name as another system writes it (an ESR competence such as "
                      "NHS|CSTF|Fire Safety - 2 Years|, or an e-learning title). Files that use it import as our "
                      "course.")
                with ui.row().classes("gap-4 items-end"):
                    name = ui.input("Name in the other system").classes("w-96").mark("alias-name")
                    course = ui.select(courses, label="Is our course", with_input=True).classes("w-72").mark(
                        "alias-course")
                    ui.button("Add", icon="add", on_click=lambda: add()).props("unelevated no-caps").mark("alias-add")
            holder = ui.column().classes("w-full")

            async def add() -> None:
                if not course.value:
                    ui.notify("Choose which of our courses it is.", type="warning")
                    return
                done = await write(lambda who: course_aliases.remember_alias(who.actor, name.value or "",
                                                                             course.value), needs=ADMIN)
                if done.ok:
                    name.value = ""
                    await redraw()

            async def remove(row: AliasRow) -> None:
                done = await write(lambda who: course_aliases.remove_alias(who.actor, row.id), needs=ADMIN)
                if done.ok:
                    await redraw()

            async def redraw() -> None:
                rows = await read(alias_rows)
                if rows is None:
                    return
                holder.clear()
                with holder, panel():
                    heading(f"Aliases held ({len(rows)})", 2)
                    columns = [Column("Name in the other system"), Column("Our course"), Column("Source"),
                               Column("")]
                    with table("Course aliases", columns) as cells:
                        for row in rows:
                            with cells.row(alias=str(row.id)):
                                cells.cell(row.alias, header=True)
                                cells.cell(f"{row.course_code} - {row.course_name}")
                                cells.cell("built in" if row.builtin else "added")
                                with cells.cell():
                                    attrs(ui.button("Remove", icon="delete",
                                                    on_click=lambda _, r=row: remove(r)).props("flat dense no-caps"),
                                          aria_label=f"Remove the alias {row.alias}").mark(f"alias-remove-{row.id}")

            await redraw()
