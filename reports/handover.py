"""Finished PDFs waiting for the user who asked for them, kept in memory for a short while.

The reports page makes a PDF off the event loop, keeps it here under an unguessable token, and the browser
then fetches it; only the same signed-in user can collect it, and only for KEEP_SECONDS.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

KEEP_SECONDS = 15 * 60
KEEP_AT_MOST = 40


@dataclass(frozen=True)
class Prepared:
    user_id: int
    filename: str
    pdf: bytes
    made: float = field(default_factory=time.monotonic)


_waiting: dict[str, Prepared] = {}


def remember(user_id: int, name: str, pdf: bytes) -> str:
    """Keep a finished PDF for its user; the stale and then the oldest make room."""
    now = time.monotonic()
    for token in [t for t, p in _waiting.items() if now - p.made > KEEP_SECONDS]:
        _waiting.pop(token, None)
    while len(_waiting) >= KEEP_AT_MOST:
        _waiting.pop(next(iter(_waiting)))
    token = secrets.token_urlsafe(18)
    _waiting[token] = Prepared(user_id, name, pdf)
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
