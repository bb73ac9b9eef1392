"""The app's composition: page modules found by name, `serve --native` without pywebview, demo loading."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.conftest import open_clean_database
from tracker import clock, db
from tracker.models import Person
from tracker.services import database_setup
from tracker.settings import Settings
from ui import app as ui_app


def test_every_page_module_is_found_and_has_a_register_function() -> None:
    names = ui_app.page_modules()
    assert {"ui.pages.login", "ui.pages.me", "ui.pages.supervisees", "ui.pages.log_session",
            "ui.pages.supervision_log", "ui.pages.my_sessions", "ui.pages.person", "ui.pages.files"} <= set(names)
    assert all(callable(importlib.import_module(n).register) for n in names)


def test_native_without_pywebview_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(ui_app, "native_available", lambda: False)
    status = ui_app.serve(Settings(), database_url="sqlite:///unused.db", host="127.0.0.1", port=8080, native=True, demo=False)
    assert status == 1
    assert "pip install -e '.[native]'" in capsys.readouterr().err


def test_the_demo_loads_into_an_empty_database_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], notes_key: bytes
) -> None:
    open_clean_database("sqlite", tmp_path)
    assert database_setup.load_demo_if_empty(clock.today(), notes_key)
    printed = capsys.readouterr().out
    assert "admin@" in printed and "(admin)" in printed
    people = Person.select().count()
    assert not database_setup.load_demo_if_empty(clock.today(), notes_key)
    assert "already holds people" in capsys.readouterr().out
    assert Person.select().count() == people
    db.close()
