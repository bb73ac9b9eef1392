"""The one way a page takes a file: a visible, labelled button that opens the file chooser (mouse or keyboard),
the chosen file's name, and a message that says what is wrong with a file of the wrong kind or size.

Quasar's uploader draws its own header (its button blue on blue, "0.0B / 0.00%", a faint focus mark) and reports
every refusal alike. Here it only carries the file: it is hidden, our button opens its chooser in the browser
(no round trip, so the browser still counts the click as the user's own), and its refusals are told apart by
Quasar's reason ('accept' or 'max-file-size'). The server checks kind and size again: a browser can be bypassed.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from pathlib import PurePath
from typing import Any

from nicegui import events, ui

from ui.attrs import attrs

OnFile = Callable[[str, bytes], Awaitable[Any] | Any]

NO_FILE = "No file chosen yet."


def size_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


class FileField:
    """A file chosen through the visible button; `name` and `content` once one was received."""

    def __init__(
        self, label: str, *, suffixes: Sequence[str], kinds: str, max_bytes: int, on_file: OnFile | None = None,
    ) -> None:
        self.suffixes = tuple(s.lower() for s in suffixes)
        self.kinds, self.max_bytes, self.on_file = kinds, max_bytes, on_file
        self.name: str | None = None
        self.content: bytes | None = None
        with ui.column().classes("file-field gap-1") as self.box:
            with ui.row().classes("items-center gap-3"):
                self.button = ui.button(label, icon="upload_file").props("outline no-caps").classes("file-field-button")
                self.status = ui.label(NO_FILE).classes("muted").props('role="status" aria-live="polite"')
                self.status.mark("file-status")
            self.uploader = ui.upload(auto_upload=True, max_file_size=max_bytes, on_upload=self._received)
            attrs(self.uploader, accept=",".join(self.suffixes)).classes("file-field-carrier")
            attrs(self.uploader, aria_hidden="true")
        # the button opens the chooser in the browser, inside the click, as browsers require of a file chooser
        self.button.on("click", js_handler=(
            "(e) => e.target.closest('.file-field').querySelector('.file-field-carrier input[type=file]').click()"))
        self.uploader.on(
            "rejected", self._rejected,
            js_handler="(entries) => emit(entries.map(r => ({why: r.failedPropValidation, name: r.file.name, "
            "size: r.file.size})))",
        )

    def mark(self, name: str) -> FileField:
        self.button.mark(name)
        self.uploader.mark(f"{name}-input")
        return self

    def problem(self, name: str, size: int) -> str | None:
        """What is wrong with a file of this name and size, in words; None when nothing is."""
        if PurePath(name).suffix.lower() not in self.suffixes:
            return f"{name} is not a {self.kinds} file. Choose a {self.kinds} file."
        if size > self.max_bytes:
            return f"{name} is {size_words(size)}; the largest allowed is {size_words(self.max_bytes)}."
        if size == 0:
            return f"{name} is empty."
        return None

    def _refuse(self, message: str) -> None:
        self.name, self.content = None, None
        self.status.text = message
        self.status.classes(add="file-field-error", remove="muted")

    def _show(self, message: str) -> None:
        self.status.text = message
        self.status.classes(add="muted", remove="file-field-error")

    def _rejected(self, e: events.GenericEventArguments) -> None:
        entries = e.args if isinstance(e.args, list) else [e.args]
        first = entries[0] if entries and isinstance(entries[0], dict) else {}
        name, size = str(first.get("name") or "That file"), int(first.get("size") or 0)
        self._refuse(self.problem(name, size) or f"{name} could not be taken.")

    async def _received(self, e: events.UploadEventArguments) -> None:
        content = await e.file.read()
        self.uploader.reset()  # the carrier keeps no queue: each choice is one file
        problem = self.problem(e.file.name, len(content))
        if problem:
            self._refuse(problem)
            return
        self.name, self.content = e.file.name, content
        self._show(f"Chosen: {e.file.name} ({size_words(len(content))})")
        if self.on_file is not None:
            result = self.on_file(e.file.name, content)
            if inspect.isawaitable(result):
                await result

    def reset(self) -> None:
        self.name, self.content = None, None
        self._show(NO_FILE)
