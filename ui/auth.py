"""The signed-in session: a middleware that sends strangers to /login, idle and absolute expiry, the Viewer.

`app.storage.user` keeps only the user's id and two times; the Viewer (roles, scope) is read from the
database on every page request, so a changed role or a deactivated user takes effect at once.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import app, run
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from tracker.access import Viewer, viewer_for_user
from tracker.auth import session_expired
from tracker.clock import utc_now

USER_ID, SIGNED_IN_AT, LAST_SEEN, AS_OF = "user_id", "signed_in_at", "last_seen", "as_of"

# Pages anyone may open; other modules add their own (a token-checked API, a signed confirmation link).
_public_paths: set[str] = {"/login", "/setup", "/favicon.ico"}
# NiceGUI's own assets, its socket (/_nicegui_ws, also over HTTP polling) and uploads to a page's client;
# the API and the calendar feed check their own tokens.
_public_prefixes: set[str] = {"/_nicegui", "/api/v1/", "/calendar/"}


def allow_without_sign_in(path: str, *, prefix: bool = False) -> None:
    """Let a path (or every path under a prefix) through the sign-in check; it must check access itself."""
    (_public_prefixes if prefix else _public_paths).add(path)


def is_public(path: str) -> bool:
    return path in _public_paths or any(path.startswith(p) for p in _public_prefixes)


def safe_return_path(target: str | None) -> str:
    """Only a path on this site (never '//host' or 'https://...') may be returned to after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def start_session(viewer: Viewer, now: datetime) -> None:
    app.storage.user.update({USER_ID: viewer.user_id, SIGNED_IN_AT: now.isoformat(), LAST_SEEN: now.isoformat()})


def end_session() -> None:
    for key in (USER_ID, SIGNED_IN_AT, LAST_SEEN, AS_OF):
        app.storage.user.pop(key, None)


def signed_in_user_id(now: datetime) -> int | None:
    """The user id of a live session (touching it), or None when there is none or it has expired."""
    storage = app.storage.user
    user_id = storage.get(USER_ID)
    if user_id is None:
        return None
    try:
        signed_in_at = datetime.fromisoformat(storage[SIGNED_IN_AT])
        last_seen = datetime.fromisoformat(storage[LAST_SEEN])
    except (KeyError, TypeError, ValueError):
        end_session()
        return None
    if session_expired(signed_in_at, last_seen, now):
        end_session()
        return None
    storage[LAST_SEEN] = now.isoformat()
    return int(user_id)


def viewer_of(request: Request) -> Viewer | None:
    """The Viewer the middleware found for this request."""
    return getattr(request.state, "viewer", None)


def login_redirect(request: Request, expired: bool = False) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    suffix = "&expired=1" if expired else ""
    return RedirectResponse(f"/login?redirect_to={quote(target, safe='')}{suffix}", status_code=303)


class SignInMiddleware(BaseHTTPMiddleware):
    """Every non-public request needs a live session of an active user; otherwise off to /login."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if is_public(request.url.path):
            return await call_next(request)
        had_session = app.storage.user.get(USER_ID) is not None
        user_id = signed_in_user_id(utc_now())
        viewer = await run.io_bound(viewer_for_user, user_id) if user_id is not None else None
        if viewer is None:
            end_session()
            return login_redirect(request, expired=had_session)
        request.state.viewer = viewer
        return await call_next(request)


def register() -> None:
    app.add_middleware(SignInMiddleware)
