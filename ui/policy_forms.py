"""The forms of the policies page: an employer's position on a topic, an agreed adaptation, a new topic.
Each saves through tracker.services.policies (which checks the viewer's right to edit that employer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from nicegui import ui

from tracker.access import ADMIN, LEAD, Viewer
from tracker.services import policies
from tracker.services.policies import Adaptation, Position
from ui.actions import as_viewer, write
from ui.attrs import attrs
from ui.components import date_input, heading, muted, review_line, text, uk_date

Done = Callable[[], Awaitable[None]]


def position_dialog(
    viewer: Viewer, employer: tuple[int, str], topic: tuple[int, str], current: Position | None, on_done: Done
) -> ui.dialog:
    employer_id, employer_name = employer
    topic_id, topic_name = topic
    with (
        ui.dialog() as dialog,
        attrs(ui.card().classes("w-[40rem] max-w-full").props('role="dialog"'),
              aria_label=f"{topic_name} at {employer_name}"),
    ):
        heading(f"{topic_name}: {employer_name}", 2)
        statement = (
            ui.textarea("What the policy says (required)", value=current.statement if current else "")
            .classes("w-full")
            .props("outlined autogrow")
            .mark("position-statement")
        )
        with ui.row().classes("w-full gap-4 items-end"):
            version = (
                ui.input("Version (required)", value=current.version if current else "1")
                .props("outlined")
                .mark("position-version")
            )
            review = date_input("Review date", current.review_date if current else None)
        document = ui.input(
            "Document web address (https://...)", value=(current.document_url or "") if current else ""
        )
        document.classes("w-full").props("outlined").mark("position-document")
        with ui.row().classes("w-full gap-4"):
            owner = ui.input("Owner", value=(current.owner or "") if current else "").props("outlined")
            owner_email = ui.input(
                "Owner's email", value=(current.owner_email or "") if current else ""
            ).props("outlined")
        ask = ui.checkbox(
            "Staff must read and acknowledge it", value=current.requires_acknowledgement if current else False
        ).mark("position-ack")
        if current is not None:
            muted(
                f"Now version {current.version}. Giving it a new version asks everyone to acknowledge it again."
            )

        async def save() -> None:
            outcome = await write(
                as_viewer(
                    policies.set_position,
                    employer_id,
                    topic_id,
                    statement=statement.value or "",
                    version=version.value or "",
                    document_url=document.value or "",
                    owner=owner.value or "",
                    owner_email=owner_email.value or "",
                    review_date=review.value or "",
                    requires_acknowledgement=bool(ask.value),
                ),
                needs=(LEAD, ADMIN),
                success=f"Saved {employer_name}'s position on {topic_name.lower()}.",
            )
            if outcome.ok:
                dialog.close()
                await on_done()

        with ui.row().classes("w-full justify-end gap-2"):
            ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
            ui.button("Save the position", on_click=save).props("unelevated no-caps").mark("position-save")
    return dialog


def adaptation_dialog(
    viewer: Viewer,
    topics: dict[int, str],
    employers: dict[int, str],
    current: Adaptation | None,
    on_done: Done,
) -> ui.dialog:
    with ui.dialog() as dialog, ui.card().classes("w-[40rem] max-w-full"):
        heading("Change the adaptation" if current else "Record an agreed adaptation", 2)
        muted(
            "An exception the joint team has agreed, e.g. a home visit is allowed when an NHS colleague goes too."
        )
        topic = (
            ui.select(topics, label="Topic", value=current.topic_id if current else None)
            .classes("w-full")
            .props("outlined")
            .mark("adaptation-topic")
        )
        chosen = (
            ui.select(
                employers,
                label="Employers it applies to",
                multiple=True,
                value=list(current.employer_ids) if current else [],
            )
            .classes("w-full")
            .props("outlined use-chips")
            .mark("adaptation-employers")
        )
        condition = (
            ui.textarea("The condition agreed", value=current.condition if current else "")
            .classes("w-full")
            .props("outlined autogrow")
            .mark("adaptation-condition")
        )
        agreed_by = (
            ui.input("Agreed by", value=current.agreed_by if current else "")
            .classes("w-full")
            .props("outlined")
        )
        with ui.row().classes("w-full gap-4"):
            agreed_on = date_input("Agreed on", current.agreed_on if current else None)
            review = date_input("Review date", current.review_date if current else None)

        async def save() -> None:
            if topic.value is None:
                ui.notify("Topic: choose the topic the adaptation is about", type="negative")
                return
            outcome = await write(
                as_viewer(
                    policies.save_adaptation,
                    int(topic.value),
                    list(chosen.value or []),
                    condition.value or "",
                    agreed_by=agreed_by.value or "",
                    agreed_on=agreed_on.value or "",
                    review_date=review.value or "",
                    adaptation_id=current.adaptation_id if current else None,
                ),
                needs=(LEAD, ADMIN),
                success="Saved the adaptation.",
            )
            if outcome.ok:
                dialog.close()
                await on_done()

        with ui.row().classes("w-full justify-end gap-2"):
            ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
            ui.button("Save the adaptation", on_click=save).props("unelevated no-caps").mark(
                "adaptation-save"
            )
    return dialog


def adaptation_item(
    viewer: Viewer, a: Adaptation, topic: str, can_edit: bool, on_edit: Done, on_done: Done, *, as_of: date
) -> None:
    with attrs(ui.element("li").classes("border-t py-2"), data_adaptation=a.adaptation_id):
        text("div", f"{topic}: {a.condition}").classes("font-semibold")
        review_line(
            f"Applies to {', '.join(a.employers)}"
            + (f" · agreed by {a.agreed_by}" if a.agreed_by else "")
            + (f" on {uk_date(a.agreed_on)}" if a.agreed_on else ""),
            a.review_date,
            as_of,
        )
        if can_edit:

            async def withdraw() -> None:
                outcome = await write(
                    as_viewer(policies.withdraw_adaptation, a.adaptation_id),
                    needs=(LEAD, ADMIN),
                    success="The adaptation was withdrawn.",
                )
                if outcome.ok:
                    await on_done()

            with ui.row().classes("gap-2"):
                attrs(ui.button("Change", on_click=on_edit).props("flat dense no-caps"),
                      aria_label=f"Change the adaptation on {topic}")
                attrs(ui.button("Withdraw", on_click=withdraw).props("flat dense no-caps color=negative"),
                      aria_label=f"Withdraw the adaptation on {topic}").mark(f"withdraw-{a.adaptation_id}")


def topic_form(viewer: Viewer, on_done: Done) -> None:
    with ui.row().classes("items-end gap-3"):
        name = ui.input("New topic").props("outlined dense").mark("topic-name")
        description = ui.input("What it covers").props("outlined dense").classes("min-w-[20rem]")

        async def add() -> None:
            outcome = await write(
                as_viewer(policies.add_topic, name.value or "", description.value or ""),
                needs=(LEAD, ADMIN),
                success="Added the topic.",
            )
            if outcome.ok:
                await on_done()

        ui.button("Add the topic", on_click=add).props("outline no-caps").mark("topic-add")
