"""The rules of compliance: pure functions over plain dataclasses and an as-at date.

Nothing here reads the clock or the database. The page, the reminder scan and the PDF reports all call
`assess` (one person) or `assess_all` (a population), so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

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
        by_role = self._by_role.get(job.role, {})
        by_employer = self._by_employer.get(job.employer_id, {})
        result: dict[str, tuple[int, int]] = {}
        for code in by_role.keys() | by_employer.keys():
            course = self.courses.get(code)
            if course is None:
                continue
            rules = [r for r in (by_employer.get(code), by_role.get(code)) if r is not None]
            renewal = _first_set(*(r.renewal_months for r in rules), course.default_renewal_months)
            allowance = _first_set(*(r.new_starter_days for r in rules), self.new_starter_days)
            result[code] = (renewal, allowance)
        return result

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
    active = [e for e in records.employments if e.active_on(as_of)]
    required: dict[str, tuple[int, int, date]] = {}
    for job in active:
        for code, (renewal, allowance) in rules.courses_required_by(job).items():
            candidate = (renewal, allowance, job.start)
            if code not in required or _stricter(candidate, required[code]):
                required[code] = candidate

    latest: dict[str, date] = {}
    for c in records.completions:
        if c.completed_on <= as_of and (c.course not in latest or c.completed_on > latest[c.course]):
            latest[c.course] = c.completed_on

    statuses = []
    for code in sorted(required, key=lambda c: rules.courses[c].name):
        renewal, allowance, started = required[code]
        best: tuple[date, str] | None = None
        for q in rules.qualifying_courses(code):
            done = latest.get(q)
            if done is not None and (best is None or done > best[0]):
                best = (done, q)
        name = rules.courses[code].name
        if best is None:
            due_by = started + timedelta(days=allowance)
            status = MISSING if as_of >= due_by else DUE
            statuses.append(CourseStatus(code, name, status, due_by=due_by, renewal_months=renewal))
            continue
        completed_on, by = best
        expires_on = add_months(completed_on, renewal) if renewal > 0 else None
        if expires_on is None:
            status = COMPLIANT
        elif as_of >= expires_on:
            status = EXPIRED
        elif (expires_on - as_of).days <= rules.warning_days:
            status = DUE_SOON
        else:
            status = COMPLIANT
        statuses.append(CourseStatus(code, name, status, completed_on, expires_on, None, by, renewal))
    return statuses


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
    employed = _merged(((e.start, e.end or date.max) for e in records.employments), first, last)
    absent = _merged(((a.start, a.end) for a in records.absences), first, last)
    present = _days(employed) - sum(
        max(0, (min(e1, e2) - max(s1, s2)).days + 1) for s1, e1 in employed for s2, e2 in absent
    )
    return (last - first).days + 1 - present


def supervision_months(
    records: PersonRecords, rules: Rules, as_of: date, count: int = MONTHS_SHOWN
) -> list[MonthStatus]:
    """Month by month supervision for the `count` months up to as_of's month, months with no employment left out."""
    this_month = month_start(as_of)
    window = last_months(as_of, count)
    by_month: dict[date, list[Attendance]] = {}
    for a in records.attendances:
        if window[0] <= a.date <= as_of:
            by_month.setdefault(a.date.replace(day=1), []).append(a)
    result = []
    for first in window:
        last = month_end(first)
        job = _job_for_month(records.employments, first, min(last, as_of) if first == this_month else last)
        if job is None:
            continue
        rule = rules.supervision_rule_for(job)
        minutes = sum(
            a.minutes
            for a in by_month.get(first, ())
            if a.kind in rule.kinds and (rule.group_counts or not a.is_group)
        )
        if minutes >= rule.min_minutes:
            status = MET
        elif _days_away(records, first, last) * 2 > days_in_month(first):
            status = PAUSED
        elif first == this_month:
            status = IN_PROGRESS
        else:
            status = MISSED
        result.append(MonthStatus(first, minutes, rule.min_minutes, status))
    return result


def policy_statuses(records: PersonRecords, rules: Rules, as_of: date) -> list[PolicyStatus]:
    employers = {e.employer_id for e in records.employments if e.active_on(as_of)}
    return [
        PolicyStatus(p.policy_id, p.topic, p.version, (p.policy_id, p.version) in records.acknowledged)
        for employer in sorted(employers)
        for p in rules.policies_for(employer)
    ]


def assess(records: PersonRecords, rules: Rules, as_of: date) -> PersonCompliance:
    """Everything about one person's compliance on as_of, with the reasons for their red/amber/green."""
    training = course_statuses(records, rules, as_of)
    months = supervision_months(records, rules, as_of)
    policies = policy_statuses(records, rules, as_of)
    this_month = month_start(as_of)
    previous = add_months(this_month, -1)

    red: list[str] = []
    amber: list[str] = []
    for c in training:
        if c.status == EXPIRED:
            red.append(f"{c.name} expired on {uk(c.expires_on)}")
        elif c.status == MISSING:
            red.append(f"{c.name} has not been done (due by {uk(c.due_by)})")
        elif c.status == DUE_SOON:
            amber.append(f"{c.name} expires on {uk(c.expires_on)}")
        elif c.status == DUE:
            amber.append(f"{c.name} is due by {uk(c.due_by)} (new starter)")
    for m in months:
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

    rag = RED if red else AMBER if amber else GREEN
    attended = [a.date for a in records.attendances if a.date <= as_of]
    active = [e for e in records.employments if e.active_on(as_of)]
    current = max(active, key=lambda e: e.start) if active else None
    return PersonCompliance(
        person_id=records.person_id,
        staff_id=records.staff_id,
        name=records.name,
        as_of=as_of,
        rag=rag,
        reasons=tuple(red + amber),
        training=tuple(training),
        months=tuple(months),
        last_session=max(attended) if attended else None,
        policies=tuple(policies),
        employment=current,
    )


def assess_all(population: Iterable[PersonRecords], rules: Rules, as_of: date) -> list[PersonCompliance]:
    """The compliance of every person employed on as_of."""
    return [
        assess(p, rules, as_of) for p in population if any(e.active_on(as_of) for e in p.employments)
    ]


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
