"""Role-page text drawn as text: tracker.plain_markdown's blocks become headings, paragraphs and lists of text
elements, and a link only where its address is one we follow (ui.attrs.safe_href). Never HTML."""

from __future__ import annotations

from nicegui import ui

from tracker.plain_markdown import Span, blocks
from ui.attrs import safe_link
from ui.components import empty_state, text


def _line(spans: tuple[Span, ...]) -> None:
    for span in spans:
        if span.href is not None:
            safe_link(span.words, span.href, new_tab=not span.href.startswith("/")).classes("inline")
        else:
            text("span", span.words)


def rich_text(words: str, empty: str = "") -> None:
    found = blocks(words)
    if not found:
        if empty:
            empty_state(empty)
        return
    for block in found:
        if block.kind == "heading":
            with text("h3", "").classes("font-semibold mt-2"):
                _line(block.lines[0])
        elif block.kind == "list":
            with ui.element("ul").classes("list-disc pl-6 m-0"):
                for item in block.lines:
                    with ui.element("li"):
                        _line(item)
        else:
            with ui.element("p").classes("m-0 mb-2"):
                _line(block.lines[0])
