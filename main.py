"""Composition root: parse the command line, read settings, wire the database, start the app.

`python main.py <sub-command> ...` runs the command line (no sub-command serves the app). NiceGUI's `user`
test fixture runs this file as __main__ with NICEGUI_USER_SIMULATION set: then the app is built with the
settings of the test's environment (TRACKER_DATABASE_URL, TRACKER_DATA_DIR, TRACKER_SCHEDULER=off).
The desktop window's process imports this file as __mp_main__ and must not start a second server.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    if os.environ.get("NICEGUI_USER_SIMULATION"):
        from tracker.settings import Settings
        from ui.app import run_app

        run_app(Settings.from_env())
    else:
        from cli import main as cli_main

        sys.exit(cli_main(sys.argv[1:]))
