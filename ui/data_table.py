"""A table drawn in the browser from data (ui/data_table.js): one element however many cells, and every value
shown as text or set as an attribute value, never as markup. The big grids and the short figure tables use it;
ui/grids.py builds the specs."""

from __future__ import annotations

from typing import Any

from nicegui.element import Element

Spec = dict[str, Any]


class DataTable(Element, component="data_table.js"):
    def __init__(self, spec: Spec) -> None:
        super().__init__()
        # Set on the props' own dict, not through the observable: NiceGUI would wrap every nested dict and list of
        # the spec in an observable of its own to watch for changes (a 100-row matrix: 29,000 wraps, 120 ms of
        # its 200). A spec is never changed in place; a new table is drawn instead. The element is new, so the
        # spec goes to the browser with it.
        dict.__setitem__(self._props, "spec", spec)
        # a table wider than its place scrolls inside it (a phone, a wide matrix), never the whole page
        self.classes("table-scroll")

    @property
    def spec(self) -> Spec:
        return dict(self._props["spec"])


def data_table(spec: Spec) -> DataTable:
    return DataTable(spec)
