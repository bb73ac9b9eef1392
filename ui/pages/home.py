"""`/`: each user's home page (a lead's dashboard, a supervisor's supervisees, a staff member's compliance)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import auth
from ui.layout import PAGE_BUILD_SECONDS, frame, home_path, nav_for


def register() -> None:
    @ui.page("/", response_timeout=PAGE_BUILD_SECONDS)
    async def home(request: Request) -> RedirectResponse | None:
        viewer = auth.viewer_of(request)
        target = home_path(viewer) if viewer is not None else None
        if target:
            return RedirectResponse(target, status_code=303)
        async with frame("Home") as page:
            items = nav_for(page.viewer)
            if not items:
                ui.label(
                    "Your account has no pages yet: it is not linked to a person and holds no role that has one. "
                    "Ask an administrator."
                )
            for item in items:
                ui.link(item.label, item.path)
        return None
