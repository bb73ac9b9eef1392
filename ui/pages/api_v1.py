"""The read-only JSON API under /api/v1/ for BI tools: people, compliance as at a date, sessions.

Every call carries `Authorization: Bearer <token>` (an API token from tracker.services.tokens); results are
limited to what the token's owner may see (tracker.access). 401 without a live token, 403 outside the
owner's rights, 404 for an unknown staff id, 400 for a date that is not a real date written dd/mm/yyyy or
yyyy-mm-dd, 422 for any other bad or unknown parameter. Paged results give the path of the next page.

The schema is served at /api/v1/openapi.json and, as a page to read, at /api/v1/docs (both public: they hold
no data). The app's sign-in middleware must let /api/v1/ through: these routes check the token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from nicegui import app
from pydantic import BaseModel

from tracker import access, clock
from tracker.access import Scope
from tracker.dates import parse_date
from tracker.errors import NotFound, PermissionDenied, ValidationError
from tracker.services import tokens
from tracker.views import api
from tracker.views.storage import connection_context
from ui import api_docs
from ui.app_settings import settings_of

PREFIX = "/api/v1"
TITLE = "Compliance tracker API"
VERSION = "1.0.0"
MAX_LIMIT = 5000

T = TypeVar("T")


class ErrorOut(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A date that is not a real date from 1900 on, written dd/mm/yyyy or yyyy-mm-dd"},
    401: {"model": ErrorOut, "description": "No valid API token"},
    403: {"model": ErrorOut, "description": "Outside the token owner's rights"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such staff id"}}

bearer = HTTPBearer(auto_error=False, description="An API token made in the app (Settings, API tokens)")

DATE_FORMS = "dd/mm/yyyy or yyyy-mm-dd"
_DATE_SHAPE = re.compile(r"\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2}", re.ASCII)  # then tracker.dates says if it is real
FIRST_YEAR = 1900  # the engine's month arithmetic has no answer near year 1; no record of this app is that old
# For the schema only (a client, and schemathesis, may generate from it): the real dates of years 1900 to 9999 in
# either form, 29 February in leap years only. Anything else is refused by _date with a 400, never FastAPI's 422.
_YEAR = r"(19\d{2}|[2-9]\d{3})"
_LEAP_YEAR = r"((19|[2-9]\d)(0[48]|[2468][048]|[13579][26])|([2468][048]|[3579][26])00)"
_DAYS_AND_MONTHS = (  # (day, month, year) alternatives
    (r"(0[1-9]|1\d|2[0-8])", r"(0[1-9]|1[0-2])", _YEAR), (r"(29|30)", r"(0[13-9]|1[0-2])", _YEAR),
    (r"31", r"(0[13578]|1[02])", _YEAR), (r"29", r"02", _LEAP_YEAR),
)
UK_DATE_PATTERN = "^(" + "|".join(f"{d}/{m}/{y}" for d, m, y in _DAYS_AND_MONTHS) + ")$"
ISO_DATE_PATTERN = "^(" + "|".join(f"{y}-{m}-{d}" for d, m, y in _DAYS_AND_MONTHS) + ")$"


def _date_query(description: str) -> Any:
    """A date query parameter: UK dd/mm/yyyy or ISO yyyy-mm-dd, checked (and parsed) in _date."""
    return Query(description=f"{description} ({DATE_FORMS}, from {FIRST_YEAR})", json_schema_extra={"anyOf": [
        {"type": "string", "format": "date", "pattern": ISO_DATE_PATTERN},
        {"type": "string", "pattern": UK_DATE_PATTERN},
    ]})


AsOf = Annotated[str | None, _date_query("the date to answer as at; default today (Europe/London)")]
DateFrom = Annotated[str | None, _date_query("sessions on or after this date")]
DateTo = Annotated[str | None, _date_query("sessions on or before this date")]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
StaffId = Annotated[str, Query(min_length=1, max_length=64, description="one person's staff id")]


def _date(value: str | None, name: str) -> date | None:
    """A real calendar date written dd/mm/yyyy or yyyy-mm-dd (parsed by tracker.dates), or a 400 saying so.
    Only those two shapes: the importers' other forms (1 Feb 2025, Excel day numbers) are not offered here."""
    if value is None:
        return None
    if not _DATE_SHAPE.fullmatch(value):
        shown = value if len(value) <= 20 else value[:20] + "…"
        raise HTTPException(400, f"{name}: '{shown}' is not a date: write it {DATE_FORMS}")
    try:
        day = parse_date(value, name)
    except ValidationError as exc:
        message = exc.message if "yyyy-mm-dd" in exc.message else f"{exc.message} (or write it yyyy-mm-dd)"
        raise HTTPException(400, f"{name}: {message}") from None
    if day.year < FIRST_YEAR:
        raise HTTPException(400, f"{name}: '{value}' is before {FIRST_YEAR}: write a date from 01/01/{FIRST_YEAR} on, "
                                 f"{DATE_FORMS}")
    return day


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _viewer(credentials: HTTPAuthorizationCredentials | None) -> access.Viewer:
    viewer = tokens.verify(credentials.credentials if credentials else None, "api")
    if viewer is None:
        raise HTTPException(401, "a valid API token is required", headers={"WWW-Authenticate": "Bearer"})
    return viewer


def _answer(credentials: HTTPAuthorizationCredentials | None, read: Callable[[access.Viewer], T]) -> T:
    """Check the token, then read; all in this request's worker thread on a connection of its own, closed
    afterwards. Domain refusals become HTTP answers."""
    with connection_context():
        viewer = _viewer(credentials)
        try:
            return read(viewer)
        except NotFound as exc:
            raise HTTPException(404, exc.message) from None
        except PermissionDenied as exc:
            raise HTTPException(403, exc.message) from None


def today_here(request: Request) -> date:
    """Today in the app's time zone (from the settings the app was started with)."""
    return clock.today(settings_of(request).timezone)


Today = Annotated[date, Depends(today_here)]


def _as_of(value: str | None, today: date) -> date:
    return _date(value, "as_of") or today


Paged = TypeVar("Paged", api.PeoplePage, api.CompliancePage, api.SessionsPage)


def with_next(page: Paged, request: Request, day: date, offset: int, limit: int) -> Paged:
    """The page with the path and query of the one after it (None on the last page): the same parameters,
    the offset moved on, and as_of fixed to the date answered, so a walk that spans midnight reads one day."""
    if offset + limit >= page.total:
        return page
    query = dict(request.query_params) | {"as_of": day.isoformat(), "offset": str(offset + limit), "limit": str(limit)}
    return page.model_copy(update={"next": f"{request.url.path}?{urlencode(query)}"})


def only_known_parameters(request: Request) -> None:
    """A misspelt parameter (asof=) is refused rather than silently ignored: 422 naming it."""
    route = request.scope.get("route")
    known = {p.alias for p in route.dependant.query_params} if isinstance(route, APIRoute) else set()
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise RequestValidationError([{
            "type": "extra_forbidden", "loc": ("query", name), "msg": f"unknown parameter '{name}'", "input": name,
        } for name in unknown])


router = APIRouter(
    prefix=PREFIX, tags=["read-only"], responses=ERRORS, dependencies=[Depends(only_known_parameters)]
)


@router.get("/people", response_model=api.PeoplePage, summary="People employed on a date")
def list_people(
    request: Request, credentials: Credentials, today: Today, as_of: AsOf = None, offset: Offset = 0,
    limit: Limit = 1000,
) -> api.PeoplePage:
    day = _as_of(as_of, today)
    page = _answer(credentials, lambda viewer: api.people(api.visible_scope(viewer, day), day, offset, limit))
    return with_next(page, request, day, offset, limit)


@router.get("/people/{staff_id}", response_model=api.PersonOut, responses=NOT_FOUND, summary="One person")
def get_person(credentials: Credentials, today: Today, staff_id: str, as_of: AsOf = None) -> api.PersonOut:
    day = _as_of(as_of, today)

    def read(viewer: access.Viewer) -> api.PersonOut:
        pid = api.person_id_for(viewer, staff_id, day)
        page = api.people(Scope(person_ids=frozenset({pid})), day, 0, 1)
        if not page.people:
            raise NotFound(f"{staff_id} is not employed on {day.isoformat()}")
        return page.people[0]

    return _answer(credentials, read)


@router.get("/compliance", response_model=api.CompliancePage, summary="Compliance of everyone in view as at a date")
def list_compliance(
    request: Request, credentials: Credentials, today: Today, as_of: AsOf = None, offset: Offset = 0,
    limit: Limit = 1000,
) -> api.CompliancePage:
    day = _as_of(as_of, today)
    page = _answer(credentials, lambda viewer: api.compliance(api.visible_scope(viewer, day), day, offset, limit))
    return with_next(page, request, day, offset, limit)


@router.get(
    "/compliance/{staff_id}", response_model=api.ComplianceOut, responses=NOT_FOUND,
    summary="One person's compliance as at a date",
)
def get_compliance(credentials: Credentials, today: Today, staff_id: str, as_of: AsOf = None) -> api.ComplianceOut:
    day = _as_of(as_of, today)

    def read(viewer: access.Viewer) -> api.ComplianceOut:
        pid = api.person_id_for(viewer, staff_id, day)
        page = api.compliance(Scope(person_ids=frozenset({pid})), day, 0, 1)
        if not page.people:
            raise NotFound(f"{staff_id} is not employed on {day.isoformat()}")
        return page.people[0]

    return _answer(credentials, read)


@router.get("/sessions", response_model=api.SessionsPage, responses=NOT_FOUND, summary="Supervision sessions")
def list_sessions(
    request: Request,
    credentials: Credentials,
    today: Today,
    as_of: AsOf = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    staff_id: StaffId | None = None,
    offset: Offset = 0,
    limit: Limit = 1000,
) -> api.SessionsPage:
    day = _as_of(as_of, today)
    start, end = _date(date_from, "date_from"), _date(date_to, "date_to")  # a reversed range holds nothing

    def read(viewer: access.Viewer) -> api.SessionsPage:
        pid = api.person_id_for(viewer, staff_id, day) if staff_id else None
        return api.sessions(viewer, day, start, end, pid, offset, limit)

    return with_next(_answer(credentials, read), request, day, offset, limit)


def openapi_schema() -> dict[str, Any]:
    return get_openapi(
        title=TITLE,
        version=VERSION,
        description=__doc__ or "",
        routes=router.routes,
    )


@router.get("/openapi.json", include_in_schema=False)
def openapi_json() -> dict[str, Any]:
    return openapi_schema()


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs_html() -> HTMLResponse:
    """The schema as a page people read (no script, every text escaped); public like the schema: it holds no data."""
    return HTMLResponse(api_docs.render(openapi_schema(), f"{PREFIX}/openapi.json"))


def register() -> None:
    """Add the API routes to NiceGUI's app (once; NiceGUI clears routes between tests, so check the app)."""
    if registered_count() == 0:
        app.include_router(router)


def registered_count() -> int:
    """How many times the API is in the app (FastAPI 0.16x keeps an included router as one entry)."""
    return sum(
        1 for r in app.routes
        if getattr(r, "original_router", None) is router or getattr(r, "path", "") == PREFIX + "/people"
    )
