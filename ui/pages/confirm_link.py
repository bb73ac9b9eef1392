"""`/confirm/{token}`: a supervisee confirms a logged session from the signed link in an email, without signing in.

Opening the link shows the session; a button confirms it (so a mail scanner that fetches every link confirms
nothing). The token is signed and names one session and one person; the link works once: opened again, it says
the session is already confirmed. The sign-in middleware lets /confirm/ through (registered here).
"""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from tracker.errors import NotFound, TrackerError
from tracker.services.confirmations import (
    CONFIRMED,
    PENDING,
    ConfirmOutcome,
    confirm_by_link,
    describe,
    read_confirmation_token,
)
from ui import auth, theme
from ui.actions import read
from ui.app_settings import settings_of
from ui.components import KIND_LABELS, MODE_LABELS, definition_list, heading, text
from ui.layout import PAGE_BUILD_SECONDS

CONFIRM_PREFIX = "/confirm/"


def _bare(title: str) -> ui.element:
    """The product's header and one narrow panel: this page is seen without signing in."""
    theme.apply()
    ui.page_title(f"{title} · {theme.PRODUCT_NAME}")
    with ui.header(elevated=False).classes("app-header items-center px-4 py-3"):
        text("span", theme.PRODUCT_NAME).classes("text-lg font-bold")
    with ui.column().classes("w-full items-center pt-8"):
        section = ui.element("main").classes("panel").style("max-width: 34rem")
    with section:
        heading(title)
    return section


def _details(found: ConfirmOutcome) -> None:
    definition_list(
        [
            ("Date", found.session_date.strftime("%d/%m/%Y")),
            ("Supervisor", found.supervisor),
            ("Supervisee", found.supervisee),
            ("Minutes", str(found.minutes)),
            ("Kind", KIND_LABELS.get(found.kind, found.kind)),
            ("Mode", MODE_LABELS.get(found.mode, found.mode)),
        ]
    )


def _refused(message: str) -> None:
    ui.label(message).props('role="alert"').classes("font-semibold")
    ui.link("Sign in to see your supervision sessions", "/my-sessions")


def register() -> None:
    auth.allow_without_sign_in(CONFIRM_PREFIX, prefix=True)

    @ui.page(CONFIRM_PREFIX + "{token}", response_timeout=PAGE_BUILD_SECONDS)
    async def confirm_page(request: Request, token: str) -> None:
        settings = settings_of(request)
        with _bare("Confirm a supervision session"):
            try:
                session_id, person_id = read_confirmation_token(settings, token)
                found = await read(describe, session_id, person_id)
            except NotFound as exc:
                _refused(exc.message[:1].upper() + exc.message[1:] + ".")
                return
            except TrackerError as exc:
                _refused(exc.message)
                return
            if found.state != PENDING:
                ui.label(found.message).props('role="status"')
                ui.link("Sign in to see your supervision sessions", "/my-sessions")
                return
            intro = ui.label(found.message).props('role="status"')
            details = ui.column().classes("w-full")
            with details:
                _details(found)
            actions = ui.row().classes("items-center gap-4")

            async def confirm() -> None:
                try:  # the link is this write's only authority: check it again now, not as the page was built
                    read_confirmation_token(settings, token)
                    outcome = await read(confirm_by_link, session_id, person_id)
                except TrackerError as exc:
                    intro.text = exc.message
                    return
                intro.text = outcome.message
                actions.clear()
                if outcome.state == CONFIRMED:
                    with actions:
                        ui.icon("check_circle", color="positive").props('aria-hidden="true"')
                        ui.label("Confirmed").classes("font-semibold")

            with actions:
                ui.button("Confirm this session is right", on_click=confirm).props("unelevated no-caps").mark(
                    "confirm-session"
                )
                ui.link("Something is wrong? Sign in to query it", "/my-sessions")
