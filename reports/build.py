"""One way in for every caller (command line, app, monthly job): a request, its data, its PDF, its file name.

`gather` reads the database (run it where the database is connected); `render` is pure and picklable, so the
app can run it in another process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from reports.employer import build_scope_pdf
from reports.person import build_person_pdf
from reports.supervisor import build_supervisor_pdf
from tracker.access import Scope
from tracker.compliance import collector_paused
from tracker.views.report_data import (
    PersonStatementData,
    ScopeReportData,
    SupervisorLogData,
    person_statement_data,
    scope_report_data,
    supervisor_log_data,
)
from tracker.views.team_cache import CACHE

KINDS = ("employer", "pcn", "person", "supervisor")
ReportData = ScopeReportData | PersonStatementData | SupervisorLogData


@dataclass(frozen=True)
class ReportRequest:
    kind: str  # employer | pcn | person | supervisor
    name: str  # employer name, PCN name, or staff id
    as_of: date
    generated_by: str = "command line"
    period_from: date | None = None  # supervisor's log only
    period_to: date | None = None
    scope: Scope | None = None  # supervisor's log only: the lead's people it is limited to (reports.rights)
    cached: bool = False  # employer and PCN: from the app's team cache (reports.rights.gather_for)
    kept: bool = False  # and read as a page: the scope's snapshot made and kept in the cache, as a dashboard's is

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown report kind {self.kind!r}; use one of {', '.join(KINDS)}")


def gather(request: ReportRequest) -> ReportData:
    """The report's data; raises NotFound for an unknown name, ValidationError for a bad period."""
    if request.kind in ("employer", "pcn"):
        return scope_report_data(request.kind, request.name, request.as_of, request.generated_by,
                                 cache=CACHE if request.cached else None, keep=request.kept)
    if request.kind == "person":
        return person_statement_data(request.name, request.as_of, request.generated_by)
    return supervisor_log_data(
        request.name, request.as_of, request.period_from, request.period_to, request.generated_by, scope=request.scope
    )


def render(data: ReportData) -> bytes:
    """The PDF for gathered data (pure: no database, no clock).

    Drawn with Python's cycle collector paused: a big report's cells are hundreds of thousands of short-lived
    strings and tuples, each wave of which made the collector walk the whole gathered population again (a
    tenth of the 10,000-person report's drawing); the few cycles reportlab leaves are collected after."""
    with collector_paused():
        if isinstance(data, ScopeReportData):
            return build_scope_pdf(data)
        if isinstance(data, PersonStatementData):
            return build_person_pdf(data)
        return build_supervisor_pdf(data)


def produce(request: ReportRequest) -> bytes:
    return render(gather(request))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "report"


def filename(request: ReportRequest) -> str:
    """e.g. compliance-employer-northside-community-trust-2026-11-22.pdf"""
    prefix = {"employer": "compliance-employer", "pcn": "compliance-pcn", "person": "statement",
              "supervisor": "supervisor-log"}[request.kind]
    return f"{prefix}-{slug(request.name)}-{request.as_of.isoformat()}.pdf"
