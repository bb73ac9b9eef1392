"""`/me/connections`: my calendar feed (a private URL, revocable), API tokens for BI tools (shown once,
revocable), and a download of all my data. Administrators also see and revoke everyone's tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from nicegui import ui

from tracker.services import tokens
from tracker.views import tokens as token_views
from tracker.views.tokens import TokenRow
from ui.actions import ANY_USER, read, write
from ui.attrs import attrs
from ui.components import empty_state, heading, muted, panel, text
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame
from ui.pages.calendar_feed import feed_url
from ui.tables import Column, table

PATH = "/me/connections"
PURPOSE_LABELS = {"api": "API token", "calendar": "Calendar feed"}


def _when(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return "never"
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).strftime("%d/%m/%Y %H:%M")


def _owner(token: TokenRow) -> str:
    return token.owner_email


def _tokens_table(caption: str, rows: list[TokenRow], zone: str, on_revoke, with_owner: bool = False) -> None:  # type: ignore[no-untyped-def]
    if not rows:
        empty_state("None.")
        return
    columns = [Column("Name"), Column("Kind"), Column("Made"), Column("Last used"), Column("Action")]
    if with_owner:
        columns.insert(0, Column("User"))
    with table(caption, columns) as cells:
        for t in rows:
            with cells.row(token=str(t.id)):
                if with_owner:
                    cells.cell(_owner(t), header=True)
                cells.cell(t.name or "(no name)", header=not with_owner)
                cells.cell(PURPOSE_LABELS.get(t.purpose, t.purpose))
                cells.cell(_when(t.created_at, zone))
                cells.cell(_when(t.last_used_at, zone))
                with cells.cell():
                    revoke = ui.button("Revoke", on_click=lambda token_id=t.id: on_revoke(token_id))
                    attrs(revoke.props("outline dense no-caps color=negative"),
                          aria_label=f"Revoke {t.name or t.purpose}").mark(f"revoke-{t.id}")


def _show_secret(box: ui.column, title: str, secret: str, note: str) -> None:
    box.clear()
    with box, ui.element("section").classes("panel").props('role="status"'):
        heading(title, 3)
        ui.label(note)
        ui.input(value=secret).props("readonly outlined").classes("w-full font-mono").mark("new-secret")


def register() -> None:
    add_nav(PATH, "Calendar, API and my data", "link", "My work", lambda v: v.user_id > 0, order=90)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def connections() -> None:
        async with frame("Calendar, API and my data", breadcrumbs=[("My work", None)]) as page:
            await _body(page)


async def _body(page: Page) -> None:
    viewer = page.viewer
    settings = page.settings
    secret_box = ui.column().classes("w-full")

    @ui.refreshable
    def mine(rows: list[TokenRow]) -> None:
        _tokens_table("My calendar feeds and API tokens", rows, settings.timezone, revoke)

    @ui.refreshable
    def everyone(rows: list[TokenRow]) -> None:
        _tokens_table("Everyone's tokens", rows, settings.timezone, revoke, with_owner=True)

    async def refresh() -> None:
        mine.refresh(await read(token_views.tokens_of, viewer.user_id))
        if viewer.is_admin:
            everyone.refresh(await read(token_views.all_tokens))

    async def make(purpose: str, name: str) -> None:
        done = await write(lambda who: tokens.create(who.user_id, purpose, name, who.actor), needs=ANY_USER)
        if not done.ok:
            return
        if purpose == "calendar":
            _show_secret(secret_box, "Your calendar feed address", feed_url(settings.base_url, done.value.secret),
                         "Add this address to your calendar app as a subscription. Keep it private: anyone with it "
                         "sees your dates. It is shown only now; revoke it below if it leaks.")
        else:
            _show_secret(secret_box, "Your new API token", done.value.secret,
                         "Send it as 'Authorization: Bearer <token>' to /api/v1/ (documentation at /api/v1/docs). "
                         "It is shown only now and sees only what you may see.")
        await refresh()

    async def revoke(token_id: int) -> None:
        done = await write(
            lambda who: tokens.revoke(token_id, who, who.actor),
            needs=ANY_USER, success="Revoked.",
        )
        if done.ok:
            secret_box.clear()
            await refresh()

    with panel():
        heading("My calendar", 2)
        muted("Your training expiry dates and coming supervision sessions" +
              (", and the sessions you give" if viewer.is_supervisor else "") + ".")
        with ui.row().classes("gap-4 items-center"):
            ui.link("Download a calendar file (.ics)", "/exports/my-calendar.ics")
            ui.button("Make a private feed address", icon="event",
                      on_click=lambda: make("calendar", "calendar feed")).props("outline no-caps").mark("new-feed")
    with panel():
        heading("API tokens", 2)
        muted("For BI tools: a read-only view of what you may see, as JSON.")
        with ui.row().classes("gap-2 items-end"):
            name = ui.input("Name (what uses it)", placeholder="for example Power BI").classes("w-64").mark(
                "token-name")
            ui.button("Make an API token", icon="key", on_click=lambda: make("api", name.value or "")).props(
                "outline no-caps").mark("new-token")
    with panel():
        heading("Live feeds and tokens", 2)
        mine(await read(token_views.tokens_of, viewer.user_id))
    if viewer.is_admin:
        with panel():
            heading("Everyone's live tokens", 2)
            everyone(await read(token_views.all_tokens))
    if viewer.person_id is not None:
        with panel():
            heading("All my data", 2)
            text("p", "Everything the tracker holds about you, as one ZIP: your records as JSON, your compliance "
                      "statement as PDF, and the certificates you uploaded.")
            ui.link("Download my data (.zip)", "/exports/my-data.zip").mark("my-data")
