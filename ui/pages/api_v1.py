"""The read-only JSON API under /api/v1/ for BI tools: people, compliance as at a date, sessions.

Every call carries `Authorization: Bearer <token>` (an API token from tracker.services.tokens); results are
limited to what the token's owner may see (tracker.access). 401 without a live token, 403 outside the
owner's rights, 404 for an unknown staff id, 422 for a bad date or parameter. The schema is served at
/api/v1/openapi.json. The app's sign-in middleware must let /api/v1/ through: these routes check the token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from nicegui import app
from pydantic import BaseModel

from tracker import access, clock
from tracker.access import Scope
from tracker.errors import NotFound, PermissionDenied
from tracker.services import tokens
from tracker.views import api
from tracker.views.storage import connection_context
from ui.app_settings import settings_of

PREFIX = "/api/v1"
TITLE = "Compliance tracker API"
VERSION = "1.0.0"
MAX_LIMIT = 5000

T = TypeVar("T")


class ErrorOut(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API token"},
    403: {"model": ErrorOut, "description": "Outside the token owner's rights"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such staff id"}}

bearer = HTTPBearer(auto_error=False, description="An API token made in the app (Settings, API tokens)")

DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


def _date_query(description: str) -> Any:
    """A yyyy-mm-dd query parameter, documented as an OpenAPI date; checked as a real date in _date."""
    return Query(pattern=DATE_PATTERN, description=description, json_schema_extra={"format": "date"})


AsOf = Annotated[str | None, _date_query("yyyy-mm-dd; default today (Europe/London)")]
DateFrom = Annotated[str | None, _date_query("yyyy-mm-dd, inclusive")]
DateTo = Annotated[str | None, _date_query("yyyy-mm-dd, inclusive")]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
StaffId = Annotated[str, Query(min_length=1, max_length=64, description="one person's staff id")]


def _date(value: str | None, name: str) -> date | None:
    """A real calendar date, or a 422 in FastAPI's own error shape (the pattern has already passed)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RequestValidationError([{
            "type": "value_error", "loc": ("query", name), "msg": f"'{value}' is not a date (yyyy-mm-dd)",
            "input": value,
        }]) from None


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
    credentials: Credentials, today: Today, as_of: AsOf = None, offset: Offset = 0, limit: Limit = 1000
) -> api.PeoplePage:
    day = _as_of(as_of, today)
    return _answer(credentials, lambda viewer: api.people(api.visible_scope(viewer, day), day, offset, limit))


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
    credentials: Credentials, today: Today, as_of: AsOf = None, offset: Offset = 0, limit: Limit = 1000
) -> api.CompliancePage:
    day = _as_of(as_of, today)
    return _answer(credentials, lambda viewer: api.compliance(api.visible_scope(viewer, day), day, offset, limit))


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

    return _answer(credentials, read)


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
