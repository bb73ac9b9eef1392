"""Spreadsheet bombs against the command line and the import page: each is refused at once with a message that
says why, inside a memory limit a real export never comes near, and nothing is written.

The command line runs as a real process under RLIMIT_AS, so a reader that builds the millions of cells a bomb
claims fails the test with MemoryError (or is stopped by the timeout) instead of taking the machine down.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User as Visitor

from tests.conftest import open_clean_database
from tests.import_bombs import BOMBS
from tests.ui_fixtures import login_user, sign_in, ui_database  # noqa: F401
from tracker import db
from tracker.errors import ImportRejected
from tracker.importers import import_bytes
from tracker.importers.reading import MAX_COLUMNS, MAX_ROWS
from tracker.models import Person

ROOT = Path(__file__).resolve().parents[1]
MEMORY_LIMIT = 1536 * 2**20  # address space for the whole command-line process, interpreter and libraries included
REFUSED = "more than a real export has"
_built: dict[str, bytes] = {}


def bomb(name: str) -> bytes:
    if name not in _built:
        _built[name] = BOMBS[name]()
    return _built[name]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_the_command_line_refuses_a_spreadsheet_bomb_within_a_memory_limit(name: str, tmp_path: Path) -> None:
    url = open_clean_database("sqlite", tmp_path)
    db.close()
    data = bomb(name)
    assert len(data) < 2 * 2**20  # a bomb is small: the attack is what it unpacks to
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(data)
    env = {**os.environ, "TRACKER_DATA_DIR": str(tmp_path / "data"), "TRACKER_SCHEDULER": "off"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "main.py", "import", "people", str(path), "--database", url],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory,
    )
    took = time.monotonic() - started
    print(f"{name}: {len(data) / 1024:.0f} KB, refused in {took:.1f} s: {done.stderr.strip().splitlines()[0]}")
    assert done.returncode == 1, done.stderr[-2000:]
    assert "row " in done.stderr and REFUSED in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert "nothing was written" in done.stderr
    db.connect(url)
    assert Person.select().count() == 0


@pytest.mark.usefixtures("ui_database")
async def test_the_import_page_refuses_a_spreadsheet_bomb_with_a_message(user: Visitor) -> None:
    login_user("admin@example.nhs.uk", "admin")
    await sign_in(user, "admin@example.nhs.uk", then="/admin/imports")
    for name in ("claims-the-whole-grid", "far-cell-under-a-small-dimension", "unpacks-past-the-limit"):
        uploader = user.find(ui.upload).elements.pop()
        await uploader.handle_uploads([ui.upload.SmallFileUpload(f"{name}.xlsx", "application/vnd.ms-excel",
                                                                 bomb(name))])
        await user.should_see(REFUSED, retries=60)
        await user.should_not_see("Match the columns of")
    assert Person.select().count() == 0


@pytest.mark.usefixtures("ui_database")
def test_csv_files_past_the_limits_are_refused_and_blank_lines_are_passed_over() -> None:
    header = "staff_id,first_name,last_name,role,employer,start_date\r\n"
    wide = header + "E1" + "," * (MAX_COLUMNS + 5) + "x\r\n"
    with pytest.raises(ImportRejected, match=f"row 2: file: row 2 has {MAX_COLUMNS + 6} columns, {REFUSED}"):
        import_bytes("people", wide.encode(), "wide.csv", "test", dry_run=True)
    long = header + "E1,A,B,SPLW,Trust,01/01/2024\r\n" * (MAX_ROWS + 1)
    with pytest.raises(ImportRejected, match=f"file has data in row {MAX_ROWS + 2:,}, {REFUSED}"):
        import_bytes("people", long.encode(), "long.csv", "test", dry_run=True)
    blank_lines = header + "E1,Asha,Patel,SPLW,Trust,01/01/2024\r\n" + "\r\n" * 5_000_000  # 10 MB of nothing
    result = import_bytes("people", blank_lines.encode(), "blank.csv", "test", dry_run=True)
    assert result.rows == 1
