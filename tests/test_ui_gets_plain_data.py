"""ui/ only ever sees plain data: no tracker.views or tracker.services function whose result a page keeps
hands it a peewee row (issue 11).

Statically: every such function ui/ refers to is found from ui's imports and attribute uses, and its return
annotation is walked (through list[...], X | None, tuples, dicts and the fields of the dataclasses and models it
names): no peewee Model may appear in it, nor `Any` (unknown) except as the values of a JSON-like dict. A result a
page drops is exempt: a write passed to `write(...)` whose Outcome's `.value` that function never reads, or a call
standing alone as a statement. Dynamically: the functions the pages of issue 11 called for rows are run in a small
scenario, and nothing they return, however deep, is a Model (an annotation cannot lie about those).
"""

from __future__ import annotations

import ast
import collections.abc
import dataclasses
import importlib
import types
import typing
from datetime import date
from pathlib import Path

import peewee

from tests import factories as f
from tracker.models import Course, Person

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("tracker.views", "tracker.services")


def _domain_names(tree: ast.AST) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Names bound to domain modules, and names bound to domain functions, by a file's imports."""
    modules: dict[str, str] = {}
    functions: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if not full.startswith(DOMAIN):
                    continue
                try:
                    importlib.import_module(full)
                    modules[alias.asname or alias.name] = full
                except ImportError:
                    functions[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(DOMAIN) and alias.asname:
                    modules[alias.asname] = alias.name
    return modules, functions


def _is_write(call: ast.AST) -> bool:
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "write"


def _dropped(tree: ast.AST, modules: dict[str, str], functions: dict[str, tuple[str, str]]) -> set[int]:
    """The nodes whose domain results are dropped: a `write(...)` whose Outcome's `.value` the function holding
    it never reads (its whole call), a domain call standing alone as a statement (its function, not its
    arguments)."""
    parent = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    values_read: dict[int, set[str]] = {}

    def reads_of(node: ast.AST) -> set[str]:
        scope = node
        while not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
            scope = parent[id(scope)]
        if id(scope) not in values_read:
            values_read[id(scope)] = {
                n.value.id for n in ast.walk(scope)
                if isinstance(n, ast.Attribute) and n.attr == "value" and isinstance(n.value, ast.Name)
            }
        return values_read[id(scope)]

    dropped: set[int] = set()
    for stmt in ast.walk(tree):
        target, call = None, None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            target, call = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.Expr):
            call = stmt.value
        else:
            continue
        if isinstance(call, ast.Await):
            call = call.value
        if not isinstance(call, ast.Call):
            continue
        if _is_write(call):
            if target is None or target not in reads_of(stmt):
                dropped.update(id(n) for n in ast.walk(call))
        elif target is None:
            dropped.update(id(n) for n in ast.walk(call.func))
    return dropped


def results_ui_keeps(files: list[Path] | None = None) -> dict[tuple[str, str], list[str]]:
    """Each domain function whose result some ui file keeps, with the files that keep it."""
    kept: dict[tuple[str, str], list[str]] = {}
    for path in files if files is not None else sorted((ROOT / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules, functions = _domain_names(tree)
        dropped = _dropped(tree, modules, functions)
        for node in ast.walk(tree):
            if id(node) in dropped:
                continue
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                ref = (modules[node.value.id], node.attr)
            elif isinstance(node, ast.Name) and node.id in functions:
                ref = functions[node.id]
            else:
                continue
            where = str(path.relative_to(ROOT))
            if where not in kept.setdefault(ref, []):
                kept[ref].append(where)
    return kept


def rows_in(tp: object, seen: set[object], as_dict_value: bool = False) -> list[str]:
    """The peewee models (and unknown Any) a type may hold, walking containers, unions and class fields."""
    if tp is typing.Any:
        return [] if as_dict_value else ["Any"]
    if isinstance(tp, type) and issubclass(tp, peewee.Model):
        return [tp.__name__]
    found: list[str] = []
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    for i, arg in enumerate(args):
        found += rows_in(arg, seen, as_dict_value=origin in (dict, collections.abc.Mapping) and i == 1)
    if isinstance(tp, type) and tp not in seen:
        seen.add(tp)
        if dataclasses.is_dataclass(tp) or hasattr(tp, "model_fields") or typing.is_typeddict(tp):
            for field_type in typing.get_type_hints(tp).values():
                found += rows_in(field_type, seen)
    return found


def rows_reaching_ui(kept: dict[tuple[str, str], list[str]]) -> list[str]:
    bad: list[str] = []
    for (module, name), where in sorted(kept.items()):
        obj = getattr(importlib.import_module(module), name, None)
        if obj is None or isinstance(obj, type) or not isinstance(obj, types.FunctionType):
            continue
        hints = typing.get_type_hints(obj)
        if "return" not in hints:
            bad.append(f"{module}.{name} (used by {', '.join(where)}) has no return annotation")
            continue
        held = rows_in(hints["return"], set())
        if held:
            bad.append(f"{module}.{name} (used by {', '.join(where)}) returns {', '.join(sorted(set(held)))}")
    return bad


def test_no_result_ui_keeps_can_be_a_peewee_row() -> None:
    assert rows_reaching_ui(results_ui_keeps()) == []


PROBE = '''\
from tracker.services import users
from tracker.views import admin_views as av
from ui.actions import read, write


async def page():
    rows = await read(av.person_record, 1)
    done = await write(lambda who: users.find_user("x@example.org"), needs="admin")
    print(done.value)
    dropped = await write(lambda who: users.find_user("y@example.org"), needs="admin")
    users.find_user("z@example.org")
'''


def test_the_check_sees_a_row_a_page_keeps_and_lets_a_dropped_one_be() -> None:
    """`find_user` returns a User row: kept through `done.value` it is reported; dropped, it is not."""
    probe = ROOT / "ui" / "_plain_data_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    try:
        kept = results_ui_keeps([probe])
        assert kept == {("tracker.views.admin_views", "person_record"): ["ui/_plain_data_probe.py"],
                        ("tracker.services.users", "find_user"): ["ui/_plain_data_probe.py"]}
        assert rows_reaching_ui(kept) == [
            "tracker.services.users.find_user (used by ui/_plain_data_probe.py) returns User"
        ]
        probe.write_text(PROBE.replace("    print(done.value)\n", ""), encoding="utf-8")
        assert rows_reaching_ui(results_ui_keeps([probe])) == []
    finally:
        probe.unlink()


def test_the_walk_finds_a_row_deep_in_a_result() -> None:
    @dataclasses.dataclass(frozen=True)
    class Holder:
        rows: tuple[dict[str, list[Person | None]], ...]

    assert rows_in(Holder, set()) == ["Person"]
    assert rows_in(list[typing.Any], set()) == ["Any"]
    assert rows_in(dict[str, typing.Any], set()) == []


# Dynamically: what the pages of issue 11 call, run, and every value looked into.


def models_within(value: object, seen: set[int] | None = None) -> list[str]:
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, peewee.Model):
        return [type(value).__name__]
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in models_within(k, seen) + models_within(v, seen)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [m for v in value for m in models_within(v, seen)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [m for fl in dataclasses.fields(value) for m in models_within(getattr(value, fl.name), seen)]
    return []


def test_models_within_sees_a_row_in_a_dataclass(database: str) -> None:
    @dataclasses.dataclass(frozen=True)
    class Holder:
        rows: list[object]

    assert models_within(Holder([{"a": (f.org(),)}])) == ["Organisation"]


def test_what_the_issue_11_pages_are_given_is_plain_data(database: str) -> None:
    from tracker.services import people, tokens, users
    from tracker.views.evidence_queue import waiting_for
    from tracker.views.logins import login, logins

    today = date(2026, 6, 1)
    north = f.org("North Trust", "nhs_trust")
    asha = f.person("Asha", "Patel", employer=north, staff_id="A1")
    f.trained(asha, Course.select().first().code, date(2026, 5, 1), state="pending")
    admin = users.add_user("cli", "admin@example.org", "Plain-Data-Only-4471", "admin")
    lead = users.add_user("cli", "lead@example.org", "Plain-Data-Only-4471", "lead", employer_name="North Trust")
    issued = tokens.create(admin.user_id, "api")
    viewer = tokens.verify(issued.secret, "api")
    assert viewer is not None
    given: dict[str, object] = {
        "add_user": admin,
        "logins": logins(),
        "login": login(lead.user_id),
        "set_roles": users.set_roles("cli", lead.user_id, "lead;admin", None, "North Trust"),
        "set_active": users.set_active("cli", lead.user_id, False),
        "change_password": users.change_password("cli", admin.user_id, "Reset-By-Admin-5562"),
        "change_own_password": users.change_own_password(
            admin.user_id, viewer.epoch + 1, "Reset-By-Admin-5562", "Own-Choice-Now-7781", "Own-Choice-Now-7781"
        ),
        "verify": viewer,
        "waiting_for": waiting_for(viewer, today),
        "create_person": people.create_person("cli", "B2", "Ben", "Okafor", "SPLW", "North Trust", "01/02/2025"),
    }
    assert len(given["waiting_for"]) == 1  # type: ignore[arg-type]
    assert {name: models_within(value) for name, value in given.items() if models_within(value)} == {}
