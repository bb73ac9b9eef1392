"""Administration of people: `/admin/people` (search and pages, archived on request), `/admin/people/new`,
and `/admin/people/{id}` (details with a version check, a change of job, a leaver, archive, absences and
supervisors). Admins only; every change through tracker.services."""

from __future__ import annotations

from nicegui import ui

from tracker.access import ADMIN, require
from tracker.ids import require_id
from tracker.services import people
from tracker.views import admin_views as av
from tracker.views.people_picker import find_people
from tracker.views.team_views import Paged
from ui.actions import as_actor, read, read_as, write
from ui.components import date_input, empty_state, heading, muted, panel, search_select
from ui.form_problems import FormProblems
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame
from ui.lead_components import pager, style
from ui.person_admin import person_sections
from ui.tables import Column, table

PATH = "/admin/people"
KINDS = {
    "": "Choose for a new employer",
    "pcn": "PCN",
    "gp_practice": "GP practice",
    "vcse": "VCSE organisation",
    "nhs_trust": "NHS trust",
    "local_authority": "Local authority",
    "other": "Other",
}


def people_table(rows: Paged[av.PersonRow]) -> None:
    columns = [Column("Name"), Column("Staff id"), Column("Job"), Column("State"), Column("Email")]
    with table("People, by surname", columns) as cells:
        for r in rows.items:
            with cells.row(person=str(r.person_id)):
                with cells.cell(header=True):
                    ui.link(r.name, f"{PATH}/{r.person_id}").mark(f"admin-person-{r.person_id}")
                cells.cell(r.staff_id)
                cells.cell(r.job)
                cells.cell(r.state)
                cells.cell(r.email or "—")


async def list_page(page: Page) -> None:
    state = {"page": 1}
    with ui.row().classes("items-end gap-4 w-full"):
        search = (
            ui.input("Search name, staff id or email")
            .props("outlined dense clearable debounce=400")
            .classes("min-w-[20rem]")
            .mark("people-search")
        )
        archived = ui.checkbox("Include archived people").mark("people-archived")
        ui.button("Add a person", icon="person_add", on_click=lambda: ui.navigate.to(f"{PATH}/new")).props(
            "unelevated no-caps"
        )
    holder = ui.column().classes("w-full gap-3")

    async def show(number: int | None = None, _size: int | None = None) -> None:
        state["page"] = number or 1
        rows = await read(av.people_page, search.value or "", bool(archived.value), state["page"], page.today)
        if rows is None:
            return
        holder.clear()
        with holder, panel():
            if not rows.total:
                empty_state("No one matches.")
                return
            people_table(rows)
            pager(rows, show)

    search.on_value_change(lambda: show())
    archived.on_value_change(lambda: show())
    await show()


async def find_supervisor(words: str) -> dict[str, str] | None:
    """Anyone not archived may be named supervisor (the service checks it again when the person is saved)."""
    return await read_as(lambda who: find_people(words), needs=ADMIN)


async def new_page(page: Page) -> None:
    found = await read(av.choices)
    with panel():
        heading("A new person and their first job", 2)
        problems = FormProblems()
        with ui.row().classes("w-full gap-4"):
            staff_id = ui.input("Staff id (required)").props("outlined").mark("new-staff-id")
            first = ui.input("First name (required)").props("outlined").mark("new-first")
            last = ui.input("Last name (required)").props("outlined").mark("new-last")
            email = ui.input("Email").props("outlined").mark("new-email")
        with ui.row().classes("w-full gap-4"):
            role = (
                ui.select(found.roles, label="Role (required)", with_input=True)
                .classes("min-w-[18rem]")
                .props("outlined")
                .mark("new-role")
            )
            employer = (
                ui.select(
                    found.employers,
                    label="Employer (required; type a new one to add it)",
                    with_input=True,
                    new_value_mode="add-unique",
                )
                .classes("min-w-[18rem]")
                .props("outlined")
                .mark("new-employer")
            )
            kind = (
                ui.select(KINDS, value="", label="Kind of new employer")
                .classes("min-w-[14rem]")
                .props("outlined")
            )
        with ui.row().classes("w-full gap-4 items-end"):
            pcn = (
                ui.select(found.pcns, label="PCN", with_input=True, new_value_mode="add-unique")
                .classes("min-w-[14rem]")
                .props("outlined clearable")
            )
            band = ui.input("Band").props("outlined")
            fte = ui.input("FTE (e.g. 0.8)").props("outlined")
            start = date_input("Start date", page.today, required=True)
        supervisor = search_select("Clinical supervisor", find_supervisor).classes("min-w-[22rem]").props(
            "outlined clearable").mark("new-supervisor")
        for name, field in (
            ("staff_id", staff_id), ("first_name", first), ("last_name", last), ("email", email), ("role", role),
            ("employer", employer), ("employer_type", kind), ("pcn", pcn), ("band", band), ("fte", fte),
            ("start_date", start), ("supervisor_staff_id", supervisor),
        ):
            problems.field(name, field)

        async def save() -> None:
            problems.clear()
            outcome = await write(
                as_actor(
                    people.create_person,
                    staff_id.value or "",
                    first.value or "",
                    last.value or "",
                    role.value or "",
                    employer.value or "",
                    start.value or "",
                    email=email.value or None,
                    employer_kind=kind.value or None,
                    pcn=pcn.value or None,
                    band=band.value or None,
                    fte=fte.value or None,
                    supervisor_staff_id=supervisor.value or None,
                ),
                needs=ADMIN,
                success="Added.",
                labels=problems.labels,
                quiet=True,
            )
            if outcome.ok:
                ui.navigate.to(f"{PATH}/{outcome.value.person_id}")
            else:
                problems.show(outcome.problems)

        ui.button("Add the person", on_click=save).props("unelevated no-caps").mark("new-save")


def register() -> None:
    add_nav(PATH, "People", "badge", "Administration", lambda v: v.is_admin, order=10)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def admin_people() -> None:
        async with frame("People", breadcrumbs=[("Administration", None)]) as page:
            require(page.viewer, ADMIN)
            await list_page(page)

    @ui.page(f"{PATH}/new", response_timeout=PAGE_BUILD_SECONDS)
    async def admin_new_person() -> None:
        async with frame("Add a person", breadcrumbs=[("Administration", None), ("People", PATH)]) as page:
            require(page.viewer, ADMIN)
            await new_page(page)

    @ui.page(PATH + "/{person_id}", response_timeout=PAGE_BUILD_SECONDS)
    async def admin_person(person_id: str) -> None:
        async with frame(
            "Person", breadcrumbs=[("Administration", None), ("People", PATH)], nav_path=PATH
        ) as page:
            require(page.viewer, ADMIN)
            pid = require_id(person_id, "person")
            style()
            record = await read(av.person_record, pid)
            page.retitle(record.name)
            muted(
                f"Staff id {record.staff_id} · record version {record.version}"
                + (" · archived" if record.archived else "")
            )
            ui.link("See their compliance", f"/people/{pid}")
            await person_sections(page, pid)
