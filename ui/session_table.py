"""A supervisor's log of sessions as one table drawn in the browser (ui/data_table.js): a row of some 20
elements a session as NiceGUI elements, one element for the whole page of them as data. Every value is text."""

from __future__ import annotations

from tracker.views.caseload import Attendee, SessionView
from ui.components import FORMAT_LABELS, KIND_LABELS, MODE_LABELS, uk_date
from ui.data_table import Spec
from ui.grids import Cell, Part, chip_cell, link_cell, table_spec, text_cell

HEADERS = (("Date", False), ("Supervisees and confirmation", False), ("Minutes", True), ("Kind", False),
           ("Format and mode", False), ("Details", False))


def _attendee_parts(a: Attendee) -> list[Part]:
    parts: list[Part] = [{"line": [link_cell(a.name, f"/people/{a.person_id}", person_link=a.person_id),
                                   chip_cell("awaiting" if a.confirmation == "pending" else a.confirmation)]}]
    if a.query_text:
        parts.append({"para": f"Query: {a.query_text}", "italic": True, "small": True})
    return parts


def _details(view: SessionView) -> Part:
    """Folded away under "Details" by the browser itself (a native details element: no round trip to open it)."""
    lines: list[Part] = [
        {"para": f"Topics: {view.topics or '—'}"},
        {"para": f"Agreed actions: {view.actions or '—'}"},
        {"para": f"Next session: {uk_date(view.next_date)}"},
    ]
    if view.format == "group":
        lines.append({"para": f"Group summary (shared with everyone at the session): {view.group_summary or '—'}"})
    lines += [
        {"para": f"Private note with {a.name} (only you and they see it): {a.private_note or '—'}", "italic": True}
        for a in view.attendees
    ]
    if view.supervisor_notes:
        lines.append({"para": "Notes written before each person had their own note (only you see these): "
                              f"{view.supervisor_notes}", "italic": True})
    return {"fold": "Details", "parts": lines}


def _row(view: SessionView) -> dict[str, object]:
    cells: list[Cell] = [
        {"header": True, "parts": [text_cell(uk_date(view.on))]},
        {"parts": [p for a in view.attendees for p in _attendee_parts(a)]},
        {"cls": "text-right", "parts": [text_cell(str(view.minutes))]},
        {"parts": [text_cell(KIND_LABELS.get(view.kind, view.kind))]},
        {"parts": [text_cell(f"{FORMAT_LABELS.get(view.format, view.format)}, "
                             f"{MODE_LABELS.get(view.mode, view.mode)}")]},
        {"cls": "details-cell", "parts": [_details(view)]},
    ]
    return {"data": {"session": view.session_id}, "cells": cells}


def sessions_table(views: list[SessionView]) -> Spec:
    head = [{"cls": "text-right" if numeric else None, "parts": [text_cell(label)]} for label, numeric in HEADERS]
    return table_spec("data-table session-log", "Sessions you gave, newest first", head, [_row(v) for v in views])
