"""Sign in with NHSmail (OpenID Connect): /auth/oidc/start sends the browser to the provider, and the provider
sends it back to /auth/oidc/callback with a code.

What the provider must send back (state, nonce, PKCE verifier) waits in this browser's own storage, for ten
minutes and for one use. A checked ID token whose email is an active login finishes like a password sign-in:
a one-time ticket, then /login/finish gives the browser a new session id (ui/auth.py). Any refusal goes back to
/login with a fixed reason word, which the page turns into fixed words, and no session.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import app, ui

from tracker.access import Viewer
from tracker.clock import utc_now
from tracker.services import oidc
from tracker.services.auth import THROTTLED, SignInRefused, sign_in_with_identity
from tracker.settings import Settings
from ui import auth, threads
from ui.app_settings import settings_of

log = logging.getLogger(__name__)

PENDING_OIDC = "pending_oidc"
WAITS_FOR = timedelta(minutes=10)


def start_link(redirect_to: str) -> str:
    return f"{oidc.START_PATH}?redirect_to={quote(auth.safe_return_path(redirect_to), safe='')}"


def sign_in_button(settings: Settings, redirect_to: str) -> None:
    """On the sign-in page, when OIDC is set up: a link (it leaves the app for the provider) drawn as a button."""
    if not settings.oidc_enabled:
        return
    ui.label("or").classes("muted text-sm w-full text-center")
    ui.link(settings.oidc_label, start_link(redirect_to)).classes(
        "q-btn q-btn--outline q-btn--rectangle q-btn--no-uppercase w-full text-center py-2 no-underline "
        "text-primary font-semibold"
    ).mark("oidc-sign-in")


def _refused(reason: str) -> RedirectResponse:
    return RedirectResponse(f"/login?oidc={reason if reason in oidc.REFUSALS else 'token'}", status_code=303)


async def start(request: Request, redirect_to: str = "/") -> Response:
    settings = settings_of(request)
    if not settings.oidc_enabled:
        return RedirectResponse("/login", status_code=303)
    try:
        provider = await threads.io_bound(oidc.discover, settings)
    except oidc.OidcRefused as exc:
        log.warning("OIDC sign-in could not start: %s", exc.detail)
        return _refused(exc.reason)
    if provider is None:  # the app is stopping
        return RedirectResponse("/login", status_code=303)
    asked = oidc.authorization_request(settings, provider)
    app.storage.user[PENDING_OIDC] = {
        "state": asked.state, "nonce": asked.nonce, "verifier": asked.code_verifier,
        "to": auth.safe_return_path(redirect_to), "at": utc_now().isoformat(),
    }
    return RedirectResponse(asked.url, status_code=303)


def _finish(settings: Settings, code: str, pending: dict, now: datetime, address: str | None) -> Viewer:
    provider = oidc.discover(settings)
    id_token = oidc.exchange_code(settings, provider, code, str(pending["verifier"]))
    claims = oidc.verify_id_token(settings, provider, id_token, str(pending["nonce"]), now)
    return sign_in_with_identity(oidc.email_of(claims), now, address)


def _fresh(pending: object, state: str, now: datetime) -> bool:
    if not isinstance(pending, dict) or not state:
        return False
    try:
        at = datetime.fromisoformat(str(pending["at"]))
    except (KeyError, ValueError):
        return False
    return secrets.compare_digest(str(pending.get("state", "")), state) and now - at <= WAITS_FOR


async def callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    now, settings = utc_now(), settings_of(request)
    pending = app.storage.user.pop(PENDING_OIDC, None)  # one use, whatever happens next
    if not settings.oidc_enabled or not _fresh(pending, state, now):
        return _refused("state")
    if error or not code:
        return _refused("denied")
    assert isinstance(pending, dict)
    address = request.client.host if request.client is not None else None
    try:
        viewer = await threads.io_bound(_finish, settings, code, pending, now, address)
    except oidc.OidcRefused as exc:
        log.warning("OIDC sign-in refused (%s): %s", exc.reason, exc.detail)
        return _refused(exc.reason)
    except SignInRefused as exc:
        return _refused("throttled" if exc.message == THROTTLED else "unknown")
    if viewer is None:  # the app is stopping
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(auth.begin_sign_in(viewer, pending.get("to"), now), status_code=303)


def register() -> None:
    auth.allow_without_sign_in(oidc.START_PATH)
    auth.allow_without_sign_in(oidc.CALLBACK_PATH)
    app.add_api_route(oidc.START_PATH, start, methods=["GET"], include_in_schema=False)
    app.add_api_route(oidc.CALLBACK_PATH, callback, methods=["GET"], include_in_schema=False)
