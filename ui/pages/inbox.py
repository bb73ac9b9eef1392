"""`/inbox`: the in-app messages behind the header's bell (reminders, digests), newest first."""

from __future__ import annotations

from datetime import UTC, datetime

from nicegui import ui

from tracker import clock
from tracker.services import inbox
from ui.actions import ANY_USER, read, write
from ui.attrs import attrs, safe_link
from ui.components import empty_state, muted, plural, status_chip, text
from ui.layout import PAGE_BUILD_SECONDS, frame

SHOWN = 50


def local_time(moment: datetime, zone: str) -> str:
    """A stored UTC time as dd/mm/yyyy HH:MM in the app's time zone."""
    return moment.replace(tzinfo=UTC).astimezone(clock.zone(zone)).strftime("%d/%m/%Y %H:%M")


def register() -> None:
    @ui.page("/inbox", response_timeout=PAGE_BUILD_SECONDS)
    async def inbox_page() -> None:
        async with frame("Inbox") as page:
            user_id = page.viewer.user_id
            content = ui.column().classes("w-full gap-3")

            async def mark(message_id: int) -> None:
                if (await write(lambda who: inbox.mark_read(who.user_id, message_id), needs=ANY_USER)).ok:
                    await show()

            async def mark_all() -> None:
                done = await write(
                    lambda who: inbox.mark_all_read(who.user_id), needs=ANY_USER,
                    success="Every message is marked as read.",
                )
                if done.ok:
                    await show()

            async def show() -> None:
                items = await read(inbox.messages, user_id, SHOWN)
                content.clear()
                with content:
                    unread = sum(1 for i in items if not i.read)
                    with ui.row().classes("items-center gap-4"):
                        muted(f"{plural(len(items), 'message')} shown, {unread} unread.")
                        if unread:
                            ui.button("Mark all as read", on_click=mark_all).props("outline no-caps").mark("read-all")
                    if not items:
                        empty_state("No messages. Reminders about training and supervision will appear here.")
                    for item in items:
                        with attrs(ui.element("article").classes("panel"), data_message=item.id):
                            with ui.row().classes("items-center gap-3"):
                                text("h2", item.subject).classes("section-title m-0")
                                if not item.read:
                                    status_chip("in_progress", "New")
                            muted(local_time(item.created_at, page.settings.timezone))
                            if item.body:
                                ui.label(item.body).classes("whitespace-pre-line")
                            with ui.row().classes("gap-3 items-center"):
                                if item.link:
                                    safe_link("Open the page it is about", item.link)
                                if not item.read:
                                    ui.button("Mark as read", on_click=lambda i=item.id: mark(i)).props(
                                        "flat dense no-caps"
                                    ).mark(f"read-{item.id}")

            await show()
