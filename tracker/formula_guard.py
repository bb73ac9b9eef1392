"""The formula guard of CSV files, and its exact inverse.

A spreadsheet opening a CSV runs a cell that starts with = + - @ (or a tab or carriage return) as a formula, so
an export writes such a text with a leading apostrophe, and the importer takes exactly that apostrophe off
again: what was exported comes back unchanged. A text that itself starts with an apostrophe followed by one of
those characters (or by another apostrophe) is guarded too, so reading back never takes off one that was
really there. Excel workbooks need no guard: their text cells are never formulas.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_AFTER_APOSTROPHE = (*FORMULA_STARTS, "'")


def needs_guard(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or (text.startswith("'") and text[1:].startswith(_AFTER_APOSTROPHE))


def guard(text: str) -> str:
    return "'" + text if needs_guard(text) else text


def unguard(text: str) -> str:
    """The inverse of guard: unguard(guard(t)) == t for every text t."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_AFTER_APOSTROPHE) else text
