"""Attributes and links made from data, with the values kept apart from any markup or code.

NiceGUI's `.props("...")` parses its string: a quote inside an interpolated value ends the value, and a prop
whose name starts with ':' is a JavaScript expression the browser evaluates. So in ui/ `.props()` takes only a
literal string (tests/test_no_markup_from_data.py reads every call), and whatever comes from data goes through
`attrs`, which stores each value as one string under a fixed name: Vue sets it as an attribute value, never
parses or evaluates it. Links from data go through `safe_href`: only a path on this site or an http(s) address.
"""

from __future__ import annotations

import re
from typing import TypeVar

from nicegui import ui
from nicegui.element import Element

E = TypeVar("E", bound=Element)

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "srcset", "xlink-href"}
_CONTROL = re.compile(r"[\x00-\x20\x7f\\]")
_WEB = re.compile(r"^https?://[^/?#@]", re.IGNORECASE)


def attrs(element: E, **values: object) -> E:
    """Set attributes from data: `attrs(button, aria_label=f"Revoke {name}", data_token=7)` sets aria-label and
    data-token. None removes an attribute; True and False set or clear a flag (such as `disable`)."""
    # Written on the props' own dict and sent by the one update() after: through the observable each value
    # would run NiceGUI's change handlers (with updates suspended, still its event machinery), thousands of
    # times on a big page (/policies: a tenth of its build). Only strings and True go in, nothing to watch.
    props = element.props
    for key, value in values.items():
        name = key.replace("_", "-")
        if not _NAME.match(name) or name.startswith(("on", "v-")):
            raise ValueError(f"attrs() sets plain attributes only, not {name!r}")
        if name in _URL_ATTRIBUTES and value is not None:
            value = safe_href(str(value))
        if value is None or value is False:
            dict.pop(props, name, None)
        elif value is True:
            dict.__setitem__(props, name, True)
        else:
            dict.__setitem__(props, name, str(value))
    element.update()
    return element


def safe_href(url: str | None) -> str | None:
    """The address if it is a path on this site or an http(s) address; None for anything else (javascript:,
    data:, another scheme, //host, or one with spaces, control characters or backslashes)."""
    if not url or _CONTROL.search(url):
        return None
    if url.startswith("/"):
        return url if not url.startswith("//") else None
    return url if _WEB.match(url) else None


def safe_link(words: str, url: str | None, *, new_tab: bool = False) -> ui.link | ui.label:
    """A link to an address from data, or the words alone when the address is not one we follow."""
    href = safe_href(url)
    if href is None:
        return ui.label(words)
    return ui.link(words, href, new_tab=new_tab)
