"""A page whose work in a thread is cancelled stops there: it is never handed None in place of the answer."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

from nicegui import run

from ui import threads


async def _cancel_while_working(io_bound: Callable[..., Awaitable[object]]) -> tuple[bool, list[object]]:
    """Whether the page ended cancelled, and the values it went on with after its thread's work was cancelled."""
    started, release = threading.Event(), threading.Event()

    def slow_query() -> str:
        started.set()
        release.wait(10)
        return "the snapshot"

    seen: list[object] = []

    async def page() -> None:
        seen.append(await io_bound(slow_query))
        seen.append("page carried on")

    task = asyncio.create_task(page())
    await asyncio.to_thread(started.wait, 10)
    task.cancel()
    try:
        await task
        cancelled = False
    except asyncio.CancelledError:
        cancelled = True
    release.set()
    return cancelled, seen


async def test_a_cancelled_page_stops_instead_of_carrying_on_with_none() -> None:
    assert await _cancel_while_working(threads.io_bound) == (True, [])


async def test_nicegui_run_io_bound_would_have_carried_on_with_none() -> None:
    """The probe: NiceGUI 3's own io_bound swallows the cancellation, so this is worth testing (NiceGUI 4 will
    raise; then this probe fails and ui.threads can go)."""
    assert await _cancel_while_working(run.io_bound) == (False, [None, "page carried on"])


async def test_the_answer_comes_back_when_nothing_is_cancelled() -> None:
    assert await threads.io_bound(lambda a, b=0: a + b, 2, b=3) == 5
