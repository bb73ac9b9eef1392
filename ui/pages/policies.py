"""`/policies` (leads and admins): every topic against the employers, highlighting where they differ; each
position with its document, version and review date; the agreed adaptations; how many of the viewer's team
have acknowledged the current version and who has not. Admins and an employer's own lead edit its positions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from inspect import isawaitable
from typing import Any

from nicegui import ui
from nicegui.events import GenericEventArguments

from tracker.access import ADMIN, LEAD, Scope, Viewer, can_edit_employer, lead_scope, require
from tracker.views.acknowledgements import acknowledgement_counts, acknowledgements
from tracker.views.policy_matrix import PolicyMatrix, Position, TopicRow, kept_policy_matrix
from ui.actions import read
from ui.attrs import safe_href
from ui.components import empty_state, heading, muted, panel, review_words
from ui.data_table import data_table
from ui.grids import TONES, worded_chip_cell
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame
from ui.lead_components import style
from ui.policy_forms import adaptation_dialog, adaptation_item, position_dialog, topic_form

PATH = "/policies"
# The browser's side of the matrix's one click listener: the action of the cell button clicked, if any.
CELL_CLICK = "(e) => { const b = e.target.closest('[data-act]'); if (b) emit(b.dataset.act); }"


@dataclass(frozen=True)
class Picture:
    matrix: PolicyMatrix
    counts: dict[int, tuple[int, int]]


def picture(as_of: date, scope: Scope) -> Picture:
    return Picture(kept_policy_matrix(), acknowledgement_counts(as_of, scope))


Actions = dict[str, Callable[[], object]]
Part = dict[str, Any]
ICONS = {"Edit": "edit", "Add": "add"}


def cell_button(words: str, action: str, name: str, actions: Actions, run: Callable[[], object]) -> Part:
    """A button of a cell as data (ui/data_table.js draws a flat Quasar button with `data-act`): the matrix's one
    click listener (`matrix_table`) runs the action it names, if this page drew it for this viewer. It is a real
    <button> with its accessible name (`name`): the keyboard presses it, and its click bubbles to the table."""
    actions[action] = run
    part: Part = {"button": words, "act": action, "label": name}
    if words in ICONS:
        part["icon"] = ICONS[words]
    return part


def position_cell(
    page: Page, topic: TopicRow, employer: tuple[int, str], p: Position | None, state: Picture, redraw,
    actions: Actions,
) -> Part:  # type: ignore[no-untyped-def]
    employer_id, employer_name = employer
    editable = can_edit_employer(page.viewer, employer_id) and not page.is_past

    def edit() -> None:
        position_dialog(page.viewer, employer, (topic.topic_id, topic.name), p, redraw).open()

    # The cell's own text is the statement (or that there is none), then its details, each a part
    parts: list[Part] = [{"text": "No position recorded" if p is None else p.statement}]
    if p is not None:
        line, overdue = review_words(f"Version {p.version}", p.review_date, page.as_of)
        parts.append({"detail": line})
        if overdue is not None:
            parts.append(worded_chip_cell("review_overdue", overdue))
        if p.document_url:
            href = safe_href(p.document_url)
            if href is None:  # an address we do not follow: the words alone
                parts.append({"detail": "Read the document"})
            else:
                parts.append({
                    "web": "Read the document", "href": href,
                    "label": f"Read the document: {employer_name}'s {topic.name.lower()} policy (new tab)",
                })
        if p.requires_acknowledgement and p.policy_id in state.counts:
            done, people = state.counts[p.policy_id]
            # the chip and its button side by side on the cell's last line, with no row of their own
            parts.append(worded_chip_cell("acknowledged" if done == people else "not_acknowledged",
                              f"{done} of {people} acknowledged"))
            if done < people:
                parts.append(cell_button(
                    "Who has not", f"outstanding-{p.policy_id}",
                    f"Who has not acknowledged {topic.name.lower()} at {employer_name}", actions,
                    lambda: outstanding(page, p, employer_name, topic.name),
                ))
    if editable:
        verb = "Edit" if p else "Add"
        parts.append(cell_button(
            verb, f"edit-{employer_id}-{topic.topic_id}",
            f"{verb} {employer_name}'s position on {topic.name.lower()}", actions, edit,
        ))
    return {
        "cls": "policy-cell" if p is not None else "policy-cell muted italic",
        "data": {"employer": employer_id, "topic": topic.topic_id},
        "parts": parts,
    }


async def outstanding(page: Page, p: Position, employer: str, topic: str) -> None:
    state = await read(acknowledgements, p.policy_id, page.as_of, lead_scope(page.viewer))
    with ui.dialog() as dialog, ui.card().classes("w-[32rem] max-w-full"):
        heading(f"Not yet acknowledged: {topic}, {employer}", 2)
        muted(f"Version {state.version}: {state.acknowledged} of {state.people} have acknowledged it.")
        with ui.element("ul").classes("list-disc pl-6").mark("outstanding-list"):
            for reader in state.outstanding:
                with ui.element("li"):
                    ui.link(f"{reader.name} ({reader.staff_id})", f"/people/{reader.person_id}")
        ui.button("Close", on_click=dialog.close).props("flat no-caps")
    dialog.open()


def matrix_table(
    page: Page, state: Picture, employers: list[tuple[int, str]], only_differing: bool, redraw
) -> None:  # type: ignore[no-untyped-def]
    ids = [e for e, _ in employers]
    topics = [t for t in state.matrix.topics if not only_differing or t.differs(ids)]
    if not topics:
        empty_state("The employers shown say the same on every topic.")
        return
    actions: Actions = {}

    async def act(event: GenericEventArguments) -> None:
        # Only an action drawn for this viewer on this table runs; the services check access again as it runs.
        run = actions.get(event.args) if isinstance(event.args, str) else None
        if run is not None:
            done = run()
            if isawaitable(done):
                await done

    rows = []
    for topic in topics:
        differs = topic.differs(ids)
        heading_parts: list[Part] = [{"text": topic.name}]
        if differs:
            heading_parts.append(worded_chip_cell("not_acknowledged", "Employers differ"))
        heading_parts += [{"detail": f"Adaptation: {a.condition}"} for a in topic.adaptations]
        cells = [{"header": True, "cls": "policy-topic", "parts": heading_parts}]
        cells += [
            position_cell(page, topic, employer, topic.positions.get(employer[0]), state, redraw, actions)
            for employer in employers
        ]
        rows.append({
            "cls": "diff-row" if differs else None,
            "data": {"topic": topic.topic_id, "differs": str(differs).lower()},
            "cells": cells,
        })
    head = [{"parts": [{"text": "Topic"}]}] + [{"parts": [{"text": name}]} for _, name in employers]
    spec = {"cls": "data-table", "caption": "Each employer's position on each policy topic",
            "tones": TONES, "head": head, "rows": rows}
    # One element for the whole matrix, and one listener for every cell's buttons: the click (or the
    # keyboard's press) on a button bubbles here and names its action; a click elsewhere sends nothing.
    table = data_table(spec).classes("w-full").mark("policy-matrix")
    table.on("click", act, js_handler=CELL_CLICK)


def register() -> None:
    add_nav(PATH, "Policies", "policy", "Team", lambda v: v.is_lead or v.is_admin, order=50)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def policies_page() -> None:
        async with frame("Policies across employers", breadcrumbs=[("Team", "/team")]) as page:
            require(page.viewer, LEAD, ADMIN)
            style()
            await show(page)


async def show(page: Page) -> None:
    viewer: Viewer = page.viewer
    scope = lead_scope(viewer)
    state = await read(picture, page.as_of, scope)
    all_employers = list(state.matrix.employers)
    with_positions = [e for e in all_employers if any(e[0] in t.positions for t in state.matrix.topics)]
    muted(
        "Each employer's position on each topic. Where employers in the joint team differ the topic is marked, "
        "and agreed adaptations say how the team works together."
    )
    with ui.row().classes("items-end gap-4 w-full"):
        shown = (
            ui.select(
                dict(all_employers),
                multiple=True,
                label="Employers shown",
                value=[e for e, _ in (with_positions or all_employers)],
            )
            .classes("min-w-[24rem]")
            .props("outlined use-chips")
            .mark("employers-shown")
        )
        only = ui.switch("Only topics where employers differ").mark("only-differing")
    table_holder = ui.column().classes("w-full")
    adaptations_holder = ui.column().classes("w-full")

    async def reload() -> None:
        nonlocal state
        fresh = await read(picture, page.as_of, scope)
        if fresh is not None:
            state = fresh
            draw()

    def draw() -> None:
        chosen = [e for e in state.matrix.employers if e[0] in (shown.value or [])]
        table_holder.clear()
        with table_holder, panel():
            if not chosen:
                empty_state("Choose at least one employer to show.")
            else:
                matrix_table(page, state, chosen, bool(only.value), reload)
        adaptations_holder.clear()
        with adaptations_holder:
            adaptations_panel(page, state, reload)

    shown.on_value_change(draw)
    only.on_value_change(draw)
    draw()


def adaptations_panel(page: Page, state: Picture, reload) -> None:  # type: ignore[no-untyped-def]
    viewer = page.viewer
    topics = {t.topic_id: t.name for t in state.matrix.topics}
    employers = dict(state.matrix.employers)
    items = [a for t in state.matrix.topics for a in t.adaptations]
    with panel():
        heading("Agreed adaptations for the joint team", 2)
        if not items:
            empty_state("No adaptation has been agreed.")
        with ui.element("ul").classes("list-none p-0 m-0 w-full"):
            for a in items:
                can_edit = not page.is_past and any(can_edit_employer(viewer, e) for e in a.employer_ids)
                adaptation_item(
                    viewer,
                    a,
                    topics.get(a.topic_id, ""),
                    can_edit,
                    lambda a=a: adaptation_dialog(viewer, topics, employers, a, reload).open(),  # type: ignore[misc]
                    reload,
                    as_of=page.as_of,
                )
        if not page.is_past and (viewer.is_admin or viewer.lead_employer_id is not None):
            ui.button(
                "Record an agreed adaptation",
                icon="add",
                on_click=lambda: adaptation_dialog(viewer, topics, employers, None, reload).open(),
            ).props("outline no-caps").mark("adaptation-new")
    if viewer.is_admin and not page.is_past:
        with panel():
            heading("Topics", 2)
            topic_form(viewer, reload)
