"""`/admin/imports` (administrators): upload a CSV or Excel file, map its columns onto ours (remembered per
source), preview the first rows with every error marked, then import all rows or none. Templates of every
kind of file download from `/imports/templates/{kind}.{csv|xlsx}`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from nicegui import app, ui

from tracker.access import ADMIN, require
from tracker.dates import uk
from tracker.errors import ImportRejected
from tracker.importers import COLUMNS, KINDS, REPLACEABLE
from tracker.importers.examples import template_columns, template_row
from tracker.services import column_mapping as cm
from tracker.services import course_aliases
from tracker.views import exports
from tracker.views.alias_views import course_choices
from ui import auth
from ui.actions import read, write
from ui.attrs import attrs
from ui.components import empty_state, heading, muted, panel, text
from ui.file_field import FileField
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, forbidden, frame
from ui.tables import Column, table

PATH = "/admin/imports"
MAX_BYTES = 20 * 1024 * 1024
LEAVE_OUT = "(leave out)"
KIND_LABELS = {
    "people": "People (staff list)", "training": "Training completions", "supervision": "Supervision sessions",
    "absences": "Absences", "requirements": "Training requirements", "supervision-rules": "Supervision rules",
    "course-aliases": "Course aliases (other systems' names)", "training-matrix": "Training matrix (a column per course)",
}


class Showing(Enum):
    """What the lower half of the page shows below the mapping."""

    NOTHING = "nothing"
    CHECKING = "checking"
    PREVIEW = "preview"
    DONE = "done"


@dataclass
class Upload:
    """The page's state: the file, its headers, and the mapping chosen."""

    kind: str = "people"
    source: str = ""
    filename: str = ""
    data: bytes = b""
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    replace: bool = False
    checked: cm.Preview | None = None


def template(kind: str, fmt: str) -> bytes:
    """The kind's columns and one example row (which an import refuses until it is deleted or replaced)."""
    return exports.write(exports.ExportTable(kind, template_columns(kind), [list(template_row(kind))]), fmt)


def _suggest(state: Upload) -> None:
    remembered = cm.load_mapping(state.source, state.kind) if state.source.strip() else None
    state.mapping = cm.suggest(state.kind, state.headers, remembered)


def _columns_help(kind: str) -> None:
    required, optional = COLUMNS[kind]
    muted(f"Required columns: {', '.join(required) or 'none'}. Optional: {', '.join(optional) or 'none'}. "
          "Column names from ESR and e-learning reports are recognised. Dates as dd/mm/yyyy, yyyy-mm-dd or "
          "1 Feb 2025 (Excel date cells too); US dates and two-digit years are refused.")
    muted("Each template's second row is an example of the forms each column takes (staff id EXAMPLE-001): "
          "delete it, or write over it, before you import; a file that still holds it is refused.")
    if kind == "training-matrix":
        muted("Then one column per course, headed by its code, name or an alias, each cell a completion date.")


def _mapping_editor(state: Upload, on_change) -> None:  # type: ignore[no-untyped-def]
    required, optional = COLUMNS[state.kind]
    options = {cm.IGNORE: LEAVE_OUT, **{c: c for c in required + optional}}
    if state.kind == "training-matrix":
        options[cm.COURSE_COLUMN] = "a course (dates)"
    columns = [Column("Column in your file"), Column("Becomes")]
    with table("Column mapping", columns) as cells:
        for header in state.headers:
            with cells.row():
                cells.cell(header or "(no name)", header=True)
                with cells.cell():
                    choice = ui.select(options, value=state.mapping.get(header, cm.IGNORE),
                                       on_change=lambda e, h=header: on_change(h, e.value)).props("dense outlined")
                    attrs(choice, aria_label=f"Column {header} becomes").classes("w-56").mark(f"map-{header}")
    for problem in cm.problems(state.kind, state.mapping):
        ui.label(problem).classes("text-negative").props('role="alert"')


def _preview_table(view: cm.Preview) -> None:
    columns = [Column("Row", numeric=True)] + [Column(c) for c in view.columns] + [Column("Problems")]
    with table("The first rows of the file", columns) as cells:
        for number, row in view.rows:
            problems = view.errors_of(number)
            with cells.row(row=str(number)) as tr:
                if problems:
                    tr.classes("row-error")
                cells.cell(str(number), header=True)
                for column in view.columns:
                    value = row.get(column)
                    bad = any(p.column == column for p in problems)
                    shown = uk(value) if isinstance(value, date) else ("" if value is None else str(value))
                    cell = cells.cell(shown + (" ⚠" if bad else ""))
                    if bad:
                        cell.classes("text-negative font-bold")
                cells.cell("; ".join(f"{p.column}: {p.message}" for p in problems) or "OK")


def _outcome(view: cm.Preview) -> None:
    if view.errors:
        heading(f"{len(view.errors)} problem(s): nothing will be imported until every row is right", 3)
        with ui.element("ul").props('role="alert" aria-label="Problems in the file"').mark("import-errors"):
            for e in view.errors[:200]:
                text("li", str(e))
        if len(view.errors) > 200:
            muted(f"…and {len(view.errors) - 200} more.")
    elif view.result is not None:
        text("p", f"Ready: {view.result.summary().removeprefix('dry run, nothing written: ')}.").mark(
            "import-ready")
    if view.result is not None and view.result.reading():
        reading = view.result.reading()
        muted(reading[:1].upper() + reading[1:] + ".").mark("import-reading")
    if view.result is not None:
        for note in view.result.skipped[:50]:
            muted(str(note))


def _course_mapper(view: cm.Preview, courses: dict[str, str], remember) -> None:  # type: ignore[no-untyped-def]
    """Each course name the file uses that we do not know, with a choice of our items: remembered as an alias."""
    heading(f"{len(view.unknown_courses)} course name(s) not recognised", 3)
    muted("Choose which of our courses each one is. It is remembered as an alias, so the next file from the same "
          "system imports without asking.")
    columns = [Column("Name in your file"), Column("Is our course"), Column("")]
    with table("Courses not recognised", columns) as cells:
        for n, name in enumerate(view.unknown_courses):
            with cells.row():
                cells.cell(name, header=True)
                with cells.cell():
                    choice = ui.select(courses, label="Our course", with_input=True).props("dense outlined")
                    attrs(choice, aria_label=f"Our course for {name}").classes("w-72").mark(f"alias-course-{n}")
                with cells.cell():
                    ui.button("Remember", icon="bookmark_add",
                              on_click=lambda _, a=name, c=choice: remember(a, c.value)).props(
                        "outline no-caps").mark(f"alias-remember-{n}")


def register() -> None:
    add_nav(PATH, "Imports", "upload_file", "Administration", lambda v: v.is_admin, order=70)

    @app.get("/imports/templates/{name}", include_in_schema=False)
    async def download_template(request: Request, name: str) -> Response:
        viewer = auth.viewer_of(request)
        if viewer is None or not viewer.is_admin:
            return forbidden("Only administrators import files.")
        kind, _, fmt = name.rpartition(".")
        if kind not in COLUMNS or fmt not in ("csv", "xlsx"):
            return PlainTextResponse("There is no such template.", status_code=404)
        return Response(template(kind, fmt), media_type=exports.media_type(fmt),
                        headers={"Content-Disposition": f'attachment; filename="{kind}-template.{fmt}"'})

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def imports_page() -> None:
        async with frame("Imports", breadcrumbs=[("Administration", None)]) as page:
            require(page.viewer, ADMIN)
            ImportsPage(page).build()


class ImportsPage:
    """The page's state: the upload (file, headers, mapping), and what its lower half shows: the mapping once a
    file is read, then a check running, its preview, or the import done. Each part is refreshable; each handler
    a method. Every read and write runs off the event loop (ui.actions)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.state = Upload()
        self.mapping_open = False  # a file was read: its columns are shown to match
        self.showing = Showing.NOTHING
        self.courses: dict[str, str] = {}  # our courses, to choose for a name the file uses that we do not know
        self.done = ""  # the summary of the import just made
        self.replace: ui.checkbox | None = None

    def build(self) -> None:
        state = self.state
        with panel():
            heading("1. What are you importing?", 2)
            with ui.row().classes("gap-4 items-end"):
                ui.select({k: KIND_LABELS[k] for k in KINDS}, value=state.kind, label="Kind of file",
                          on_change=lambda e: self.choose_kind(e.value)).classes("w-64").mark("kind")
                source = ui.input("Where the file comes from (remembers its columns)",
                                  placeholder="for example ESR").classes("w-80").mark("source")
                source.on("blur", lambda: self.choose_source(source.value or ""))
            self.replace = ui.checkbox("Make this file the whole set (replace every rule held, built-in ones too)",
                                       on_change=lambda e: setattr(state, "replace", bool(e.value)))
            self.replace.mark("replace")
            self.replace.set_visibility(state.kind in REPLACEABLE)
            with ui.column():
                self.kind_help()
            with ui.row().classes("gap-4"):
                self.template_links()

        with panel():
            heading("2. Upload the file", 2)
            muted(f"CSV (comma, semicolon or tab; UTF-8 or Windows-1252; .csv or .txt) or Excel (.xlsx), up to "
                  f"{MAX_BYTES // 1024 // 1024} MB.")
            FileField("Choose the file to import", suffixes=(".csv", ".txt", ".xlsx"),
                      kinds="CSV, text (.txt) or Excel (.xlsx)", max_bytes=MAX_BYTES,
                      on_file=self.uploaded).mark("upload-file")

        with ui.column().classes("w-full"):
            self.mapping()
        with ui.column().classes("w-full"):
            self.preview()

    # ---- the parts ---------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def kind_help(self) -> None:
        _columns_help(self.state.kind)

    @ui.refreshable_method
    def template_links(self) -> None:
        for fmt in ("csv", "xlsx"):
            ui.link(f"Download the {fmt.upper()} template", f"/imports/templates/{self.state.kind}.{fmt}")

    @ui.refreshable_method
    def mapping(self) -> None:
        if not self.mapping_open:
            return
        with panel():
            heading(f"3. Match the columns of {self.state.filename}", 2)
            _mapping_editor(self.state, self.set_column)
            ui.button("Check the file", icon="fact_check", on_click=self.check).props(
                "unelevated no-caps").mark("check")

    @ui.refreshable_method
    def preview(self) -> None:
        state = self.state
        if self.showing is Showing.CHECKING:
            with ui.row().classes("items-center gap-2"):
                ui.spinner()
                ui.label(f"Checking every row of {state.filename}…")
        elif self.showing is Showing.PREVIEW and state.checked is not None:
            with panel():
                heading("4. Preview", 2)
                if state.checked.unknown_courses:
                    _course_mapper(state.checked, self.courses, self.remember_course)
                if state.checked.rows:
                    _preview_table(state.checked)
                else:
                    empty_state("The file has no rows.")
                _outcome(state.checked)
                if state.checked.ok:
                    ui.button("Import all rows", icon="upload", on_click=self.commit).props(
                        "unelevated no-caps").mark("import")
        elif self.showing is Showing.DONE:
            with panel():
                heading("Done", 2)
                text("p", self.done).mark("import-done")

    async def show_mapping(self) -> None:
        """The mapping drawn afresh, and the preview of an earlier check gone."""
        self.mapping_open = True
        self.showing = Showing.NOTHING
        await self.mapping.refresh()
        await self.preview.refresh()

    async def show(self, showing: Showing) -> None:
        self.showing = showing
        await self.preview.refresh()

    # ---- the handlers ------------------------------------------------------------------------------------------

    async def choose_kind(self, kind: str) -> None:
        state = self.state
        state.kind = kind
        state.checked = None
        if self.replace is not None:
            self.replace.set_visibility(kind in REPLACEABLE)
        await self.kind_help.refresh()
        await self.template_links.refresh()
        if state.headers:
            await read(_suggest, state)
            await self.show_mapping()

    async def choose_source(self, value: str) -> None:
        self.state.source = value.strip()
        if self.state.headers:
            await read(_suggest, self.state)
            await self.show_mapping()

    async def set_column(self, header: str, target: str) -> None:
        self.state.mapping[header] = target or cm.IGNORE
        self.state.checked = None
        await self.show_mapping()

    async def uploaded(self, name: str, content: bytes) -> None:
        state = self.state
        state.data = content
        state.filename = name
        state.checked = None
        try:
            state.headers = await read(cm.headers_of, state.data, state.filename)
        except ImportRejected as exc:
            ui.notify(str(exc), type="negative", multi_line=True)
            return
        await read(_suggest, state)
        await self.show_mapping()

    async def check(self) -> None:
        state = self.state
        if cm.problems(state.kind, state.mapping):
            ui.notify("Match every required column first.", type="warning")
            return
        await self.show(Showing.CHECKING)
        done = await write(
            lambda who: cm.preview(state.kind, state.data, state.filename, dict(state.mapping), self.page.today,
                                   replace=state.replace),
            needs=ADMIN,
        )
        if not done.ok:
            await self.show(Showing.NOTHING)
            return
        state.checked = done.value
        self.courses = await read(course_choices) if state.checked.unknown_courses else {}
        await self.show(Showing.PREVIEW)

    async def remember_course(self, alias: str, code: str | None) -> None:
        if not code:
            ui.notify(f"Choose which of our courses '{alias}' is first.", type="warning")
            return
        done = await write(lambda who: course_aliases.remember_alias(who.actor, alias, code), needs=ADMIN)
        if done.ok:
            ui.notify(f"Remembered: {alias} is {code}.", type="positive")
            await self.check()

    async def commit(self) -> None:
        state = self.state
        if state.checked is None or not state.checked.ok:
            return
        done = await write(
            lambda who: cm.commit(state.kind, state.data, state.filename, dict(state.mapping), who.actor,
                                  self.page.today, replace=state.replace),
            needs=ADMIN,
        )
        if not done.ok:
            return
        if state.source:
            await write(
                lambda who: cm.save_mapping(state.source, state.kind, dict(state.mapping), who.actor),
                needs=ADMIN,
            )
        ui.notify(f"Imported: {done.value.summary()}", type="positive", multi_line=True)
        self.done = done.value.summary()
        await self.show(Showing.DONE)
        state.checked = None
