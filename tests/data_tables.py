"""Reading the tables ui/data_table.js draws from a spec (one element, its data in the props): NiceGUI's
`should_see` does not look inside them, so tests read the spec the browser is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nicegui.testing import User as Visitor

from ui.data_table import DataTable

Spec = dict[str, Any]


def specs(user: Visitor, marker: str | None = None) -> list[Spec]:
    """The specs of the page's data tables (those marked `marker`, if given), in page order."""
    with user:
        found = [e for e in user.client.layout.descendants() if isinstance(e, DataTable)]
    return [dict(e.props["spec"]) for e in found if marker is None or marker in e._markers]


def spec(user: Visitor, marker: str) -> Spec:
    found = specs(user, marker)
    assert len(found) == 1, f"expected one data table marked {marker}, found {len(found)}"
    return found[0]


def cells(table: Spec) -> Iterator[dict[str, Any]]:
    yield from table.get("head") or []
    for row in list(table.get("rows") or []) + list(table.get("foot") or []):
        yield from row.get("cells") or []


def _within(part: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The part, and the parts a line or a fold holds."""
    yield part
    for inner in part.get("line") or (part.get("parts") if "fold" in part else None) or []:
        yield from _within(inner)


def parts(table: Spec) -> Iterator[dict[str, Any]]:
    for cell in cells(table):
        for part in cell.get("parts") or []:
            yield from _within(part)


WORDS = ("text", "sr", "hidden", "detail", "when", "link", "web", "tab", "chip", "button", "para", "fold")


def words(table: Spec) -> str:
    """Every text of the table as the browser shows it (its caption first), one part a line."""
    found = [str(table.get("caption", ""))]
    found += [str(p[key]) for p in parts(table) for key in WORDS if key in p]
    return "\n".join(found)


def acts(table: Spec) -> dict[str, dict[str, Any]]:
    """The table's buttons by the action each names (data-act)."""
    return {str(p["act"]): p for p in parts(table) if "button" in p}


def row_data(table: Spec, name: str) -> list[str]:
    """The data-`name` of each body row that has one, in order."""
    return [str(r["data"][name]) for r in table.get("rows") or [] if name in (r.get("data") or {})]


async def sees(user: Visitor, text: str, marker: str | None = None, retries: int = 3) -> None:
    """Waits, as `should_see` does, until some data table on the page (or the one marked) shows `text`."""
    for _ in range(retries):
        if any(text in words(t) for t in specs(user, marker)):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no data table shows {text!r}")


def shows(user: Visitor, text: str, marker: str | None = None) -> bool:
    return any(text in words(t) for t in specs(user, marker))


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
    return [(str(p["link"]), str(p["href"])) for p in _within(part) if "link" in p]


def cell(found: dict[str, Any]) -> Cell:
    data = found.get("data") or {}
    held = found.get("parts") or []
    text = "".join(part_text(p) for p in held)
    if held and any(k in held[0] for k in BLOCKS):
        text = text.removeprefix("\n")
    return Cell({f"data-{k}": str(v) for k, v in data.items()}, text)


def grid(user: Visitor, marker: str, key: str = "data-person") -> dict[str, list[Cell]]:
    """The table marked `marker`, its body rows by `key`, each a list of cells as the browser shows them."""
    table = spec(user, marker)
    name = key.removeprefix("data-")
    return {str(row["data"][name]): [cell(c) for c in row["cells"]] for row in table["rows"] if name in row["data"]}


def rows_by(table: Spec, key: str) -> dict[str, dict[str, Any]]:
    """The body rows by their data- attribute `key` (a row's data as the browser sets it: text)."""
    return {str(row["data"][key]): row for row in table["rows"] if key in row.get("data", {})}


def _spaced(part: dict[str, Any]) -> str:
    for key in ("text", "sr", "hidden", "detail", "when", "link", "chip"):
        if key in part:
            return f" {part[key]}" if key in ("detail", "when") else str(part[key])
    return ""


def cell_texts(row: dict[str, Any]) -> list[str]:
    """Each cell's words, its parts one after the other (a detail or date after a space)."""
    return ["".join(_spaced(p) for p in c.get("parts", [])) for c in row["cells"]]


def row_links(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The link parts of a row's cells."""
    return [p for c in row["cells"] for p in c.get("parts", []) if "link" in p]


def every_text(table: Spec) -> str:
    """All the table's words: its caption, column headers and cells, a row a line."""
    head = "".join(_spaced(p) for c in table.get("head", []) for p in c.get("parts", []))
    return "\n".join([table.get("caption", ""), head] + [" | ".join(cell_texts(r)) for r in table["rows"]])
