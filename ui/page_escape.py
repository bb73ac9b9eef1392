"""The elements written into a page's HTML escaped as NiceGUI escapes them, twenty times faster.

NiceGUI writes every element of a new page into its HTML as one JSON text and escapes it there with
`str.translate` over a table of five characters (Client.build_response): a Python dictionary lookup for every
character, 37 ms for the 166 KB of an employer report's web page and some 0.2 ms a kilobyte on every page served.
The same five characters replaced in turn, the ampersand first so that the entities made after it are left
alone, give the same text in 2 ms. NiceGUI's JSON text is handed out as a `str` whose `translate` does that
when given NiceGUI's table, and exactly what `str.translate` does with any other.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from nicegui import client
from nicegui import json as nicegui_json

_TABLE = client.HTML_ESCAPE_TABLE
# The ampersand first: the other entities begin with one, and must not be escaped again.
_REPLACEMENTS = sorted(((chr(code), str(entity)) for code, entity in _TABLE.items()), key=lambda r: r[0] != "&")


def escaped(text: str) -> str:
    """`text.translate(client.HTML_ESCAPE_TABLE)`, by five `str.replace`."""
    for character, entity in _REPLACEMENTS:
        if character in text:
            text = text.replace(character, entity)
    return text


class _EscapedFast(str):
    def translate(self, table: Any) -> str:
        return escaped(str(self)) if table is _TABLE else str.translate(self, table)


def _dumps(*args: Any, **kwargs: Any) -> str:
    return _EscapedFast(nicegui_json.dumps(*args, **kwargs))


def install() -> None:
    """The client module's JSON (its `dumps` and `loads`, all it uses) with dumps handing out such texts."""
    client.json = SimpleNamespace(dumps=_dumps, loads=nicegui_json.loads)  # type: ignore[assignment]
