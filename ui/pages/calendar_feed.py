"""The private calendar feed: /calendar/{token}.ics, a URL a user pastes into their calendar app.

The token (purpose "calendar", from tracker.services.tokens) is the only credential, so the app's sign-in
middleware must let /calendar/ through. A revoked or unknown token gets 404 (and gives nothing away).
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import Response
from nicegui import app

from tracker import clock
from tracker.services import tokens
from tracker.views.calendar_ics import user_feed
from tracker.views.storage import connection_context
from ui.app_settings import settings_of

PATH = "/calendar/{token}.ics"


def feed_bytes(token: str, zone: str) -> bytes | None:
    """The feed of the token's user, or None for a token that is unknown, revoked or of an inactive user."""
    with connection_context():
        viewer = tokens.verify(token, "calendar")
        if viewer is None:
            return None
        return user_feed(viewer, clock.today(zone), clock.now(zone))


def calendar_feed(request: Request, token: str) -> Response:
    body = feed_bytes(token, settings_of(request).timezone)
    if body is None:
        raise HTTPException(404, "no such calendar")
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=900", "Content-Disposition": 'inline; filename="tracker.ics"'},
    )


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/calendar/{token}.ics"


def register() -> None:
    if not any(getattr(r, "path", None) == PATH for r in app.routes):
        app.add_api_route(PATH, calendar_feed, methods=["GET"], include_in_schema=False)
