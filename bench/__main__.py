"""`python -m bench [section ...] [--rebuild] [--postgres URL] [--repeats N] [--list]`.

Builds (once) the synthetic population under bench/out/, then runs the named sections, or all of them.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from peewee import OperationalError

import bench
from bench import SECTIONS, Bench
from bench.population import AS_OF, DEFAULT_PATH, ensure_population, ensure_population_at
from tracker import db

NOT_SECTIONS = {"__main__", "population", "synthetic"}


def discover() -> None:
    """Import every module of the package so that their @section functions register."""
    importlib.import_module("bench.snapshot")  # the headline figures come first
    for module in pkgutil.iter_modules(bench.__path__):
        if module.name not in NOT_SECTIONS:
            importlib.import_module(f"bench.{module.name}")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("sections", nargs="*", help="section names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the sections and exit")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the synthetic population first")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per figure (median is shown)")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="the SQLite file to build or reuse")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also run on PostgreSQL at URL (a scratch database: it is rebuilt if it holds anything else)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    discover()
    if args.list:
        for s in SECTIONS.values():
            print(f"{s.name:<16}{s.description}{'' if s.by_default else ' (only when named)'}")
        return 0
    unknown = [name for name in args.sections if name not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}", file=sys.stderr)
        return 1
    chosen = [SECTIONS[name] for name in args.sections] or [s for s in SECTIONS.values() if s.by_default]

    targets = [("sqlite", lambda: ensure_population(args.path, rebuild=args.rebuild))]
    if args.postgres:
        targets.append(("postgres", lambda: ensure_population_at(args.postgres, rebuild=args.rebuild)))
    for backend, prepare in targets:
        print(f"== {backend}: preparing the synthetic population ...", flush=True)
        try:
            url = prepare()
        except OperationalError as error:
            print(f"cannot use the {backend} database: {error}".strip(), file=sys.stderr)
            return 1
        context = Bench(url=url, as_of=AS_OF, repeats=args.repeats, backend=backend)
        print(f"== {backend}: {_describe(url)}, as at {AS_OF:%d/%m/%Y}", flush=True)
        for s in chosen:
            print(f"-- {s.name}: {s.description}", flush=True)
            s.run(context)
        db.close()
    return 0


def _describe(url: str) -> str:
    from tracker.models import Person, SessionAttendee, TrainingRecord

    where = url.split("@")[-1] if "@" in url else url
    return (
        f"{where}: {Person.select().count():,} people, {TrainingRecord.select().count():,} training records, "
        f"{SessionAttendee.select().count():,} supervision attendances"
    )


if __name__ == "__main__":
    sys.exit(main())
