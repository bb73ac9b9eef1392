"""`/admin/rules` (admins): the courses each role or employer requires and the supervision each needs. Every
change is previewed first ("this change makes 4 people non-compliant") and saved only from the preview."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from typing import Any

from nicegui import ui

from tracker.access import ADMIN, require
from tracker.dates import uk
from tracker.errors import TrackerError
from tracker.services import rules
from tracker.views import admin_views as av
from tracker.views import rule_preview
from tracker.vocabulary import SUPERVISION_KINDS
from ui.actions import as_actor, error_text, read, write
from ui.attrs import attrs
from ui.components import KIND_LABELS, empty_state, heading, muted, panel, text
from ui.layout import Page, add_nav, frame
from ui.tables import Column, table

PATH = "/admin/rules"
Redraw = Callable[[], Awaitable[None]]
SCOPES = {"role": "A role", "employer": "An employer"}


async def show_effect(
    holder: ui.element,
    as_of: date,
    build: Callable[[], rule_preview.Change],
    on_save: Callable[[], Awaitable[None]],
    action: str,
) -> None:
    """Work out the change's effect (in a thread) and offer to save it from there."""
    holder.clear()
    with holder:
        with ui.row().classes("items-center gap-2").props('role="status"'):
            ui.spinner(size="1.5rem").props('aria-hidden="true"')
            text("span", "Working out the effect…")
    try:
        effect = await read(lambda: rule_preview.preview(build(), as_of))
    except TrackerError as exc:
        holder.clear()
        with holder:
            text("div", error_text(exc)).classes("text-red-800 font-semibold").props('role="alert"').mark(
                "effect"
            )
        return
    if effect is None:
        return
    holder.clear()
    with (
        holder,
        ui.element("div").classes("panel").props('role="status"').style("border-left: 6px solid #FFB81C"),
    ):
        text("div", f"As at {uk(as_of)}: {effect.sentence}").classes("font-semibold").mark("effect")
        for title, names in (
            ("Made non-compliant", effect.made_red),
            ("Compliant again", effect.made_not_red),
        ):
            if names:
                shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
                muted(f"{title}: {shown}")
        with ui.row().classes("gap-2 mt-2"):
            ui.button(action, on_click=on_save).props("unelevated no-caps").mark("confirm-change")
            ui.button("Cancel", on_click=holder.clear).props("flat no-caps")


async def preview_then(
    holder: ui.element,
    as_of: date,
    build: Callable[[], rule_preview.Change],
    save: Callable[[], Awaitable[bool]],
    action: str,
    redraw: Redraw,
) -> None:
    """Show the change's effect; once confirmed, make exactly the write that was previewed (`save`, True once it
    has saved) and redraw."""

    async def confirmed() -> None:
        if await save():
            await redraw()

    await show_effect(holder, as_of, build, confirmed, action)


def scope_and_name(found: av.Choices, mark: str) -> tuple[ui.select, ui.select]:
    """'Of' a role or an employer, and which one: the second list follows the first."""
    scope = ui.select(SCOPES, value="role", label="Of").props("outlined dense").classes("min-w-[9rem]")
    name = (
        ui.select(found.roles, label="Role or employer", with_input=True)
        .props("outlined dense")
        .classes("min-w-[18rem]")
        .mark(mark)
    )
    scope.on_value_change(lambda e: name.set_options(found.roles if e.value == "role" else found.employers))
    return scope, name


def remove_button(
    label: str,
    mark: str,
    remove: Callable[[], Awaitable[Any]],
    build: Callable[[], rule_preview.Change],
    holder: ui.element,
    as_of: date,
    redraw: Redraw,
) -> None:
    """A Remove button that first shows the removal's effect, then removes and redraws once confirmed."""

    async def preview() -> None:
        await preview_then(holder, as_of, build, remove, label, redraw)

    attrs(ui.button("Remove", on_click=preview).props("flat dense no-caps color=negative"), aria_label=label).mark(mark)


def requirement_rows_table(
    page: Page, rows: list[av.RequirementRow], caption: str, effect_holder: ui.element, redraw: Redraw
) -> None:
    columns = [
        Column("For"),
        Column("Course"),
        Column("Renewal (months)", numeric=True),
        Column("New-starter days", numeric=True),
        Column("Actions"),
    ]
    with table(caption, columns) as cells:
        for r in rows:
            with cells.row(requirement=str(r.requirement_id)):
                cells.cell(f"{SCOPES[r.scope].split()[1].capitalize()}: {r.name}", header=True)
                cells.cell(r.course)
                cells.cell(
                    "Course default"
                    if r.renewal_months is None
                    else ("Never expires" if r.renewal_months == 0 else str(r.renewal_months))
                )
                cells.cell("Default" if r.new_starter_days is None else str(r.new_starter_days))
                with cells.cell():
                    raw = {
                        "scope": r.scope,
                        "name": r.name,
                        "course": r.course_code,
                        "renewal_months": r.renewal_months,
                        "new_starter_days": r.new_starter_days,
                    }

                    remove_button(
                        f"Remove {r.course} for {r.name}",
                        f"remove-requirement-{r.requirement_id}",
                        partial(write, as_actor(rules.remove_requirement, r.requirement_id), needs=ADMIN,
                                success="Removed the requirement."),
                        partial(rule_preview.requirement_change, raw, remove=True),
                        effect_holder, page.as_of, redraw,
                    )


def requirement_section(page: Page, found: av.Choices, rows: list[av.RequirementRow], redraw: Redraw) -> None:
    with panel():
        heading("Required courses", 2)
        muted(
            "An employer's requirement overrides the role's, which overrides the course's default renewal. "
            "Choose a role or employer to see what it requires; change it, previewing the effect first."
        )
        with ui.row().classes("items-end gap-3 w-full"):
            scope, name = scope_and_name(found, "requirement-name")
            course = (
                ui.select(found.courses, label="Course", with_input=True)
                .props("outlined dense")
                .classes("min-w-[18rem]")
                .mark("requirement-course")
            )
            renewal = (
                ui.input("Renewal (months; blank = default)")
                .props("outlined dense")
                .mark("requirement-renewal")
            )
            allowance = ui.input("New-starter days").props("outlined dense")

        async def preview() -> None:
            v = {
                "scope": scope.value,
                "name": name.value or "",
                "course": course.value or "",
                "renewal_months": renewal.value or None,
                "new_starter_days": allowance.value or None,
            }

            async def save() -> bool:
                outcome = await write(
                    as_actor(rules.set_requirement, v["scope"], v["name"], v["course"], v["renewal_months"],
                             v["new_starter_days"]),
                    needs=ADMIN, success="Saved the requirement.",
                )
                return outcome.ok

            await preview_then(
                effect_holder,
                page.as_of,
                partial(rule_preview.requirement_change, v),
                save,
                "Save this requirement",
                redraw,
            )

        ui.button("Preview the effect", icon="visibility", on_click=preview).props("outline no-caps").mark(
            "preview-requirement"
        )
        effect_holder = ui.column().classes("w-full")
        listing = ui.column().classes("w-full")

        def show_rows() -> None:
            listing.clear()
            with listing:
                if name.value:
                    label = found.roles.get(name.value, name.value) if scope.value == "role" else name.value
                    chosen = [r for r in rows if r.scope == scope.value and r.name == label]
                    caption = f"What {label} requires"
                else:
                    chosen = [r for r in rows if r.scope == "employer"]
                    caption = "Employers' own requirements"
                text("h3", caption).classes("font-semibold mt-2")
                if chosen:
                    requirement_rows_table(page, chosen, caption, effect_holder, redraw)
                else:
                    empty_state(
                        "None recorded." if name.value else "No employer has requirements of its own."
                    )

        scope.on_value_change(show_rows)
        name.on_value_change(show_rows)
        show_rows()


def supervision_section(
    page: Page, found: av.Choices, rows: list[av.SupervisionRuleRow], redraw: Redraw
) -> None:
    with panel():
        heading("Supervision rules", 2)
        muted(
            "Minutes needed each month and the kinds that count. Anyone no rule names needs 60 minutes of "
            "clinical supervision, group sessions counting."
        )
        effect_holder = ui.column().classes("w-full")
        columns = [
            Column("For"),
            Column("Minutes a month", numeric=True),
            Column("Kinds that count"),
            Column("Group sessions"),
            Column("Actions"),
        ]
        with table("Supervision each role and employer needs", columns) as cells:
            for r in rows:
                with cells.row(rule=str(r.rule_id)):
                    cells.cell(f"{SCOPES[r.scope].split()[1].capitalize()}: {r.name}", header=True)
                    cells.cell(str(r.min_minutes))
                    cells.cell(", ".join(KIND_LABELS.get(k, k) for k in r.kinds.split(";") if k))
                    cells.cell("Count" if r.group_counts else "Do not count")
                    with cells.cell():
                        raw = {
                            "scope": r.scope,
                            "name": r.name,
                            "min_minutes_per_month": r.min_minutes,
                            "kinds": r.kinds,
                            "group_counts": "yes" if r.group_counts else "no",
                        }

                        remove_button(
                            f"Remove the rule for {r.name}",
                            f"remove-rule-{r.rule_id}",
                            partial(write, as_actor(rules.remove_supervision_rule, r.rule_id), needs=ADMIN,
                                    success="Removed the rule."),
                            partial(rule_preview.supervision_change, raw, remove=True),
                            effect_holder, page.as_of, redraw,
                        )
        if not rows:
            empty_state("No rule yet: everyone needs the default.")
        heading("Set a rule", 2)
        with ui.row().classes("items-end gap-3 w-full"):
            scope, name = scope_and_name(found, "rule-name")
            minutes = ui.input("Minutes a month", value="60").props("outlined dense").mark("rule-minutes")
            kinds = (
                ui.select(
                    {k: KIND_LABELS.get(k, k) for k in SUPERVISION_KINDS},
                    value=["clinical"],
                    multiple=True,
                    label="Kinds that count",
                )
                .props("outlined dense use-chips")
                .classes("min-w-[16rem]")
            )
            group = ui.checkbox("Group sessions count", value=True)

        async def preview() -> None:
            v = {
                "scope": scope.value,
                "name": name.value or "",
                "min_minutes_per_month": minutes.value or "",
                "kinds": ";".join(kinds.value or []),
                "group_counts": "yes" if group.value else "no",
            }

            async def save() -> bool:
                outcome = await write(
                    as_actor(rules.set_supervision_rule, v["scope"], v["name"], v["min_minutes_per_month"],
                             v["kinds"], v["group_counts"]),
                    needs=ADMIN, success="Saved the rule.",
                )
                return outcome.ok

            await preview_then(
                effect_holder,
                page.as_of,
                partial(rule_preview.supervision_change, v),
                save,
                "Save this rule",
                redraw,
            )

        ui.button("Preview the effect", icon="visibility", on_click=preview).props("outline no-caps").mark(
            "preview-rule"
        )
        effect_holder.move(target_index=-1)


def register() -> None:
    add_nav(PATH, "Requirements and rules", "rule", "Administration", lambda v: v.is_admin, order=50)

    @ui.page(PATH, response_timeout=30)
    async def admin_rules() -> None:
        async with frame(
            "Requirements and supervision rules", breadcrumbs=[("Administration", None)]
        ) as page:
            require(page.viewer, ADMIN)
            holder = ui.column().classes("w-full gap-4")

            async def redraw() -> None:
                found = await read(av.choices)
                requirements = await read(av.requirement_rows)
                supervision = await read(av.supervision_rule_rows)
                if found is None or requirements is None or supervision is None:
                    return
                holder.clear()
                with holder:
                    requirement_section(page, found, requirements, redraw)
                    supervision_section(page, found, supervision, redraw)

            await redraw()
