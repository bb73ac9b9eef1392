"""Record ids as they arrive from outside (a path, a query string, a form): read once, here, or refused.

Every table's id is PostgreSQL's `integer` (SQLite's holds more), so an id is a whole number from 1 to
2,147,483,647 written plainly in ASCII digits. Anything else names no record: the caller answers "not found"
instead of handing the database a number it cannot bind (SQLite raises OverflowError past 2**63 - 1).
"""

from __future__ import annotations

import re

from tracker.errors import NotFound

MAX_ID = 2**31 - 1
_PLAIN = re.compile(r"[1-9][0-9]{0,9}", re.ASCII)


def parse_id(text: str | int | None) -> int | None:
    """The id written in `text`, or None when it cannot be one ("+1", "01", "１", "-1", 2**63 and "" cannot)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if 1 <= text <= MAX_ID else None
    if text is None or not _PLAIN.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def require_id(text: str | int | None, what: str = "record") -> int:
    """The id written in `text`; NotFound when no record can have it."""
    value = parse_id(text)
    if value is None:
        raise NotFound(f"there is no {what} with the id {str(text)[:40]!r}")
    return value


def optional_id(text: str | None, what: str = "record") -> int | None:
    """For a filter in a query string: None when absent or empty, else the id (NotFound when none can have it)."""
    if text is None or text == "":
        return None
    return require_id(text, what)
