"""PostgreSQL backups: pg_dump of this app's tables only, and a restore that runs nothing the app did not make.

A pg_dump file is a list of SQL statements chosen by whoever made it: a crafted one can create a function, a
trigger, a table, grant a role, or COPY into another table, and `pg_restore` would run it all. So restoring:

1. reads the dump's table of contents (`pg_restore --list`) and refuses any entry that is not a table,
   sequence, default, constraint, index or table data of this app's schema, named as this app names it;
2. has pg_restore write the SQL out (never run it), and refuses any statement that is not, word for word,
   one this app's schema is made of (each table's columns with their types, its sequences, keys and
   indexes, COPY ... FROM stdin into the table the entry names, setval): what a crafted entry hides
   behind an innocent name is refused there;
3. runs what is left itself, as the app's own database user, in one transaction: drops this app's tables,
   creates them from the dump, loads the rows, upgrades the schema, and checks that the database's
   catalogue (tables, columns, constraints, indexes, triggers, functions, views) is the app's once more;
   anything else rolls the whole restore back.

The reference for "this app's schema" is the live database as the app's migrations made it, read first.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tracker.errors import TrackerError, ValidationError

# TOC entry types a dump of this app's tables holds, longest first (the type is one to three words).
ALLOWED_TYPES = ("SEQUENCE OWNED BY", "SEQUENCE SET", "FK CONSTRAINT", "TABLE DATA", "CONSTRAINT", "SEQUENCE",
                 "DEFAULT", "INDEX", "TABLE")
_SETTINGS = {"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "client_encoding",
             "standard_conforming_strings", "check_function_bodies", "xmloption", "client_min_messages",
             "row_security", "default_tablespace", "default_table_access_method", "transaction_timeout"}
_SET = re.compile(r"SET (\w+) = [\w']*;")
_PLAIN = re.compile(r'"([a-z_][a-z0-9_]*)"')
_HEADER = re.compile(r"-- (?:Data for )?Name: (?P<name>[^;]*); Type: (?P<type>[^;]*); Schema: (?P<schema>[^;]*);")


def our_tables() -> list[str]:
    from tracker.db import SchemaVersion
    from tracker.models import ALL_MODELS

    return [m._meta.table_name for m in (SchemaVersion, *ALL_MODELS)]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise TrackerError(
            f"{name} is not on the PATH: install the PostgreSQL client tools (for example the "
            "postgresql-client package) to back up or restore a PostgreSQL database"
        )
    return found


def libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def dump(url: str, target: Path) -> None:
    """A custom-format dump of this app's tables alone (nothing else in the database), without owners or
    grants: the file holds only what a restore accepts."""
    tables = [f"--table=public.{_quoted(t)}" for t in our_tables()]
    done = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *tables, f"--file={target}",
         f"--dbname={libpq_url(url)}"],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise TrackerError(f"pg_dump failed: {done.stderr.strip() or done.stdout.strip()}")


# ---- the reference: this app's schema as the live database holds it ---------------------------------


@dataclass(frozen=True)
class Catalogue:
    """What a restore must leave exactly as the app's migrations made it."""

    columns: dict[str, dict[str, tuple[str, bool]]]  # table -> column -> (type, not null)
    constraints: dict[str, dict[str, tuple[str, str]]]  # table -> name -> (kind p/f/u/c, definition)
    indexes: dict[str, tuple[str, str]]  # name -> (table, CREATE INDEX ...)
    sequences: frozenset[str]
    others: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # every other object in the schema

    def same_as(self, other: Catalogue) -> list[str]:
        problems = []
        for name, mine, theirs in (("columns", self.columns, other.columns),
                                   ("constraints", self.constraints, other.constraints),
                                   ("indexes", self.indexes, other.indexes)):
            if mine != theirs:
                problems.append(f"the {name} differ")
        if self.sequences != other.sequences:
            problems.append("the sequences differ")
        extra = sorted(other.others - self.others)
        if extra:
            problems.append("it added " + ", ".join(f"{kind} {name}" for kind, name in extra[:5]))
        return problems


def read_catalogue(handle: Any) -> Catalogue:
    """The catalogue of this app's tables in schema public, as pg_dump would print it (search_path empty).
    A read: its transaction only keeps SET LOCAL to itself."""
    tables = our_tables()
    with handle.atomic():
        handle.execute_sql("SET LOCAL search_path = ''")
        columns: dict[str, dict[str, tuple[str, bool]]] = {t: {} for t in tables}
        for table, column, kind, not_null in handle.execute_sql(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
            "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
            "AND c.relname = ANY(%s)", (tables,)
        ).fetchall():
            columns[table][column] = (kind, bool(not_null))
        constraints: dict[str, dict[str, tuple[str, str]]] = {t: {} for t in tables}
        for table, name, kind, definition in handle.execute_sql(
            "SELECT c.relname, k.conname, k.contype::text, pg_catalog.pg_get_constraintdef(k.oid) "
            "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname = ANY(%s)", (tables,)
        ).fetchall():
            constraints[table][name] = (kind, definition)
        indexes = {
            name: (table, definition)
            for table, name, definition in handle.execute_sql(
                "SELECT tablename, indexname, indexdef FROM pg_catalog.pg_indexes "
                "WHERE schemaname = 'public' AND tablename = ANY(%s)", (tables,)
            ).fetchall()
        }
        sequences = frozenset(
            name for (name,) in handle.execute_sql(
                "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relname = ANY(%s)",
                ([f"{t}_id_seq" for t in tables],),
            ).fetchall()
        )
        others = frozenset(
            (str(kind), str(name)) for kind, name in handle.execute_sql(
                "SELECT 'relation ' || c.relkind::text, c.relname::text FROM pg_catalog.pg_class c "
                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                "UNION ALL SELECT 'function', p.proname::text FROM pg_catalog.pg_proc p "
                "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
                "UNION ALL SELECT 'trigger', t.tgname::text FROM pg_catalog.pg_trigger t "
                "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal "
                "UNION ALL SELECT 'rule', rulename::text FROM pg_catalog.pg_rules WHERE schemaname = 'public' "
                "UNION ALL SELECT 'policy', policyname::text FROM pg_catalog.pg_policies WHERE schemaname = 'public' "
                "UNION ALL SELECT 'type', t.typname::text FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
                "ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typrelid = 0"
            ).fetchall()
        )
    return Catalogue(columns, constraints, indexes, sequences, others)


# ---- step 1: the table of contents --------------------------------------------------------------------


def check_contents(path: Path, reference: Catalogue) -> None:
    """Refuse a dump whose table of contents names anything but this app's tables and what belongs to them."""
    if not path.is_file():
        raise ValidationError(f"there is no file at {path}", "file")
    done = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ValidationError(f"{path} is not a pg_dump custom-format file ({done.stderr.strip()})", "file")
    tables = set(our_tables())
    entries = [line for line in done.stdout.splitlines() if line.strip() and not line.startswith(";")]
    refused, kinds = [], set()
    for line in entries:
        match = re.match(r"\d+; \d+ \d+ (?P<rest>.*)$", line)
        rest = match["rest"] if match else line
        kind = next((k for k in ALLOWED_TYPES if rest.startswith(k + " ")), None)
        words = rest[len(kind) + 1:].split(" ") if kind else []
        schema, name = (words[0], " ".join(words[1:-1])) if len(words) >= 3 else ("", "")
        if kind is None or schema != "public" or not _known(kind, name, tables, reference):
            refused.append(rest.rsplit(" ", 1)[0] if kind else rest)
        else:
            kinds.add((kind, name))
    if refused:
        raise ValidationError(
            f"{path} was refused: it holds {'; '.join(refused[:6])}{' and more' if len(refused) > 6 else ''}, "
            "which is not part of this app's schema (a backup made by the app holds its tables only)", "file")
    if ("TABLE", "schema_version") not in kinds or ("TABLE", "person") not in kinds:
        raise ValidationError(f"{path} is a PostgreSQL dump but not of a tracker database", "file")


def _known(kind: str, name: str, tables: set[str], reference: Catalogue) -> bool:
    if kind in ("TABLE", "TABLE DATA"):
        return name in tables
    if kind.startswith("SEQUENCE"):
        return name in reference.sequences
    if kind == "INDEX":
        return name in reference.indexes
    table, _, rest = name.partition(" ")
    if kind == "DEFAULT":
        return table in tables and rest == "id"
    found = reference.constraints.get(table, {}).get(rest)
    return found is not None and (found[0] == "f") == (kind == "FK CONSTRAINT")


# ---- step 2: every statement the restore would run ------------------------------------------------------


@dataclass
class Statement:
    sql: str  # as the script has it
    flat: str  # whitespace made single spaces
    copy_table: str | None = None  # a COPY ... FROM stdin: its rows follow in the script


def _expected(reference: Catalogue) -> tuple[set[str], dict[str, set[str]], dict[str, set[str]]]:
    """(whole statements this app's schema is made of, the items each CREATE TABLE may hold, the columns a
    COPY into each table may name), written as pg_dump writes them with plain identifiers unquoted."""
    statements: set[str] = set()
    items: dict[str, set[str]] = {}
    columns: dict[str, set[str]] = {}
    for table, cols in reference.columns.items():
        columns[table] = set(cols)
        items[table] = {f"{c} {kind}{' NOT NULL' if not_null else ''}" for c, (kind, not_null) in cols.items()}
        sequence = f"{table}_id_seq"
        if sequence in reference.sequences:
            statements |= {
                f"CREATE SEQUENCE public.{sequence} AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE "
                "NO MAXVALUE CACHE 1;",
                f"ALTER SEQUENCE public.{sequence} OWNED BY public.{table}.id;",
                f"ALTER TABLE ONLY public.{table} ALTER COLUMN id SET DEFAULT "
                f"nextval('public.{sequence}'::regclass);",
            }
        for name, (kind, definition) in reference.constraints.get(table, {}).items():
            if kind == "c":
                items[table].add(f"CONSTRAINT {name} {definition}")
            else:
                statements.add(f"ALTER TABLE ONLY public.{table} ADD CONSTRAINT {name} {_unquote(definition)};")
    for _, (_, definition) in reference.indexes.items():
        statements.add(_unquote(definition) + ";")
    return statements, items, columns


def _unquote(sql: str) -> str:
    return _PLAIN.sub(r"\1", sql)


def _parse(script: IO[str]) -> Iterator[tuple[Statement, str | None]]:
    """The statements of a pg_restore script, each with the entry its header comment names. After a COPY the
    caller reads (or skips) its rows with _Rows before asking for the next statement."""
    header: str | None = None
    pending: list[str] = []
    while True:
        raw = script.readline()
        if not raw:
            break
        line = raw.rstrip("\n")
        if not pending:
            if not line.strip():
                continue
            if line.startswith("--"):
                found = _HEADER.match(line)
                if found:
                    header = f"{found['type']}:{found['schema']}:{found['name']}"
                continue
            if line.startswith(("\\restrict ", "\\unrestrict ")):  # psql's guard lines; psql runs nothing here
                continue
        pending.append(line)
        if line.rstrip().endswith(";"):
            sql, pending = "\n".join(pending), []
            flat = re.sub(r"\s+", " ", sql).strip()
            copy = re.fullmatch(r'COPY public\.("?[a-z_][a-z0-9_]*"?) \(.*\) FROM stdin;', flat)
            yield Statement(sql, flat, _unquote(copy[1]) if copy else None), header
    if pending:
        sql = "\n".join(pending)
        yield Statement(sql, re.sub(r"\s+", " ", sql).strip()), header


def _walk(script_path: Path, reference: Catalogue, cursor: Any = None) -> list[str]:
    """Check every statement of the script; with a cursor, run each one (after its own check) as well.

    The same walk serves the dry run and the real one, so what runs is exactly what was checked."""
    statements, items, columns = _expected(reference)
    refused: list[str] = []
    with script_path.open(encoding="utf-8", newline="\n") as script:
        for statement, header in _parse(script):
            problem = _problem(statement, header, statements, items, columns)
            if problem is not None:
                refused.append(problem)
                if cursor is not None:
                    raise ValidationError(f"the backup was refused: {problem}", "file")
            rows = _Rows(script) if statement.copy_table is not None else None
            if cursor is not None and not _session_setting(statement.flat):
                if rows is not None:
                    cursor.copy_expert(statement.flat, rows)
                else:
                    cursor.execute(statement.sql)
            if rows is not None:
                rows.drain()
    return refused


def _session_setting(flat: str) -> bool:
    """pg_dump's SET lines and search_path: not run (every name in the script is schema-qualified)."""
    return _SET.fullmatch(flat) is not None or flat == "SELECT pg_catalog.set_config('search_path', '', false);"


def check_script(script_path: Path, reference: Catalogue) -> None:
    """Refuse the dump unless every statement pg_restore would run is one of this app's schema."""
    refused = _walk(script_path, reference)
    if refused:
        raise ValidationError(
            "the backup was refused: " + "; ".join(refused[:4]) + (" and more" if len(refused) > 4 else "")
            + " (not part of this app's schema)", "file")


def _problem(statement: Statement, header: str | None, statements: set[str], items: dict[str, set[str]],
             columns: dict[str, set[str]]) -> str | None:
    sql = statement.flat
    plain = _unquote(sql)
    shown = sql if len(sql) < 100 else sql[:97] + "..."
    if (found := _SET.fullmatch(sql)) is not None:
        return None if found[1] in _SETTINGS else shown
    if sql == "SELECT pg_catalog.set_config('search_path', '', false);":
        return None
    if plain in statements:
        return None
    if statement.copy_table is not None:
        table = statement.copy_table
        listed = re.fullmatch(r"COPY public\.[a-z_0-9]+ \((?P<cols>[a-z_0-9, ]+)\) FROM stdin;", plain)
        named = [c.strip() for c in listed["cols"].split(",")] if listed else []
        if (listed is None or table not in columns or not set(named) <= columns[table]
                or len(set(named)) != len(named) or header != f"TABLE DATA:public:{table}"):
            return shown
        return None
    if (seq := re.fullmatch(r"SELECT pg_catalog\.setval\('public\.([a-z_0-9]+)', \d+, (true|false)\);", plain)):
        return None if any(seq[1] == f"{t}_id_seq" for t in columns) else shown
    table_sql = re.fullmatch(r"CREATE TABLE public\.([a-z_0-9]+) \((.*)\);", plain)
    if table_sql and table_sql[1] in items and header == f"TABLE:public:{table_sql[1]}":
        body = [i.strip() for i in _split_items(table_sql[2])]
        strange = [i for i in body if i not in items[table_sql[1]]]
        if strange:
            return f"table {table_sql[1]} with {', '.join(strange)[:200]}"
        return None if len(set(body)) == len(body) else shown
    return shown


def _split_items(body: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(body[start:i])
            start = i + 1
    out.append(body[start:])
    return out


def render(path: Path, folder: Path) -> Path:
    """The SQL pg_restore would run, written to a file (pg_restore connects to nothing for this)."""
    handle = tempfile.NamedTemporaryFile("wb", dir=folder, prefix=".restore-", suffix=".sql", delete=False)
    handle.close()
    script = Path(handle.name)
    done = subprocess.run(
        [_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", str(path)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        script.unlink(missing_ok=True)
        raise ValidationError(f"{path} could not be read by pg_restore ({done.stderr.strip()})", "file")
    return script


def version_in(script_path: Path) -> int | None:
    """The schema version the dump's schema_version table holds (exactly one row), else None."""
    with script_path.open(encoding="utf-8", errors="replace") as script:
        for line in script:
            if re.fullmatch(r'COPY public\."?schema_version"? \(id, version\) FROM stdin;\n?', line):
                rows = []
                for row in script:
                    if row.rstrip("\n") == "\\.":
                        break
                    rows.append(row.rstrip("\n").split("\t"))
                if len(rows) == 1 and len(rows[0]) == 2 and rows[0][1].isdigit():
                    return int(rows[0][1])
                return None
    return None


# ---- step 3: run it, in one transaction ---------------------------------------------------------------


class _Rows:
    """A COPY block's rows, read from the script up to its end marker, as a file for copy_expert."""

    def __init__(self, script: IO[str]) -> None:
        self.script, self.buffer, self.done = script, b"", False

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.buffer) < size):
            line = self.script.readline()
            if not line or line.rstrip("\n") == "\\.":
                self.done = True
                break
            self.buffer += line.encode("utf-8")
        if size < 0:
            size = len(self.buffer)
        chunk, self.buffer = self.buffer[:size], self.buffer[size:]
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size > 0 else 65536)

    def drain(self) -> None:
        while not self.done:
            self.read(65536)
        self.buffer = b""


def load(database: Any, script_path: Path, reference: Catalogue) -> None:
    """Inside the caller's transaction: drop this app's tables, then run the script, each statement checked
    again just before it runs."""
    tables = ", ".join(f"public.{_quoted(t)}" for t in our_tables())
    database.execute_sql(f"DROP TABLE IF EXISTS {tables}")
    _walk(script_path, reference, database.cursor())
