"""Calling the service layer from a page: off the event loop, with the error shown to the user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nicegui import run, ui

from tracker.errors import TrackerError


@dataclass(frozen=True)
class Outcome:
    ok: bool
    value: Any = None
    message: str = ""


def sentence(message: str) -> str:
    """A service's message as a sentence on screen: capital first letter (messages may span lines)."""
    return message[:1].upper() + message[1:]


async def write(fn: Callable[..., Any], *args: Any, success: str | None = None, **kwargs: Any) -> Outcome:
    """Run a service function in a thread (its own connection and transaction); notify how it went."""
    try:
        value = await run.io_bound(fn, *args, **kwargs)
    except TrackerError as exc:
        message = sentence(exc.message)
        ui.notify(message, type="negative", multi_line=True, close_button="Close", timeout=8000)
        return Outcome(False, None, message)
    if success:
        ui.notify(success, type="positive")
    return Outcome(True, value)


async def read(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a query in a thread so a slow one never blocks other users."""
    return await run.io_bound(fn, *args, **kwargs)
