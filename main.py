"""Composition root: parse the command line, read settings, wire the database, start the app."""

from __future__ import annotations

import sys

from tracker.cli import main as cli_main

if __name__ in {"__main__", "__mp_main__"}:
    sys.exit(cli_main(sys.argv[1:]))
