"""Ending open pages whose session has ended: signed out in another tab, deactivated, roles or password changed.

Every action re-checks the session when it runs (ui.actions.write), so an open page can do nothing once its
session has ended; this also takes the page away. A sweep every few seconds (and at once after any write in
this process) compares each open page's session with the database; a page whose session no longer holds is
sent to the sign-in page and then emptied on the server, so a browser that ignores the redirect has nothing
left to send events to. Changes made elsewhere (the command line, another instance) are seen by the next sweep.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from nicegui import Client, app, background_tasks

from tracker.clock import utc_now
from tracker.views.access_facts import session_epochs
from ui import auth, threads

SWEEP_SECONDS = 5.0
GRACE_SECONDS = 2.0  # time for the redirect to reach the browser before the page is deleted
ENDED_PAGE = "/login?ended=1"
_ended: set[str] = set()  # pages being taken away


def _session_id(client: Client) -> str | None:
    try:
        return str(client.request.session.get("id")) if client.request is not None else None
    except (AssertionError, AttributeError):
        return None


def _path(client: Client) -> str:
    try:
        return str(client.request.url.path) if client.request is not None else ""
    except AttributeError:
        return ""


def _signed_in_pages() -> list[tuple[Client, dict]]:
    """Open pages that need a session, with what their browser's storage says of it."""
    found = []
    for client in list(Client.instances.values()):
        sid = _session_id(client)
        if sid is None or auth.is_public(_path(client)):
            continue
        storage = app.storage._users.get(sid)  # noqa: SLF001 - the storage NiceGUI keeps for that browser
        found.append((client, dict(storage) if storage is not None else {}))
    return found


def end_pages(clients: Iterable[Client]) -> None:
    for client in clients:
        if client.id not in Client.instances or client.id in _ended:
            continue
        _ended.add(client.id)
        client.open(ENDED_PAGE)
        background_tasks.create(_empty_later(client), name="end a page")


async def _empty_later(client: Client) -> None:
    """Remove every element of the page, so no event of it can reach a handler any more. The client itself is
    left for NiceGUI to delete when the browser goes (deleting it here would race NiceGUI's own deletion)."""
    await asyncio.sleep(GRACE_SECONDS)
    if client.id in Client.instances:
        client.remove_all_elements()
    _ended.discard(client.id)


def is_ended(client: Client) -> bool:
    """True once the page has been taken away (no element left to act on)."""
    return client.id not in Client.instances or not client.elements


def end_pages_of_browser(session_id: str, but: str = "") -> None:
    """Every open page of one browser (after it signs out) but the one signing out, which goes by its form."""
    end_pages(
        c for c in list(Client.instances.values())
        if _session_id(c) == session_id and c.id != but and not auth.is_public(_path(c))
    )


async def sweep() -> None:
    """End every open page whose session no longer holds."""
    pages = _signed_in_pages()
    if not pages:
        return
    ids = sorted({int(s[auth.USER_ID]) for _, s in pages if s.get(auth.USER_ID) is not None})
    epochs = await threads.io_bound(session_epochs, ids)
    if epochs is None:  # the app is stopping
        return
    stale = []
    now = utc_now()
    for client, storage in pages:
        if auth.identity_pending(storage, now):
            continue  # a new identity is being issued to this browser (sign-in, a changed password)
        user_id = storage.get(auth.USER_ID)
        if user_id is None or epochs.get(int(user_id)) != storage.get(auth.EPOCH):
            stale.append(client)
    end_pages(stale)


def sweep_soon() -> None:
    background_tasks.create(sweep(), name="end stale pages")


def start() -> None:
    """From app.on_startup: sweep every SWEEP_SECONDS."""
    app.timer(SWEEP_SECONDS, sweep)
