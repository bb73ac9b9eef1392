"""The one way a page writes: `write(action, needs=...)`, checked at the moment it runs.

A page's handlers are closures over what was true when the page was built; the page may stay open for hours
while its user signs out in another tab, is deactivated or loses a role. So every write, when it runs:

1. needs this browser's session to be live (signed in, not expired);
2. reads the user afresh, in the worker thread that then writes: still active, at the epoch the session began
   with (any change of roles, scope, linked person or password raises the epoch and so ends the session);
3. checks what the action declares it needs of that fresh Viewer: `needs=ADMIN`, `needs=(LEAD, ADMIN)`,
   `needs=ANY_USER`, or a check such as `needs=person(person_id)` (any `Callable[[Viewer], None]` that raises
   PermissionDenied); a user who must change their password may do only `needs=OWN_PASSWORD`;
4. calls `action(who)` with that fresh Viewer: the caller passes who acts, and a service given the Viewer checks
   that person's rights (scope, own records) itself; for a service that takes an actor name, pass `who.actor`.

A refusal writes nothing and says why; an ended session sends the user to sign in again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, cast

from nicegui import run, ui

from tracker.access import Viewer, require, require_person
from tracker.clock import utc_now
from tracker.errors import PermissionDenied, TrackerError, ValidationError
from tracker.services.auth import viewer_for_session
from ui import auth, session_end

Check = Callable[[Viewer], None]
Needs = str | tuple[str, ...] | Check

ENDED = "Your session has ended. Please sign in again."

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """How a write went; `value` is what the action returned, and None unless `ok`."""

    ok: bool
    value: T
    message: str = ""
    field: str | None = None  # the field a refused value was in, to show the message there


def ANY_USER(who: Viewer) -> None:  # noqa: N802 - read as a constant: `needs=ANY_USER`
    """Any signed-in, active user (for what concerns only their own account: their inbox, their tokens)."""


def OWN_PASSWORD(who: Viewer) -> None:  # noqa: N802
    """Changing one's own password: allowed even while a password set by an administrator must be changed."""


def person(person_id: int | None) -> Check:
    """The viewer must be this person (their own attendance, acknowledgements, certificates)."""

    def check(who: Viewer) -> None:
        require_person(who, person_id)

    return check


def as_actor(fn: Callable[Concatenate[str, P], T], *args: P.args, **kwargs: P.kwargs) -> Callable[[Viewer], T]:
    """The action `fn(who.actor, *args)`, for a service that takes the name of who acts first."""
    return lambda who: fn(who.actor, *args, **kwargs)


def as_viewer(fn: Callable[Concatenate[Viewer, P], T], *args: P.args, **kwargs: P.kwargs) -> Callable[[Viewer], T]:
    """The action `fn(who, *args)`, for a service that takes who acts and checks their rights itself."""
    return lambda who: fn(who, *args, **kwargs)


class SessionEnded(Exception):
    """The session no longer holds: the user is gone, deactivated, or their epoch has moved on."""


def sentence(message: str) -> str:
    """A service's message as a sentence on screen: capital first letter (messages may span lines)."""
    return message[:1].upper() + message[1:]


def field_label(name: str | None) -> str:
    return (name or "").replace("_", " ").capitalize()


def error_text(exc: TrackerError) -> str:
    """The message, led by the field it is about (services name the field but not in the words)."""
    if isinstance(exc, ValidationError) and exc.field and not exc.message.lower().startswith(exc.field.lower()):
        return f"{field_label(exc.field)}: {exc.message}"
    return sentence(exc.message)


def _check(who: Viewer, needs: Needs) -> None:
    if who.must_change_password and needs is not OWN_PASSWORD:
        raise PermissionDenied("you must change the password an administrator set before doing anything else")
    if isinstance(needs, str):
        require(who, needs)
    elif isinstance(needs, tuple):
        require(who, *needs)
    else:
        needs(who)


def _run_checked(action: Callable[[Viewer], T], needs: Needs, user_id: int, epoch: int) -> T:
    who = viewer_for_session(user_id, epoch)
    if who is None:
        raise SessionEnded()
    _check(who, needs)
    return action(who)


def _refused(message: str, field: str | None = None) -> Outcome[Any]:
    return Outcome(False, cast(Any, None), message, field)


def _ended() -> Outcome[Any]:
    auth.end_session(auth.page_storage())
    ui.notify(ENDED, type="warning")
    ui.navigate.to("/login?expired=1")
    return _refused(ENDED)


async def write(
    action: Callable[[Viewer], T], *, needs: Needs, success: str | None = None
) -> Outcome[T]:
    """Run `action(who)` in a thread (its own connection and transaction) once `who`, read afresh, still holds
    what `needs` asks; notify how it went. An ended session writes nothing (and a write counts as activity)."""
    session = auth.live_session(utc_now(), auth.page_storage())
    if session is None:
        return _ended()
    try:
        user_id, epoch = session
        value = await run.io_bound(_run_checked, action, needs, user_id, epoch)
    except SessionEnded:
        return _ended()
    except PermissionDenied as exc:
        message = f"Not done: {exc.message}."
        ui.notify(message, type="negative", multi_line=True, close_button="Close", timeout=10000)
        return _refused(message)
    except TrackerError as exc:
        message = error_text(exc)
        ui.notify(message, type="negative", multi_line=True, close_button="Close", timeout=10000)
        return _refused(message, exc.field if isinstance(exc, ValidationError) else None)
    session_end.sweep_soon()  # this write may have ended someone's session: take their open pages away now
    if success:
        ui.notify(success, type="positive")
    # io_bound gives None only while the app shuts down (NiceGUI 4 will raise instead): no page is left to use it
    return Outcome(True, cast(T, value))


async def read(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a query in a thread so a slow one never blocks other users; typed as what `fn` returns."""
    return cast(T, await run.io_bound(fn, *args, **kwargs))
