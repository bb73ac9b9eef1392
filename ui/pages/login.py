"""Sign in, sign out, and the first-run set-up of the first administrator."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import run, ui

from tracker.auth import SignInRefused, create_first_admin, needs_first_admin, sign_in
from tracker.clock import utc_now
from tracker.errors import TrackerError
from ui import auth, theme
from ui.actions import read
from ui.components import heading, text
from ui.layout import PAGE_BUILD_SECONDS


def _bare_frame(title: str) -> ui.element:
    """The frame of the pages seen before signing in: the product's header and one narrow panel."""
    theme.apply()
    ui.page_title(f"{title} · {theme.PRODUCT_NAME}")
    with ui.header(elevated=False).classes("app-header items-center px-4 py-3"):
        text("span", theme.PRODUCT_NAME).classes("text-lg font-bold")
    with ui.column().classes("w-full items-center pt-8"):
        section = ui.element("section").classes("panel").style("max-width: 28rem")
    with section:
        heading(title)
    return section


def _error_box() -> ui.label:
    return ui.label("").classes("text-negative font-semibold").props('role="alert" aria-live="assertive"')


def sign_in_page(redirect_to: str, expired: bool) -> None:
    with _bare_frame("Sign in"):
        if expired:
            ui.label(
                "Your session ended (30 minutes without activity, or 12 hours after signing in). "
                "Please sign in again."
            ).props(
                'role="status"'
            ).classes("as-at-banner")
        email = ui.input("Email address").props('type=email autocomplete=username autofocus').classes("w-full")
        password = ui.input("Password", password=True, password_toggle_button=True).props(
            "autocomplete=current-password"
        ).classes("w-full")
        error = _error_box()

        async def submit() -> None:
            error.text = ""
            try:
                viewer = await read(sign_in, email.value or "", password.value or "", utc_now())
            except SignInRefused as exc:
                error.text = exc.message
                password.value = ""
                return
            auth.start_session(viewer, utc_now())
            ui.navigate.to(auth.safe_return_path(redirect_to))

        password.on("keydown.enter", submit)
        ui.button("Sign in", on_click=submit).mark("sign-in").props("unelevated no-caps").classes("w-full mt-2")
        ui.label("Forgotten your password? Ask an administrator to set a new one.").classes("muted text-sm")


def setup_page() -> None:
    with _bare_frame("Set up the first administrator"):
        ui.label(
            "No one can sign in yet. Create the first administrator's account; they then add everyone else."
        ).classes("muted")
        email = ui.input("Email address").props("type=email autocomplete=username autofocus").classes("w-full")
        password = ui.input("Password (at least 12 characters)", password=True).props(
            "autocomplete=new-password"
        ).classes("w-full")
        confirm = ui.input("The password again", password=True).props("autocomplete=new-password").classes(
            "w-full"
        )
        error = _error_box()

        async def submit() -> None:
            error.text = ""
            try:
                viewer = await read(
                    create_first_admin, email.value or "", password.value or "", confirm.value or ""
                )
            except TrackerError as exc:
                error.text = exc.message[:1].upper() + exc.message[1:]
                return
            auth.start_session(viewer, utc_now())
            ui.navigate.to("/")

        ui.button("Create the administrator", on_click=submit).props("unelevated no-caps").classes("w-full mt-2")


def register() -> None:
    @ui.page("/login", response_timeout=PAGE_BUILD_SECONDS)
    async def login(request: Request, redirect_to: str = "/", expired: str = "") -> RedirectResponse | None:
        if await run.io_bound(needs_first_admin):
            return RedirectResponse("/setup", status_code=303)
        if auth.signed_in_user_id(utc_now()) is not None:
            return RedirectResponse(auth.safe_return_path(redirect_to), status_code=303)
        sign_in_page(redirect_to, expired == "1")
        return None

    @ui.page("/setup", response_timeout=PAGE_BUILD_SECONDS)
    async def setup() -> RedirectResponse | None:
        if not await run.io_bound(needs_first_admin):
            return RedirectResponse("/login", status_code=303)
        setup_page()
        return None

    @ui.page("/logout", response_timeout=PAGE_BUILD_SECONDS)
    def logout() -> RedirectResponse:
        auth.end_session()
        return RedirectResponse("/login", status_code=303)
