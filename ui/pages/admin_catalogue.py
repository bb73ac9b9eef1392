"""Administration of the catalogues: `/admin/employers` (employers and PCNs), `/admin/roles` and
`/admin/courses`. Admins only; every change through tracker.services (validated, audited)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from nicegui import ui

from tracker.access import ADMIN, require
from tracker.services import catalogue_admin, organisations
from tracker.views.admin_views import CatalogueLists, catalogue
from ui.actions import as_actor, read, write
from ui.attrs import attrs
from ui.components import heading, muted, panel
from ui.layout import PAGE_BUILD_SECONDS, add_nav, frame
from ui.tables import Column, table

KINDS = {
    "pcn": "PCN",
    "gp_practice": "GP practice",
    "vcse": "VCSE organisation",
    "nhs_trust": "NHS trust",
    "local_authority": "Local authority",
    "other": "Other",
}


def edit_button(label: str, marker: str, build: Callable[[], None]) -> None:
    attrs(ui.button("Edit", icon="edit", on_click=build).props("flat dense no-caps"), aria_label=f"Edit {label}").mark(
        marker)


def dialog_card(title: str) -> tuple[ui.dialog, ui.card]:
    dialog = ui.dialog()
    with dialog:
        card = ui.card().classes("w-[34rem] max-w-full")
        with card:
            heading(title, 2)
    return dialog, card


class CataloguePage:
    """One catalogue page's state: its section (employers, roles or courses) and the lists as last read. The
    section is a refreshable part, drawn again after every change saved; each add and save is a method."""

    def __init__(self, section: str) -> None:
        self.section = section
        self.data: CatalogueLists | None = None

    async def build(self) -> None:
        self.data = await read(catalogue)
        with ui.column().classes("w-full gap-4"):
            self.lists()

    @ui.refreshable_method
    def lists(self) -> None:
        if self.data is None:
            return
        {"employers": self.employers, "roles": self.roles, "courses": self.courses}[self.section](self.data)

    async def redraw(self) -> None:
        data = await read(catalogue)
        if data is None:
            return
        self.data = data
        await self.lists.refresh()

    async def saved(self, outcome_ok: bool, dialog: ui.dialog | None) -> None:
        if outcome_ok:
            if dialog is not None:
                dialog.close()
            await self.redraw()

    # ---- employers and PCNs ----------------------------------------------------------------------------------

    def employers(self, data: CatalogueLists) -> None:
        with panel():
            heading("Employers", 2)
            with table("Employing organisations", [Column("Name"), Column("Kind"), Column("")]) as cells:
                for org_id, name, kind in data.employers:
                    with cells.row(employer=str(org_id)):
                        cells.cell(name, header=True)
                        cells.cell(KINDS.get(kind, kind))
                        with cells.cell():
                            edit_button(name, f"edit-employer-{org_id}", partial(self.edit_employer, org_id, name, kind))
            with ui.row().classes("items-end gap-3"):
                name_in = ui.input("New employer").props("outlined dense").mark("employer-new")
                kind_in = (
                    ui.select(KINDS, value="other", label="Kind").props("outlined dense").classes("min-w-[12rem]")
                )
                ui.button("Add the employer", on_click=lambda: self.add_employer(name_in, kind_in)).props(
                    "outline no-caps").mark("employer-add")
        with panel():
            heading("Primary Care Networks", 2)
            muted(", ".join(data.pcns) if data.pcns else "No PCN yet.")
            with ui.row().classes("items-end gap-3"):
                pcn = ui.input("New PCN").props("outlined dense").mark("pcn-new")
                ui.button("Add the PCN", on_click=lambda: self.add_pcn(pcn)).props("outline no-caps").mark("pcn-add")

    def edit_employer(self, org_id: int, name: str, kind: str) -> None:
        dialog, card = dialog_card(f"Edit {name}")
        with card:
            new_name = ui.input("Name", value=name).classes("w-full").mark("org-name")
            new_kind = ui.select(KINDS, value=kind, label="Kind").classes("w-full")
            ui.button("Save", on_click=lambda: self.save_employer(dialog, org_id, new_name, new_kind)).props(
                "unelevated no-caps").mark("org-save")
        dialog.open()

    async def save_employer(self, dialog: ui.dialog, org_id: int, new_name: ui.input, new_kind: ui.select) -> None:
        outcome = await write(
            as_actor(organisations.update_organisation, org_id, new_name.value or "", new_kind.value or ""),
            needs=ADMIN,
            success="Saved the employer.",
        )
        await self.saved(outcome.ok, dialog)

    async def add_employer(self, name_in: ui.input, kind_in: ui.select) -> None:
        outcome = await write(
            as_actor(organisations.get_or_create_employer, name_in.value or "", kind_in.value or "other"),
            needs=ADMIN,
            success="Added the employer.",
        )
        await self.saved(outcome.ok, None)

    async def add_pcn(self, pcn: ui.input) -> None:
        outcome = await write(
            as_actor(organisations.get_or_create_pcn, pcn.value or ""),
            needs=ADMIN,
            success="Added the PCN.",
        )
        await self.saved(outcome.ok, None)

    # ---- roles -------------------------------------------------------------------------------------------------

    def roles(self, data: CatalogueLists) -> None:
        with panel():
            columns = [Column("Code"), Column("Name"), Column("Band cap"), Column("ARRS"), Column("")]
            with table("Roles", columns) as cells:
                for role_id, code, name, band, arrs, notes in data.roles:
                    with cells.row(role=code):
                        cells.cell(code, header=True)
                        cells.cell(name)
                        cells.cell(band or "—")
                        cells.cell("Yes" if arrs else "No")
                        with cells.cell():
                            edit_button(name, f"edit-role-{code}", partial(self.edit_role, role_id, name, band, arrs, notes))
        with panel():
            heading("Add a role", 2)
            with ui.row().classes("items-end gap-3"):
                code_in = ui.input("Code").props("outlined dense").mark("role-new-code")
                name_in = ui.input("Name").props("outlined dense").classes("min-w-[18rem]").mark("role-new-name")
                band_in = ui.input("Band cap").props("outlined dense")
                arrs_in = ui.checkbox("Reimbursed under ARRS", value=True)
                ui.button("Add the role", on_click=lambda: self.add_role(code_in, name_in, band_in, arrs_in)).props(
                    "outline no-caps").mark("role-add")

    def edit_role(self, role_id: int, name: str, band: str, arrs: bool, notes: str) -> None:
        dialog, card = dialog_card(f"Edit {name}")
        with card:
            new_name = ui.input("Name", value=name).classes("w-full").mark("role-name")
            new_band = ui.input("Band cap", value=band)
            new_arrs = ui.checkbox("Reimbursed under ARRS", value=arrs)
            new_notes = ui.textarea("Notes", value=notes).classes("w-full")
            ui.button("Save", on_click=lambda: self.save_role(dialog, role_id, new_name, new_band, new_arrs,
                                                              new_notes)).props("unelevated no-caps").mark("role-save")
        dialog.open()

    async def save_role(self, dialog: ui.dialog, role_id: int, new_name: ui.input, new_band: ui.input,
                        new_arrs: ui.checkbox, new_notes: ui.textarea) -> None:
        outcome = await write(
            as_actor(
                catalogue_admin.update_role,
                role_id,
                new_name.value or "",
                new_band.value or None,
                bool(new_arrs.value),
                new_notes.value or "",
            ),
            needs=ADMIN,
            success="Saved the role.",
        )
        await self.saved(outcome.ok, dialog)

    async def add_role(self, code_in: ui.input, name_in: ui.input, band_in: ui.input, arrs_in: ui.checkbox) -> None:
        outcome = await write(
            as_actor(
                catalogue_admin.add_role,
                code_in.value or "",
                name_in.value or "",
                band_in.value or None,
                bool(arrs_in.value),
            ),
            needs=ADMIN,
            success="Added the role.",
        )
        await self.saved(outcome.ok, None)

    # ---- courses -----------------------------------------------------------------------------------------------

    def courses(self, data: CatalogueLists) -> None:
        with panel():
            muted(
                "The renewal period is the course's default (0 = never expires); requirements may set their own."
            )
            columns = [
                Column("Code"),
                Column("Name"),
                Column("Renewal (months)", numeric=True),
                Column("Strand and level"),
                Column(""),
            ]
            with table("Courses", columns) as cells:
                for course_id, code, name, renewal, strand, level in data.courses:
                    with cells.row(course=code):
                        cells.cell(code, header=True)
                        cells.cell(name)
                        cells.cell(str(renewal) if renewal else "Never expires")
                        cells.cell(f"{strand}, level {level}" if strand else "—")
                        with cells.cell():
                            edit_button(name, f"edit-course-{code}",
                                        partial(self.edit_course, course_id, name, renewal, strand, level))
        with panel():
            heading("Add a course", 2)
            with ui.row().classes("items-end gap-3"):
                code_in = ui.input("Code").props("outlined dense").mark("course-new-code")
                name_in = ui.input("Name").props("outlined dense").classes("min-w-[18rem]").mark("course-new-name")
                renewal_in = (
                    ui.input("Renewal (months)", value="36").props("outlined dense").mark("course-new-renewal")
                )
                ui.button("Add the course", on_click=lambda: self.add_course(code_in, name_in, renewal_in)).props(
                    "outline no-caps").mark("course-add")

    def edit_course(self, course_id: int, name: str, renewal: int, strand: str, level: int | None) -> None:
        dialog, card = dialog_card(f"Edit {name}")
        with card:
            new_name = ui.input("Name", value=name).classes("w-full")
            new_renewal = ui.input("Renewal (months)", value=str(renewal)).mark("course-renewal")
            new_strand = ui.input("Strand", value=strand)
            new_level = ui.input("Level", value=str(level or ""))
            ui.button("Save", on_click=lambda: self.save_course(dialog, course_id, new_name, new_renewal, new_strand,
                                                                new_level)).props("unelevated no-caps").mark(
                "course-save")
        dialog.open()

    async def save_course(self, dialog: ui.dialog, course_id: int, new_name: ui.input, new_renewal: ui.input,
                          new_strand: ui.input, new_level: ui.input) -> None:
        outcome = await write(
            as_actor(
                catalogue_admin.update_course,
                course_id,
                new_name.value or "",
                new_renewal.value or "",
                new_strand.value or None,
                new_level.value or None,
            ),
            needs=ADMIN,
            success="Saved the course.",
        )
        await self.saved(outcome.ok, dialog)

    async def add_course(self, code_in: ui.input, name_in: ui.input, renewal_in: ui.input) -> None:
        outcome = await write(
            as_actor(
                catalogue_admin.add_course,
                code_in.value or "",
                name_in.value or "",
                renewal_in.value or "",
            ),
            needs=ADMIN,
            success="Added the course.",
        )
        await self.saved(outcome.ok, None)


PAGES: list[tuple[str, str, str, str, int]] = [
    ("/admin/employers", "Employers and PCNs", "domain", "employers", 20),
    ("/admin/roles", "Roles", "work", "roles", 30),
    ("/admin/courses", "Courses", "school", "courses", 40),
]


def _page(path: str, title: str, section: str) -> None:
    @ui.page(path, response_timeout=PAGE_BUILD_SECONDS)
    async def catalogue_page() -> None:
        async with frame(title, breadcrumbs=[("Administration", None)]) as page:
            require(page.viewer, ADMIN)
            await CataloguePage(section).build()


def register() -> None:
    for path, title, icon, section, order in PAGES:
        add_nav(path, title, icon, "Administration", lambda v: v.is_admin, order=order)
        _page(path, title, section)
