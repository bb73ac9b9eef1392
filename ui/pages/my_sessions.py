"""Supervisee: my supervision sessions, each to confirm or to query."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from tracker.errors import PermissionDenied
from tracker.services import supervision
from tracker.views.caseload import SessionView, sessions_attended
from ui.actions import person, read, write
from ui.attrs import attrs
from ui.components import (
    FORMAT_LABELS,
    KIND_LABELS,
    MODE_LABELS,
    empty_state,
    muted,
    panel,
    plural,
    status_chip,
    text,
    uk_date,
)
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame


def _waiting(view: SessionView, person_id: int) -> bool:
    mine = view.attendee(person_id)
    return mine is not None and mine.confirmation == "pending"


def _session_card(
    page: Page, view: SessionView, person_id: int, on_change: Callable[[], Awaitable[None]]
) -> None:
    mine = view.attendee(person_id)
    state = mine.confirmation if mine else "pending"
    with attrs(ui.element("article").classes("panel"), data_session=view.session_id):
        with ui.row().classes("items-center gap-3"):
            text("h2", f"{uk_date(view.on)} with {view.supervisor}").classes("section-title m-0")
            status_chip("awaiting" if state == "pending" else state)
        others = [a.name for a in view.attendees if a.person_id != person_id]
        muted(
            f"{view.minutes} minutes · {KIND_LABELS.get(view.kind, view.kind)} · "
            f"{FORMAT_LABELS.get(view.format, view.format)} · {MODE_LABELS.get(view.mode, view.mode)}"
            + (f" · also attending: {', '.join(others)}" if others else "")
        )
        ui.label(f"Topics: {view.topics or '—'}")
        ui.label(f"Agreed actions: {view.actions or '—'}")
        if view.next_date:
            ui.label(f"Next session: {uk_date(view.next_date)}")
        if view.format == "group" and view.group_summary:
            ui.label(f"Group summary (shared with everyone at this session): {view.group_summary}").mark("group-summary")
        if view.private_note_of(person_id):
            ui.label(f"Your private note (only you and your supervisor see it): {view.private_note_of(person_id)}"
                     ).classes("italic").mark("private-note")
        if mine and mine.query_text:
            ui.label(f"Your query: {mine.query_text}").classes("font-semibold")
        if page.is_past or state == "confirmed":
            return

        async def confirm() -> None:
            outcome = await write(
                lambda who: supervision.confirm_attendance(who.actor, view.session_id, person_id),
                needs=person(person_id),
                success="Thank you: the session is confirmed.",
            )
            if outcome.ok:
                await on_change()

        with ui.row().classes("gap-2 items-start w-full"):
            ui.button("Confirm it is right", icon="check", on_click=confirm).props("unelevated no-caps").mark(
                f"confirm-{view.session_id}"
            )
            with ui.expansion("Something is wrong: query it").props("dense").classes("grow"):
                question = ui.textarea("What is wrong with this record?").classes("w-full").mark(
                    f"question-{view.session_id}"
                )

                async def send_query() -> None:
                    outcome = await write(
                        lambda who: supervision.query_attendance(
                            who.actor, view.session_id, person_id, question.value or ""
                        ),
                        needs=person(person_id),
                        success="Your query was sent to your supervisor.",
                    )
                    if outcome.ok:
                        await on_change()

                ui.button("Send the query", on_click=send_query).props("outline no-caps").mark(
                    f"query-{view.session_id}"
                )


def register() -> None:
    add_nav("/my-sessions", "My supervision sessions", "fact_check", "My work", lambda v: v.person_id is not None,
            order=20)

    @ui.page("/my-sessions", response_timeout=PAGE_BUILD_SECONDS)
    async def my_sessions() -> None:
        async with frame("My supervision sessions") as page:
            person_id = page.viewer.person_id
            if person_id is None:
                raise PermissionDenied("your account is not linked to a person's record")
            content = ui.column().classes("w-full gap-4")

            async def show() -> None:
                views = await read(sessions_attended, person_id, page.as_of, notes_key=page.notes_key)
                content.clear()
                with content:
                    waiting = sum(1 for v in views if _waiting(v, person_id))
                    muted(
                        f"{plural(len(views), 'session')} in the last 12 months; {waiting} waiting for you to confirm."
                    )
                    if not views:
                        with panel():
                            empty_state("No supervision session is recorded for you in the last 12 months.")
                    # Those waiting for an answer first, each group newest first.
                    for view in sorted(views, key=lambda v: (not _waiting(v, person_id), -v.on.toordinal())):
                        _session_card(page, view, person_id, show)

            await show()
