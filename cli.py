"""The command line of INTERFACES.md: `python main.py COMMAND ...`.

Exit status: 0 success, 1 bad input (messages on stderr), 2 usage error (including bad settings).
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from peewee import DatabaseError, InterfaceError

from tracker import clock, db
from tracker.dates import parse_date, uk
from tracker.errors import ImportRejected, SettingsError, TrackerError, ValidationError
from tracker.importers import KINDS, import_file
from tracker.note_crypto import note_key
from tracker.services.catalogue import load_catalogues
from tracker.settings import Settings
from tracker.views.export_kinds import EXPORT_KINDS

URL_PREFIXES = ("sqlite://", "postgresql://", "postgres://", "postgresext://")
REPORT_KINDS = ("employer", "pcn", "person", "supervisor", "evidence")
Handler = Callable[[argparse.Namespace, Settings], int]  # the settings read once by main(), passed down


class UsageError(Exception):
    pass


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value, option)
    except ValidationError as exc:
        raise ValidationError(exc.message, option) from None


def _say(text: str) -> None:
    print(text, flush=True)


def _open(settings: Settings) -> None:
    db.connect(settings.database_url)
    db.migrate_schema(note_key(settings))
    load_catalogues()


# ---- commands -------------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    url = settings.database_url
    db.connect(url)
    before, after = db.migrate_schema(note_key(settings))
    if before is None:
        _say(f"created the schema (version {after}) in {safe_url(url)}")
    elif before != after:
        _say(f"upgraded the schema from version {before} to {after} in {safe_url(url)}")
    else:
        _say(f"the schema is up to date (version {after}) in {safe_url(url)}")
    added = load_catalogues()
    if any(added.values()):
        _say("loaded the built-in catalogues: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in added.items()))
    else:
        _say("the built-in catalogues were already loaded")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from tracker.demo import load_demo

    summary = load_demo(today=clock.today(), actor=_actor(), notes_key=note_key(settings))
    _say(f"loaded the demo data: {summary.people} people into {safe_url(settings.database_url)}")
    if summary.users:
        _say("sign in with (passwords are shown once; change them before real use):")
        width = max(len(email) for email, _, _ in summary.users)
        for email, roles, password in summary.users:
            _say(f"  {email.ljust(width)}  {password}  ({roles})")
    return 0


def _column_map(path: str | None) -> dict[str, str] | None:
    """--map MAP.json: {"their header": "our column"} pairs ("" leaves a column out)."""
    if path is None:
        return None
    try:
        pairs = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}", "--map") from None
    except ValueError as exc:
        raise ValidationError(f"{path} is not JSON ({exc})", "--map") from None
    if not isinstance(pairs, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in pairs.items()):
        raise ValidationError(f'{path} must hold {{"their header": "our column", ...}} pairs of text', "--map")
    return pairs


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    result = import_file(args.kind, path, f"{_actor()}:import:{path.name}", dry_run=args.dry_run, replace=args.replace,
                         column_map=_column_map(args.map))
    _say(result.summary())
    if result.reading():
        _say(f"  {result.reading()}")
    for note in result.skipped:
        _say(f"  {note}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from tracker.views.export_kinds import export_bytes

    data = export_bytes(args.kind, args.file, clock.today())
    try:
        Path(args.file).write_bytes(data)
    except OSError as exc:
        raise ValidationError(f"cannot write {args.file}: {exc.strerror or exc}", "file") from None
    _say(f"{args.kind} written to {args.file}")
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from tracker.access import Scope
    from tracker.services.validate import Lookups
    from tracker.views.population import snapshot
    from tracker.views.status_output import render

    as_of = _date(args.as_of, "--as-of") or clock.today()
    scope = Scope()
    if args.employer:
        scope = Scope(employer_id=Lookups().employer(args.employer, "--employer").id)
    elif args.pcn:
        scope = Scope(pcn_id=Lookups().pcn(args.pcn, "--pcn").id)
    people = sorted(snapshot(as_of, scope), key=lambda p: p.staff_id)
    sys.stdout.write(render(people, as_of, args.format))
    return 0


def _password() -> str:
    from_env = os.environ.get("TRACKER_PASSWORD")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise ValidationError("set TRACKER_PASSWORD, or run the command in a terminal to be asked", "password")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise ValidationError("the two passwords are not the same", "password")
    return first


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    from tracker.services.users import add_user, parse_roles

    roles = parse_roles(args.role)
    user = add_user(_actor(), args.email, _password(), roles, args.person, args.employer, args.pcn)
    scope = f", sees {args.employer or args.pcn}" if (args.employer or args.pcn) else ""
    _say(f"created the login {user.email} ({', '.join(user.roles)}{scope}); "
         "they choose their own password when they first sign in")
    return 0


def cmd_user_password(args: argparse.Namespace, settings: Settings) -> int:
    from tracker.services.users import change_password, find_user

    user = find_user(args.email)
    if user is None:
        raise ValidationError(f"there is no login for {args.email}", "email")
    change_password(_actor(), user.id, _password())
    _say(f"changed the password of {user.email}; their open sessions ended, and they choose their own password "
         "when they next sign in")
    return 0


def cmd_user_deactivate(args: argparse.Namespace, settings: Settings) -> int:
    from tracker.services.users import deactivate_user, find_user

    user = find_user(args.email)
    if user is None:
        raise ValidationError(f"there is no login for {args.email}", "email")
    deactivate_user(_actor(), user.id)
    _say(f"{user.email} can no longer sign in")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from tracker.services.backup import backup

    url = settings.database_url
    target = backup(url, Path(args.file))
    _say(f"backed up {safe_url(url)} to {target} ({target.stat().st_size:,} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from tracker.services.backup import restore

    url = settings.database_url
    db.close()
    result = restore(url, Path(args.file), notes_key=note_key(settings))
    _open(settings)
    _say(f"restored {safe_url(url)} from {result.source} (now at schema version {db.schema_version()})")
    if result.previous_copy is not None:
        _say(f"the database it replaced is kept at {result.previous_copy}")
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    if args.kind == "evidence":
        return cmd_evidence_pack(args, settings)
    request = report_namespace(args)
    from reports.command import run_report

    return int(run_report(request))


def cmd_evidence_pack(args: argparse.Namespace, settings: Settings) -> int:
    """`report evidence employer NAME | pcn NAME --as-of DATE --out FILE.zip`: the inspection evidence pack."""
    from reports.evidence_pack import build_pack
    from tracker.services.evidence import uploads_dir

    if args.name not in ("employer", "pcn") or not args.scope_name:
        raise ValidationError("use: report evidence employer NAME | pcn NAME --as-of DATE --out FILE.zip", "kind")
    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        raise ValidationError("the evidence pack is a ZIP file: give --out FILE.zip", "--out")
    if not out.parent.is_dir():
        raise ValidationError(f"cannot write {out}: the folder {out.parent} does not exist", "--out")
    as_of = _date(args.as_of, "--as-of") or clock.today()
    pack = build_pack(args.name, args.scope_name, as_of, uploads_dir(settings))
    partial = out.with_name(f".{out.name}.part")
    partial.write_bytes(pack)
    partial.replace(out)
    _say(f"Wrote the evidence pack for {args.scope_name} as at {uk(as_of)} to {out} ({len(pack):,} bytes)")
    return 0


def report_namespace(args: argparse.Namespace) -> argparse.Namespace:
    """What `reports.command.run_report` receives: kind, name, as_of, out, from_date, to_date."""
    from_date, to_date = _date(args.from_date, "--from"), _date(args.to_date, "--to")
    if from_date and to_date and to_date < from_date:
        raise ValidationError("--to is before --from", "--to")
    return argparse.Namespace(
        kind=args.kind, name=args.name, as_of=_date(args.as_of, "--as-of"), out=Path(args.out),
        from_date=from_date, to_date=to_date, for_user=getattr(args, "for_user", None),
    )


def cmd_remind(args: argparse.Namespace, settings: Settings) -> int:
    request = argparse.Namespace(as_of=_date(args.as_of, "--as-of"), dry_run=args.dry_run)
    from jobs.command import run_remind

    return int(run_remind(request, settings))


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from ui.app import serve

    return int(serve(settings, database_url=settings.database_url, host=args.host, port=args.port,
                     native=args.native, demo=args.demo))


# ---- parsing ------------------------------------------------------------------------------------------


def _serve_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--host", default=default if default is argparse.SUPPRESS else "127.0.0.1")
    parser.add_argument("--port", type=int, default=default if default is argparse.SUPPRESS else 8080)
    parser.add_argument("--native", action="store_true", default=default if default is argparse.SUPPRESS else False)
    parser.add_argument("--demo", action="store_true", default=default if default is argparse.SUPPRESS else False,
                        help="load the demo data first if the database is empty")


def program_name() -> str:
    """How the user called us: the installed `compliance-tracker` command, or `python main.py`."""
    return "compliance-tracker" if Path(sys.argv[0]).name == "compliance-tracker" else "python main.py"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="sqlite:///path.db or postgresql://user@host:port/name (default: TRACKER_DATABASE_URL)")
    parser = argparse.ArgumentParser(prog=program_name(), parents=[common],
                                     description="Workforce and supervision compliance tracker")
    _serve_options(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    _serve_options(command("serve", cmd_serve, "run the app (the default command)"), argparse.SUPPRESS)
    command("init", cmd_init, "create or upgrade the schema and load the built-in catalogues")
    command("demo", cmd_demo, "load the demo data set into an empty database")
    p = command("import", cmd_import, "import a CSV or XLSX file: all rows or none")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and report without writing")
    p.add_argument("--replace", action="store_true", help="requirements/supervision-rules: the file is the whole set")
    p.add_argument("--map", metavar="MAP.json", help='{"their header": "our column"} pairs for headers not recognised')
    p = command("export", cmd_export, "write KIND to a CSV or XLSX file in exactly the columns its import reads")
    p.add_argument("kind", choices=EXPORT_KINDS)
    p.add_argument("file")
    p = command("status", cmd_status, "the compliance of every active person")
    p.add_argument("--as-of", metavar="DATE")
    p.add_argument("--format", choices=("json", "csv", "table"), default="table")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--employer", metavar="NAME")
    scope.add_argument("--pcn", metavar="NAME")
    p = command("report", cmd_report, "write a compliance PDF")
    p.add_argument("kind", choices=REPORT_KINDS)
    p.add_argument("name", help="the employer or PCN name, or the person's or supervisor's staff id; for "
                                "evidence, employer or pcn")
    p.add_argument("scope_name", nargs="?", help="for evidence: the employer's or PCN's name")
    p.add_argument("--as-of", metavar="DATE")
    p.add_argument("--from", dest="from_date", metavar="DATE")
    p.add_argument("--to", dest="to_date", metavar="DATE")
    p.add_argument("--out", metavar="FILE.pdf", required=True)
    p.add_argument("--for", dest="for_user", metavar="EMAIL",
                   help="make the report as this login may have it: refused if they may not, and a lead's "
                        "supervisor's log lists only the lead's own people")
    p = command("remind", cmd_remind, "run the reminder scan once")
    p.add_argument("--as-of", metavar="DATE")
    p.add_argument("--dry-run", action="store_true")
    command("backup", cmd_backup, "write a consistent copy of the database").add_argument("file")
    command("restore", cmd_restore, "replace the database with a backup").add_argument("file")

    users = sub.add_parser("user", help="manage logins").add_subparsers(dest="user_command", metavar="ACTION",
                                                                         required=True)
    p = users.add_parser("add", parents=[common], help="create a login (password from TRACKER_PASSWORD or asked)")
    p.set_defaults(handler=cmd_user_add)
    p.add_argument("email")
    p.add_argument("--role", action="append", required=True, help="staff, supervisor, lead or admin (repeat or use ;)")
    p.add_argument("--person", metavar="STAFF_ID")
    p.add_argument("--employer", metavar="NAME", help="a lead's scope: the employer whose people they see")
    p.add_argument("--pcn", metavar="NAME", help="a lead's scope: the PCN whose people they see")
    p = users.add_parser("password", parents=[common], help="set a new password")
    p.set_defaults(handler=cmd_user_password)
    p.add_argument("email")
    p = users.add_parser("deactivate", parents=[common], help="stop a login signing in")
    p.set_defaults(handler=cmd_user_deactivate)
    p.add_argument("email")
    return parser


UNCONNECTED = {cmd_serve, cmd_init, cmd_backup, cmd_restore}


def _run(args: argparse.Namespace, settings: Settings) -> int:
    handler: Handler = getattr(args, "handler", cmd_serve)
    if handler not in UNCONNECTED:
        _open(settings)
    return handler(args, settings)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        settings = Settings.from_env()  # the one read of the environment; everything below is given these
    except SettingsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    url = getattr(args, "database", None) or settings.database_url
    if not url.startswith(URL_PREFIXES):
        print(f"error: --database must start with sqlite:/// or postgresql:// (got {safe_url(url)})", file=sys.stderr)
        return 2
    try:
        return _run(args, dataclasses.replace(settings, database_url=url))
    except ImportRejected as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"nothing was written ({len(exc.errors)} problem{'s' if len(exc.errors) != 1 else ''})", file=sys.stderr)
        return 1
    except TrackerError as exc:
        field = getattr(exc, "field", None)
        print(f"error: {field + ': ' if field else ''}{exc.message}", file=sys.stderr)
        return 1
    except (DatabaseError, InterfaceError) as exc:
        print(f"error: the database at {safe_url(url)} could not be used: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    finally:
        db.close()
