"""A small, safe reading of the markdown administrators write on role pages: paragraphs, "- " lists, "#"
headings and [words](address) links. It yields plain blocks of text for the page to draw as text elements:
nothing is ever turned into HTML, and a link keeps its address only when it is a path on this site or an
http(s) address (so `[x](javascript:alert(1))` is the word "x" and nothing more)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\(((?:[^()\s]|\([^()\s]*\)){1,2000})\)")
_WEB = re.compile(r"^https?://[^/?#@\s\\]", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f\\]")


@dataclass(frozen=True)
class Span:
    words: str
    href: str | None = None  # a followable address, or None for plain words


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" | "heading" | "list"
    lines: tuple[tuple[Span, ...], ...]  # a paragraph or heading has one line; a list one per item


def followable(url: str) -> str | None:
    """The address when it is a path on this site or an http(s) address; None otherwise."""
    if not url or _CONTROL.search(url):
        return None
    if url.startswith("/"):
        return None if url.startswith("//") else url
    return url if _WEB.match(url) else None


def spans(line: str) -> tuple[Span, ...]:
    found: list[Span] = []
    at = 0
    for match in _LINK.finditer(line):
        if match.start() > at:
            found.append(Span(line[at:match.start()]))
        found.append(Span(match.group(1), followable(match.group(2))))
        at = match.end()
    if at < len(line):
        found.append(Span(line[at:]))
    return tuple(found)


def _item(line: str) -> str | None:
    stripped = line.lstrip()
    if stripped[:2] in ("- ", "* "):
        return stripped[2:].strip()
    return None


def blocks(text: str) -> list[Block]:
    """The text as blocks: a blank line ends a paragraph; lines starting "- " or "* " are a list."""
    out: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def close() -> None:
        if paragraph:
            out.append(Block("paragraph", (spans(" ".join(paragraph)),)))
            paragraph.clear()
        if items:
            out.append(Block("list", tuple(spans(i) for i in items)))
            items.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        item = _item(raw)
        if not line:
            close()
        elif item is not None:
            if paragraph:
                close()
            items.append(item)
        elif line.startswith("#"):
            close()
            out.append(Block("heading", (spans(line.lstrip("#").strip()),)))
        else:
            if items:
                close()
            paragraph.append(line)
    close()
    return out
