"""The settings the composition root built the app with, carried on the app object itself.

`register_app(settings)` hands them over once (`hand_over`); a page gets them on its frame (`page.settings`),
a plain route or middleware from its request (`settings_of(request)`, Starlette's `app.state`). ui/ never reads
the environment itself (tests/test_architecture.py checks). The notes key (tracker.note_crypto), read once from
the settings' data folder by the composition root, travels the same way (`page.notes_key`).
"""

from __future__ import annotations

from typing import Any, cast

from starlette.requests import HTTPConnection
from starlette.types import Scope

from tracker.settings import Settings

_STATE_NAME = "tracker_settings"
_NOTES_KEY_NAME = "tracker_notes_key"


def hand_over(app: Any, settings: Settings, notes_key: bytes | None = None) -> None:
    """Carry the settings (and the notes key, where the app seals or opens notes) on the app."""
    setattr(app.state, _STATE_NAME, settings)
    setattr(app.state, _NOTES_KEY_NAME, notes_key)


def notes_key_of_app(app: Any) -> bytes:
    key = getattr(app.state, _NOTES_KEY_NAME, None)
    if key is None:
        raise RuntimeError("the app was started without the notes key: call ui.app.register_app(settings) first")
    return cast(bytes, key)


def settings_of_app(app: Any) -> Settings:
    settings = getattr(app.state, _STATE_NAME, None)
    if settings is None:
        raise RuntimeError("the app was started without settings: call ui.app.register_app(settings) first")
    return cast(Settings, settings)


def settings_of(request: HTTPConnection) -> Settings:
    return settings_of_app(request.app)


def settings_of_scope(scope: Scope) -> Settings:
    return settings_of_app(scope["app"])
