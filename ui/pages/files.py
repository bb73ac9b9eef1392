"""Downloads of stored files (certificates), each checked against tracker.access; 403 when not allowed.

A certificate is always a download (an attachment named certificate-<id>.<ext>, nosniff, a sandbox policy), so
a file that is also HTML or SVG is never opened as a page of this site.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, PlainTextResponse, Response
from nicegui import app

from tracker.errors import NotFound, PermissionDenied
from tracker.ids import parse_id
from tracker.services import evidence
from ui import auth
from ui.actions import read
from ui.app_settings import settings_of
from ui.layout import forbidden

SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "sandbox",
}
NOT_FOUND = "There is no certificate for this record."


def register() -> None:
    @app.get("/files/certificates/{record_id}", include_in_schema=False)
    async def certificate(request: Request, record_id: str) -> Response:
        viewer = auth.viewer_of(request)
        if viewer is None:
            return forbidden()
        number = parse_id(record_id)
        if number is None:
            return PlainTextResponse(NOT_FOUND, status_code=404)
        try:
            found = await read(evidence.certificate_for, viewer, settings_of(request), number)
        except PermissionDenied as exc:
            return forbidden(exc.message)
        except NotFound as exc:
            return PlainTextResponse(exc.message, status_code=404)
        return FileResponse(
            found.path,
            media_type=found.content_type,
            filename=found.download_name,
            content_disposition_type="attachment",  # never drawn by the browser as a page, whatever it holds
            headers=SAFE_HEADERS,
        )
