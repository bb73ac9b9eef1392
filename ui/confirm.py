"""Consequential actions ask first: a dialog that says what will happen, with the action and a way out."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from nicegui import ui

from ui.components import heading


def confirm(
    title: str,
    consequences: Sequence[str],
    action: str,
    on_confirm: Callable[[], Awaitable[Any] | Any],
    *,
    danger: bool = False,
) -> ui.dialog:
    """Open a dialog: the title, what will happen (one sentence a line), then `action` or Cancel."""
    with ui.dialog() as dialog, ui.card().classes("max-w-lg").props('role="alertdialog"').mark("confirm-dialog"):
        heading(title, 2)
        for sentence in consequences:
            ui.label(sentence)

        def done() -> None:
            dialog.close()
            if not dialog.is_deleted:
                dialog.delete()  # a closed question leaves nothing behind to be answered later

        async def go() -> None:
            dialog.close()
            result = on_confirm()  # runs in the dialog's context, so the dialog goes only once it is done
            if inspect.isawaitable(result):
                await result
            done()

        with ui.row().classes("gap-2 pt-2"):
            yes = ui.button(action, on_click=go).props("unelevated no-caps").mark("confirm-yes")
            if danger:
                yes.props("color=negative")
            ui.button("Cancel", on_click=done).props("flat no-caps").mark("confirm-cancel")
    dialog.open()
    return dialog
