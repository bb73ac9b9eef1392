"""A real app server in a child process (`python main.py serve` on a free localhost port), for the load
benchmark and for tests that need a real HTTP server (a browser, two instances side by side).

Each server gets its own data folder and its own NiceGUI storage folder (two instances must never share
one), and the scheduler off unless asked. The server's output goes to a log file, shown if it fails to start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    launched: float = 0.0  # time.monotonic() when the process was started
    started_in: float = 0.0  # seconds from launch until it first answered (the cold start)

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_bytes(self) -> int:
        """The server's resident memory now (Linux /proc), 0 when it cannot be read."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def cpu_seconds(self) -> float:
        """User and system CPU time the server has used so far (Linux /proc), 0 when it cannot be read."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server stopped with status {server.process.returncode}:\n{server.output()}")
        try:
            if httpx.get(server.url + "/login", timeout=2).status_code < 500:
                server.started_in = time.monotonic() - server.launched
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_SECONDS} s:\n{server.output()}")


def stop(server: LiveServer) -> None:
    """Stop the server gently (SIGTERM), then firmly if it does not go."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(5)


def launch(
    database_url: str,
    workdir: Path,
    *,
    name: str = "app",
    scheduler: bool = False,
    extra_env: dict[str, str] | None = None,
    data_dir: Path | None = None,
) -> LiveServer:
    """Start `python main.py serve` against database_url without waiting for it to answer."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NICEGUI_", "PYTEST_"))}
    env.update(
        {
            "TRACKER_DATABASE_URL": database_url,
            "TRACKER_DATA_DIR": str(data_dir or workdir / f"{name}-data"),
            "NICEGUI_STORAGE_PATH": str(workdir / f"{name}-storage"),
            "TRACKER_SCHEDULER": "on" if scheduler else "off",
            "TRACKER_BASE_URL": f"http://127.0.0.1:{port}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("TRACKER_SMTP_HOST", None)
    env.update(extra_env or {})
    log = workdir / f"{name}.log"
    launched = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--host", "127.0.0.1", "--port", str(port), "--database", database_url],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    return LiveServer(f"http://127.0.0.1:{port}", process, log, launched)


@contextmanager
def live_servers(*servers: LiveServer) -> Iterator[tuple[LiveServer, ...]]:
    """Wait for servers launched together to answer; stop them all afterwards."""
    try:
        for server in servers:
            _wait_until_up(server)
        yield servers
    finally:
        for server in servers:
            stop(server)


@contextmanager
def live_server(
    database_url: str,
    workdir: Path,
    *,
    name: str = "app",
    scheduler: bool = False,
    extra_env: dict[str, str] | None = None,
    data_dir: Path | None = None,
) -> Iterator[LiveServer]:
    """Start `python main.py serve` against database_url; yields once it answers, stops it afterwards."""
    server = launch(database_url, workdir, name=name, scheduler=scheduler, extra_env=extra_env, data_dir=data_dir)
    with live_servers(server):
        yield server
