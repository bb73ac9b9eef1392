"""Work in a thread that never hands a page None in place of an answer.

NiceGUI 3's `run.io_bound` returns None when the awaiting page is cancelled (its response_timeout passed, or
its client went away) or the app is stopping; a page that carried on would then fail on that None (the bench
saw `'NoneType' object has no attribute 'summary'` on a first 10,000-staff dashboard). Here the cancellation
stays a cancellation, as NiceGUI 4 will make it, so the page simply stops.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import ParamSpec, TypeVar

from nicegui import app, run

P = ParamSpec("P")
T = TypeVar("T")


async def io_bound(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """fn(*args, **kwargs) in NiceGUI's thread pool; raises CancelledError instead of returning None."""
    if app.is_stopping:
        raise asyncio.CancelledError("the app is stopping")
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(run.thread_pool, partial(fn, *args, **kwargs))
    except RuntimeError as exc:
        if "cannot schedule new futures after shutdown" in str(exc):
            raise asyncio.CancelledError("the app is stopping") from exc
        raise
