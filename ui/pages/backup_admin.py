"""`/admin/backup` (administrators): back up now, the backups held, download one, restore one (or an uploaded
file) after typing RESTORE. Backups are consistent while the app runs (SQLite online backup; pg_dump)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import FileResponse, PlainTextResponse, Response
from nicegui import app, ui

from jobs import backup_job
from tracker.access import ADMIN, require
from tracker.errors import NotFound
from tracker.settings import Settings
from tracker.views.storage import is_postgres
from ui import auth
from ui.actions import read, write
from ui.app_settings import settings_of
from ui.attrs import attrs
from ui.components import empty_state, heading, muted, panel
from ui.file_field import FileField
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, forbidden, frame
from ui.tables import Column, table

# Larger than any practice's database we have seen; a bigger file is refused at the button, not half-read.
MAX_BACKUP_BYTES = 1024 * 1024 * 1024

PATH = "/admin/backup"
CONFIRM_WORD = "RESTORE"


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _when(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d/%m/%Y %H:%M")


def _guidance(settings: Settings) -> None:
    if is_postgres():
        muted("PostgreSQL: backups are pg_dump files in custom format (.dump) of this app's tables. A restore "
              "accepts only this app's tables, keys, indexes and rows, and refuses a file holding anything else "
              "(a function, trigger, grant or other table). The PostgreSQL client tools must be installed on "
              "this server.")
    else:
        muted("SQLite: backups use SQLite's online backup, a consistent copy even while people use the app. A "
              "restore refuses a file holding anything this app does not make (a trigger, view or other table).")
    muted("Private supervision notes are encrypted in every backup with this installation's notes key "
          "(notes.key in the data folder), which is never in a backup: keep a copy of that file somewhere safe, "
          "apart from the backups, or a restore elsewhere shows the notes as unavailable.")
    muted(f"Backups are kept in {backup_job.backup_folder(settings)}; the nightly backup keeps the newest "
          f"{backup_job.keep_of(settings)}. From the command line: `python main.py backup FILE` and "
          "`python main.py restore FILE`.")


def register() -> None:
    add_nav(PATH, "Backups", "backup", "Administration", lambda v: v.is_admin, order=85)

    @app.get("/admin/backups/{name}", include_in_schema=False)
    async def download_backup(request: Request, name: str) -> Response:
        viewer = auth.viewer_of(request)
        if viewer is None or not viewer.is_admin:
            return forbidden("Only administrators may download backups.")
        try:
            path = await read(backup_job.held_path, settings_of(request), name)
        except NotFound as exc:
            return PlainTextResponse(exc.message, status_code=404)
        return FileResponse(path, media_type="application/octet-stream", filename=path.name,
                            headers={"Cache-Control": "private, no-store"})

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def backup_admin() -> None:
        async with frame("Backups", breadcrumbs=[("Administration", None)]) as page:
            require(page.viewer, ADMIN)
            await BackupsPage(page).build()


class BackupsPage:
    """The page's state: the settings and notes key it was opened with, and the backups held as last read. The
    list is a refreshable part, drawn again after a backup, an upload or a restore."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.settings = page.settings
        self.notes_key = page.notes_key
        self.files: list[backup_job.BackupFile] = []

    async def build(self) -> None:
        settings = self.settings
        _guidance(settings)
        with panel():
            heading("Back up now", 2)
            ui.button("Back up now", icon="backup", on_click=self.back_up).props("unelevated no-caps").mark(
                "back-up-now")
        with panel():
            heading("Backups held", 2)
            self.files = await read(backup_job.backups_held, settings)
            self.held_section()
        with panel():
            heading("Restore from a file", 2)
            muted("Upload a backup made by this app (.db for SQLite, .dump for PostgreSQL); you are asked to "
                  "confirm before anything changes.")
            FileField("Choose the backup file", suffixes=(".db", ".dump"), kinds=".db or .dump backup",
                      max_bytes=MAX_BACKUP_BYTES, on_file=self.uploaded).mark("upload-backup")
        muted(f"Times are {settings.timezone}; today is {self.page.today.strftime('%d/%m/%Y')}.")

    @ui.refreshable_method
    def held_section(self) -> None:
        if not self.files:
            empty_state("No backups yet.")
            return
        columns = [Column("File"), Column("Made"), Column("Size", numeric=True), Column("Actions")]
        with table("Backups held", columns) as cells:
            for f in self.files:
                with cells.row(file=f.name):
                    cells.cell(f.name, header=True)
                    cells.cell(_when(f.modified, self.settings.timezone))
                    cells.cell(_size(f.size))
                    with cells.cell(), ui.row().classes("gap-2"):
                        attrs(ui.link("Download", f"/admin/backups/{quote(f.name)}"),
                              aria_label=f"Download {f.name}")
                        restore = ui.button("Restore…", on_click=lambda name=f.name: self.ask_restore(name))
                        attrs(restore.props("outline dense no-caps color=negative"),
                              aria_label=f"Restore {f.name}").mark(f"restore-{f.name}")

    async def refresh(self) -> None:
        self.files = await read(backup_job.backups_held, self.settings)
        await self.held_section.refresh()

    async def back_up(self) -> None:
        done = await write(lambda who: backup_job.backup_now(self.settings, who.actor), needs=ADMIN)
        if done.ok:
            ui.notify(f"Backup made: {done.value.path.name}", type="positive")
            await self.refresh()

    def ask_restore(self, name: str) -> None:
        with ui.dialog() as dialog, ui.card().classes("max-w-lg"):
            heading(f"Restore {name}?", 2)
            ui.label("This replaces everything in the database with the backup. A copy of the database "
                     "as it is now is kept beside it. People signed in now should sign in again.")
            word = ui.input(f"Type {CONFIRM_WORD} to confirm").mark("confirm-word")
            started: list[bool] = []
            with ui.row().classes("gap-2"):
                ui.button("Restore", on_click=lambda: self.restore(name, word, dialog, started)).props(
                    "unelevated no-caps color=negative").mark("confirm-restore")
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
        dialog.open()

    async def restore(self, name: str, word: ui.input, dialog: ui.dialog, started: list[bool]) -> None:
        """The dialog's Restore button: only with the word typed, and once however often it is clicked."""
        if (word.value or "").strip() != CONFIRM_WORD:
            ui.notify(f"Nothing was restored: type {CONFIRM_WORD} in capitals to confirm.", type="warning")
            return
        if started:  # a second click while the first restore runs
            return
        started.append(True)
        dialog.close()
        done = await write(
            lambda who: backup_job.restore_held(self.settings, name, who.actor, self.notes_key), needs=ADMIN
        )
        if done.ok:
            ui.notify(f"Restored from {name}.", type="positive")
            await self.refresh()

    async def uploaded(self, name: str, content: bytes) -> None:
        done = await write(
            lambda who: backup_job.keep_upload(self.settings, content, name, datetime.now(UTC)),
            needs=ADMIN,
        )
        if done.ok:
            await self.refresh()
            self.ask_restore(done.value.name)
