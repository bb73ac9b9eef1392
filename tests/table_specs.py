"""What the tables drawn from data (ui/data_table.py) say: should_see does not look inside their specs."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User as Visitor

from ui.data_table import DataTable

Spec = dict[str, Any]


def part_text(part: dict[str, Any]) -> str:
    for key in ("text", "sr", "hidden", "link", "chip", "detail", "when"):
        if key in part:
            return str(part[key])
    return ""


def cell_text(cell: dict[str, Any]) -> str:
    return "".join(part_text(p) for p in cell.get("parts") or [])


def table_specs(user: Visitor, marker: str | None = None) -> list[Spec]:
    """The specs of the page's data tables (those marked `marker`, given one)."""
    found = user.find(DataTable) if marker is None else user.find(marker=marker)
    return [e.props["spec"] for e in found.elements if isinstance(e, DataTable)]


def captions(user: Visitor) -> list[str]:
    return [str(spec.get("caption", "")) for spec in table_specs(user)]


def body_rows(spec: Spec) -> list[list[str]]:
    """Each row's cells as text, the row's header first."""
    return [[cell_text(c) for c in row["cells"]] for row in spec["rows"]]


def texts(user: Visitor) -> set[str]:
    """Every cell's text in every data table on the page."""
    return {text for spec in table_specs(user) for row in body_rows(spec) for text in row}
