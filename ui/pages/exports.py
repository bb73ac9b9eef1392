"""Downloads of the table views as CSV or Excel, with the view's filters, limited to what the user may see.

`/exports/{view}.{csv|xlsx}` for view = matrix, people, training, sessions, absences (leads and admins; the
same query parameters as the matrix page: employer, role, pcn, status, q, and as_of=yyyy-mm-dd) and audit
(admins; from, to, who, entity). `/exports/everything.zip?format=csv|xlsx` (admins) is the whole data set
as import files. `/exports/my-data.zip` is the signed-in person's own data (a subject access request);
`/exports/my-calendar.ics` their calendar. A table page links here with its current parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from nicegui import app

from reports.subject_access import build_zip
from tracker import access, clock
from tracker.access import Scope
from tracker.dates import parse_optional_date
from tracker.errors import NotFound, PermissionDenied, TrackerError
from tracker.ids import optional_id
from tracker.services.evidence import uploads_dir
from tracker.views import exports
from tracker.views.calendar_ics import user_feed
from tracker.views.export_bundle import bundle_zip
from ui import auth
from ui.actions import read
from ui.app_settings import notes_key_of_app, settings_of
from ui.layout import forbidden

VIEWS = ("matrix", "people", "training", "sessions", "absences", "audit")
RAGS = ("red", "amber", "green")


def scoped_filters(viewer: access.Viewer, params: dict[str, str]) -> exports.ExportFilters:
    """The page's filters inside the viewer's rights: a lead cannot widen their scope by a parameter."""
    scope = access.lead_scope(viewer)  # PermissionDenied for anyone but leads and admins
    employer, pcn = optional_id(params.get("employer"), "employer"), optional_id(params.get("pcn"), "PCN")
    if scope.employer_id is not None and employer not in (None, scope.employer_id):
        raise PermissionDenied("that employer is outside your team")
    if scope.pcn_id is not None and pcn not in (None, scope.pcn_id):
        raise PermissionDenied("that PCN is outside your team")
    status = params.get("status") or None
    return exports.ExportFilters(
        scope=Scope(employer_id=scope.employer_id or employer, pcn_id=scope.pcn_id or pcn),
        role=params.get("role") or None,
        rag=status if status in RAGS else None,
        search=(params.get("q") or "").strip()[:100],
    )


def build_view(viewer: access.Viewer, view: str, fmt: str, params: dict[str, str], today: date) -> bytes:
    as_of = parse_optional_date(params.get("as_of"), "as_of") or today
    if view == "audit":
        access.require(viewer, access.ADMIN)
        table = exports.audit_table(
            parse_optional_date(params.get("from"), "from"), parse_optional_date(params.get("to"), "to"),
            params.get("who") or None, params.get("entity") or None,
        )
        return exports.write(table, fmt)
    filters = scoped_filters(viewer, params)
    tables: dict[str, Callable[[], exports.ExportTable]] = {
        "matrix": lambda: exports.compliance_matrix(as_of, filters),
        "people": lambda: exports.people_table(as_of, filters),
        "training": lambda: exports.training_table(as_of, filters),
        "sessions": lambda: exports.sessions_table(as_of, filters, date_from=parse_optional_date(
            params.get("from"), "from"), date_to=parse_optional_date(params.get("to"), "to")),
        "absences": lambda: exports.absences_table(as_of, filters),
    }
    return exports.write(tables[view](), fmt)


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    })


def _refusal(exc: TrackerError) -> Response:
    if isinstance(exc, PermissionDenied):
        return forbidden(exc.message)
    return PlainTextResponse(exc.message, status_code=404 if isinstance(exc, NotFound) else 400)


def register() -> None:
    @app.get("/exports/my-data.zip", include_in_schema=False)
    async def my_data(request: Request) -> Response:
        viewer = auth.viewer_of(request)
        if viewer is None or viewer.person_id is None:
            return forbidden("Your sign-in is not linked to a person record.")
        settings = settings_of(request)
        content = await read(build_zip, viewer, viewer.person_id, clock.today(settings.timezone), uploads_dir(settings),
                             notes_key=notes_key_of_app(request.app))
        return _download(content, "application/zip", "my-data.zip")

    @app.get("/exports/my-calendar.ics", include_in_schema=False)
    async def my_calendar(request: Request) -> Response:
        viewer = auth.viewer_of(request)
        if viewer is None:
            return forbidden()
        zone = settings_of(request).timezone
        content = await read(user_feed, viewer, clock.today(zone), clock.now(zone))
        return _download(content, "text/calendar; charset=utf-8", "tracker.ics")

    @app.get("/exports/everything.zip", include_in_schema=False)
    async def everything(request: Request, format: str = "csv") -> Response:  # noqa: A002 - the query name
        viewer = auth.viewer_of(request)
        if viewer is None or not viewer.is_admin:
            return forbidden("Only administrators export the whole data set.")
        fmt = format if format in ("csv", "xlsx") else "csv"
        today = clock.today(settings_of(request).timezone)
        content = await read(bundle_zip, today, fmt)
        return _download(content, "application/zip", f"tracker-export-{today.isoformat()}.zip")

    @app.get("/exports/{name}", include_in_schema=False)
    async def table_view(request: Request, name: str) -> Response:
        viewer = auth.viewer_of(request)
        if viewer is None:
            return forbidden()
        view, _, fmt = name.rpartition(".")
        if view not in VIEWS or fmt not in ("csv", "xlsx"):
            return PlainTextResponse("There is no such export.", status_code=404)
        params = dict(request.query_params)
        today = clock.today(settings_of(request).timezone)
        try:
            content = await read(build_view, viewer, view, fmt, params, today)
        except TrackerError as exc:
            return _refusal(exc)
        return _download(content, exports.media_type(fmt), f"{view}-{params.get('as_of') or today}.{fmt}")
