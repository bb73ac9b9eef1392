"""Calling the service layer from a page: off the event loop, with the error shown to the user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nicegui import run, ui

from tracker.clock import utc_now
from tracker.errors import TrackerError
from ui import auth


@dataclass(frozen=True)
class Outcome:
    ok: bool
    value: Any = None
    message: str = ""


def sentence(message: str) -> str:
    """A service's message as a sentence on screen: capital first letter (messages may span lines)."""
    return message[:1].upper() + message[1:]


async def write(fn: Callable[..., Any], *args: Any, success: str | None = None, **kwargs: Any) -> Outcome:
    """Run a service function in a thread (its own connection and transaction); notify how it went.

    An expired session writes nothing: the user is sent to sign in again (and a write counts as activity).
    """
    if auth.signed_in_user_id(utc_now()) is None:
        message = "Your session has ended. Please sign in again."
        ui.notify(message, type="warning")
        ui.navigate.to("/login?expired=1")
        return Outcome(False, None, message)
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
