"""Every HTTP route the running app serves, read from NiceGUI's app after main.py registered everything.

Used by the access-control matrix and the security-header sweep, so a new page or download cannot escape
either: both start from this list, not from a list someone remembered to update.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.routing import APIRoute
from nicegui import app
from starlette.routing import Mount

NICEGUI_PREFIXES = ("/_nicegui/", "/_nicegui_ws")  # NiceGUI's own static files and its socket


@dataclass(frozen=True)
class Route:
    path: str
    methods: frozenset[str]

    @property
    def is_nicegui_internal(self) -> bool:
        return self.path.startswith(NICEGUI_PREFIXES)


def app_routes() -> list[Route]:
    """Each route once, with the API router's routes (FastAPI keeps an included router as one entry)."""
    found: dict[str, set[str]] = {}

    def add(path: str, methods: set[str] | None) -> None:
        found.setdefault(path, set()).update(methods or {"GET"})

    for route in app.routes:
        if isinstance(route, APIRoute):
            add(route.path, set(route.methods))
        elif isinstance(route, Mount):
            add(route.path, None)
        elif hasattr(route, "original_router"):
            for inner in route.original_router.routes:
                if isinstance(inner, APIRoute):
                    add(inner.path, set(inner.methods))
    return [Route(path, frozenset(methods)) for path, methods in sorted(found.items())]


def product_routes() -> list[Route]:
    return [r for r in app_routes() if not r.is_nicegui_internal]
