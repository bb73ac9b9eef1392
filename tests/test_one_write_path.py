"""Pages write through ui.actions.write only: a new page that calls a service in a thread by itself (and so
skips the check of the session at the moment the action runs) fails here."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import ui.actions

UI = Path(__file__).resolve().parents[1] / "ui"
# The calls into a thread a page may make itself, each a read or part of signing in (no session to check yet).
ALLOWED = {
    ("ui/actions.py", "_run_checked"), ("ui/actions.py", "fn"),
    ("ui/auth.py", "viewer_for_session"), ("ui/session_end.py", "session_epochs"),
    ("ui/layout.py", "_header_facts"), ("ui/layout.py", "load"),
    ("ui/pages/login.py", "sign_in"), ("ui/pages/login.py", "create_first_admin"),
    ("ui/pages/login.py", "viewer_for_session"), ("ui/pages/login.py", "needs_first_admin"),
    ("ui/pages/oidc_sign_in.py", "discover"), ("ui/pages/oidc_sign_in.py", "_finish"),  # signing in with NHSmail
    ("ui/workers.py", "fn"),  # draws a PDF from data already gathered and checked
    ("ui/pages/reports.py", "render"), ("ui/pages/reports.py", "gather_for"), ("ui/pages/reports.py", "choices"),
    ("ui/pages/reports.py", "gather_pack_for"),  # a read: the evidence pack's records, once the rights are checked
    ("ui/pages/reports.py", "still_allowed"),  # a read: the download checks the file's rights again
    ("ui/pages/training_events.py", "register_pdf"),  # a read: the register, which asks the viewer's rights
}


def threaded_calls() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("io_bound", "cpu_bound")
                and node.args
            ):
                target = node.args[0]
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "?")
                found.add((str(path.relative_to(UI.parent)), name))
    return found


def test_no_page_calls_a_service_in_a_thread_by_itself() -> None:
    assert threaded_calls() - ALLOWED == set()


def write_calls_without_needs() -> list[str]:
    wrong = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else None
            partial_of_write = (
                name == "partial" and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "write"
            )
            if (name == "write" or partial_of_write) and "needs" not in {k.arg for k in node.keywords}:
                wrong.append(f"{path.relative_to(UI.parent)}:{node.lineno}")
    return wrong


def test_every_write_call_says_what_it_needs() -> None:
    assert write_calls_without_needs() == []


def test_every_write_says_what_it_needs() -> None:
    needs = inspect.signature(ui.actions.write).parameters["needs"]
    assert needs.kind is inspect.Parameter.KEYWORD_ONLY and needs.default is inspect.Parameter.empty


def test_the_lead_pages_have_no_write_path_of_their_own() -> None:
    import importlib

    assert not hasattr(importlib.import_module("ui.lead_components"), "submit")
