"""The processes that draw PDFs: started clean, and gone when the server goes.

Forked from the server, a worker would hold every descriptor the server had, the listening socket included:
after a `kill -9` of the server the workers lived on, kept the port, and the server could not start again.
These come from a fork server instead (multiprocessing's "forkserver": a fresh interpreter holding only its own
pipes, from which each worker is forked), so they hold no socket of the server's. Each worker watches the server
process (a pidfd on Linux, a poll elsewhere) and exits the moment it is gone, however it ended; the fork server
and multiprocessing's resource tracker then exit too, as the last holders of their pipes are gone.

`draw(fn, *args)` runs in the pool when the app is served, and in a thread under the test fixture (no pool).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

from nicegui import app, run

T = TypeVar("T")
# imported once in the fork server, so each worker starts with reportlab loaded
PRELOAD = ["reports.build", "reports.evidence_pack"]
WATCH_SECONDS = 1.0

_pool: ProcessPoolExecutor | None = None


def _end_with_server(server: int) -> None:
    """In each worker, before its first task: exit as soon as the server process is gone, however it ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle, as NiceGUI's own pool does
    try:
        handle = os.pidfd_open(server) if hasattr(os, "pidfd_open") else None  # Linux: readable once it exits
    except ProcessLookupError:
        os._exit(0)

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])
        else:
            while _exists(server):
                time.sleep(WATCH_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _new_pool() -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(mp_context=context, initializer=_end_with_server, initargs=(os.getpid(),))


def start() -> None:
    """At app start-up: the pool (its processes start when the first PDF is asked for)."""
    global _pool
    stop()
    _pool = _new_pool()


def stop() -> None:
    """At shutdown: no new work, and the workers told to end (they also end with the fork server)."""
    global _pool
    old, _pool = _pool, None
    if old is not None:
        old.shutdown(wait=False, cancel_futures=True)


def running() -> bool:
    return _pool is not None


async def draw(fn: Callable[..., T], *args: Any) -> T | None:
    """fn(*args) in a worker process (fn and args picklable); None when the app is stopping."""
    global _pool
    if _pool is None:
        return await run.io_bound(fn, *args)
    if app.is_stopping:
        return None
    loop = asyncio.get_running_loop()
    try:  # safe_callback: an error in the worker comes back as one that can cross the process boundary
        return await loop.run_in_executor(_pool, partial(run.safe_callback, fn, *args))
    except BrokenProcessPool:
        if _pool is not None:  # a worker died (killed, out of memory): the next PDF gets a fresh pool
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = _new_pool()
        raise
    except RuntimeError as exc:  # submitted while shutting down
        if "after shutdown" in str(exc):
            return None
        raise
