"""The signed-in session: a middleware that sends strangers to /login, expiry, epochs, and new session identities.

`app.storage.user` (NiceGUI keeps it per browser, keyed by the random `id` in the signed session cookie) holds
only the user's id, the session epoch it began at, two times and a CSRF token. The Viewer (roles, scope) is read
from the database on every page request and every action; it holds only while the user is active and their
epoch unchanged (tracker.services.auth.viewer_for_session), so a deactivation or a change of role ends the session.

Signing in never promotes the cookie the browser came with (session fixation): the sign-in form leaves a one-time
ticket in the old storage, and GET /login/finish, given that ticket by the same browser, gives it a new `id`,
empties the old storage and starts the session under the new one. Signing out (POST /logout) does the same.
"""

from __future__ import annotations

import secrets
import string
import unicodedata
import uuid
from collections.abc import MutableMapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import app, ui
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from tracker.access import Viewer
from tracker.clock import utc_now
from tracker.services.auth import session_expired, viewer_for_session
from ui import threads

USER_ID, EPOCH, SIGNED_IN_AT, LAST_SEEN, AS_OF = "user_id", "epoch", "signed_in_at", "last_seen", "as_of"
CSRF, PENDING = "csrf", "pending_sign_in"
SESSION_KEYS = (USER_ID, EPOCH, SIGNED_IN_AT, LAST_SEEN, AS_OF, CSRF)
TICKET_LIFETIME = timedelta(seconds=60)
PASSWORD_PAGE = "/account/password"
FINISH_PATH = "/login/finish"

# Pages anyone may open; other modules add their own (a token-checked API, a signed confirmation link).
_public_paths: set[str] = {"/login", "/setup", "/favicon.ico", FINISH_PATH, "/logout"}
# NiceGUI's own assets, its socket (/_nicegui_ws, also over HTTP polling) and uploads to a page's client;
# the API and the calendar feed check their own tokens.
_public_prefixes: set[str] = {"/_nicegui", "/api/v1/", "/calendar/"}
# All a user who must change their password may open.
_while_password_must_change: set[str] = {PASSWORD_PAGE, "/logout"}


def allow_without_sign_in(path: str, *, prefix: bool = False) -> None:
    """Let a path (or every path under a prefix) through the sign-in check; it must check access itself."""
    (_public_prefixes if prefix else _public_paths).add(path)


def is_public(path: str) -> bool:
    return path in _public_paths or any(path.startswith(p) for p in _public_prefixes)


_ALLOWED_IN_PATH = frozenset(string.ascii_letters + string.digits + "-._~/?#[]@!$&'()*+,;=%:")


def safe_return_path(target: str | None) -> str:
    """Only a path on this site may be returned to after sign-in; anything else gives "/".

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so "/\\t/evil.example" and
    "/\\\\evil.example" are "//evil.example", another host. A target is refused unless it is a plain path: it
    starts with one "/", holds only URL characters (no control character, space or backslash, nothing outside
    ASCII), has no scheme or host however it parses, and decodes to nothing that would have one.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if any(ch not in _ALLOWED_IN_PATH for ch in target):
        return "/"
    decoded = target
    for _ in range(3):  # whatever a later hop might decode, it is still a path on this site
        parts = urlsplit(decoded)
        if parts.scheme or parts.netloc or decoded.startswith(("//", "/\\")) or "\\" in decoded:
            return "/"
        if any(unicodedata.category(ch).startswith("C") for ch in decoded):
            return "/"
        decoded = unquote(decoded)
    return target


# ---- the session in app.storage.user ----------------------------------------------------------------------


Storage = MutableMapping[str, Any]


def page_storage() -> Storage:
    """In a page's event handler: the storage of the browser whose page it is (by the cookie the page was
    opened with), never another's; outside a page, the storage of the present request."""
    try:
        request = ui.context.client.request
        session_id = request.session.get("id") if request is not None else None
    except (AttributeError, RuntimeError, AssertionError):
        session_id = None
    if session_id is None:
        return app.storage.user
    found = app.storage._users.get(str(session_id))  # noqa: SLF001 - NiceGUI keys user storage by this id
    return found if found is not None else {}


def end_session(storage: Storage | None = None) -> None:
    storage = app.storage.user if storage is None else storage
    for key in (*SESSION_KEYS, PENDING):
        storage.pop(key, None)


def live_session(now: datetime, storage: Storage | None = None) -> tuple[int, int] | None:
    """(user id, epoch) of this browser's live session, touching it; None when there is none or it has expired.
    Says nothing of the database: check the pair with tracker.services.auth.viewer_for_session."""
    storage = app.storage.user if storage is None else storage
    user_id = storage.get(USER_ID)
    if user_id is None:
        return None
    try:
        signed_in_at = datetime.fromisoformat(storage[SIGNED_IN_AT])
        last_seen = datetime.fromisoformat(storage[LAST_SEEN])
        epoch = int(storage[EPOCH])
    except (KeyError, TypeError, ValueError):
        end_session(storage)
        return None
    if session_expired(signed_in_at, last_seen, now):
        end_session(storage)
        return None
    storage[LAST_SEEN] = now.isoformat()
    return int(user_id), epoch


def signed_in_user_id(now: datetime) -> int | None:
    session = live_session(now)
    return session[0] if session else None


def csrf_token() -> str:
    """The token a form posting to this site must carry (made at sign-in; empty when signed out)."""
    return str(app.storage.user.get(CSRF, ""))


def viewer_of(request: Request) -> Viewer | None:
    """The Viewer the middleware found for this request."""
    return getattr(request.state, "viewer", None)


# ---- a new identity: sign-in tickets and rotating the cookie's id ------------------------------------------


def begin_sign_in(viewer: Viewer, target: str | None, now: datetime) -> str:
    """After the password is checked (in the page's socket handler, which cannot set a cookie): a one-time
    ticket in this browser's present storage; the returned address finishes the sign-in over HTTP."""
    ticket = secrets.token_urlsafe(32)
    page_storage()[PENDING] = {
        "ticket": ticket, "user_id": viewer.user_id, "epoch": viewer.epoch, "at": now.isoformat(),
        "to": safe_return_path(target),
    }
    return f"{FINISH_PATH}?ticket={ticket}"


def identity_pending(storage: dict, now: datetime) -> bool:
    """True while a browser's storage holds a sign-in ticket not yet used nor expired."""
    pending = storage.get(PENDING)
    try:
        return isinstance(pending, dict) and now - datetime.fromisoformat(pending["at"]) <= TICKET_LIFETIME
    except (KeyError, TypeError, ValueError):
        return False


def take_ticket(ticket: str, now: datetime) -> dict | None:
    """The pending sign-in this ticket names, if it is this browser's, fresh, and not used before."""
    pending = app.storage.user.get(PENDING)
    if not isinstance(pending, dict) or not secrets.compare_digest(str(pending.get("ticket", "")), ticket or ""):
        return None
    app.storage.user.pop(PENDING, None)
    try:
        at = datetime.fromisoformat(pending["at"])
    except (KeyError, TypeError, ValueError):
        return None
    return pending if now - at <= TICKET_LIFETIME else None


async def new_identity(request: Request) -> str:
    """Give this browser a new session id (the response sends the new cookie) and empty the old id's storage,
    so a copy of the old cookie is worth nothing. Returns the old id."""
    old = str(request.session.get("id", ""))
    new = str(uuid.uuid4())
    await app.storage._create_user_storage(new)  # noqa: SLF001 - NiceGUI keys app.storage.user by this id
    request.session["id"] = new
    old_storage = app.storage._users.get(old)  # noqa: SLF001
    if old_storage is not None:
        old_storage.clear()
    return old


def start_session(viewer: Viewer, now: datetime) -> None:
    """Under the (new) id of this request: the session of this viewer, at their present epoch."""
    end_session()
    app.storage.user.update(
        {
            USER_ID: viewer.user_id, EPOCH: viewer.epoch, SIGNED_IN_AT: now.isoformat(),
            LAST_SEEN: now.isoformat(), CSRF: secrets.token_urlsafe(32),
        }
    )


# ---- the middleware ------------------------------------------------------------------------------------------


def login_redirect(request: Request, expired: bool = False) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    suffix = "&expired=1" if expired else ""
    return RedirectResponse(f"/login?redirect_to={quote(target, safe='')}{suffix}", status_code=303)


class SignInMiddleware(BaseHTTPMiddleware):
    """Every non-public request needs a live session of an active user at an unchanged epoch; otherwise off to
    /login. A user whose password must be changed may open only the page that changes it."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if is_public(request.url.path):
            return await call_next(request)
        had_session = app.storage.user.get(USER_ID) is not None
        session = live_session(utc_now())
        viewer = await threads.io_bound(viewer_for_session, *session) if session is not None else None
        if viewer is None:
            end_session()
            return login_redirect(request, expired=had_session)
        if viewer.must_change_password and request.url.path not in _while_password_must_change:
            return RedirectResponse(PASSWORD_PAGE, status_code=303)
        request.state.viewer = viewer
        return await call_next(request)


def register() -> None:
    app.add_middleware(SignInMiddleware)
