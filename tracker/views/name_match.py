"""Searching and ordering people by name in SQL exactly as Python's `words in name.lower()` and
`sorted(key=name.lower())` do, on both databases: SQLite's own lower() folds only A-Z, so there it is the
`py_lower` function tracker.db registers (str.lower); PostgreSQL's lower() is Unicode-aware and its order is made
the code-point order Python uses (COLLATE "C") rather than the server's locale. A substring is found with
instr()/strpos(), never LIKE, so a "%" or "_" typed is a character, not a wildcard."""

from __future__ import annotations

from typing import Any

from peewee import fn

from tracker import db
from tracker.models import Person


def lowered(expression: Any) -> Any:
    """The expression lower-cased as str.lower() does."""
    return fn.LOWER(expression) if db.is_postgres() else fn.py_lower(expression)


def shown_name() -> Any:
    """tracker.models.full_name in SQL: "first last" (the strip only drops a space no search word holds)."""
    return Person.first_name.concat(" ").concat(Person.last_name)


def holds(lowered_text: Any, words: str) -> Any:
    """`words` (already lower-case) is a part of the lower-cased text."""
    return (fn.STRPOS(lowered_text, words) if db.is_postgres() else fn.INSTR(lowered_text, words)) > 0


def name_or_staff_id_holds(words: str) -> Any:
    """The person's shown name or staff id holds `words` (already lower-case): what a people picker finds."""
    return holds(lowered(shown_name()), words) | holds(lowered(Person.staff_id), words)  # type: ignore[attr-defined]


def in_code_point_order(expression: Any) -> Any:
    """An ORDER BY term comparing as Python compares str (SQLite's default BINARY already does)."""
    return expression.collate('"C"') if db.is_postgres() else expression


def by_name() -> tuple[Any, Any]:
    """ORDER BY the shown name lower-cased, then id: the order of sorted(key=(name.lower(), id))."""
    return in_code_point_order(lowered(shown_name())), Person.id  # type: ignore[attr-defined]
