"""Compliance PDFs: a 1,000-person report (target 3 s), the largest employer's, a PCN's, a one-person statement
(target 150 ms) and a supervisor's log, each split into gathering the data and drawing the PDF.

The synthetic population has no employer of 1,000, so the 1,000-person report is the employer report's
layout over the first 1,000 people employed in a PCN on the date (its trend is 12 snapshots like any other).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench import Bench, section
from reports.build import ReportRequest, gather, render
from reports.data import scope_data
from tracker.models import Employment, Organisation, Pcn, Person, SupervisionSession
from tracker.population import Scope

REPORT_TARGET = 3.0
STATEMENT_TARGET = 0.15


def _split(b: Bench, label: str, collect: Callable[[], Any], target: float | None = None) -> None:
    """Time collect-then-render as a whole (median of the repeats), and each half once more for the detail."""
    total = b.timed(lambda: render(collect()), repeats=min(b.repeats, 3))
    started = time.perf_counter()
    data = collect()
    gathered = time.perf_counter() - started
    started = time.perf_counter()
    pdf = render(data)
    drawn = time.perf_counter() - started
    b.report(label, total, target=target)
    b.note(f"    data {gathered:.3f} s, PDF {drawn:.3f} s, {len(pdf) / 1024:,.0f} KB")


def _employed_in(pcn_id: int, b: Bench, limit: int) -> frozenset[int]:
    query = (
        Employment.select(Employment.person)
        .where(
            (Employment.pcn == pcn_id)
            & (Employment.start_date <= b.as_of)
            & (Employment.end_date.is_null() | (Employment.end_date >= b.as_of))
        )
        .order_by(Employment.person)
        .distinct()
        .limit(limit)
    )
    return frozenset(pid for (pid,) in query.tuples())


def _largest_employer(b: Bench) -> Organisation:
    active = (Employment.start_date <= b.as_of) & (Employment.end_date.is_null() | (Employment.end_date >= b.as_of))
    counts: dict[int, int] = {}
    for (employer,) in Employment.select(Employment.employer).where(active).tuples():
        counts[employer] = counts.get(employer, 0) + 1
    return Organisation.get_by_id(max(counts, key=lambda k: counts[k]))


@section("reports", "compliance PDFs: employer of 1,000, PCN, one-person statement, supervisor's log")
def reports(b: Bench) -> None:
    pcn = Pcn.select().order_by(Pcn.id).first()
    thousand = _employed_in(pcn.id, b, 1000)
    _split(
        b,
        f"employer report, {len(thousand):,} people",
        lambda: scope_data("employer", Scope(person_ids=thousand), f"{len(thousand):,} people of {pcn.name}",
                           b.as_of, "bench"),
        target=REPORT_TARGET,
    )
    employer = _largest_employer(b)
    _split(b, "employer report, largest employer", lambda: gather(ReportRequest("employer", employer.name, b.as_of)))
    _split(b, f"PCN report, {pcn.name}", lambda: gather(ReportRequest("pcn", pcn.name, b.as_of)))
    person = Person.get_by_id(min(thousand))
    _split(b, "one-person statement", lambda: gather(ReportRequest("person", person.staff_id, b.as_of)),
           target=STATEMENT_TARGET)
    busiest = (
        SupervisionSession.select(SupervisionSession.supervisor)
        .where(SupervisionSession.date <= b.as_of)
        .order_by(SupervisionSession.supervisor)
        .first()
    )
    supervisor = Person.get_by_id(busiest.supervisor_id)
    _split(b, "supervisor's log, 12 months",
           lambda: gather(ReportRequest("supervisor", supervisor.staff_id, b.as_of)))
