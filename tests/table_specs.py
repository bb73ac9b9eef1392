"""Reading the tables drawn in the browser from a spec (ui/data_table.py): `should_see` does not look inside
one, so tests read the spec's cells as the browser would show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nicegui.testing import User as Visitor

BLOCKS = ("para", "line", "fold")  # parts the browser draws on lines of their own


@dataclass
class Cell:
    attrs: dict[str, str]
    text: str = ""


def part_text(part: dict[str, Any]) -> str:
    """A part of a cell as the browser shows it (a line break before the date of a cell, or a block)."""
    if "when" in part:
        return f"\n{part['when']}"
    if "detail" in part:
        return str(part["detail"])
    if "para" in part:
        return f"\n{part['para']}"
    if "line" in part:
        return "\n" + " ".join(part_text(p) for p in part["line"])
    if "fold" in part:
        return f"\n{part['fold']}" + "".join(part_text(p) for p in part.get("parts", []))
    for key in ("text", "sr", "hidden", "link", "chip"):
        if key in part:
            return str(part[key])
    return ""


def links(part: dict[str, Any]) -> list[tuple[str, str]]:
    """Every link in a part, as (words, href), those inside lines and folds too."""
    if "link" in part:
        return [(str(part["link"]), str(part["href"]))]
    inner = part.get("line") or (part.get("parts") if "fold" in part else None) or []
    return [found for p in inner for found in links(p)]


def cell(spec: dict[str, Any]) -> Cell:
    data = spec.get("data") or {}
    parts = spec.get("parts") or []
    text = "".join(part_text(p) for p in parts)
    if parts and any(k in parts[0] for k in BLOCKS):
        text = text.removeprefix("\n")
    return Cell({f"data-{k}": str(v) for k, v in data.items()}, text)


def table_spec(user: Visitor, marker: str) -> dict[str, Any]:
    found = user.find(marker=marker).elements
    assert len(found) == 1, f"expected one table marked {marker}"
    return dict(found.pop().props["spec"])


def grid(user: Visitor, marker: str, key: str = "data-person") -> dict[str, list[Cell]]:
    """The table marked `marker` (one element drawing its data), rows by `key`."""
    spec = table_spec(user, marker)
    name = key.removeprefix("data-")
    return {str(row["data"][name]): [cell(c) for c in row["cells"]] for row in spec["rows"] if name in row["data"]}
