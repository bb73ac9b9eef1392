"""Reading a table drawn from data (ui/data_table.py): `user.should_see` does not look inside its spec, so the
tests read the rows, the cells' text as the browser shows it, and the links from the spec itself."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User as Visitor


def spec_of(user: Visitor, marker: str) -> dict[str, Any]:
    found = user.find(marker=marker).elements
    assert len(found) == 1, f"expected one table marked {marker}"
    spec: dict[str, Any] = found.pop().props["spec"]
    return spec


def _text(part: dict[str, Any]) -> str:
    for key in ("text", "sr", "hidden", "detail", "when", "link", "chip"):
        if key in part:
            return f" {part[key]}" if key in ("detail", "when") else str(part[key])
    return ""


def cell_texts(row: dict[str, Any]) -> list[str]:
    """Each cell's words, its parts one after the other (a detail or date after a space)."""
    return ["".join(_text(p) for p in cell.get("parts", [])) for cell in row["cells"]]


def rows_by(spec: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    """The rows by their data- attribute `key` (a row's data as the browser sets it: text)."""
    return {str(row["data"][key]): row for row in spec["rows"] if key in row.get("data", {})}


def links(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for cell in row["cells"] for p in cell.get("parts", []) if "link" in p]


def every_text(spec: dict[str, Any]) -> str:
    """All the table's words: its caption, column headers and cells."""
    head = "".join(_text(p) for c in spec.get("head", []) for p in c.get("parts", []))
    return "\n".join([spec.get("caption", ""), head] + [" | ".join(cell_texts(r)) for r in spec["rows"]])
