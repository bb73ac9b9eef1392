"""Sign in, finishing it under a new session identity, sign out (POST only), and the first administrator's set-up."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from nicegui import app, ui

from tracker.clock import utc_now
from tracker.errors import TrackerError
from tracker.services.auth import (
    SignInRefused,
    create_first_admin,
    needs_first_admin,
    sign_in,
    viewer_for_session,
)
from tracker.services.oidc import REFUSALS, refusal_words
from tracker.settings import Settings
from ui import auth, session_end, theme, threads
from ui.actions import error_text
from ui.app_settings import settings_of
from ui.components import heading, text
from ui.layout import PAGE_BUILD_SECONDS, sign_out_form
from ui.pages import oidc_sign_in


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


def _client_address() -> str | None:
    request = ui.context.client.request
    return request.client.host if request is not None and request.client is not None else None


BANNERS = {
    "expired": "Your session ended (30 minutes without activity, 12 hours after signing in, or a change to your "
    "account). Please sign in again.",
    "ended": "Your session ended: you signed out, or your account was changed. Please sign in again.",
    "signed_out": "You have signed out.",
}


def sign_in_page(settings: Settings, redirect_to: str, banner: str | None, refusal: str | None = None) -> None:
    with _bare_frame("Sign in"):
        if banner:
            ui.label(BANNERS[banner]).props('role="status"').classes("as-at-banner")
        if refusal:
            ui.label(refusal_words(refusal, settings.oidc_label)).props('role="alert"').classes("text-negative font-semibold").mark(
                "oidc-refused"
            )
        email = ui.input("Email address").props('type=email autocomplete=username autofocus').classes("w-full")
        password = ui.input("Password", password=True, password_toggle_button=True).props(
            "autocomplete=current-password"
        ).classes("w-full")
        error = _error_box()

        async def submit() -> None:
            error.text = ""
            try:
                viewer = await threads.io_bound(
                    sign_in, email.value or "", password.value or "", utc_now(), _client_address()
                )
            except SignInRefused as exc:
                error.text = exc.message
                password.value = ""
                return
            if viewer is None:  # the app is stopping
                return
            ui.navigate.to(auth.begin_sign_in(viewer, redirect_to, utc_now()))

        password.on("keydown.enter", submit)
        ui.button("Sign in", on_click=submit).mark("sign-in").props("unelevated no-caps").classes("w-full mt-2")
        ui.label("Forgotten your password? Ask an administrator to set a new one.").classes("muted text-sm")
        oidc_sign_in.sign_in_button(settings, redirect_to)


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
                viewer = await threads.io_bound(
                    create_first_admin, email.value or "", password.value or "", confirm.value or ""
                )
            except TrackerError as exc:
                error.text = error_text(exc)
                return
            if viewer is not None:
                ui.navigate.to(auth.begin_sign_in(viewer, "/", utc_now()))

        ui.button("Create the administrator", on_click=submit).props("unelevated no-caps").classes("w-full mt-2")


def same_origin(request: Request) -> bool:
    """A POST from a page of this site: its Origin (or, lacking one, Referer) names this host."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return False
    ours = {request.headers.get("host", ""), urlsplit(settings_of(request).base_url).netloc} - {""}
    return urlsplit(claimed).netloc in ours


async def finish_sign_in(request: Request, ticket: str = "") -> Response:
    """GET /login/finish?ticket=…: the browser that signed in gets a new session id, then goes on."""
    now = utc_now()
    pending = auth.take_ticket(ticket, now)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    viewer = await threads.io_bound(viewer_for_session, int(pending["user_id"]), int(pending["epoch"]))
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    await auth.new_identity(request)
    auth.start_session(viewer, now)
    target = auth.PASSWORD_PAGE if viewer.must_change_password else auth.safe_return_path(pending.get("to"))
    return RedirectResponse(target, status_code=303)


async def sign_out(request: Request) -> Response:
    """POST /logout with the session's CSRF token, from a page of this site: the session ends, the browser's
    other open pages are taken away, and the browser gets a new, empty session id."""
    form = await request.form()
    token, expected = str(form.get("csrf", "")), auth.csrf_token()
    if expected and not (same_origin(request) and secrets.compare_digest(token, expected)):
        return PlainTextResponse("Not signed out: this request did not come from the app's own page.", 403)
    old = str(request.session.get("id", ""))
    auth.end_session()
    session_end.end_pages_of_browser(old, but=str(form.get("page", "")))
    await auth.new_identity(request)
    return RedirectResponse("/login?signed_out=1", status_code=303)


def register() -> None:
    @ui.page("/login", response_timeout=PAGE_BUILD_SECONDS)
    async def login(
        request: Request, redirect_to: str = "/", expired: str = "", ended: str = "", signed_out: str = "",
        oidc: str = "",
    ) -> RedirectResponse | None:
        if await threads.io_bound(needs_first_admin):
            return RedirectResponse("/setup", status_code=303)
        session = auth.live_session(utc_now())
        if session is not None and await threads.io_bound(viewer_for_session, *session) is not None:
            return RedirectResponse(auth.safe_return_path(redirect_to), status_code=303)
        banner = "expired" if expired == "1" else "ended" if ended == "1" else "signed_out" if signed_out else None
        sign_in_page(settings_of(request), redirect_to, banner, oidc if oidc in REFUSALS else None)
        return None

    @ui.page("/setup", response_timeout=PAGE_BUILD_SECONDS)
    async def setup() -> RedirectResponse | None:
        if not await threads.io_bound(needs_first_admin):
            return RedirectResponse("/login", status_code=303)
        setup_page()
        return None

    @ui.page("/logout", response_timeout=PAGE_BUILD_SECONDS)
    def logout_page() -> RedirectResponse | None:
        """A GET signs no one out (a link or an image elsewhere must not): it offers the button that does."""
        if auth.live_session(utc_now()) is None:
            return RedirectResponse("/login", status_code=303)
        with _bare_frame("Sign out"):
            ui.label("Sign out of this browser?")
            sign_out_form(button_classes="w-full mt-2")
        return None

    # After the page: registering a page at a path replaces every route already there.
    app.add_api_route(auth.FINISH_PATH, finish_sign_in, methods=["GET"], include_in_schema=False)
    app.add_api_route("/logout", sign_out, methods=["POST"], include_in_schema=False)
