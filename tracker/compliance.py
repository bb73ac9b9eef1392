"""The rules of compliance: pure functions over plain dataclasses and an as-at date.

Nothing here reads the clock or the database. The page, the reminder scan and the PDF reports all call
`assess` (one person) or `assess_all` (a population), so they cannot disagree.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from tracker.dates import add_months, days_in_month, last_months, month_end, month_start, uk

DEFAULT_WARNING_DAYS = 60
DEFAULT_NEW_STARTER_DAYS = 90
DEFAULT_MIN_MINUTES = 60
DEFAULT_KINDS = frozenset({"clinical"})
AMBER_DAYS_LEFT = 10
MONTHS_SHOWN = 12

# Course statuses
COMPLIANT, DUE_SOON, EXPIRED, MISSING, DUE = "compliant", "due_soon", "expired", "missing", "due"
# Month statuses
MET, PAUSED, IN_PROGRESS, MISSED = "met", "paused", "in_progress", "missed"
RED, AMBER, GREEN = "red", "amber", "green"


# ---- inputs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseInfo:
    code: str
    name: str
    strand: str | None = None
    level: int | None = None
    default_renewal_months: int = 36


@dataclass(frozen=True)
class RequirementRule:
    """A course required by a role (key = role code) or by an employer (key = employer id)."""

    course: str
    scope: str  # "role" | "employer"
    key: str | int
    renewal_months: int | None = None
    new_starter_days: int | None = None


@dataclass(frozen=True)
class SupervisionRuleSpec:
    scope: str  # "role" | "employer"
    key: str | int
    min_minutes: int = DEFAULT_MIN_MINUTES
    kinds: frozenset[str] = DEFAULT_KINDS
    group_counts: bool = True


@dataclass(frozen=True)
class PolicyItem:
    policy_id: int
    employer_id: int
    topic: str
    version: str
    requires_acknowledgement: bool = True


@dataclass(frozen=True)
class EmploymentSpan:
    role: str  # role code
    employer_id: int
    start: date
    end: date | None = None
    role_name: str = ""
    employer_name: str = ""
    pcn_id: int | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Completion:
    course: str
    completed_on: date


@dataclass(frozen=True)
class Attendance:
    date: date
    minutes: int
    kind: str
    is_group: bool = False


@dataclass(frozen=True)
class AbsenceSpan:
    start: date
    end: date


@dataclass
class PersonRecords:
    person_id: int
    staff_id: str
    name: str
    employments: list[EmploymentSpan] = field(default_factory=list)
    completions: list[Completion] = field(default_factory=list)
    attendances: list[Attendance] = field(default_factory=list)
    absences: list[AbsenceSpan] = field(default_factory=list)
    acknowledged: set[tuple[int, str]] = field(default_factory=set)  # (policy id, version)


class RequiredCourse(NamedTuple):
    """A course a job requires, with its effective terms and the courses whose completion satisfies it."""

    code: str
    name: str
    renewal_months: int
    new_starter_days: int
    satisfied_by: tuple[str, ...]


@dataclass
class Rules:
    courses: dict[str, CourseInfo]
    requirements: list[RequirementRule] = field(default_factory=list)
    supervision: list[SupervisionRuleSpec] = field(default_factory=list)
    policies: list[PolicyItem] = field(default_factory=list)
    warning_days: int = DEFAULT_WARNING_DAYS
    new_starter_days: int = DEFAULT_NEW_STARTER_DAYS
    default_supervision: SupervisionRuleSpec = SupervisionRuleSpec("default", "")

    def __post_init__(self) -> None:
        self._by_role: dict[str, dict[str, RequirementRule]] = {}
        self._by_employer: dict[int, dict[str, RequirementRule]] = {}
        for r in self.requirements:
            target = self._by_role.setdefault(str(r.key), {}) if r.scope == "role" else (
                self._by_employer.setdefault(int(r.key), {})
            )
            target[r.course] = r
        self._sup_role = {str(s.key): s for s in self.supervision if s.scope == "role"}
        self._sup_employer = {int(s.key): s for s in self.supervision if s.scope == "employer"}
        self._policies_by_employer: dict[int, list[PolicyItem]] = {}
        for p in self.policies:
            if p.requires_acknowledgement:
                self._policies_by_employer.setdefault(p.employer_id, []).append(p)
        self._plans: dict[tuple[str, int], tuple[RequiredCourse, ...]] = {}  # per (role, employer)
        self._qualifiers: dict[str, tuple[str, ...]] = {}
        for code, course in self.courses.items():
            if course.strand and course.level is not None:
                self._qualifiers[code] = tuple(
                    c.code
                    for c in self.courses.values()
                    if c.strand == course.strand and c.level is not None and c.level >= course.level
                )
            else:
                self._qualifiers[code] = (code,)

    def qualifying_courses(self, course: str) -> tuple[str, ...]:
        """The course itself, or for a levelled strand every level at or above it (Level 3 covers 2 and 1)."""
        return self._qualifiers.get(course, (course,))

    def courses_required_by(self, job: EmploymentSpan) -> dict[str, tuple[int, int]]:
        """Course code -> (renewal months, new-starter days): employer rule > role rule > course default."""
        return {code: (renewal, allowance) for code, _name, renewal, allowance, _by in self.course_plan(job)}

    def course_plan(self, job: EmploymentSpan) -> tuple[RequiredCourse, ...]:
        """The courses a job requires, in the order shown (by name), worked out once per role and employer."""
        key = (job.role, job.employer_id)
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = self._work_out_plan(job.role, job.employer_id)
        return found

    def _work_out_plan(self, role: str, employer_id: int) -> tuple[RequiredCourse, ...]:
        by_role = self._by_role.get(role, {})
        by_employer = self._by_employer.get(employer_id, {})
        plan = []
        codes = [code for code in by_role.keys() | by_employer.keys() if code in self.courses]
        for code in sorted(codes, key=lambda code: self.courses[code].name):
            course = self.courses[code]
            rules = [r for r in (by_employer.get(code), by_role.get(code)) if r is not None]
            renewal = _first_set(*(r.renewal_months for r in rules), course.default_renewal_months)
            allowance = _first_set(*(r.new_starter_days for r in rules), self.new_starter_days)
            plan.append(RequiredCourse(code, course.name, renewal, allowance, self.qualifying_courses(code)))
        return tuple(plan)

    def supervision_rule_for(self, job: EmploymentSpan) -> SupervisionRuleSpec:
        return self._sup_employer.get(job.employer_id) or self._sup_role.get(job.role) or self.default_supervision

    def policies_for(self, employer_id: int) -> list[PolicyItem]:
        return self._policies_by_employer.get(employer_id, [])


def _first_set(*values: int | None) -> int:
    """The first value that is set: employer's rule, then role's, then the default."""
    return next((v for v in values if v is not None), 0)


# ---- outputs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseStatus:
    course: str
    name: str
    status: str
    completed_on: date | None = None
    expires_on: date | None = None
    due_by: date | None = None  # the end of the new-starter allowance, for courses never done
    satisfied_by: str | None = None  # the course code of the completion that counts
    renewal_months: int = 0


@dataclass(frozen=True)
class MonthStatus:
    month: date  # first day of the month
    minutes: int
    required: int
    status: str


@dataclass(frozen=True)
class PolicyStatus:
    policy_id: int
    topic: str
    version: str
    acknowledged: bool


@dataclass(frozen=True)
class PersonCompliance:
    person_id: int
    staff_id: str
    name: str
    as_of: date
    rag: str
    reasons: tuple[str, ...]
    training: tuple[CourseStatus, ...]
    months: tuple[MonthStatus, ...]
    last_session: date | None
    policies: tuple[PolicyStatus, ...]
    employment: EmploymentSpan | None  # the current one (latest started of those active)

    @property
    def active(self) -> bool:
        return self.employment is not None

    def month(self, first_day: date) -> MonthStatus | None:
        return next((m for m in self.months if m.month == first_day), None)


# ---- the rules ----------------------------------------------------------------------------------------


def course_statuses(records: PersonRecords, rules: Rules, as_of: date) -> list[CourseStatus]:
    """The status of every course required of the person on as_of."""
    return _course_statuses(records, rules, as_of, _active(records, as_of))


def _active(records: PersonRecords, as_of: date) -> list[EmploymentSpan]:
    return [e for e in records.employments if e.start <= as_of and (e.end is None or as_of <= e.end)]


def _course_statuses(
    records: PersonRecords, rules: Rules, as_of: date, active: list[EmploymentSpan]
) -> list[CourseStatus]:
    if not active:
        return []
    plan: Sequence[RequiredCourse]
    starts: dict[str, date] | None = None  # where the allowance of each course runs from, if not `start`
    start = active[0].start
    if len(active) == 1:  # the usual case
        plan = rules.course_plan(active[0])
    else:
        plan, starts = _plan_for_several(active, rules)

    latest: dict[str, date] = {}
    for c in records.completions:
        on = c.completed_on
        if on <= as_of:
            seen = latest.get(c.course)
            if seen is None or on > seen:
                latest[c.course] = on

    statuses = []
    warning_days = rules.warning_days
    for code, name, renewal, allowance, qualifiers in plan:
        if len(qualifiers) == 1:  # the course itself only
            completed_on, by = latest.get(code), code
        else:
            completed_on = by = None
            for q in qualifiers:
                done = latest.get(q)
                if done is not None and (completed_on is None or done > completed_on):
                    completed_on, by = done, q
        if completed_on is None:
            due_by = (start if starts is None else starts[code]) + timedelta(days=allowance)
            statuses.append(_never_done(code, name, renewal, due_by, as_of))
        else:
            statuses.append(_done(code, name, renewal, completed_on, by, as_of, warning_days))
    return statuses


# Many people share a course status (the same course done on the same day, seen on the same date): each is
# worked out once and the one immutable value handed to everyone who has it.
@lru_cache(maxsize=1 << 14)
def _done(
    code: str, name: str, renewal: int, completed_on: date, by: str | None, as_of: date, warning_days: int
) -> CourseStatus:
    expires_on = add_months(completed_on, renewal) if renewal > 0 else None
    if expires_on is None:
        status = COMPLIANT
    elif as_of >= expires_on:
        status = EXPIRED
    elif (expires_on - as_of).days <= warning_days:
        status = DUE_SOON
    else:
        status = COMPLIANT
    return CourseStatus(code, name, status, completed_on, expires_on, None, by, renewal)


@lru_cache(maxsize=1 << 12)
def _never_done(code: str, name: str, renewal: int, due_by: date, as_of: date) -> CourseStatus:
    status = MISSING if as_of >= due_by else DUE
    return CourseStatus(code, name, status, None, None, due_by, None, renewal)


def _plan_for_several(
    jobs: list[EmploymentSpan], rules: Rules
) -> tuple[list[RequiredCourse], dict[str, date]]:
    """Where two current jobs need one course, the stricter terms win, the allowance running from that job's
    start."""
    chosen: dict[str, tuple[RequiredCourse, date]] = {}
    for job in jobs:
        for course in rules.course_plan(job):
            held = chosen.get(course.code)
            if held is None or _stricter(
                (course.renewal_months, course.new_starter_days, job.start),
                (held[0].renewal_months, held[0].new_starter_days, held[1]),
            ):
                chosen[course.code] = (course, job.start)
    in_order = sorted(chosen.values(), key=lambda pair: pair[0].name)
    return [course for course, _ in in_order], {course.code: started for course, started in in_order}


# Statuses are immutable values that recur from person to person (a population shares a few hundred month
# statuses): hand out one shared instance of each instead of building the same one thousands of times.
_month_status = lru_cache(maxsize=1 << 12)(MonthStatus)
_policy_status = lru_cache(maxsize=1 << 12)(PolicyStatus)
_uk = lru_cache(maxsize=1 << 14)(uk)


@lru_cache(maxsize=256)
def _previous_month(first: date) -> date:
    return add_months(first, -1)


def _stricter(a: tuple[int, int, date], b: tuple[int, int, date]) -> bool:
    """Where two current jobs need one course, the shorter renewal (0 = never) and shorter allowance win."""

    def key(t: tuple[int, int, date]) -> tuple[int, int]:
        return (t[0] if t[0] > 0 else 10**6, t[1])

    return key(a) < key(b)


def _job_for_month(employments: list[EmploymentSpan], first: date, last: date) -> EmploymentSpan | None:
    """The employment on the last employed day of the period (its rule governs the month)."""
    best: EmploymentSpan | None = None
    best_day: date | None = None
    for e in employments:
        if e.start > last or (e.end is not None and e.end < first):
            continue
        day = last if e.end is None or e.end > last else e.end
        if best_day is None or day > best_day or (day == best_day and e.start > best.start):  # type: ignore[union-attr]
            best, best_day = e, day
    return best


def _merged(spans: Iterable[tuple[date, date]], first: date, last: date) -> list[tuple[date, date]]:
    """Spans clipped to [first, last] and merged where they touch or overlap."""
    clipped = sorted((max(s, first), min(e, last)) for s, e in spans if s <= last and e >= first)
    merged: list[tuple[date, date]] = []
    for s, e in clipped:
        if merged and s <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _days(spans: list[tuple[date, date]]) -> int:
    return sum((e - s).days + 1 for s, e in spans)


def _days_away(records: PersonRecords, first: date, last: date) -> int:
    """Days of the period on which the person was absent or not employed."""
    if not records.absences:
        if any(e.start <= first and (e.end is None or e.end >= last) for e in records.employments):
            return 0  # the usual case
    employed = _merged(((e.start, e.end or date.max) for e in records.employments), first, last)
    absent = _merged(((a.start, a.end) for a in records.absences), first, last)
    present = _days(employed) - sum(
        max(0, (min(e1, e2) - max(s1, s2)).days + 1) for s1, e1 in employed for s2, e2 in absent
    )
    return (last - first).days + 1 - present


@lru_cache(maxsize=256)
def _month_windows(as_of: date, count: int) -> tuple[tuple[date, date, date, int], ...]:
    """For each of the `count` months up to as_of's: first day, last day, the last day whose job counts
    (as_of itself in as_of's month), and the number of days."""
    this_month = month_start(as_of)
    return tuple(
        (first, month_end(first), as_of if first == this_month else month_end(first), days_in_month(first))
        for first in last_months(as_of, count)
    )


def supervision_months(
    records: PersonRecords, rules: Rules, as_of: date, count: int = MONTHS_SHOWN
) -> list[MonthStatus]:
    """Month by month supervision for the `count` months up to as_of's month, months with no employment
    left out."""
    windows = _month_windows(as_of, count)
    if not windows:
        return []
    window_start, this_month = windows[0][0], windows[-1][0]
    employments = records.employments
    steady = False  # employed in one job throughout, never away: one rule, and no month can be paused
    specs: list[SupervisionRuleSpec | None]
    if len(employments) == 1 and employments[0].start <= window_start and employments[0].end is None:
        specs = [rules.supervision_rule_for(employments[0])] * len(windows)
        steady = not records.absences
    else:
        specs = _rule_of_each_month(records, rules, windows)
    base = window_start.year * 12 + window_start.month
    minutes = [0] * len(windows)
    for a in records.attendances:
        on = a.date
        index = on.year * 12 + on.month - base
        if 0 <= index < len(windows) and on <= as_of:
            spec = specs[index]
            if spec is not None and a.kind in spec.kinds and (spec.group_counts or not a.is_group):
                minutes[index] += a.minutes
    result = []
    for (first, last, _job_last, days), spec, done in zip(windows, specs, minutes, strict=True):
        if spec is None:
            continue
        if done >= spec.min_minutes:
            status = MET
        elif not steady and _days_away(records, first, last) * 2 > days:
            status = PAUSED
        elif first == this_month:
            status = IN_PROGRESS
        else:
            status = MISSED
        result.append(_month_status(first, done, spec.min_minutes, status))
    return result


def _rule_of_each_month(
    records: PersonRecords, rules: Rules, windows: tuple[tuple[date, date, date, int], ...]
) -> list[SupervisionRuleSpec | None]:
    """The supervision rule of the job held at the end of each month (None: not employed in it)."""
    specs: list[SupervisionRuleSpec | None] = []
    job: EmploymentSpan | None = None
    spec: SupervisionRuleSpec | None = None
    for first, _last, job_last, _days in windows:
        month_job = _job_for_month(records.employments, first, job_last)
        if month_job is not job:
            job, spec = month_job, None if month_job is None else rules.supervision_rule_for(month_job)
        specs.append(spec)
    return specs


def policy_statuses(records: PersonRecords, rules: Rules, as_of: date) -> list[PolicyStatus]:
    return _policy_statuses(records, rules, _active(records, as_of))


def _policy_statuses(
    records: PersonRecords, rules: Rules, active: list[EmploymentSpan]
) -> list[PolicyStatus]:
    employers = [active[0].employer_id] if len(active) == 1 else sorted({e.employer_id for e in active})
    return [
        _policy_status(p.policy_id, p.topic, p.version, (p.policy_id, p.version) in records.acknowledged)
        for employer in employers
        for p in rules.policies_for(employer)
    ]


def assess(records: PersonRecords, rules: Rules, as_of: date) -> PersonCompliance:
    """Everything about one person's compliance on as_of, with the reasons for their red/amber/green."""
    return _assess(records, rules, as_of, _active(records, as_of))


def _assess(
    records: PersonRecords, rules: Rules, as_of: date, active: list[EmploymentSpan]
) -> PersonCompliance:
    training = _course_statuses(records, rules, as_of, active)
    months = supervision_months(records, rules, as_of)
    policies = _policy_statuses(records, rules, active)
    this_month = month_start(as_of)
    previous = _previous_month(this_month)

    red: list[str] = []
    amber: list[str] = []
    for c in training:
        if c.status == EXPIRED:
            red.append(f"{c.name} expired on {_uk(c.expires_on)}")
        elif c.status == MISSING:
            red.append(f"{c.name} has not been done (due by {_uk(c.due_by)})")
        elif c.status == DUE_SOON:
            amber.append(f"{c.name} expires on {_uk(c.expires_on)}")
        elif c.status == DUE:
            amber.append(f"{c.name} is due by {_uk(c.due_by)} (new starter)")
    for m in months[-2:]:  # only the as-at month and the one before count for the colour
        if m.month == previous and m.status == MISSED:
            red.append(f"Supervision missed in {m.month.strftime('%B %Y')} ({m.minutes} of {m.required} minutes)")
        if m.month == this_month and m.status == IN_PROGRESS:
            days_left = (month_end(as_of) - as_of).days + 1
            if days_left <= AMBER_DAYS_LEFT:
                amber.append(
                    f"Supervision this month: {m.minutes} of {m.required} minutes, {days_left} days left"
                )
    for p in policies:
        if not p.acknowledged:
            amber.append(f"Policy '{p.topic}' version {p.version} not yet acknowledged")

    return PersonCompliance(
        records.person_id,
        records.staff_id,
        records.name,
        as_of,
        RED if red else AMBER if amber else GREEN,
        tuple(red + amber),
        tuple(training),
        tuple(months),
        max((a.date for a in records.attendances if a.date <= as_of), default=None),  # the last session
        tuple(policies),
        _current(active),
    )


def _current(active: list[EmploymentSpan]) -> EmploymentSpan | None:
    """The current employment: the latest started of those active."""
    if len(active) < 2:
        return active[0] if active else None
    return max(active, key=lambda e: e.start)


def assess_all(population: Iterable[PersonRecords], rules: Rules, as_of: date) -> list[PersonCompliance]:
    """The compliance of every person employed on as_of."""
    results = []
    with collector_paused():
        for records in population:
            if active := _active(records, as_of):
                results.append(_assess(records, rules, as_of, active))
    return results


@contextmanager
def collector_paused() -> Iterator[None]:
    """Build many small objects without Python's cycle collector re-walking them all (it roughly halves the
    time of a big population). Records and results make no reference cycles; the collector restarts after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class Summary:
    people: int
    green: int
    amber: int
    red: int
    fully_compliant_pct: float
    course_pct: dict[str, float]
    supervision_met_last_month_pct: float


def summarise(results: Iterable[PersonCompliance], as_of: date) -> Summary:
    """Headline figures: % green, % compliant per course (of those who need it), % met last month."""
    results = list(results)
    counts = {RED: 0, AMBER: 0, GREEN: 0}
    per_course: dict[str, list[int]] = {}
    previous = add_months(month_start(as_of), -1)
    met = due = 0
    for r in results:
        counts[r.rag] += 1
        for c in r.training:
            tally = per_course.setdefault(c.course, [0, 0])
            tally[1] += 1
            if c.status in (COMPLIANT, DUE_SOON):
                tally[0] += 1
        m = r.month(previous)
        if m is not None and m.status in (MET, MISSED):
            due += 1
            met += m.status == MET

    def pct(a: int, b: int) -> float:
        return round(100.0 * a / b, 1) if b else 0.0

    return Summary(
        people=len(results),
        green=counts[GREEN],
        amber=counts[AMBER],
        red=counts[RED],
        fully_compliant_pct=pct(counts[GREEN], len(results)),
        course_pct={code: pct(ok, n) for code, (ok, n) in sorted(per_course.items())},
        supervision_met_last_month_pct=pct(met, due),
    )
