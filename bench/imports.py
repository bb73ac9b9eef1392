"""Importing 10,000 people and then 100,000 training rows into an empty SQLite database, from CSV and from XLSX:
wall time and the peak memory of the process doing it (targets: under 20 s and 400 MB each).

Each import runs in a fresh child process (`python -m bench.imports FILE KIND`), so its peak resident memory is
its own; the files are made once under bench/out/. Run alone with `python -m bench imports`.
"""

from __future__ import annotations

import csv
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench import Bench, section

PEOPLE = 10_000
TRAINING = 100_000
TARGET_SECONDS = 20.0
TARGET_MB = 400.0
OUT = Path(__file__).resolve().parent / "out"
COURSES = ["SG-L1", "SG-L2", "IG", "FIRE", "EDHR", "HSW", "PREVENT", "OMMT", "BLS", "IPC"]
ROLES = ["SPLW", "HWBC", "CC", "CP", "FCP", "PARA"]


def _rows() -> tuple[list[list[object]], list[list[object]]]:
    rng = random.Random(13)
    people = [["staff_id", "first_name", "last_name", "email", "role", "employer", "employer_type", "start_date"]]
    for n in range(PEOPLE):
        people.append([f"B{n:05d}", f"First{n}", f"Last{n}", f"p{n}@bench.test", rng.choice(ROLES),
                       f"Employer {n % 40}", "gp_practice", date(2020, 1, 1) + timedelta(days=n % 1500)])
    training = [["Employee Number", "Competence Name", "Achieved Date", "Compliance Status"]]
    seen: set[tuple[int, str, date]] = set()
    while len(training) <= TRAINING:
        key = (rng.randrange(PEOPLE), rng.choice(COURSES), date(2021, 1, 1) + timedelta(days=rng.randrange(1800)))
        if key not in seen:
            seen.add(key)
            training.append([f"B{key[0]:05d}", key[1], key[2], "Compliant"])
    return people, training


def _files() -> dict[str, Path]:
    from openpyxl import Workbook

    OUT.mkdir(exist_ok=True)
    names = {f"{kind}.{fmt}": OUT / f"import-{kind}.{fmt}" for kind in ("people", "training") for fmt in ("csv", "xlsx")}
    if all(p.exists() for p in names.values()):
        return names
    for kind, rows in zip(("people", "training"), _rows(), strict=True):
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        for row in rows:
            writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row])
        names[f"{kind}.csv"].write_text(text.getvalue(), encoding="utf-8")
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in rows:
            sheet.append(row)
        book.save(names[f"{kind}.xlsx"])
    return names


def _child(people: Path, training: Path) -> dict[str, float]:
    """In a fresh process: an empty database, then both imports, each timed."""
    from tracker import db
    from tracker.importers import import_file
    from tracker.services.catalogue import load_catalogues

    folder = Path(tempfile.mkdtemp())
    db.connect(f"sqlite:///{folder / 'bench.db'}")
    db.migrate_schema()
    load_catalogues()
    figures: dict[str, float] = {}
    for label, kind, path in (("people", "people", people), ("training", "training", training)):
        started, cpu = time.perf_counter(), time.process_time()
        result = import_file(kind, path, "bench", today=date(2026, 11, 22))
        figures[f"{label}_seconds"] = time.perf_counter() - started
        figures[f"{label}_cpu"] = time.process_time() - cpu
        figures[f"{label}_created"] = result.created
    figures["peak_mb"] = own_peak_mb()
    return figures


def own_peak_mb() -> float:
    """This process's own peak resident memory. Not getrusage's ru_maxrss: Linux carries that across exec, so a
    child started by a bench process of 2 GB would report 2 GB whatever it used itself; VmHWM is this program's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


@section("imports", "10,000 people and 100,000 training rows imported from CSV and XLSX, with peak memory")
def imports(b: Bench) -> None:
    files = _files()
    for fmt in ("csv", "xlsx"):
        done = subprocess.run([sys.executable, "-m", "bench.imports", str(files[f"people.{fmt}"]),
                               str(files[f"training.{fmt}"])], capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        assert figures["people_created"] == PEOPLE and figures["training_created"] == TRAINING, figures
        b.report(f"import {PEOPLE:,} people from {fmt.upper()}", figures["people_seconds"], TARGET_SECONDS)
        b.report(f"import {TRAINING:,} training rows from {fmt.upper()}", figures["training_seconds"], TARGET_SECONDS)
        b.note(f"processor time: people {figures['people_cpu']:.1f} s, training {figures['training_cpu']:.1f} s "
               "(wall time above includes waiting on a busy machine)")
        b.note(f"peak memory of the {fmt.upper()} imports: {figures['peak_mb']:.0f} MB (target <= {TARGET_MB:g} MB: "
               + ("ok)" if figures["peak_mb"] <= TARGET_MB else "MISSED)"))


if __name__ == "__main__":
    print(json.dumps(_child(Path(sys.argv[1]), Path(sys.argv[2]))))
