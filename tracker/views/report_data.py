"""Everything a report shows, gathered from the database into plain dataclasses.

Statuses come only from the rules engine through tracker.views.population; this module adds the descriptive facts
(names, employment history, sessions) that the engine does not need. Renderers never touch the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker import clock
from tracker import compliance as c
from tracker.access import Scope
from tracker.dates import add_months, last_months, uk
from tracker.errors import NotFound, ValidationError
from tracker.models import Organisation, Pcn, Person
from tracker.views.policy_comparison import PolicyComparison, compare_policies
from tracker.views.population import (
    load_rules,
    people_in_scope,
    person_compliance,
    snapshot,
    trend_summaries,
)
from tracker.views.profile import RecordView, records_of
from tracker.views.report_details import (
    AbsenceRow,
    AcknowledgementRow,
    AssignmentRow,
    AttendedSession,
    EmploymentRow,
    GivenSession,
    absences_of,
    acknowledgements_of,
    assignments_of,
    employments_of,
    sessions_attended,
    sessions_given,
)
from tracker.views.team_cache import TeamCache
from tracker.views.team_views import TrendPoint, trend_days

__all__ = [
    "AbsenceRow", "AcknowledgementRow", "AssignmentRow", "AttendedSession", "EmploymentRow", "GivenSession",
    "RecordView", "PolicyComparison",
]


@dataclass(frozen=True)
class Meta:
    """Who, what and when, printed on the cover and in every footer."""

    title: str
    scope_label: str
    as_of: date
    generated_at: datetime
    generated_by: str


@dataclass(frozen=True)
class EmployerColumn:
    employer_id: int
    name: str
    kind: str
    summary: c.Summary


@dataclass(frozen=True)
class ScopeReportData:
    """An employer's or a PCN's compliance as at a date."""

    kind: str  # "employer" | "pcn"
    scope_name: str
    meta: Meta
    summary: c.Summary
    courses: tuple[tuple[str, str], ...]  # (code, name) of every course required of someone in scope
    people: tuple[c.PersonCompliance, ...]  # sorted by employer then name
    months: tuple[date, ...]  # first days of the 12 months up to as_of
    trend: tuple[TrendPoint, ...]
    employers: tuple[EmployerColumn, ...] = ()  # PCN only
    policies: PolicyComparison | None = None  # PCN only
    # (name, why) of people whose named clinical supervisor is not of the kind their role expects
    supervisor_warnings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PersonStatementData:
    meta: Meta
    staff_id: str
    name: str
    email: str | None
    profession: str | None
    compliance: c.PersonCompliance
    employments: tuple[EmploymentRow, ...]
    supervisors: tuple[AssignmentRow, ...]
    sessions: tuple[AttendedSession, ...]
    training: tuple[RecordView, ...]
    absences: tuple[AbsenceRow, ...]
    acknowledgements: tuple[AcknowledgementRow, ...]


@dataclass(frozen=True)
class SupervisorLogData:
    meta: Meta
    staff_id: str
    name: str
    period_from: date
    period_to: date
    sessions: tuple[GivenSession, ...]
    supervisees: tuple[AssignmentRow, ...]  # named supervision relationships active at the end of the period
    scope_note: str = ""  # for a lead: whose sessions the log is limited to


# ---- finding what a report is about -------------------------------------------------------------------


def find_employer(name: str) -> Organisation:
    return _by_name(Organisation, name, "employer")


def find_pcn(name: str) -> Pcn:
    return _by_name(Pcn, name, "PCN")


def _by_name(model, name: str, what: str):  # type: ignore[no-untyped-def]
    wanted = name.strip()
    row = model.get_or_none(model.name == wanted)
    if row is None:
        matches = [r for r in model.select() if r.name.casefold() == wanted.casefold()]
        row = matches[0] if len(matches) == 1 else None
    if row is None:
        raise NotFound(f"No {what} called '{wanted}'")
    return row


def find_person(staff_id: str) -> Person:
    row = Person.get_or_none(Person.staff_id == staff_id.strip())
    if row is None:
        raise NotFound(f"No person with staff id '{staff_id.strip()}'")
    return row


def _meta(title: str, scope_label: str, as_of: date, generated_by: str, generated_at: datetime | None) -> Meta:
    return Meta(title, scope_label, as_of, generated_at or clock.now(), generated_by)


# ---- employer and PCN reports -------------------------------------------------------------------------


def scope_report_data(
    kind: str,
    name: str,
    as_of: date,
    generated_by: str = "command line",
    generated_at: datetime | None = None,
    cache: TeamCache | None = None,
    keep: bool = False,
) -> ScopeReportData:
    """kind "employer" or "pcn"; raises NotFound for an unknown name."""
    if kind == "employer":
        employer = find_employer(name)
        return scope_data(kind, Scope(employer_id=employer.id), employer.name, as_of, generated_by, generated_at,
                          cache, keep)
    if kind == "pcn":
        pcn = find_pcn(name)
        return scope_data(kind, Scope(pcn_id=pcn.id), pcn.name, as_of, generated_by, generated_at, cache, keep)
    raise ValueError(f"unknown report kind {kind!r}")


def scope_data(
    kind: str,
    scope: Scope,
    scope_name: str,
    as_of: date,
    generated_by: str = "command line",
    generated_at: datetime | None = None,
    cache: TeamCache | None = None,
    keep: bool = False,
) -> ScopeReportData:
    """The report's data for any population the loader can scope (an employer, a PCN, given people).

    With a cache (the app's tracker.views.team_cache.CACHE), the people's results are the cache's snapshot of
    the scope when it keeps one (always current: it is checked against the data on every read; none is made
    for a PDF, which would push a lead's team out of the few kept; `keep`, for the report read as a page, makes
    and keeps one as the dashboard does) and the past month ends' figures the trend's cached ones (kept up to
    its PAST_MONTHS_FRESH), instead of being worked out again."""
    label = f"Primary Care Network: {scope_name}" if kind == "pcn" else f"Employer: {scope_name}"
    title = "PCN compliance report" if kind == "pcn" else "Employer compliance report"
    rules = load_rules()
    kept = None if cache is None else cache.snapshot(scope, as_of) if keep else cache.kept_snapshot(scope, as_of)
    if kept is None:
        results = snapshot(as_of, scope, rules)
    else:  # in the snapshot's order (by person id), so that people of one name keep the same order
        results = sorted((m.result for m in kept.members), key=lambda r: r.person_id)
    people = sorted(results, key=_person_order)
    used = {s.course for p in people for s in p.training}
    courses = tuple((code, info.name) for code, info in rules.courses.items() if code in used)
    employers: tuple[EmployerColumn, ...] = ()
    policies = None
    summary = c.summarise(people, as_of)
    if kind == "pcn":
        employers = _employer_columns(people, as_of)
        policies = compare_policies([(e.employer_id, e.name) for e in employers], rules)
    return ScopeReportData(
        kind=kind,
        scope_name=scope_name,
        meta=_meta(title, label, as_of, generated_by, generated_at),
        summary=summary,
        courses=courses,
        people=tuple(people),
        months=tuple(last_months(as_of, c.MONTHS_SHOWN)),
        trend=tuple(trend(as_of, scope, rules, people, summary, cache)),
        employers=employers,
        policies=policies,
        supervisor_warnings=_supervisor_warnings(people, as_of),
    )


def _supervisor_warnings(people: list[c.PersonCompliance], as_of: date) -> tuple[tuple[str, str], ...]:
    from tracker.services.assignments import supervisor_warnings

    found = supervisor_warnings(as_of, [p.person_id for p in people])
    return tuple((p.name, found[p.person_id]) for p in people if p.person_id in found)


def _person_order(p: c.PersonCompliance) -> tuple[str, str, str]:
    employer = p.employment.employer_name if p.employment else ""
    surname = p.name.rsplit(" ", 1)[-1]
    return (employer.casefold(), surname.casefold(), p.name.casefold())


def trend(
    as_of: date,
    scope: Scope,
    rules: c.Rules,
    current: list[c.PersonCompliance] | None = None,
    current_summary: c.Summary | None = None,
    cache: TeamCache | None = None,
) -> list[TrendPoint]:
    """Overall compliance (% green) at each month end: a snapshot as at that day, by the same engine. The as-at
    date's point is `current`'s summary (given as `current_summary` when the caller has already made it); with
    a cache, the past month ends are the cache's."""
    days = trend_days(as_of)
    wanted = [d for d in days if d != as_of or current is None]
    computed = trend_summaries(wanted, scope, rules) if cache is None else cache.past_summaries(scope, wanted)
    points = []
    for day in days:
        if day == as_of and current is not None:
            summary = current_summary if current_summary is not None else c.summarise(current, day)
        else:
            summary = computed[day]
        points.append(TrendPoint(day, summary))
    return points


def _employer_columns(people: Iterable[c.PersonCompliance], as_of: date) -> tuple[EmployerColumn, ...]:
    groups: dict[int, list[c.PersonCompliance]] = {}
    for p in people:
        if p.employment is not None:
            groups.setdefault(p.employment.employer_id, []).append(p)
    kinds: dict[int, str] = dict(Organisation.select(Organisation.id, Organisation.kind).where(
        Organisation.id.in_(list(groups))).tuples()) if groups else {}
    columns = [
        EmployerColumn(eid, group[0].employment.employer_name, kinds.get(eid, "other"), c.summarise(group, as_of))
        for eid, group in groups.items()
    ]
    return tuple(sorted(columns, key=lambda e: e.name.casefold()))


# ---- one person ---------------------------------------------------------------------------------------


def person_statement_data(
    staff_id: str,
    as_of: date,
    generated_by: str = "command line",
    generated_at: datetime | None = None,
) -> PersonStatementData:
    person = find_person(staff_id)
    rules = load_rules()
    result = person_compliance(person.id, as_of, rules)
    assert result is not None  # the person exists, so the loader finds them
    window_start = last_months(as_of, c.MONTHS_SHOWN)[0]
    return PersonStatementData(
        meta=_meta("Compliance statement", f"{person.name} ({person.staff_id})", as_of, generated_by, generated_at),
        staff_id=person.staff_id,
        name=person.name,
        email=person.email,
        profession=person.profession,
        compliance=result,
        employments=tuple(employments_of(person.id, as_of)),
        supervisors=tuple(assignments_of(person.id, as_of, supervisor_side=False)),
        sessions=tuple(sessions_attended(person.id, window_start, as_of)),
        training=tuple(records_of(person.id, as_of)),
        absences=tuple(absences_of(person.id, as_of)),
        acknowledgements=tuple(acknowledgements_of(person.id, as_of)),
    )


# ---- a supervisor's log -------------------------------------------------------------------------------


def default_period(as_of: date) -> tuple[date, date]:
    """The 12 months up to and including as_of."""
    return add_months(as_of, -12) + timedelta(days=1), as_of


def supervisor_log_data(
    staff_id: str,
    as_of: date,
    period_from: date | None = None,
    period_to: date | None = None,
    generated_by: str = "command line",
    generated_at: datetime | None = None,
    scope: Scope | None = None,
) -> SupervisorLogData:
    """Sessions given in the period (never after as_of); the period defaults to the 12 months up to as_of.

    With a scope (a lead's), only the supervisees in it on as_of are listed, and only the sessions one of them
    attended: nobody outside the scope appears, by name, date, minutes or confirmation."""
    person = find_person(staff_id)
    default_from, default_to = default_period(as_of)
    start = period_from or default_from
    end = min(period_to or default_to, as_of)
    if start > end:
        raise ValidationError(f"the period starts ({start:%d/%m/%Y}) after it ends ({end:%d/%m/%Y})", "from")
    only = people_in_scope(scope, as_of) if scope is not None and scope.by_place else None
    return SupervisorLogData(
        meta=_meta("Supervisor's log", f"{person.name} ({person.staff_id})", as_of, generated_by, generated_at),
        staff_id=person.staff_id,
        name=person.name,
        period_from=start,
        period_to=end,
        sessions=tuple(sessions_given(person.id, start, end, only)),
        supervisees=tuple(assignments_of(person.id, end, supervisor_side=True, only=only)),
        scope_note="" if only is None else (
            f"Only the supervisees of {_scope_name(scope)} on {uk(as_of)} are shown, and only the sessions "
            "they attended."),
    )


def _scope_name(scope: Scope | None) -> str:
    if scope is not None and scope.employer_id is not None:
        org = Organisation.get_or_none(Organisation.id == scope.employer_id)
        return f"the employer {org.name}" if org else "your employer"
    if scope is not None and scope.pcn_id is not None:
        pcn = Pcn.get_or_none(Pcn.id == scope.pcn_id)
        return f"the PCN {pcn.name}" if pcn else "your PCN"
    return "your scope"
