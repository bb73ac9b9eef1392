"""`/admin/users` (admins): logins with their roles, linked person and lead scope; add, change roles and scope,
deactivate or reactivate, and reset a password (a new random one, shown once). Through tracker.services.users."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from tracker.access import ADMIN, require
from tracker.passwords import generate_password
from tracker.services import users
from tracker.views import admin_views as av
from tracker.views.logins import Login, logins
from tracker.views.people_picker import find_people
from ui.actions import read, read_as, write
from ui.attrs import attrs
from ui.components import SEARCH_HINT, heading, muted, panel, search_select, status_chip, text
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame
from ui.tables import Column, table

PATH = "/admin/users"
ROLE_LABELS = {
    "staff": "Staff",
    "supervisor": "Supervisor",
    "lead": "Operational lead",
    "admin": "Administrator",
}
Redraw = Callable[[], Awaitable[None]]
PERSON_HINT = "Needed for staff and supervisors. " + SEARCH_HINT


async def find_person(words: str) -> dict[str, str] | None:
    """Everyone not archived is an administrator's to link: checked afresh that the user still is one."""
    return await read_as(lambda who: find_people(words), needs=ADMIN)


def scope_fields(
    found: av.Choices, current: Login | None
) -> tuple[ui.select, ui.select, ui.select, ui.select]:
    roles = (
        ui.select(
            ROLE_LABELS, multiple=True, label="Roles", value=list(current.roles) if current else ["staff"]
        )
        .classes("min-w-[18rem]")
        .props("outlined use-chips")
        .mark("user-roles")
    )
    person = (
        search_select("Linked person", find_person, value=current.person_staff_id if current else None,
                      shown=current.person if current else None, hint=PERSON_HINT)
        .classes("min-w-[20rem]")
        .props("outlined clearable")
        .mark("user-person")
    )
    employer = (
        ui.select(
            found.employers,
            label="Lead of employer",
            value=current.employer if current else None,
            with_input=True,
        )
        .classes("min-w-[16rem]")
        .props("outlined clearable")
        .mark("user-employer")
    )
    pcn = (
        ui.select(found.pcns, label="or lead of PCN", value=current.pcn if current else None)
        .classes("min-w-[12rem]")
        .props("outlined clearable")
    )
    return roles, person, employer, pcn


def show_password(where: ui.element, email: str, password: str) -> None:
    """In `where`, which outlives the redrawn list (a dialog inside the list would go with it)."""
    where.clear()
    with where, ui.dialog() as dialog, ui.card().classes("w-[30rem] max-w-full"):
        heading("The new password", 2)
        muted(f"Give it to {email} in person or by phone; it is not shown again. They must change it when they "
              "next sign in.")
        text("code", password).classes("text-xl p-2 bg-gray-100").mark("new-password")
        ui.button("Done", on_click=dialog.close).props("unelevated no-caps")
    dialog.open()


def users_table(page: Page, found: av.Choices, rows: list[Login], redraw: Redraw, shown: ui.element) -> None:
    columns = [
        Column("Email"),
        Column("Roles"),
        Column("Person"),
        Column("Lead of"),
        Column("State"),
        Column("Actions"),
    ]
    with table("Logins", columns) as cells:
        for login in rows:
            with cells.row(user=str(login.user_id)):
                cells.cell(login.email, header=True)
                cells.cell(", ".join(ROLE_LABELS[r] for r in login.roles))
                cells.cell(login.person)
                cells.cell(login.scope)
                with cells.cell():
                    status_chip(
                        "compliant" if login.active else "paused", "Active" if login.active else "Deactivated"
                    )
                with cells.cell(), ui.row().classes("gap-1 flex-nowrap whitespace-nowrap"):

                    def edit(login: Login = login) -> None:
                        with ui.dialog() as dialog, ui.card().classes("w-[36rem] max-w-full"):
                            heading(f"Roles of {login.email}", 2)
                            roles, person, employer, pcn = scope_fields(found, login)

                            async def save() -> None:
                                outcome = await write(
                                    lambda who: users.set_roles(
                                        who.actor,
                                        login.user_id,
                                        list(roles.value or []),
                                        person.value or None,
                                        employer.value or None,
                                        pcn.value or None,
                                    ),
                                    needs=ADMIN,
                                    success="Saved.",
                                )
                                if outcome.ok:
                                    dialog.close()
                                    await redraw()

                            ui.button("Save", on_click=save).props("unelevated no-caps").mark("user-save")
                        dialog.open()

                    async def reset(login: Login = login) -> None:
                        password = generate_password()
                        outcome = await write(
                            lambda who: users.change_password(who.actor, login.user_id, password), needs=ADMIN
                        )
                        if outcome.ok:
                            show_password(shown, login.email, password)

                    async def toggle(login: Login = login) -> None:
                        outcome = await write(
                            lambda who: users.set_active(who.actor, login.user_id, not login.active),
                            needs=ADMIN,
                            success="Reactivated." if not login.active else "Deactivated.",
                        )
                        if outcome.ok:
                            await redraw()

                    attrs(ui.button("Roles", on_click=edit).props("flat dense no-caps"),
                          aria_label=f"Roles of {login.email}").mark(f"edit-user-{login.user_id}")
                    attrs(ui.button("Reset password", on_click=reset).props("flat dense no-caps"),
                          aria_label=f"Reset password of {login.email}").mark(f"reset-{login.user_id}")
                    if login.user_id != page.viewer.user_id:
                        verb = "Reactivate" if not login.active else "Deactivate"
                        attrs(ui.button(verb, on_click=toggle).props("flat dense no-caps"),
                              aria_label=f"{verb} {login.email}").mark(f"toggle-{login.user_id}")


def add_form(page: Page, found: av.Choices, redraw: Redraw, shown: ui.element) -> None:
    with panel():
        heading("Add a login", 2)
        with ui.row().classes("items-end gap-3 w-full"):
            email = (
                ui.input("Email address").props("outlined").classes("min-w-[18rem]").mark("new-user-email")
            )
            roles, person, employer, pcn = scope_fields(found, None)
        muted("A random password is made and shown once, for you to pass on; they change it at first sign-in.")

        async def add() -> None:
            password = generate_password()
            outcome = await write(
                lambda who: users.add_user(
                    who.actor,
                    email.value or "",
                    password,
                    list(roles.value or []),
                    person.value or None,
                    employer.value or None,
                    pcn.value or None,
                ),
                needs=ADMIN,
                success="Added the login.",
            )
            if outcome.ok:
                await redraw()
                show_password(shown, outcome.value.email, password)

        ui.button("Add the login", on_click=add).props("unelevated no-caps").mark("new-user-save")


def register() -> None:
    add_nav(PATH, "Users and roles", "manage_accounts", "Administration", lambda v: v.is_admin, order=60)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def admin_users() -> None:
        async with frame("Users and roles", breadcrumbs=[("Administration", None)]) as page:
            require(page.viewer, ADMIN)
            holder = ui.column().classes("w-full gap-4")
            shown = ui.element("div")

            async def redraw() -> None:
                found = await read(av.choices)
                rows = await read(logins)
                if found is None or rows is None:
                    return
                holder.clear()
                with holder:
                    with panel():
                        users_table(page, found, rows, redraw, shown)
                    add_form(page, found, redraw, shown)

            await redraw()
