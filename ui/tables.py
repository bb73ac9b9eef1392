"""Plain, accessible HTML tables (caption, column headers with scope) for short lists of rows.

For long, paginated lists use ui.table with server-side pagination instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from nicegui import ui

from ui.attrs import attrs
from ui.components import text


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


class Rows:
    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = columns
        self._index = 0

    @contextmanager
    def row(self, **data: str) -> Iterator[ui.element]:
        self._index = 0
        with attrs(ui.element("tr"), **{f"data_{k}": v for k, v in data.items()}) as tr:
            yield tr

    def cell(self, value: str | None = None, *, header: bool = False) -> ui.element:
        """The next cell; give a value for plain text, or use it as a context to put elements in it."""
        column = self.columns[self._index] if self._index < len(self.columns) else Column("")
        self._index += 1
        tag = "th" if header else "td"
        element = ui.element(tag) if value is None else text(tag, value)  # plain text: one element, not two
        if header:
            element.props('scope="row"')
        if column.numeric:
            element.classes("text-right")
        return element


@contextmanager
def table(caption: str, columns: Sequence[Column], *, wide: bool = False) -> Iterator[Rows]:
    """`wide`: a table that may scroll sideways; its scroll box is then a named region keyboard users can focus
    and scroll (WCAG 2.1.1)."""
    box = ui.element("div").classes("w-full overflow-x-auto")
    if wide:
        attrs(box.props('tabindex="0" role="region"'), aria_label=caption)
    with box, ui.element("table").classes("data-table"):
        text("caption", caption).classes("sr-only")
        with ui.element("thead"), ui.element("tr"):
            for column in columns:
                text("th", column.label).props('scope="col"').classes("text-right" if column.numeric else "")
        with ui.element("tbody"):
            yield Rows(columns)
