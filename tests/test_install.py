"""Installed as a Python tool: a wheel built from a copy of the source (no warnings from the build), installed
into a fresh virtual environment, `compliance-tracker --help` lists every sub-command, and `compliance-tracker
serve --demo` serves the sign-in page and its script from the installed package, not from this checkout; a
report made by the installed command embeds the fonts the package carries.

To stay fast and offline the fresh environment is given this environment's dependencies through a .pth line
(their folder only: this checkout's editable install is not carried over) and the wheel is installed --no-deps.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import build_parser
from tests.browser.live import free_port
from tracker import demo_data

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = shutil.ignore_patterns(".venv", ".git", "data", "test-artifacts", "build", "dist", "*.egg-info",
                                  "__pycache__", ".nicegui", ".pytest_cache", ".mypy_cache", ".ruff_cache", "bench")
MACHINE_INDEX_NOTE = "is ignored: it is neither a file nor a directory"  # this machine's pip configuration


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(the fresh environment's bin folder, the wheel build's output)."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(work / "dist"), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = (work / "dist").glob("compliance_tracker-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = Path(subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip())
    (site / "our-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
         "--no-index", str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
        # this checkout on PYTHONPATH would show pip its egg-info: the wheel "already installed", so not installed
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    yield venv / "bin", built.stdout + built.stderr


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_", "TRACKER_", "PYTHON"))}
    env.update(TRACKER_DATABASE_URL=f"sqlite:///{folder / 'tracker.db'}", TRACKER_DATA_DIR=str(folder / "data"),
               NICEGUI_STORAGE_PATH=str(folder / ".nicegui"), TRACKER_SCHEDULER="off")
    return env


def test_the_wheel_builds_without_warnings(installed: tuple[Path, str]) -> None:
    _, output = installed
    warnings = [line for line in output.splitlines()
                if ("warning" in line.lower() or "deprecat" in line.lower()) and MACHINE_INDEX_NOTE not in line]
    assert warnings == []


def test_the_installed_command_lists_every_sub_command(installed: tuple[Path, str], tmp_path: Path) -> None:
    bin_dir, _ = installed
    shown = subprocess.run([str(bin_dir / "compliance-tracker"), "--help"], capture_output=True, text=True,
                           cwd=tmp_path, env=_env(tmp_path), timeout=60)
    assert shown.returncode == 0, shown.stderr
    subcommands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(subcommands.choices) >= {"serve", "init", "demo", "import", "status", "report", "remind", "backup",
                                        "restore", "user"}
    for name in subcommands.choices:
        assert name in shown.stdout, name
    assert "usage: compliance-tracker" in shown.stdout


def test_the_installed_command_runs_from_the_installed_package_and_serves_pages(
    installed: tuple[Path, str], tmp_path: Path
) -> None:
    bin_dir, _ = installed
    where = subprocess.run([str(bin_dir / "python"), "-c", "import tracker, ui, reports; print(ui.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert str(ROOT) not in where and str(bin_dir.parent) in where
    assert (Path(where.strip()).parent / "data_table.js").is_file()  # package data: the tables' browser script
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen([str(bin_dir / "compliance-tracker"), "serve", "--demo", "--host", "127.0.0.1",
                               "--port", str(port)], cwd=tmp_path, env=_env(tmp_path), stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/login", server, tmp_path / "server.log")
        assert "Sign in" in page and "Primary care compliance tracker" in page
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    output = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in output, output
    report = tmp_path / "statement.pdf"
    made = subprocess.run([str(bin_dir / "compliance-tracker"), "report", "employer", demo_data.EMPLOYERS[0][1],
                           "--out", str(report)], capture_output=True, text=True, cwd=tmp_path,
                          env=_env(tmp_path), timeout=120)
    assert made.returncode == 0, made.stderr
    fonts = subprocess.run(["pdffonts", str(report)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and "Helvetica" not in fonts


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError("the installed server stopped:\n" + log.read_text(errors="replace"))
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310
                if response.status == 200:
                    return response.read().decode()
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the installed server did not answer:\n" + log.read_text(errors="replace"))
