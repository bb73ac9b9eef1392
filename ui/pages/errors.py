"""The not-found and server-error pages, inside the app's frame (header, menu, a way home) instead of NiceGUI's.

- An address no route answers: NiceGUI's 404 handler is replaced by one that draws "Page not found" in the frame,
  still with HTTP 404. Routes that are not pages (downloads, the API, the calendar feed) keep their own plain or
  JSON answers, as NiceGUI's handler does.
- A page that raises: `app.on_page_exception` draws "Something went wrong" with HTTP 500. The exception is logged
  with its traceback by NiceGUI (the server log is how the team is told); the page never shows its text.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from nicegui import app, ui
from nicegui.page import page as nicegui_page
from starlette.exceptions import HTTPException as StarletteHTTPException

from ui.layout import PAGE_BUILD_SECONDS, frame, plain_frame

NOT_FOUND_TITLE = "Page not found"
NOT_FOUND_TEXT = ("There is no page at this address. If you typed it, check it; if you followed a link, "
                  "the page may have moved.")
ERROR_TITLE = "Something went wrong"
ERROR_TEXT = "Something went wrong — the team has been told. Please try again in a few minutes."
HOME_LINK = "Go to your home page"


def _way_home() -> None:
    with ui.row().classes("items-center gap-2"):
        ui.icon("home").props('aria-hidden="true"')
        ui.link(HOME_LINK, "/").mark("home-link")


async def _not_found_page() -> None:
    ui.context.client.status_code = 404
    async with frame(NOT_FOUND_TITLE):
        with ui.element("section").classes("panel").props('role="alert"'):
            ui.label(NOT_FOUND_TEXT)
            _way_home()


def _error_page() -> None:
    """Drawn synchronously inside NiceGUI's fresh error client; takes no exception, so none can leak into it."""
    client = ui.context.client
    try:
        with plain_frame(ERROR_TITLE):
            with ui.element("section").classes("panel").props('role="alert"'):
                ui.label(ERROR_TEXT)
                _way_home()
    except Exception:  # the frame itself failed (storage, settings): the bare message, still without details
        client.content.clear()
        with client.content:
            ui.label(ERROR_TEXT)
            ui.link(HOME_LINK, "/")


async def _on_404(request: Request, exception: Exception) -> Response:
    endpoint = request.scope.get("endpoint")
    if (endpoint is not None and endpoint is not app and not request.scope.get("nicegui_page_path")
            and isinstance(exception, StarletteHTTPException)):
        return await http_exception_handler(request, exception)  # a download's or the API's own 404
    wrapped = nicegui_page("", response_timeout=PAGE_BUILD_SECONDS)._wrap(_not_found_page)  # as NiceGUI's root page
    response: Response = await wrapped(request=request)
    return response


def register() -> None:
    app.add_exception_handler(404, _on_404)
    app.on_page_exception(_error_page)
