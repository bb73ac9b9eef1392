"""`/roles` and `/roles/{code}` (every signed-in user): what each role does, its boundaries of care, minimum
requirements, the training and supervision the engine requires of it (by employer where employers differ),
band cap and funding, sources, and who in the viewer's team holds it. Administrators edit the text."""

from __future__ import annotations

from nicegui import ui

from tracker import compliance as c
from tracker.access import ADMIN
from tracker.role_texts import RoleText
from tracker.services import role_pages
from tracker.views import roles
from tracker.views.directory import Colleague, role_holders
from tracker.views.roles import RolePageView
from tracker.views.team_views import Paged
from ui.actions import as_viewer, read, write
from ui.attrs import attrs
from ui.components import definition_list, empty_state, heading, muted, panel, plural, uk_date
from ui.data_table import data_table
from ui.grids import link_cell, simple_table, text_cell
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame
from ui.lead_components import pager
from ui.role_text import rich_text

PATH = "/roles"
LABELS = {
    "summary": "What the role does",
    "boundaries": "Boundaries of care",
    "requirements": "Minimum role requirements",
    "supervision": "Supervision: what the guidance says",
    "funding": "Funding",
    "sources": "Sources",
}
# The tables' columns as (header, numeric): each drawn as one element from its data (ui/data_table.js), not an
# element per cell (an administrator's role page listed some 180 cells)
COURSE_COLUMNS = [("Course", False), ("Renewal", False), ("New starters within", False), ("Also met by", False)]
INDEX_COLUMNS = [("Role", False), ("Code", False), ("Band cap", False), ("ARRS role", False), ("In my team", True)]
HOLDER_COLUMNS = [("Name", False), ("Employer", False), ("Named supervisor", False),
                  ("First point of contact", False)]
NOT_WRITTEN = "The sources this tracker was built from say nothing of this yet; an administrator may write it."


def renewal(months: int) -> str:
    return "Once (no renewal)" if months == 0 else f"Every {plural(months, 'month')}"


def courses_table(caption: str, courses: tuple[c.RequiredCourse, ...], names: dict[str, str]) -> None:
    if not courses:
        empty_state("No course is required.")
        return
    rows = []
    for course in courses:
        others = [names.get(code, code) for code in course.satisfied_by if code != course.code]
        rows.append(({"course": course.code}, [
            text_cell(course.name), text_cell(renewal(course.renewal_months)),
            text_cell(plural(course.new_starter_days, "day")), text_cell(", ".join(others) or "—"),
        ]))
    data_table(simple_table(caption, COURSE_COLUMNS, rows)).mark("role-courses")


def employer_courses(view: RolePageView, employer: roles.EmployerTerms) -> None:
    """Where an employer's courses differ from the role's: only the courses it adds or changes, and those it
    does not require (the rest as the role's table above: an administrator's page lists every employer of the
    role, and whole tables a few rows apart are many elements that hide the difference)."""
    own = {course.code: course for course in view.courses}
    theirs = {course.code for course in employer.courses}
    changed = tuple(course for course in employer.courses if own.get(course.code) != course)
    dropped = [course.name for course in view.courses if course.code not in theirs]
    if changed:
        courses_table(f"Courses a {view.name} at {employer.employer} needs otherwise than above", changed,
                      view.course_names)
    if dropped:
        muted("Not required there: " + ", ".join(dropped) + ".")
    muted("Every other course as above." if changed or dropped else "The same courses as above.")


def supervision_words(rule: c.SupervisionRuleSpec) -> str:
    kinds = ", ".join(sorted(rule.kinds)) or "any"
    group = "group sessions count" if rule.group_counts else "group sessions do not count"
    return f"At least {rule.min_minutes} minutes a month of {kinds} supervision; {group}."


def index_table(summaries: list[roles.RoleSummary]) -> None:
    rows = [
        ({"role": role.code}, [
            link_cell(role.name, f"{PATH}/{role.code}"), text_cell(role.code), text_cell(role.band_cap or "Not set"),
            text_cell("Yes" if role.is_arrs else "No"), text_cell(str(role.holders)),
        ])
        for role in summaries
    ]
    data_table(simple_table("Roles", INDEX_COLUMNS, rows)).mark("roles")


def edit_dialog(page: Page, view: RolePageView, redraw) -> ui.dialog:  # type: ignore[no-untyped-def]
    with ui.dialog() as dialog, attrs(ui.card().classes("w-[48rem] max-w-full"), aria_label=f"Edit {view.name}"):
        heading(f"Edit the page of {view.name}", 2)
        muted("Plain text. A blank line starts a new paragraph; start lines with \"- \" for a list; "
              "[words](https://...) makes a link. Nothing typed here is treated as HTML.")
        fields = {}
        for part in RoleText.PARTS:
            fields[part] = (
                ui.textarea(LABELS[part], value=getattr(view.text, part)).classes("w-full")
                .props("outlined autogrow").mark(f"role-{part}")
            )

        async def save() -> None:
            parts = {part: field.value or "" for part, field in fields.items()}
            outcome = await write(as_viewer(role_pages.save_role_page, view.code, parts), needs=ADMIN,
                                  success=f"Saved the page of {view.name}.")
            if outcome.ok:
                dialog.close()
                await redraw()
            elif outcome.field in fields:
                fields[outcome.field].error = outcome.message

        with ui.row().classes("gap-2"):
            ui.button("Save the page", on_click=save).props("no-caps").mark("save-role-page")
            ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
    return dialog


def holders_table(page: Page, view: RolePageView) -> None:
    """Who holds the role, a page at a time (an administrator's team is everyone: thousands of holders); each
    further page read when it is asked for."""
    if not view.holders.total:
        empty_state("Nobody in your team holds this role.")
        return
    holder = ui.column().classes("w-full gap-3")

    def draw(shown: Paged[Colleague]) -> None:
        holder.clear()
        with holder:
            rows = [
                ({"person": str(person.person_id)}, [
                    text_cell(person.name),
                    text_cell(", ".join(sorted({j.employer for j in person.jobs if j.role_code == view.code}))),
                    text_cell(", ".join(person.supervisors) or "None named"),
                    text_cell(", ".join(person.first_contacts) or "None named"),
                ])
                for person in shown.items
            ]
            data_table(simple_table(f"Who in my team is a {view.name}", HOLDER_COLUMNS, rows)).mark("role-holders")
            if shown.total > shown.size:
                pager(shown, turn, noun="holders")

    async def turn(number: int, size: int) -> None:
        draw(await read(role_holders, page.viewer, page.as_of, view.code, number, size))

    draw(view.holders)


def role_body(page: Page, view: RolePageView, redraw) -> None:  # type: ignore[no-untyped-def]
    page.retitle(view.name)
    with ui.row().classes("items-center gap-3"):
        muted(f"Code {view.code} · {'an ARRS role' if view.is_arrs else 'not an ARRS role'}")
        if view.written_by:
            muted(f"Text last changed by {view.written_by} on {uk_date(view.written_at.date() if view.written_at else None)}")
        else:
            muted("Built-in text, from the sources listed below")
        if page.viewer.is_admin:
            edit = ui.button("Edit the page", icon="edit", on_click=lambda: edit_dialog(page, view, redraw).open())
            attrs(edit.props("flat no-caps"), aria_label=f"Edit the page of {view.name}").mark("edit-role-page")
    for part in ("summary", "boundaries", "requirements"):
        with panel().mark(f"part-{part}"):
            heading(LABELS[part], 2)
            rich_text(getattr(view.text, part), NOT_WRITTEN)
    with panel().mark("part-training"):
        heading("Training required", 2)
        muted("Worked out by the same rules that decide compliance: the role's requirements, with each employer's "
              "own rules over them.")
        courses_table(f"Courses a {view.name} needs", view.courses, view.course_names)
        for employer in view.employers:
            if employer.differs:
                heading(f"At {employer.employer}", 3)
                employer_courses(view, employer)
        same = [e.employer for e in view.employers if not e.differs]
        if same:
            muted("The same at " + ", ".join(same) + ".")
    with panel().mark("part-supervision"):
        heading("Supervision requirement", 2)
        ui.label(supervision_words(view.supervision)).mark("supervision-minimum")
        for employer in view.employers:
            if employer.differs:
                ui.label(f"At {employer.employer}: {supervision_words(employer.supervision)}")
        rich_text(view.text.supervision)
    with panel().mark("part-funding"):
        heading("Band cap and funding", 2)
        definition_list([("Band cap", view.band_cap or "Not set (no band is confirmed)"),
                         ("Notes", view.notes or "—")])
        rich_text(view.text.funding)
    with panel().mark("part-sources"):
        heading(LABELS["sources"], 2)
        rich_text(view.text.sources, "No source is recorded.")
    with panel().mark("part-holders"):
        heading("Who in my team holds it", 2)
        holders_table(page, view)


def register() -> None:
    add_nav(PATH, "Roles", "work", "Team", lambda v: v.user_id > 0, order=60)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def roles_page() -> None:
        async with frame("Roles in the team", breadcrumbs=[("Team", None)]) as page:
            muted("What each role does, what it needs, and who in your team holds it.")
            summaries = await read(roles.roles_index, page.viewer, page.as_of)
            with panel():
                index_table(summaries or [])

    @ui.page(PATH + "/{code}", response_timeout=PAGE_BUILD_SECONDS)
    async def role_page(code: str) -> None:
        async with frame("Role", breadcrumbs=[("Roles", PATH)], nav_path=PATH) as page:
            holder = ui.column().classes("w-full gap-4")

            async def draw() -> None:
                view = await read(roles.role_page, page.viewer, code, page.as_of)
                holder.clear()
                with holder:
                    role_body(page, view, draw)

            await draw()
