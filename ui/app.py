"""Builds and runs the NiceGUI app: the sign-in middleware, every page module, start-up and shutdown.

Page modules live in ui/pages/; each has a `register()` that defines its pages and menu entries. They are found
with pkgutil, so adding a page is adding a module. Everything is registered from `register_app()` (never on
import): NiceGUI's test fixture clears routes and middleware between tests and runs main.py again.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Callable

from nicegui import app, ui
from nicegui import run as nicegui_run

from tracker import clock
from tracker.note_crypto import note_key
from tracker.services.database_setup import close_database, load_demo_if_empty, open_database
from tracker.settings import Settings
from ui import (
    auth,
    collector,
    early_updates,
    page_escape,
    page_memory,
    session_end,
    signature_cache,
    theme,
    workers,
)
from ui.app_settings import hand_over

NATIVE_HINT = "The desktop window needs pywebview: pip install -e '.[native]'"


def page_modules() -> list[str]:
    import ui.pages

    return sorted(f"ui.pages.{m.name}" for m in pkgutil.iter_modules(ui.pages.__path__) if not m.ispkg)


def storage_secret(settings: Settings) -> str:
    from tracker.signing import secret_key

    secret = secret_key(settings)
    return secret if isinstance(secret, str) else secret.hex()


def _startup(settings: Settings, notes_key: bytes) -> Callable[[], None]:
    def start() -> None:
        open_database(settings, notes_key)
        session_end.start()
        if nicegui_run.process_pool is not None:  # served for real (the test fixture sets up no process pool)
            workers.start()
            collector.settle()
        if settings.scheduler:
            from jobs.hooks import register_standard_hooks
            from jobs.scheduler import start_scheduler

            register_standard_hooks()
            start_scheduler(settings)

    return start


def _shutdown(settings: Settings) -> Callable[[], None]:
    def stop() -> None:
        workers.stop()
        if settings.scheduler:
            from jobs.scheduler import stop_scheduler

            stop_scheduler()
        close_database()

    return stop


def register_app(settings: Settings) -> None:
    """The middleware, every page module, and start-up/shutdown; call once before ui.run."""
    notes_key = note_key(settings)  # made on first start, so operators can back it up before any note is written
    signature_cache.install()
    early_updates.install()
    page_escape.install()
    page_memory.install()
    hand_over(app, settings, notes_key)
    auth.register()
    for name in page_modules():
        importlib.import_module(name).register()
    app.on_startup(_startup(settings, notes_key))
    app.on_shutdown(_shutdown(settings))


# How long an idle connection is kept open for the next request. Uvicorn's 5 s is shorter than the pause between
# two pages of a person at work: the server closed the connection just as the browser sent on it (a ReadError
# in the load benchmark, twice in 845 pages). Longer than a proxy's idle time to the app, so the proxy closes first.
KEEP_ALIVE_SECONDS = 75


def run_app(settings: Settings, *, host: str = "127.0.0.1", port: int = 8080, native: bool = False) -> None:
    """Register everything and hand over to ui.run (which returns at once under the test fixture)."""
    register_app(settings)
    # PDFs are drawn in ui.workers' pool; NiceGUI's own pool is left unused, but never forked from the server
    # (a forked worker inherits the listening socket and keeps the port after a kill -9).
    nicegui_run.process_pool_start_method = "forkserver"
    ui.run(
        host=host,
        port=port,
        title=theme.PRODUCT_NAME,
        native=native,
        window_size=(1280, 860) if native else None,
        reload=False,
        show=False,
        language="en-GB",
        favicon="🩺",
        storage_secret=storage_secret(settings),
        session_middleware_kwargs={"https_only": settings.base_url.startswith("https://"), "same_site": "lax"},
        show_welcome_message=False,
        uvicorn_logging_level="warning",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def native_available() -> bool:
    """pywebview (the optional `native` extra) draws the desktop window."""
    return importlib.util.find_spec("webview") is not None


def serve(settings: Settings, *, database_url: str, host: str, port: int, native: bool, demo: bool) -> int:
    """`python main.py serve`: run the app until stopped. Returns the exit status."""
    if native and not native_available():
        print(NATIVE_HINT, file=sys.stderr)
        return 1
    settings = dataclasses.replace(settings, database_url=database_url)
    notes_key = note_key(settings)
    open_database(settings, notes_key)
    if demo:
        load_demo_if_empty(clock.today(settings.timezone), notes_key)
    close_database()
    print(f"{theme.PRODUCT_NAME}: open http://{'localhost' if host in ('0.0.0.0', '127.0.0.1') else host}:{port}")
    run_app(settings, host=host, port=port, native=native)
    return 0
