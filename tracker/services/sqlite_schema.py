"""What a SQLite tracker database may hold, object by object, and a check of a file against it.

The reference is the schema this app creates (`create_tables` of every model, in memory). A backup is refused
unless every object in its `sqlite_master` is a table or an index of that schema: no trigger (code that runs on
every write), no view, no extra table or index. A table's definition is compared item by item (each column and
constraint as SQLite keeps its text), so a table the migrations built step by step matches one created whole;
a backup of an older version may lack what later steps add, and must match exactly once it is upgraded.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tracker.errors import ValidationError

_CREATE_TABLE = re.compile(r'\s*CREATE\s+TABLE\s+"?(?P<name>\w+)"?\s*\((?P<body>.*)\)\s*', re.S | re.I)
_AUTO_INDEX = re.compile(r"sqlite_autoindex_(?P<table>\w+)_\d+")
# SQLite's own statistics tables, made by ANALYZE (an operator may run it): data for the query planner only.
_STATISTICS = {"sqlite_stat1": frozenset({"tbl", "idx", "stat"}),
               "sqlite_stat4": frozenset({"tbl", "idx", "neq", "nlt", "ndlt", "sample"})}


@dataclass(frozen=True)
class Shape:
    """A database's tables (name -> their column and constraint items) and indexes (name -> (table, SQL))."""

    tables: dict[str, frozenset[str]]
    indexes: dict[str, tuple[str, str]]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def table_items(sql: str) -> tuple[str, frozenset[str]]:
    """(table name, its column and constraint definitions) from a CREATE TABLE statement."""
    match = _CREATE_TABLE.fullmatch(sql)
    if match is None:
        raise ValueError(f"not a plain CREATE TABLE: {sql[:80]}")
    items, depth, quote, start = [], 0, "", 0
    body = match["body"]
    for i, ch in enumerate(body):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"`[":
            quote = "]" if ch == "[" else ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    return match["name"], frozenset(_normal(i) for i in items)


def shape_of(conn: sqlite3.Connection) -> tuple[Shape, list[str]]:
    """The shape of an open database, and the objects that have no place in any tracker database."""
    tables: dict[str, frozenset[str]] = {}
    indexes: dict[str, tuple[str, str]] = {}
    strangers: list[str] = []
    for kind, name, table, sql in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"):
        if kind == "table" and sql:
            try:
                parsed_name, items = table_items(sql)
            except ValueError:
                strangers.append(f"table {name} (its definition is not a plain table)")
                continue
            if parsed_name != name:
                strangers.append(f"table {name} (its definition names {parsed_name})")
                continue
            if _STATISTICS.get(name) == items:
                continue
            tables[name] = items
        elif kind == "index" and sql:
            indexes[name] = (table, _normal(sql))
        elif kind == "index" and (auto := _AUTO_INDEX.fullmatch(name)) and auto["table"] == table:
            continue  # SQLite's own index behind a UNIQUE or PRIMARY KEY constraint
        else:
            strangers.append(f"{kind} {name}")
    return Shape(tables, indexes), strangers


@lru_cache(maxsize=1)
def reference() -> Shape:
    """The schema this app creates, read back from an empty in-memory database."""
    from peewee import SchemaManager, SqliteDatabase

    from tracker.db import SchemaVersion
    from tracker.models import ALL_MODELS

    memory = SqliteDatabase(":memory:")
    for model in (SchemaVersion, *ALL_MODELS):  # never rebinding the models: other threads keep using them
        SchemaManager(model, memory).create_all(safe=False)
    shape, strangers = shape_of(memory.connection())
    memory.close()
    assert not strangers, strangers
    return shape


def differences(found: Shape, wanted: Shape, allow_missing: bool) -> list[str]:
    """What in `found` is not in `wanted` (and, unless allow_missing, what `wanted` has that `found` lacks)."""
    problems = []
    for name, items in sorted(found.tables.items()):
        if name not in wanted.tables:
            problems.append(f"table {name} is not part of this app's schema")
            continue
        for item in sorted(items - wanted.tables[name]):
            problems.append(f"table {name} has {item!r}, which this app's schema does not")
        if not allow_missing:
            for item in sorted(wanted.tables[name] - items):
                problems.append(f"table {name} lacks {item!r}")
    for name, (table, sql) in sorted(found.indexes.items()):
        if wanted.indexes.get(name) != (table, sql):
            problems.append(f"index {name} on {table} is not one of this app's indexes ({sql})")
    if not allow_missing:
        problems += [f"table {n} is missing" for n in sorted(set(wanted.tables) - set(found.tables))]
        problems += [f"index {n} is missing" for n in sorted(set(wanted.indexes) - set(found.indexes))]
    return problems


def check_file(path: Path, latest: int) -> int:
    """The schema version of a SQLite tracker database file holding nothing but this app's tables and indexes.

    Raises ValidationError, naming what is wrong, for a damaged file, a file that is not a tracker database,
    a schema version this app does not have, or any object (trigger, view, table, index, column) that is not
    this app's. Opened read-only and never migrated here: nothing in the file runs.
    """
    if not path.is_file():
        raise ValidationError(f"there is no file at {path}", "file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            shape, strangers = shape_of(conn)
            versions = (
                [v for (v,) in conn.execute("SELECT version FROM schema_version")]
                if "schema_version" in shape.tables else []
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{path} is not a SQLite database ({exc})", "file") from None
    if verdict != "ok":
        raise ValidationError(f"{path} is damaged (integrity check: {verdict})", "file")
    if "person" not in shape.tables or not versions:
        raise ValidationError(f"{path} is a SQLite database but not a tracker database", "file")
    if strangers:
        raise ValidationError(
            f"{path} was refused: it holds {', '.join(strangers)}, which this app never creates "
            "(a backup made by the app has tables and indexes only)", "file")
    if len(versions) == 1 and isinstance(versions[0], int) and versions[0] > latest:
        raise ValidationError(
            f"{path} is at schema version {versions[0]}, newer than this app ({latest}); upgrade the app first",
            "file")
    if len(versions) != 1 or not isinstance(versions[0], int) or not 1 <= versions[0] <= latest:
        shown = ", ".join(repr(v) for v in versions)
        raise ValidationError(
            f"{path} was refused: its schema version ({shown}) is not one of this app's (1 to {latest})", "file")
    problems = differences(shape, reference(), allow_missing=versions[0] < latest)
    if problems:
        raise ValidationError(f"{path} was refused: {'; '.join(problems[:5])}", "file")
    return int(versions[0])


def check_live(conn: sqlite3.Connection) -> list[str]:
    """After a restore and its upgrade: what differs from the schema this app creates (nothing, normally)."""
    shape, strangers = shape_of(conn)
    return strangers + differences(shape, reference(), allow_missing=False)
