"""`/reports` (leads and admins, under Team) and `/reports/mine` (everyone else, under My work): compliance PDFs.

The page gathers the records in a thread and draws the PDF in another process (ui.workers), saying what it
is doing, then hands the file over from `/reports/ready/{token}`, which only the user who asked may open.
`/reports/pdf/{kind}?name=...&as_of=yyyy-mm-dd[&from=...&to=...]` builds one directly for scripts and links.
The inspection evidence pack (a ZIP: reports.evidence_pack) is made the same way for an employer or a PCN, and
`/reports/evidence/{kind}?name=...&as_of=...` builds it directly; its download checks the lead's scope again.
Rights are checked on the server for all of them (reports.rights, which asks tracker.access).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from nicegui import app, ui

from reports.build import KINDS, ReportData, ReportRequest, filename, render
from reports.evidence_pack import PackMaterial, assemble_pack, pack_filename
from reports.handover import collect, remember
from reports.rights import PACK_KINDS, ReportChoices, authorise_pack, choices, gather_for, gather_pack_for
from tracker import access, clock
from tracker.dates import parse_optional_date, uk
from tracker.errors import NotFound, PermissionDenied, TrackerError, ValidationError
from tracker.services.evidence import uploads_dir
from tracker.views.people_picker import find_to_choose
from tracker.views.report_data import PersonStatementData, ScopeReportData
from ui import auth, report_html, threads, workers
from ui.actions import ANY_USER, read_as, sentence, write
from ui.app_settings import settings_of
from ui.attrs import attrs
from ui.components import date_input, heading, muted, panel, read_date, search_select
from ui.layout import add_nav, forbidden, frame, refusal

PATH = "/reports"
MINE = "/reports/mine"
VIEW = "/reports/view"
EVIDENCE = "/reports/evidence"
ZIP = "application/zip"
STOPPING = "The report was not finished because the app is stopping; try again."


async def draw_off_the_loop(data: ReportData) -> bytes:
    """Render in the worker processes; in a thread where the app runs without them."""
    pdf = await workers.draw(render, data)
    if pdf is None:
        raise TrackerError(STOPPING)
    return pdf


async def produce(viewer: access.Viewer, request: ReportRequest) -> bytes:
    data = await threads.io_bound(gather_for, viewer, request)
    if data is None:
        raise TrackerError(STOPPING)
    return await draw_off_the_loop(data)


async def assemble_off_the_loop(material: PackMaterial) -> bytes:
    """Draw the pack's PDFs and zip them in the worker processes, as the reports are drawn."""
    pack = await workers.draw(assemble_pack, material)
    if pack is None:
        raise TrackerError(STOPPING)
    return pack


def pack_gatherer(kind: str, name: str, as_of: date, uploads: Path) -> Callable[[access.Viewer], PackMaterial]:
    """The pack's read, as whoever the viewer is when it runs (rights checked then, in the thread)."""
    return lambda who: gather_pack_for(who, kind, name, as_of, uploads)


def pack_still_allowed(kind: str, name: str, as_of: date) -> Callable[[access.Viewer], None]:
    """Checked again at the download, on the user as they are then."""
    return lambda who: authorise_pack(who, kind, name, as_of)


def pdf_response(pdf: bytes, name: str, media_type: str = "application/pdf") -> Response:
    return Response(pdf, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    })


def describe(data: ReportData) -> str:
    if isinstance(data, ScopeReportData):
        return f"{len(data.people):,} people"
    if isinstance(data, PersonStatementData):
        return f"the statement of {data.name}"
    return f"{len(data.sessions):,} sessions given by {data.name}"


class Progress:
    """Says what is happening while a report is made, then offers the file."""

    def __init__(self, viewer: access.Viewer, uploads: Path) -> None:
        self.viewer = viewer
        self.uploads = uploads  # where the certificates an evidence pack carries are kept
        self.busy = False
        with ui.row().classes("items-center gap-3").props('role="status" aria-live="polite"').mark("progress"):
            self.spinner = ui.spinner(size="2em")
            self.words = ui.label("")
        self.link = ui.link("Download it again", "#").mark("download-again")
        self.spinner.visible = False
        self.link.visible = False

    async def make(self, request: ReportRequest) -> None:
        if self.busy:
            ui.notify("A report is already being made; it will be ready in a moment.")
            return
        self.busy, self.spinner.visible, self.link.visible = True, True, False
        self.words.text = f"Gathering the records as at {uk(request.as_of)}…"
        try:
            # Read at the moment it is asked for, as whoever the viewer is now (the page may be hours old).
            gathered = await write(lambda who: gather_for(who, request), needs=ANY_USER)
            if not gathered.ok or gathered.value is None:
                self.words.text = gathered.message or "The report was not finished; try again."
                return
            data = gathered.value
            self.words.text = f"Drawing the PDF: {describe(data)}…"
            pdf = await draw_off_the_loop(data)
        except TrackerError as exc:
            self.words.text = sentence(exc.message)
            ui.notify(sentence(exc.message), type="negative", multi_line=True, close_button="Close")
            return
        finally:
            self.busy, self.spinner.visible = False, False
        self.offer(filename(request), pdf)

    def offer(self, name: str, content: bytes, media_type: str = "application/pdf",
              still_allowed: Callable[[access.Viewer], None] | None = None) -> None:
        token = remember(self.viewer.user_id, name, content, media_type, still_allowed)
        self.words.text = f"Ready: {name} ({len(content) / 1024:,.0f} KB). The download should start by itself."
        attrs(self.link, href=f"/reports/ready/{token}")
        self.link.visible = True
        ui.download.from_url(f"/reports/ready/{token}")

    async def make_pack(self, kind: str, name: str, as_of: date) -> None:
        if self.busy:
            ui.notify("A report is already being made; it will be ready in a moment.")
            return
        self.busy, self.spinner.visible, self.link.visible = True, True, False
        self.words.text = f"Gathering the records and certificates of {name} as at {uk(as_of)}…"
        try:
            gathered = await write(pack_gatherer(kind, name, as_of, self.uploads), needs=ANY_USER)
            if not gathered.ok or gathered.value is None:
                self.words.text = gathered.message or "The evidence pack was not finished; try again."
                return
            material = gathered.value
            self.words.text = (f"Drawing the report and {len(material.statements):,} statements, and packing "
                               f"{len(material.certificates):,} certificates…")
            pack = await assemble_off_the_loop(material)
        except TrackerError as exc:
            self.words.text = sentence(exc.message)
            ui.notify(sentence(exc.message), type="negative", multi_line=True, close_button="Close")
            return
        finally:
            self.busy, self.spinner.visible = False, False
        self.offer(pack_filename(kind, name, as_of), pack, ZIP, pack_still_allowed(kind, name, as_of))


def _button(label: str, action, marker: str) -> ui.button:  # type: ignore[no-untyped-def]
    return ui.button(label, icon="picture_as_pdf", on_click=action).props("no-caps").mark(marker)


def view_path(request: ReportRequest) -> str:
    """The report's accessible twin: the same data as a web page (headings, tables, charts as tables)."""
    query = {"name": request.name, "as_of": request.as_of.isoformat()}
    if request.period_from:
        query["from"] = request.period_from.isoformat()
    if request.period_to:
        query["to"] = request.period_to.isoformat()
    return f"{VIEW}/{request.kind}?{urlencode(query)}"


def _web_button(label: str, request_of, marker: str) -> ui.button:  # type: ignore[no-untyped-def]
    return ui.button(label, icon="article", on_click=lambda: ui.navigate.to(view_path(request_of()))).props(
        "outline no-caps"
    ).mark(marker)


def _scope_panel(kind: str, names: tuple[str, ...], page_as_of: date, progress: Progress, by: str) -> None:
    title = "Employer compliance report" if kind == "employer" else "PCN compliance report"
    with panel():
        heading(title, 2)
        muted("Headline figures and charts, the training matrix, supervision month by month and the exceptions"
              + (", with the employers compared." if kind == "pcn" else "."))
        chosen = ui.select(list(names), value=names[0], label="Employer" if kind == "employer" else "PCN")
        chosen.mark(f"{kind}-choice")
        with ui.row().classes("gap-2"):
            _button("Make the PDF", lambda: progress.make(ReportRequest(kind, chosen.value, page_as_of, by)),
                    f"make-{kind}")
            _web_button("Read it as a web page", lambda: ReportRequest(kind, chosen.value, page_as_of, by),
                        f"view-{kind}")


def _pack_panel(offered: ReportChoices, page_as_of: date, progress: Progress) -> None:
    scopes = {f"employer:{n}": f"Employer: {n}" for n in offered.employers}
    scopes |= {f"pcn:{n}": f"PCN: {n}" for n in offered.pcns}
    with panel():
        heading("Inspection evidence pack", 2)
        muted("One ZIP for an inspector: the compliance report, a statement per person, every approved certificate "
              "on file and a supervision summary, with an index (CSV and PDF). Never the private supervision notes.")
        chosen = ui.select(scopes, value=next(iter(scopes)), label="For").mark("evidence-choice")

        async def make() -> None:
            kind, _, name = str(chosen.value).partition(":")
            await progress.make_pack(kind, name, page_as_of)

        ui.button("Make the evidence pack", icon="folder_zip", on_click=make).props("no-caps").mark("make-evidence")


NAMES_ANY_PERSON = ("lead", "admin")  # reports.rights.choices: leads and administrators may name anyone in scope


def _person_select(label: str, as_of: date, marker: str) -> ui.select:
    """Choose a person in the user's scope by name or staff id, searched on the server as they type (checked
    afresh that they still may name anyone; the report checks the person again when it is made)."""

    async def find(words: str) -> dict[str, str] | None:
        return await read_as(lambda who: find_to_choose(who, as_of, words), needs=NAMES_ANY_PERSON)

    return search_select(label, find).classes("min-w-[22rem]").props("outlined clearable").mark(marker)


def _person_panel(offered: ReportChoices, page_as_of: date, progress: Progress, by: str) -> None:
    with panel():
        heading("Compliance statement", 2)
        muted("Everything one person's compliance rests on, for appraisal or inspection.")
        if offered.own_staff_id:
            own = offered.own_staff_id
            with ui.row().classes("gap-2"):
                _button("My compliance statement",
                        lambda: progress.make(ReportRequest("person", own, page_as_of, by)), "make-own-statement")
                _web_button("Read it as a web page", lambda: ReportRequest("person", own, page_as_of, by),
                            "view-own-statement")
        if offered.any_person:
            staff_id = _person_select("Person (type part of a name)", page_as_of, "statement-staff-id")
            with ui.row().classes("gap-2"):
                _button("Make the statement",
                        lambda: progress.make(ReportRequest("person", staff_id.value or "", page_as_of, by)),
                        "make-statement")
                _web_button("Read it as a web page",
                            lambda: ReportRequest("person", staff_id.value or "", page_as_of, by), "view-statement")


def _log_panel(offered: ReportChoices, page_as_of: date, progress: Progress, by: str) -> None:
    with panel():
        heading("Supervisor's log", 2)
        muted("Sessions given in a period, with supervisees, kinds and minutes (never the private notes). "
              "Leave the dates empty for the 12 months up to the as-at date.")
        with ui.row().classes("items-end gap-4"):
            start = date_input("From")
            end = date_input("To")
            staff_id = (_person_select("Supervisor (type part of a name)", page_as_of, "log-staff-id")
                        if offered.any_person else None)

        async def make(own: bool) -> None:
            try:
                period = (read_date(start, "from"), read_date(end, "to"))
            except ValidationError as exc:
                ui.notify(sentence(exc.message), type="negative")
                return
            who = offered.own_staff_id if own or staff_id is None else (staff_id.value or "")
            await progress.make(ReportRequest("supervisor", who or "", page_as_of, by, *period))

        if offered.own_log:
            own = offered.own_staff_id or ""
            with ui.row().classes("gap-2"):
                _button("My supervisor's log", lambda: make(True), "make-own-log")
                _web_button("Read it as a web page", lambda: ReportRequest("supervisor", own, page_as_of, by),
                            "view-own-log")
        if staff_id is not None:
            _button("Make the log", lambda: make(False), "make-log")


async def reports_page() -> None:
    async with frame("Reports (PDF)", nav_path=PATH) as page:
        viewer = page.viewer
        offered = await threads.io_bound(choices, viewer)
        if offered is None:
            return
        if not (offered.employers or offered.pcns or offered.any_person or offered.own_staff_id):
            raise PermissionDenied("your sign-in is not linked to a person or a team to report on")
        muted(f"Every report is as at {uk(page.as_of)}; pick another date with the date button at the top. "
              "Large reports take a few seconds: this page says what it is doing.")
        progress = Progress(viewer, uploads_dir(page.settings))
        by = viewer.display_name
        if offered.employers:
            _scope_panel("employer", offered.employers, page.as_of, progress, by)
        if offered.pcns:
            _scope_panel("pcn", offered.pcns, page.as_of, progress, by)
        if offered.employers or offered.pcns:
            _pack_panel(offered, page.as_of, progress)
        _person_panel(offered, page.as_of, progress, by)
        if offered.own_log or offered.any_person:
            _log_panel(offered, page.as_of, progress, by)


def _direct_request(viewer: access.Viewer, kind: str, params: dict[str, str], today: date) -> ReportRequest:
    as_of = parse_optional_date(params.get("as_of"), "as_of") or today
    if as_of > today:
        raise ValidationError("as_of: the as-at date cannot be in the future", "as_of")
    return ReportRequest(kind, params.get("name", ""), as_of, viewer.display_name,
                         parse_optional_date(params.get("from"), "from"), parse_optional_date(params.get("to"), "to"))


Download = tuple[bytes, str, str]  # the content, its file name and its media type


async def direct_download(
    request: Request, kind: str, kinds: tuple[str, ...], unknown: str,
    make: Callable[[access.Viewer, ReportRequest], Awaitable[Download]],
) -> Response:
    """A report or pack built straight from its address: signed in, a known kind, the request's dates checked,
    rights refused with 403, any other problem said in plain text."""
    viewer = auth.viewer_of(request)
    if viewer is None:
        return forbidden()
    if kind not in kinds:
        return PlainTextResponse(unknown, status_code=404)
    try:
        today = clock.today(settings_of(request).timezone)
        content, name, media_type = await make(viewer, _direct_request(viewer, kind, dict(request.query_params), today))
    except PermissionDenied as exc:
        return forbidden(sentence(exc.message))
    except TrackerError as exc:
        return PlainTextResponse(sentence(exc.message), status_code=404 if isinstance(exc, NotFound) else 400)
    return pdf_response(content, name, media_type)


async def web_report(request: Request, kind: str) -> None:
    """GET /reports/view/{kind}?name=...&as_of=...: the report as a page, gathered as the viewer may have it."""
    viewer = auth.viewer_of(request)
    data: ReportData | None = None
    problem: TrackerError | None = None
    try:
        if kind not in KINDS:
            raise NotFound(f"There is no {kind} report; use one of {', '.join(KINDS)}")
        if viewer is None:
            raise PermissionDenied("you are not signed in")
        today = clock.today(settings_of(request).timezone)
        asked = replace(_direct_request(viewer, kind, dict(request.query_params), today), kept=True)  # a page read
        data = await threads.io_bound(gather_for, viewer, asked)
    except TrackerError as exc:
        problem = exc
    subject = data.scope_name if isinstance(data, ScopeReportData) else data.name if data is not None else ""
    title = f"{data.meta.title}: {subject}" if data is not None else "Report"
    async with frame(title, breadcrumbs=[("Reports", PATH)], nav_path=PATH):
        if isinstance(problem, (PermissionDenied, NotFound)):
            raise problem
        if problem is not None:
            refusal(sentence(problem.message), title="This report cannot be made")
        elif data is not None:
            report_html.draw(data)


def register() -> None:
    add_nav(PATH, "Reports (PDF)", "picture_as_pdf", "Team", lambda v: v.is_lead or v.is_admin, order=60)
    add_nav(MINE, "My reports (PDF)", "picture_as_pdf", "My work",
            lambda v: v.person_id is not None and not (v.is_lead or v.is_admin), order=80)
    ui.page(PATH, response_timeout=30)(reports_page)
    ui.page(MINE, response_timeout=30)(reports_page)
    ui.page(VIEW + "/{kind}", response_timeout=60)(web_report)

    @app.get("/reports/ready/{token}", include_in_schema=False)
    async def ready(request: Request, token: str) -> Response:
        viewer = auth.viewer_of(request)
        prepared = collect(token, viewer.user_id) if viewer is not None else None
        if prepared is None:
            return PlainTextResponse("This report is no longer waiting; make it again.", status_code=404)
        if prepared.still_allowed is not None:
            try:  # the user as they are now (a lead may have lost the scope since it was made)
                await threads.io_bound(prepared.still_allowed, viewer)
            except PermissionDenied as exc:
                return forbidden(sentence(exc.message))
            except TrackerError as exc:
                return PlainTextResponse(sentence(exc.message), status_code=404)
        return pdf_response(prepared.pdf, prepared.filename, prepared.media_type)

    @app.get("/reports/pdf/{kind}", include_in_schema=False)
    async def direct(request: Request, kind: str) -> Response:
        async def report_pdf(viewer: access.Viewer, report: ReportRequest) -> Download:
            return await produce(viewer, report), filename(report), "application/pdf"

        return await direct_download(request, kind, KINDS, f"There is no {kind} report; use one of "
                                     f"{', '.join(KINDS)}.", report_pdf)

    @app.get(EVIDENCE + "/{kind}", include_in_schema=False)
    async def evidence(request: Request, kind: str) -> Response:
        uploads = uploads_dir(settings_of(request))

        async def pack_zip(viewer: access.Viewer, report: ReportRequest) -> Download:
            material = await threads.io_bound(gather_pack_for, viewer, kind, report.name, report.as_of, uploads)
            if material is None:
                raise TrackerError(STOPPING)
            return await assemble_off_the_loop(material), pack_filename(kind, report.name, report.as_of), ZIP

        return await direct_download(request, kind, PACK_KINDS,
                                     f"There is no {kind} evidence pack; use employer or pcn.", pack_zip)
