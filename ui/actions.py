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

One click, one record: a form drawn on a page holds a `Form` (a token for that drawing of the form) and passes it
as `write(..., form=form)`. While its write runs the form's buttons are disabled and a second click is dropped;
once it has saved, the same form is refused ("already saved") until the page draws it afresh (`form.renew()`).
Writes without a form still never run twice at once from the same place on one page (a double-click on a button
whose handler writes waits for nothing and is dropped).

A service may ask before it writes (`NeedsConfirmation`, e.g. "this looks like the session you logged at 10:02 —
save another?"): the Outcome then carries the question, nothing is written, and the page asks the user.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, cast

from nicegui import ui

from tracker.access import Viewer, require, require_person
from tracker.clock import utc_now
from tracker.errors import NeedsConfirmation, PermissionDenied, Problem, TrackerError, ValidationError
from tracker.errors import field_label as _label
from tracker.services.auth import viewer_for_session
from ui import auth, session_end, threads

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
    question: str | None = None  # the service asks before writing (NeedsConfirmation): nothing was written
    problems: tuple[Problem, ...] = ()  # every field a refusal found wrong (a form shows each at its field)


ALREADY_SAVED = "This form was saved already; it was not saved again."


@dataclass
class Form:
    """One drawing of a form: its token is spent by the first write that succeeds, and refused after that."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    busy: bool = False
    spent: bool = False
    buttons: list[ui.button] = field(default_factory=list)

    def guard(self, *buttons: ui.button) -> Form:
        """These buttons are disabled while the form's write runs (and stay so once it has saved)."""
        self.buttons.extend(buttons)
        return self

    def renew(self) -> None:
        """The form is drawn afresh (emptied for the next record): a new token, the buttons usable again."""
        self.token, self.busy, self.spent = secrets.token_urlsafe(16), False, False
        self._enable(True)

    def _enable(self, on: bool) -> None:
        for button in self.buttons:
            if not button.is_deleted:
                button.set_enabled(on)


# Writes running now without a form: (page, place in the code). A second click from the same place waits for nothing.
_running: set[tuple[str, str]] = set()


def _place() -> str:
    caller = sys._getframe(2)  # write()'s caller: the handler that the click ran
    return f"{caller.f_code.co_filename}:{caller.f_code.co_firstlineno}:{caller.f_lineno}"


def _page_id() -> str:
    try:
        return str(ui.context.client.id)
    except (AttributeError, RuntimeError):
        return ""


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


def field_label(name: str | None, labels: Mapping[str, str] | None = None) -> str:
    """The words for a field a service names ("end_date" is "End date", or the form's own, e.g. "Last day")."""
    return _label(name, labels)


def error_text(exc: TrackerError, labels: Mapping[str, str] | None = None) -> str:
    """The message, led by the field it is about in the form's words (services name the field but not in the
    words); a refusal of several fields gives one line for each."""
    if isinstance(exc, ValidationError):
        return "\n".join(p.text(labels) for p in exc.problems)
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


def _refused(message: str, field: str | None = None, problems: tuple[Problem, ...] = ()) -> Outcome[Any]:
    return Outcome(False, cast(Any, None), message, field, problems=problems)


def _ended() -> Outcome[Any]:
    auth.end_session(auth.page_storage())
    ui.notify(ENDED, type="warning")
    ui.navigate.to("/login?expired=1")
    return _refused(ENDED)


async def write(
    action: Callable[[Viewer], T],
    *,
    needs: Needs,
    success: str | None = None,
    form: Form | None = None,
    labels: Mapping[str, str] | None = None,
    quiet: bool = False,
) -> Outcome[T]:
    """Run `action(who)` in a thread (its own connection and transaction) once `who`, read afresh, still holds
    what `needs` asks; notify how it went. An ended session writes nothing (and a write counts as activity).
    With `form`, the write happens at most once for that drawing of the form (see the module's notes).
    `labels` are the form's words for the fields a service names; with `quiet`, refused fields are not
    notified (the form shows `outcome.problems` at their fields and in its summary)."""
    if form is not None:
        if form.busy:
            return _refused("")  # the first click's write is still running: this one is the same click
        if form.spent:
            ui.notify(ALREADY_SAVED, type="warning")
            return _refused(ALREADY_SAVED)
        form.busy = True
        form._enable(False)
        try:
            outcome = await _write(action, needs, success, labels, quiet)
        finally:
            form.busy = False
        form.spent = outcome.ok
        if not outcome.ok:
            form._enable(True)
        return outcome
    key = (_page_id(), _place())
    if key in _running:
        return _refused("")
    _running.add(key)
    try:
        return await _write(action, needs, success, labels, quiet)
    finally:
        _running.discard(key)


async def _write(
    action: Callable[[Viewer], T], needs: Needs, success: str | None, labels: Mapping[str, str] | None, quiet: bool
) -> Outcome[T]:
    session = auth.live_session(utc_now(), auth.page_storage())
    if session is None:
        return _ended()
    try:
        user_id, epoch = session
        value = await threads.io_bound(_run_checked, action, needs, user_id, epoch)
    except SessionEnded:
        return _ended()
    except PermissionDenied as exc:
        message = f"Not done: {exc.message}."
        ui.notify(message, type="negative", multi_line=True, close_button="Close", timeout=10000)
        return _refused(message)
    except NeedsConfirmation as exc:
        return Outcome(False, cast(Any, None), exc.message, question=sentence(exc.message))
    except ValidationError as exc:
        message = error_text(exc, labels)
        if not quiet:
            ui.notify(message, type="negative", multi_line=True, close_button="Close", timeout=10000)
        return _refused(message, exc.field, tuple(exc.problems))
    except TrackerError as exc:
        message = error_text(exc, labels)
        ui.notify(message, type="negative", multi_line=True, close_button="Close", timeout=10000)
        return _refused(message)
    session_end.sweep_soon()  # this write may have ended someone's session: take their open pages away now
    if success:
        ui.notify(success, type="positive")
    return Outcome(True, cast(T, value))


async def read(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a query in a thread so a slow one never blocks other users; typed as what `fn` returns."""
    return cast(T, await threads.io_bound(fn, *args, **kwargs))


async def read_as(fn: Callable[[Viewer], T], *, needs: Needs) -> T | None:
    """A read for the user as they are now, checked as a write is (a picker's search as you type on a page that
    may have been open for hours): None, and nothing to show, once the session has ended or the user may no
    longer do what `needs` asks."""
    session = auth.live_session(utc_now(), auth.page_storage())
    if session is None:
        return None
    user_id, epoch = session
    try:
        return cast(T, await threads.io_bound(_run_checked, fn, needs, user_id, epoch))
    except (SessionEnded, PermissionDenied):
        return None
