"""Finished PDFs (and evidence packs) waiting for the user who asked for them, kept in memory for a short while.

The reports page makes a PDF off the event loop, keeps it here under an unguessable token, and the browser
then fetches it; only the same signed-in user can collect it, and only for KEEP_SECONDS. A file may also carry
`still_allowed`, a check the download runs again on the user as they are then (an evidence pack is refused to a
lead who has lost the scope since it was made).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KEEP_SECONDS = 15 * 60
KEEP_AT_MOST = 40


@dataclass(frozen=True)
class Prepared:
    user_id: int
    filename: str
    pdf: bytes  # the file's bytes (a PDF, or a ZIP as media_type says)
    media_type: str = "application/pdf"
    still_allowed: Callable[[Any], None] | None = None  # given the Viewer at download; raises PermissionDenied
    made: float = field(default_factory=time.monotonic)


_waiting: dict[str, Prepared] = {}


def remember(user_id: int, name: str, pdf: bytes, media_type: str = "application/pdf",
             still_allowed: Callable[[Any], None] | None = None) -> str:
    """Keep a finished file for its user; the stale and then the oldest make room."""
    now = time.monotonic()
    for token in [t for t, p in _waiting.items() if now - p.made > KEEP_SECONDS]:
        _waiting.pop(token, None)
    while len(_waiting) >= KEEP_AT_MOST:
        _waiting.pop(next(iter(_waiting)))
    token = secrets.token_urlsafe(18)
    _waiting[token] = Prepared(user_id, name, pdf, media_type, still_allowed)
    return token


def collect(token: str, user_id: int) -> Prepared | None:
    prepared = _waiting.get(token)
    if prepared is None or prepared.user_id != user_id or time.monotonic() - prepared.made > KEEP_SECONDS:
        return None
    return prepared


def waiting() -> dict[str, Prepared]:
    """What is waiting now (for tests and diagnostics)."""
    return dict(_waiting)


def forget_all() -> None:
    _waiting.clear()
