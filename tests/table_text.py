"""What a table drawn in the browser from data (ui/data_table.py: one element) shows, for tests: NiceGUI's
should_see does not look inside it."""

from __future__ import annotations

import asyncio
from typing import Any

from nicegui.testing import User as Visitor

SHOWN = ("text", "sr", "hidden", "link", "chip", "tab", "web", "detail", "when")


def part_text(part: dict[str, Any]) -> str:
    """A part of a cell as the browser shows it (a line break before the date of a cell)."""
    for key in SHOWN:
        if key in part:
            return f"\n{part[key]}" if key == "when" else str(part[key])
    return ""


def cell_text(cell: dict[str, Any]) -> str:
    return "".join(part_text(p) for p in cell.get("parts") or [])


def table_rows(user: Visitor, marker: str) -> list[list[str]]:
    """The text of each cell of each body row of the one table marked `marker` (none when there is no such table)."""
    try:
        found = user.find(marker=marker).elements
    except AssertionError:  # no such table (yet)
        return []
    assert len(found) == 1, f"expected one table marked {marker}"
    return [[cell_text(c) for c in row["cells"]] for e in found for row in e.props["spec"]["rows"]]


def table_text(user: Visitor, marker: str) -> str:
    return "\n".join(" | ".join(row) for row in table_rows(user, marker))


async def should_see_in_table(user: Visitor, marker: str, words: str, retries: int = 3) -> None:
    for _ in range(retries):
        if words in table_text(user, marker):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"expected {words!r} in the table marked {marker}:\n{table_text(user, marker)}")
