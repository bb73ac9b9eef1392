"""`/account/password`: a signed-in user changes their own password (from the menu under their name).

A user whose password was set by an administrator is sent here at sign-in and may open nothing else until it
is changed. A change ends the user's other sessions, and this browser carries on under a new session identity.
"""

from __future__ import annotations

from nicegui import ui

from tracker.clock import utc_now
from tracker.passwords import MIN_LENGTH
from tracker.services import users
from ui import auth
from ui.actions import OWN_PASSWORD, write
from ui.components import muted, panel
from ui.layout import PAGE_BUILD_SECONDS, frame


def register() -> None:
    @ui.page(auth.PASSWORD_PAGE, response_timeout=PAGE_BUILD_SECONDS)
    async def change_password() -> None:
        async with frame("Change your password") as page:
            if page.viewer.must_change_password:
                ui.label(
                    "An administrator set your password. Choose your own now: you can use the app once it is changed."
                ).props('role="status"').classes("as-at-banner")
            with panel(), ui.column().classes("w-full max-w-md gap-3"):
                muted(
                    f"At least {MIN_LENGTH} characters, and not one that is common or easy to guess: a few unrelated "
                    "words make a good one. Changing it signs you out everywhere else."
                )
                current = ui.input("Current password", password=True, password_toggle_button=True).props(
                    "autocomplete=current-password"
                ).classes("w-full").mark("current-password")
                new = ui.input("New password", password=True, password_toggle_button=True).props(
                    "autocomplete=new-password"
                ).classes("w-full").mark("new-password")
                again = ui.input("New password again", password=True).props("autocomplete=new-password").classes(
                    "w-full"
                ).mark("new-password-again")
                fields = {"current_password": current, "new_password": new, "new_password_again": again}

                async def save() -> None:
                    for field in fields.values():
                        field.error = None
                    outcome = await write(
                        lambda who: users.change_own_password(
                            who.user_id, who.epoch, current.value or "", new.value or "", again.value or ""
                        ),
                        needs=OWN_PASSWORD,
                    )
                    if not outcome.ok:
                        if outcome.field in fields:
                            fields[outcome.field].error = outcome.message
                        return
                    for field in fields.values():
                        field.value = ""
                    if outcome.value is not None:
                        ui.navigate.to(auth.begin_sign_in(outcome.value, "/", utc_now()))

                ui.button("Change the password", on_click=save).props("unelevated no-caps").mark("save-password")
