"""The rules of compliance: pure functions over plain dataclasses and an as-at date.

Nothing here reads the clock or the database. The page, the reminder scan and the PDF reports all call
`assess` (one person) or `assess_all` (a population), so they cannot disagree.
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

from tracker.dates import add_months, days_in_month, last_months, month_end, month_start, uk

DEFAULT_WARNING_DAYS = 60
DEFAULT_NEW_STARTER_DAYS = 90
DEFAULT_MIN_MINUTES = 60
DEFAULT_KINDS = frozenset({"clinical"})
AMBER_DAYS_LEFT = 10
MONTHS_SHOWN = 12
PERIOD_MONTHS = (1, 2, 3, 4, 6, 12)  # a supervision rule's period, aligned to the calendar year

# Kinds of catalogue item: all counted by the same rules
ITEM_KINDS = ("course", "registration", "check", "appraisal")
# Safeguarding strands: a combined record covers either single strand; an adults and a children record together
# (a pair) cover the combined one.
COMBINED, ADULTS, CHILDREN = "safeguarding", "safeguarding-adults", "safeguarding-children"

# Course statuses
COMPLIANT, DUE_SOON, EXPIRED, MISSING, DUE = "compliant", "due_soon", "expired", "missing", "due"
# Month statuses
MET, PAUSED, IN_PROGRESS, MISSED = "met", "paused", "in_progress", "missed"
RED, AMBER, GREEN = "red", "amber", "green"


# ---- inputs -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CourseInfo:
    code: str
    name: str
    strand: str | None = None
    level: int | None = None
    default_renewal_months: int = 36
    kind: str = "course"  # one of ITEM_KINDS


@dataclass(frozen=True, slots=True)
class RequirementRule:
    """A course required by a role (key = role code) or by an employer (key = employer id)."""

    course: str
    scope: str  # "role" | "employer"
    key: str | int
    renewal_months: int | None = None
    new_starter_days: int | None = None


@dataclass(frozen=True, slots=True)
class SupervisionRuleSpec:
    scope: str  # "role" | "employer"
    key: str | int
    min_minutes: int = DEFAULT_MIN_MINUTES
    kinds: frozenset[str] = DEFAULT_KINDS
    group_counts: bool = True
    period_months: int = 1  # the minimum is for each period of this many calendar months


@dataclass(frozen=True, slots=True)
class PolicyItem:
    policy_id: int
    employer_id: int
    topic: str
    version: str
    requires_acknowledgement: bool = True


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Completion:
    course: str
    completed_on: date
    expires_on: date | None = None  # the expiry printed on the record (a register's renewal date, a certificate's)


@dataclass(frozen=True, slots=True)
class Attendance:
    date: date
    minutes: int
    kind: str
    is_group: bool = False


@dataclass(frozen=True, slots=True)
class AbsenceSpan:
    start: date
    end: date


@dataclass(slots=True)
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
    """A course a job requires, with its effective terms and the courses whose completion satisfies it (and,
    for a combined safeguarding item, the adults and the children items whose pair does)."""

    code: str
    name: str
    renewal_months: int
    new_starter_days: int
    satisfied_by: tuple[str, ...]
    kind: str = "course"
    pair: tuple[tuple[str, ...], tuple[str, ...]] | None = None


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
        # One object for each distinct required item across the plans (the status memo keys on identity)
        self._interned: dict[RequiredCourse, RequiredCourse] = {}
        self._qualifiers: dict[str, tuple[str, ...]] = {}
        self._pairs: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._read_by: dict[str, frozenset[str]] = {}
        for code, course in self.courses.items():
            if course.strand and course.level is not None:
                covering = {course.strand} | ({COMBINED} if course.strand in (ADULTS, CHILDREN) else set())
                self._qualifiers[code] = self._levels(covering, course.level, first=code)
                if course.strand == COMBINED:
                    adults, children = self._levels({ADULTS}, course.level), self._levels({CHILDREN}, course.level)
                    if adults and children:
                        self._pairs[code] = (adults, children)
            else:
                self._qualifiers[code] = (code,)

    def _levels(self, strands: set[str], level: int, first: str | None = None) -> tuple[str, ...]:
        """The items of these strands at the level or above (the required item itself first)."""
        found = sorted(
            c.code for c in self.courses.values()
            if c.strand in strands and c.level is not None and c.level >= level and c.code != first
        )
        return ((first,) if first else ()) + tuple(found)

    def read_by(self, required: RequiredCourse) -> frozenset[str]:
        """The items whose records can count for a required item (its qualifiers and those of its pair)."""
        found = self._read_by.get(required.code)
        if found is None:
            pair = required.pair or ((), ())
            found = self._read_by[required.code] = frozenset((*required.satisfied_by, *pair[0], *pair[1]))
        return found

    def qualifying_courses(self, course: str) -> tuple[str, ...]:
        """The course itself, or for a levelled strand every level at or above it (Level 3 covers 2 and 1), a
        combined adults-and-children record covering an adults or a children item."""
        return self._qualifiers.get(course, (course,))

    def pair_for(self, course: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """For a combined safeguarding item: the adults items and the children items whose pair meets it."""
        return self._pairs.get(course)

    def courses_required_by(self, job: EmploymentSpan) -> dict[str, tuple[int, int]]:
        """Course code -> (renewal months, new-starter days): employer rule > role rule > course default."""
        return {r.code: (r.renewal_months, r.new_starter_days) for r in self.course_plan(job)}

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
            required = RequiredCourse(
                code, course.name, renewal, allowance, self.qualifying_courses(code), course.kind, self.pair_for(code)
            )
            plan.append(self._interned.setdefault(required, required))
        return tuple(plan)

    @property
    def widest_period(self) -> int:
        """The longest period any supervision rule sets, in months (how far back the records must go)."""
        return max((s.period_months for s in (*self.supervision, self.default_supervision)), default=1)

    @property
    def recent_months(self) -> int:
        """The months of supervision that decide a status on a day: the as-at period and the month before it
        (two when every rule is monthly; never more than the months shown)."""
        return min(MONTHS_SHOWN, self.widest_period + 1)

    def supervision_rule_for(self, job: EmploymentSpan) -> SupervisionRuleSpec:
        return self._sup_employer.get(job.employer_id) or self._sup_role.get(job.role) or self.default_supervision

    def policies_for(self, employer_id: int) -> list[PolicyItem]:
        return self._policies_by_employer.get(employer_id, [])


def _first_set(*values: int | None) -> int:
    """The first value that is set: employer's rule, then role's, then the default."""
    return next((v for v in values if v is not None), 0)


# ---- outputs ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CourseStatus:
    course: str
    name: str
    status: str
    completed_on: date | None = None
    expires_on: date | None = None
    due_by: date | None = None  # the end of the new-starter allowance, for courses never done
    satisfied_by: str | None = None  # the item code(s) of the record(s) that count ("SGA-L3 + SGC-L3": a pair)
    renewal_months: int = 0
    kind: str = "course"
    met_by: tuple[str, ...] = ()  # the item codes of the records that count (two for a pair)


@dataclass(frozen=True, slots=True)
class MonthStatus:
    month: date  # first day of the month
    minutes: int  # the month's own qualifying minutes
    required: int  # the minimum for the period
    status: str  # the status of the month's period
    period_months: int = 1
    period_minutes: int | None = None  # the period's qualifying minutes up to the as-at date (None: = minutes)

    @property
    def period_start(self) -> date:
        return period_start(self.month, self.period_months)

    @property
    def period_end(self) -> date:
        return month_end(add_months(self.period_start, self.period_months - 1))

    @property
    def period_total(self) -> int:
        return self.minutes if self.period_minutes is None else self.period_minutes

    @property
    def period_label(self) -> str:
        return period_label(self.period_start, self.period_months)


def period_start(day: date, months: int) -> date:
    """The first day of the period of `months` calendar months (aligned to the calendar year) holding day."""
    return date(day.year, day.month - (day.month - 1) % months, 1)


def period_label(first: date, months: int) -> str:
    """'November 2026', 'October to December 2026', 'December 2026 to January 2027' (never across a year: the
    periods are aligned to it), 'January to December 2026'."""
    if months == 1:
        return first.strftime("%B %Y")
    last = add_months(first, months - 1)
    return f"{first:%B} to {last:%B %Y}"


def review_overdue(review_date: date | None, as_of: date) -> bool:
    """A policy or an adaptation is overdue for review from the day after its review date (none set: never)."""
    return review_date is not None and review_date < as_of


@dataclass(frozen=True, slots=True)
class PolicyStatus:
    policy_id: int
    topic: str
    version: str
    acknowledged: bool


@dataclass(frozen=True, slots=True)
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


Candidate = tuple[date, date | None, tuple[str, ...]]  # completed on, expires on (None: never), item codes


def course_statuses(records: PersonRecords, rules: Rules, as_of: date) -> list[CourseStatus]:
    """The status of every course required of the person on as_of."""
    return [judged[0] for judged in _course_statuses(records, rules, as_of, _active(records, as_of))]


def _active(records: PersonRecords, as_of: date) -> list[EmploymentSpan]:
    return [e for e in records.employments if e.start <= as_of and (e.end is None or as_of <= e.end)]


# A required item's status with the reason it gives the person's colour (None: none) and whether that is red.
Judged = tuple["CourseStatus", str | None, bool]


# Judged statuses by (required item, the one record that counts for it) for one as-at date, keyed by identity:
# people share records (the loader hands out one Completion per distinct record) and plans. Each entry holds the
# two objects, so neither can be freed and its id reused while the memo lives.
StatusMemo = dict[tuple[int, int], tuple[RequiredCourse, Completion, Judged]]


def _course_statuses(
    records: PersonRecords, rules: Rules, as_of: date, active: list[EmploymentSpan], memo: StatusMemo | None = None
) -> list[Judged]:
    """Each required item's status on as_of, with its reason (`memo`: shared by the assessments of one date)."""
    if not active:
        return []
    plan, start, starts = _plan_of(active, rules)
    latest = _latest(records.completions, as_of)
    if memo is None:
        memo = {}
    warning_days = rules.warning_days
    judged = []
    for required in plan:
        if len(required.satisfied_by) == 1 and required.pair is None:  # the item itself only: the usual case
            found = latest.get(required.code)
            if found is not None:
                key = (id(required), id(found))
                held = memo.get(key)
                if held is None:
                    best = _record_that_counts(required, latest)
                    held = memo[key] = (required, found, _judge(required, best, None, as_of, warning_days))
                judged.append(held[2])
                continue
        best = _record_that_counts(required, latest)
        judged.append(_judge(required, best, None if best else _due_by(required, start, starts), as_of, warning_days))
    return judged


def _judge(
    required: RequiredCourse, best: Candidate | None, due_by: date | None, as_of: date, warning_days: int
) -> Judged:
    code, name, renewal, _allowance, _qualifiers, kind, _pair = required
    if best is None:
        return _never_done(code, name, renewal, due_by, as_of, kind)  # type: ignore[arg-type]
    completed_on, expires_on, met_by = best
    return _done(code, name, renewal, completed_on, expires_on, met_by, as_of, warning_days, kind)


def _judged(status: CourseStatus) -> Judged:
    s = status.status
    if s == EXPIRED:
        return status, f"{status.name} expired on {_uk(status.expires_on)}", True
    if s == MISSING:
        return status, f"{status.name} has not been done (due by {_uk(status.due_by)})", True
    if s == DUE_SOON:
        return status, f"{status.name} expires on {_uk(status.expires_on)}", False
    if s == DUE:
        return status, f"{status.name} is due by {_uk(status.due_by)} (new starter)", False
    return status, None, False


# A required item with the record that counts for it on a date (None: never done) or, never done, its due date.
CourseTerms = tuple[RequiredCourse, Candidate | None, date | None]


def _course_terms(
    records: PersonRecords, rules: Rules, as_of: date, active: list[EmploymentSpan]
) -> list[CourseTerms]:
    """What decides each required item's status on as_of: the record that counts, or the allowance's end. It
    depends on as_of only through the jobs active and the records made by then."""
    if not active:
        return []
    plan, start, starts = _plan_of(active, rules)
    latest = _latest(records.completions, as_of)
    terms: list[CourseTerms] = []
    for required in plan:
        best = _record_that_counts(required, latest)
        terms.append((required, best, None if best else _due_by(required, start, starts)))
    return terms


def _plan_of(
    active: list[EmploymentSpan], rules: Rules
) -> tuple[Sequence[RequiredCourse], date, dict[str, date] | None]:
    """The items the current jobs require, the start the allowances run from and, where that differs from item
    to item (several jobs), each item's."""
    if len(active) == 1:  # the usual case
        return rules.course_plan(active[0]), active[0].start, None
    plan, starts = _plan_for_several(active, rules)
    return plan, active[0].start, starts


def _due_by(required: RequiredCourse, start: date, starts: dict[str, date] | None) -> date:
    """The end of the new-starter allowance of an item never done."""
    return _days_after(start if starts is None else starts[required.code], required.new_starter_days)


def _record_that_counts(required: RequiredCourse, latest: dict[str, Completion]) -> Candidate | None:
    code, _name, renewal, _allowance, qualifiers, _kind, pair = required
    if len(qualifiers) == 1 and pair is None:  # the item itself only
        found = latest.get(code)
        return None if found is None else (found.completed_on, _expiry(found, renewal), (code,))
    best = _best_of(latest, qualifiers, renewal)
    if pair is not None:
        best = _better(best, _pair_of(latest, pair, renewal))
    return best


def _latest(completions: Iterable[Completion], as_of: date) -> dict[str, Completion]:
    """The latest record of each item on or before as_of (the first listed, of two on one day)."""
    latest: dict[str, Completion] = {}
    for c in completions:
        on = c.completed_on
        if on <= as_of:
            seen = latest.get(c.course)
            if seen is None or on > seen.completed_on:
                latest[c.course] = c
    return latest


def _status_on(best: Candidate | None, due_by: date | None, as_of: date, warning_days: int) -> str:
    """A required item's status on as_of, given the record that counts (or, never done, its due date)."""
    if best is None:
        return MISSING if as_of >= due_by else DUE  # type: ignore[operator]
    expires_on = best[1]
    if expires_on is None:
        return COMPLIANT
    if as_of >= expires_on:
        return EXPIRED
    if (expires_on - as_of).days <= warning_days:
        return DUE_SOON
    return COMPLIANT


def _expiry(record: Completion, renewal: int) -> date | None:
    """The earlier of the completion date plus the renewal period (0: none) and the expiry printed on it."""
    by_rule = _months_after(record.completed_on, renewal) if renewal > 0 else None
    printed = record.expires_on
    if printed is None or (by_rule is not None and by_rule <= printed):
        return by_rule
    return printed


def _better(a: Candidate | None, b: Candidate | None) -> Candidate | None:
    """The latest completion counts; on a tie, the later expiry (never expiring is latest)."""
    if a is None or b is None:
        return a or b
    if a[0] != b[0]:
        return a if a[0] > b[0] else b
    if a[1] is None or (b[1] is not None and a[1] >= b[1]):
        return a
    return b


def _best_of(latest: dict[str, Completion], codes: tuple[str, ...], renewal: int) -> Candidate | None:
    best: Candidate | None = None
    for q in codes:
        found = latest.get(q)
        if found is not None:
            best = _better(best, (found.completed_on, _expiry(found, renewal), (q,)))
    return best


def _pair_of(
    latest: dict[str, Completion], pair: tuple[tuple[str, ...], tuple[str, ...]], renewal: int
) -> Candidate | None:
    """An adults and a children record together: the earlier date and the earlier expiry count."""
    adults, children = _best_of(latest, pair[0], renewal), _best_of(latest, pair[1], renewal)
    if adults is None or children is None:
        return None
    expiries = [e for e in (adults[1], children[1]) if e is not None]
    return min(adults[0], children[0]), min(expiries, default=None), adults[2] + children[2]


# Many people share a course status (the same course done on the same day, seen on the same date): each is
# worked out once and the one immutable value handed to everyone who has it.
@lru_cache(maxsize=1 << 15)
def _done(
    code: str, name: str, renewal: int, completed_on: date, expires_on: date | None, met_by: tuple[str, ...],
    as_of: date, warning_days: int, kind: str,
) -> Judged:
    status = _status_on((completed_on, expires_on, met_by), None, as_of, warning_days)
    return _judged(CourseStatus(
        code, name, status, completed_on, expires_on, None, " + ".join(met_by), renewal, kind, met_by
    ))


def _never_done(code: str, name: str, renewal: int, due_by: date, as_of: date, kind: str) -> Judged:
    """(Not cached: the due dates run from each person's start, so few people share one.)"""
    status = _status_on(None, due_by, as_of, 0)
    return _judged(CourseStatus(code, name, status, None, None, due_by, None, renewal, kind))


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
_months_after = lru_cache(maxsize=1 << 16)(add_months)  # a record's date plus its renewal recurs widely


@lru_cache(maxsize=1 << 10)
def _unacknowledged(topic: str, version: str) -> str:
    return f"Policy '{topic}' version {version} not yet acknowledged"


@lru_cache(maxsize=1 << 14)
def _days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)


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
def _month_windows(as_of: date, count: int) -> tuple[tuple[date, date, date, int, int], ...]:
    """For each of the `count` months up to as_of's: first day, last day, the last day whose job counts
    (as_of itself in as_of's month), the number of days and the month's index (_month_index)."""
    this_month = month_start(as_of)
    return tuple(
        (
            first, month_end(first), as_of if first == this_month else month_end(first), days_in_month(first),
            _month_index(first),
        )
        for first in last_months(as_of, count)
    )


def supervision_months(
    records: PersonRecords,
    rules: Rules,
    as_of: date,
    count: int = MONTHS_SHOWN,
    by_month: dict[int, list[Attendance]] | None = None,
) -> list[MonthStatus]:
    """Month by month supervision for the `count` months up to as_of's month, months with no employment
    left out. Each month carries the status of its rule's period (a quarter's months share one); its minutes
    are its own. A month's status is the same whatever the count (the months before it do not change it).

    `by_month`: all the person's attendances by month index (`attendances_by_month`), when asked for many
    dates."""
    windows = _month_windows(as_of, count)
    if not windows:
        return []
    window_start = windows[0][0]
    employments = records.employments
    specs: list[SupervisionRuleSpec | None]
    steady = False  # employed in one job throughout, never away: one rule, and no period can be paused
    if len(employments) == 1 and employments[0].start <= window_start and employments[0].end is None:
        rule = rules.supervision_rule_for(employments[0])
        specs = [rule] * len(windows)
        steady = not records.absences and employments[0].start <= period_start(window_start, rule.period_months)
        widest = rule.period_months
    else:
        specs = _rule_of_each_month(records, rules, windows)
        widest = max((s.period_months for s in specs if s is not None), default=1)
    earliest = _month_index(window_start) - (widest - 1)
    last_index = _month_index(as_of)
    if by_month is None:
        by_month = {}
        for a in records.attendances:
            on = a.date
            if on <= as_of:
                index = on.year * 12 + on.month - 1
                if index >= earliest:
                    by_month.setdefault(index, []).append(a)
    else:  # only the months up to as_of's are read; of as_of's month, only the days up to as_of count
        latest = by_month.get(last_index)
        if latest is not None and any(a.date > as_of for a in latest):
            by_month = {**by_month, last_index: [a for a in latest if a.date <= as_of]}

    periods: dict[tuple[date, int], tuple[int, str]] = {}  # (period start, rule) -> minutes, status
    result = []
    for (first, last, _job_last, days, index), month_spec in zip(windows, specs, strict=True):
        if month_spec is None:
            continue
        spec = month_spec
        own = _qualifying_minutes(by_month.get(index), spec)
        length = spec.period_months
        if length == 1:  # the usual case: the month is the period
            total = own
            status = _period_status(total, spec, records, steady, first, last, days, as_of)
            result.append(_month_status(first, own, spec.min_minutes, status, 1, None))
            continue
        p_first = period_start(first, length)
        held = periods.get((p_first, id(spec)))
        if held is None:
            p_last = month_end(add_months(p_first, length - 1))
            start = _month_index(p_first)
            total = sum(
                _qualifying_minutes(by_month.get(i), spec) for i in range(start, min(start + length, last_index + 1))
            )
            status = _period_status(total, spec, records, steady, p_first, p_last, (p_last - p_first).days + 1, as_of)
            held = periods[p_first, id(spec)] = (total, status)
        total, status = held
        result.append(_month_status(first, own, spec.min_minutes, status, length, total))
    return result


def _qualifying_minutes(attended: list[Attendance] | None, spec: SupervisionRuleSpec) -> int:
    """The minutes of the sessions that count towards the rule: of its kinds, and group ones only if allowed."""
    if not attended:
        return 0
    kinds, group_counts = spec.kinds, spec.group_counts
    total = 0
    for a in attended:
        if a.kind in kinds and (group_counts or not a.is_group):
            total += a.minutes
    return total


def _period_status(
    total: int, spec: SupervisionRuleSpec, records: PersonRecords, steady: bool,
    first: date, last: date, days: int, as_of: date,
) -> str:
    """A period's status from its qualifying minutes: met; paused when away for more than half of it; in
    progress while it runs; else missed."""
    if total >= spec.min_minutes:
        return MET
    if not steady and _days_away(records, first, last) * 2 > days:
        return PAUSED
    if first <= as_of <= last:
        return IN_PROGRESS
    return MISSED


def attendances_by_month(records: PersonRecords) -> dict[int, list[Attendance]]:
    """All the person's attendances by month index (year * 12 + month - 1), in the order recorded."""
    by_month: dict[int, list[Attendance]] = {}
    for a in records.attendances:
        by_month.setdefault(_month_index(a.date), []).append(a)
    return by_month


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _rule_of_each_month(
    records: PersonRecords, rules: Rules, windows: tuple[tuple[date, date, date, int, int], ...]
) -> list[SupervisionRuleSpec | None]:
    """The supervision rule of the job held at the end of each month (None: not employed in it)."""
    specs: list[SupervisionRuleSpec | None] = []
    job: EmploymentSpan | None = None
    spec: SupervisionRuleSpec | None = None
    for first, _last, job_last, _days, _index in windows:
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
    return _policy_statuses_of(records.acknowledged, rules, active)


def _policy_statuses_of(
    acknowledged: set[tuple[int, str]], rules: Rules, active: list[EmploymentSpan]
) -> list[PolicyStatus]:
    employers = [active[0].employer_id] if len(active) == 1 else sorted({e.employer_id for e in active})
    return [
        _policy_status(p.policy_id, p.topic, p.version, (p.policy_id, p.version) in acknowledged)
        for employer in employers
        for p in rules.policies_for(employer)
    ]


def assess(records: PersonRecords, rules: Rules, as_of: date) -> PersonCompliance:
    """Everything about one person's compliance on as_of, with the reasons for their red/amber/green."""
    return _assess(records, rules, as_of, _active(records, as_of))


def _assess(
    records: PersonRecords, rules: Rules, as_of: date, active: list[EmploymentSpan], memo: StatusMemo | None = None,
    months_shown: int = MONTHS_SHOWN,
) -> PersonCompliance:
    judged = _course_statuses(records, rules, as_of, active, memo)
    months = supervision_months(records, rules, as_of, months_shown)
    policies = _policy_statuses(records, rules, active)
    red, amber = _supervision_reasons(months, as_of)
    course_red: list[str] = []
    course_amber: list[str] = []
    for _status, reason, is_red in judged:
        if reason is not None:
            (course_red if is_red else course_amber).append(reason)
    red[:0] = course_red
    amber[:0] = course_amber
    for p in policies:
        if not p.acknowledged:
            amber.append(_unacknowledged(p.topic, p.version))

    return PersonCompliance(
        records.person_id,
        records.staff_id,
        records.name,
        as_of,
        RED if red else AMBER if amber else GREEN,
        tuple(red + amber),
        tuple([j[0] for j in judged]),
        tuple(months),
        _last_session(records, as_of),
        tuple(policies),
        _current(active),
    )


def _supervision_reasons(months: Sequence[MonthStatus], as_of: date) -> tuple[list[str], list[str]]:
    """The red and the amber reasons supervision gives on as_of. Only the months of the as-at period and the
    month before it are read: `months` may be any run of the months shown that ends with as_of's and holds
    those (supervision_months with a smaller count)."""
    red: list[str] = []
    amber: list[str] = []
    this_month = month_start(as_of)
    previous = _previous_month(this_month)
    current = months[-1] if months and months[-1].month == this_month else None
    length = 1 if current is None else current.period_months
    if length > 1:
        previous = _previous_month(period_start(this_month, length))
    for m in months[-(length + 1):]:  # only the as-at period and the one before count for the colour
        if m.month == previous and m.status == MISSED:
            red.append(f"Supervision missed in {m.period_label} ({m.period_total} of {m.required} minutes)")
    if current is not None and current.status == IN_PROGRESS:
        days_left = (current.period_end - as_of).days + 1
        if days_left <= AMBER_DAYS_LEFT:
            this = "this month" if current.period_months == 1 else f"this period ({current.period_label})"
            amber.append(
                f"Supervision {this}: {current.period_total} of {current.required} minutes, {days_left} days left"
            )
    return red, amber


def _last_session(records: PersonRecords, as_of: date) -> date | None:
    """The last session on or before as_of within the months shown (however far back the records go)."""
    since = _month_windows(as_of, MONTHS_SHOWN)[0][0]
    last = None
    for a in records.attendances:
        on = a.date
        if since <= on <= as_of and (last is None or on > last):
            last = on
    return last


def _current(active: list[EmploymentSpan]) -> EmploymentSpan | None:
    """The current employment: the latest started of those active."""
    if len(active) < 2:
        return active[0] if active else None
    return max(active, key=lambda e: e.start)


def assess_all(
    population: Iterable[PersonRecords], rules: Rules, as_of: date, months: int = MONTHS_SHOWN
) -> list[PersonCompliance]:
    """The compliance of every person employed on as_of.

    `months`: how many months of supervision each result carries (as_of's and those before it). From
    `rules.recent_months` up, the colour, its reasons, the training and the policies are the same as with the
    months shown, and the records need go back only as far (`load_records(..., months=...)`); `last_session`
    then looks no further back than those records."""
    results = []
    memo: StatusMemo = {}
    with collector_paused():
        for records in population:
            if active := _active(records, as_of):
                results.append(_assess(records, rules, as_of, active, memo, months))
    return results


# ---- a trend: one person's status on many days -------------------------------------------------------------


Column = tuple[tuple[str, str], ...]  # an item's (code, status) on each of the days


class TrendMemo:
    """What the statuses of many people on the same days share (`statuses_on`'s `memo`), for each run of days."""

    __slots__ = ("of_days", "flags")

    def __init__(self) -> None:
        self.of_days: dict[tuple[date, ...], _DaysMemo] = {}
        # statuses -> (the one tuple of them handed out, whether any is red, any amber)
        self.flags: dict[Column, tuple[Column, bool, bool]] = {}

    def on(self, days: tuple[date, ...]) -> _DaysMemo:
        found = self.of_days.get(days)
        if found is None:
            found = self.of_days[days] = _DaysMemo(days)
        return found


class _DaysMemo:
    """For one run of days: each item's statuses for one expiry or due date, and for one required item and one
    record of its own (people share records; the entry keeps both objects, so neither id can be reused)."""

    __slots__ = ("days", "ascending", "columns", "by_record", "layouts")

    def __init__(self, days: tuple[date, ...]) -> None:
        self.days = days
        self.ascending = all(a < b for a, b in zip(days, days[1:], strict=False))
        self.columns: dict[tuple[str, bool, date | None], Column] = {}  # (code, done, expiry or due date)
        self.by_record: dict[tuple[int, int], tuple[RequiredCourse, Completion, Column]] = {}
        # id of a plan -> the plan, and each item with its code, whether only its own records count, its allowance
        self.layouts: dict[int, tuple[tuple[RequiredCourse, ...], list[tuple[RequiredCourse, str, bool, int]]]] = {}

    def column(self, code: str, done: bool, when: date | None, warning_days: int) -> Column:
        key = (code, done, when)
        found = self.columns.get(key)
        if found is None:
            found = self.columns[key] = _column(code, done, when, self.days, warning_days)
        return found

    def record_column(self, required: RequiredCourse, record: Completion, warning_days: int) -> Column:
        """The item's (code, status) on each day, this record of its own counting."""
        key = (id(required), id(record))
        held = self.by_record.get(key)
        if held is None:
            column = self.column(required.code, True, _expiry(record, required.renewal_months), warning_days)
            held = self.by_record[key] = (required, record, column)
        return held[2]

    def layout(self, plan: tuple[RequiredCourse, ...]) -> list[tuple[RequiredCourse, str, bool, int]]:
        held = self.layouts.get(id(plan))
        if held is None:
            items = [(r, r.code, r.pair is None and len(r.satisfied_by) == 1, r.new_starter_days) for r in plan]
            held = self.layouts[id(plan)] = (plan, items)
        return held[1]


def statuses_on(
    records: PersonRecords,
    rules: Rules,
    days: Sequence[date],
    acknowledged_on: Iterable[tuple[int, str, date]] | None = None,
    memo: TrendMemo | None = None,
) -> list[DayStatus | None]:
    """The person's status on each of `days` (None where not employed): for every day, exactly
    `day_status(assess(records as on that day, rules, day))`, the work shared between days done once.

    `acknowledged_on` gives each acknowledgement (policy id, version, date) when the days span some of them;
    without it `records.acknowledged` holds on every day. `memo`: shared by the calls for many people with the
    same rules. One job (the usual case) is judged from the dates of change: each item's status on every day
    follows from the record that counts (found once for each set of records made by then) through its expiry and
    the due-soon date before it, or from the allowance's end; supervision from each month's minutes, worked out
    once for all the days. Several jobs: see _statuses_of_several_jobs."""
    if len(records.employments) == 1:
        return _statuses_of_one_job(records, rules, days, acknowledged_on, memo or TrendMemo())
    return _statuses_of_several_jobs(records, rules, days, acknowledged_on)


def _statuses_of_one_job(
    records: PersonRecords,
    rules: Rules,
    days: Sequence[date],
    acknowledged_on: Iterable[tuple[int, str, date]] | None,
    memo: TrendMemo,
) -> list[DayStatus | None]:
    job = records.employments[0]
    start, end = job.start, job.end
    employed = [start <= day and (end is None or day <= end) for day in days]
    if not any(employed):
        return [None] * len(days)
    rows = _course_rows(records, rules, tuple(days), employed, job, memo)
    supervision = _OneJobSupervision(records, rules.supervision_rule_for(job), job)
    unacknowledged_until = _unacknowledged_until(records, rules.policies_for(job.employer_id), acknowledged_on)
    flags = memo.flags
    results: list[DayStatus | None] = []
    found: tuple[Column, bool, bool] = ((), False, False)
    for day, is_employed, courses in zip(days, employed, rows, strict=True):
        if not is_employed:
            results.append(None)
            continue
        if courses == found[0]:  # as the day before (the usual case): no need to look them up
            pass
        elif (held := flags.get(courses)) is not None:
            found = held
        else:
            red = amber = False
            for _code, status in courses:
                if status == EXPIRED or status == MISSING:
                    red = True
                elif status == DUE_SOON or status == DUE:
                    amber = True
            found = flags[courses] = (courses, red, amber)
        courses, course_red, course_amber = found  # one shared tuple for everyone with these statuses
        supervision_red, supervision_amber, last = supervision.on(day)
        if course_red or supervision_red:
            rag = RED
        elif course_amber or supervision_amber or unacknowledged_until is True or (
            unacknowledged_until is not False and day < unacknowledged_until
        ):
            rag = AMBER
        else:
            rag = GREEN
        results.append(DayStatus(rag, courses, last))
    return results


def _course_rows(
    records: PersonRecords,
    rules: Rules,
    days: tuple[date, ...],
    employed: list[bool],
    job: EmploymentSpan,
    memo: TrendMemo,
) -> list[Column]:
    """The (code, status) of every item the one job requires, on each day (days not employed: any)."""
    plan = rules.course_plan(job)
    if not plan:
        return [()] * len(days)
    shared = memo.on(days)
    first_day = date.max
    for day, is_employed in zip(days, employed, strict=True):
        if is_employed and day < first_day:
            first_day = day
    # Each item's latest record (the first listed, of two on one day), and the items with one made after the
    # first day employed (only those can change from day to day)
    latest: dict[str, Completion] = {}
    made_later: set[str] = set()
    for c in records.completions:
        on = c.completed_on
        seen = latest.get(c.course)
        if seen is None or on > seen.completed_on:
            latest[c.course] = c
        if on > first_day:
            made_later.add(c.course)
    start = job.start
    warning_days = rules.warning_days
    by_item = []
    for required, code, own_only, allowance in shared.layout(plan):
        if own_only:  # met by its own records: the usual item
            if code not in made_later:
                found = latest.get(code)
                if found is None:
                    by_item.append(shared.column(code, False, _days_after(start, allowance), warning_days))
                else:
                    by_item.append(shared.record_column(required, found, warning_days))
                continue
            reads = frozenset((code,))
        else:
            reads = rules.read_by(required)
            if made_later.isdisjoint(reads):
                best = _record_that_counts(required, latest)
                if best is None:
                    by_item.append(shared.column(code, False, _days_after(start, allowance), warning_days))
                else:
                    by_item.append(shared.column(code, True, best[1], warning_days))
                continue
        own = [c for c in records.completions if c.course in reads]
        by_item.append(_changing_column(own, required, shared, employed, start, warning_days))
    return list(zip(*by_item, strict=True))


def _changing_column(
    own: list[Completion],
    required: RequiredCourse,
    shared: _DaysMemo,
    employed: list[bool],
    start: date,
    warning_days: int,
) -> Column:
    """The (code, status) on each day of an item with a record made within the days: the record that counts
    is found again for each set of records made by then, from those that can count (`own`), as _course_terms
    finds it."""
    code, days = required.code, shared.days

    own_only = required.pair is None and len(required.satisfied_by) == 1

    def column_on(day: date) -> Column:
        latest = _latest(own, day)
        if own_only and (record := latest.get(code)) is not None:
            return shared.record_column(required, record, warning_days)
        best = _record_that_counts(required, latest)
        if best is None:
            return shared.column(code, False, _days_after(start, required.new_starter_days), warning_days)
        return shared.column(code, True, best[1], warning_days)

    made_on = sorted([c.completed_on for c in own])
    if shared.ascending:  # the days from one record's date to the next share a column
        edges = sorted({0, len(days), *(bisect_left(days, on) for on in made_on)})
        pieces = [column_on(days[lo])[lo:hi] for lo, hi in zip(edges, edges[1:], strict=False) if lo < hi]
        return pieces[0] if len(pieces) == 1 else tuple(chain.from_iterable(pieces))
    column = []
    by_made: dict[int, Column] = {}  # records made by the day -> the column they give
    for i, (day, is_employed) in enumerate(zip(days, employed, strict=True)):
        if not is_employed:
            column.append((code, DUE))  # not read
            continue
        made = bisect_right(made_on, day)
        found = by_made.get(made)
        if found is None:
            found = by_made[made] = column_on(day)
        column.append(found[i])
    return tuple(column)


def _column(
    code: str, done: bool, when: date | None, days: tuple[date, ...], warning_days: int
) -> tuple[tuple[str, str], ...]:
    """An item's (code, status) on each day, done with this expiry (None: never expires) or, never done, due by
    this date: as _status_on gives it."""
    if done:
        if when is None:
            return ((code, COMPLIANT),) * len(days)
        expired, due_soon, compliant = (code, EXPIRED), (code, DUE_SOON), (code, COMPLIANT)
        soon = when - timedelta(days=warning_days)
        return tuple([expired if day >= when else due_soon if day >= soon else compliant for day in days])
    missing, due = (code, MISSING), (code, DUE)
    return tuple([missing if day >= when else due for day in days])  # type: ignore[operator]


def _unacknowledged_until(
    records: PersonRecords, policies: list[PolicyItem], acknowledged_on: Iterable[tuple[int, str, date]] | None
) -> bool | date:
    """When the last of the job's policies to be acknowledged was (a policy unacknowledged before that day);
    True: one is never acknowledged; False: none is wanted (or all were, whatever the day)."""
    if not policies:
        return False
    if acknowledged_on is None:
        held = records.acknowledged
        return not all((p.policy_id, p.version) in held for p in policies)
    first_on: dict[tuple[int, str], date] = {}
    for policy, version, on in acknowledged_on:
        seen = first_on.get((policy, version))
        if seen is None or on < seen:
            first_on[policy, version] = on
    last = date.min
    for p in policies:
        first = first_on.get((p.policy_id, p.version))
        if first is None:
            return True
        if first > last:
            last = first
    return last


class _OneJobSupervision:
    """The supervision reasons and the previous month's status on any day of one job, from each month's
    qualifying minutes worked out once (as supervision_months and _supervision_reasons give them)."""

    __slots__ = ("records", "spec", "length", "minimum", "minutes", "first_month", "never_away_from", "paused")

    def __init__(self, records: PersonRecords, spec: SupervisionRuleSpec, job: EmploymentSpan) -> None:
        self.records, self.spec = records, spec
        self.length = spec.period_months
        self.minimum = spec.min_minutes
        kinds, group_counts = spec.kinds, spec.group_counts
        minutes: dict[int, int] = {}
        for a in records.attendances:
            if a.kind in kinds and (group_counts or not a.is_group):
                on = a.date
                index = on.year * 12 + on.month - 1
                minutes[index] = minutes.get(index, 0) + a.minutes
        self.minutes = minutes
        start = job.start
        self.first_month = start.year * 12 + start.month - 1  # the first month the job is shown in
        # From this month on, never away nor out of the job: no period can be paused
        never_away = not records.absences and job.end is None
        self.never_away_from = (self.first_month + (start.day > 1)) if never_away else 1 << 30
        self.paused: dict[int, bool] = {}

    def _minutes_to(self, index: int, day: date) -> int:
        """The month's qualifying minutes of the sessions on or before day."""
        if (day + _ONE_DAY).day == 1:  # the month's last day: all of them
            return self.minutes.get(index, 0)
        spec = self.spec
        kinds, group_counts = spec.kinds, spec.group_counts
        total = 0
        for a in self.records.attendances:
            on = a.date
            if (
                on <= day and on.year * 12 + on.month - 1 == index and a.kind in kinds
                and (group_counts or not a.is_group)
            ):
                total += a.minutes
        return total

    def _is_paused(self, first_index: int) -> bool:
        """Away (or not employed) for more than half of the period starting in this month."""
        if first_index >= self.never_away_from:
            return False
        found = self.paused.get(first_index)
        if found is None:
            first = _month_of(first_index)
            last = _last_day_of(first_index + self.length - 1)
            found = self.paused[first_index] = _days_away(self.records, first, last) * 2 > (last - first).days + 1
        return found

    def _past_status(self, first_index: int) -> str:
        """The status of a period that ended before the day."""
        minutes = self.minutes
        total = 0
        for index in range(first_index, first_index + self.length):
            total += minutes.get(index, 0)
        if total >= self.minimum:
            return MET
        return PAUSED if self._is_paused(first_index) else MISSED

    def on(self, day: date) -> tuple[bool, bool, str | None]:
        """Red, amber and the previous month's status (None: not employed in it) on a day employed."""
        length = self.length
        this_month = day.year * 12 + day.month - 1
        first_index = this_month - (day.month - 1) % length  # the period's first month
        total = self._minutes_to(this_month, day)
        if length > 1:
            minutes = self.minutes
            for index in range(first_index, this_month):
                total += minutes.get(index, 0)
        if total >= self.minimum:
            current = MET
        elif self._is_paused(first_index):
            current = PAUSED
        else:
            current = IN_PROGRESS
        amber = current == IN_PROGRESS and (_last_day_of(first_index + length - 1) - day).days < AMBER_DAYS_LEFT
        previous = first_index - 1  # the month before the period
        before = None  # the previous period's status
        red = False
        if previous >= self.first_month and previous >= this_month - min(MONTHS_SHOWN - 1, length):
            before = self._past_status(first_index - length)
            red = before == MISSED
        if this_month - 1 < self.first_month:
            return red, amber, None
        if this_month - 1 >= first_index:
            return red, amber, current
        return red, amber, before if before is not None else self._past_status(first_index - length)


_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=1 << 10)
def _month_of(index: int) -> date:
    """The first day of the month of this index (_month_index)."""
    return date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=1 << 10)
def _last_day_of(index: int) -> date:
    """The last day of the month of this index (_month_index)."""
    return month_end(_month_of(index))


def _statuses_of_several_jobs(
    records: PersonRecords,
    rules: Rules,
    days: Sequence[date],
    acknowledged_on: Iterable[tuple[int, str, date]] | None,
) -> list[DayStatus | None]:
    """The records that count for each required item are found once for each set of jobs and records made by
    then (the dates of change are the records' dates and the jobs' starts and ends); the statuses they give
    (expired, due soon, missing) follow from their dates alone. Supervision reads only the months that decide the
    day's colour and the previous month's figure."""
    results: list[DayStatus | None] = []
    done_dates = sorted(c.completed_on for c in records.completions)
    acks = sorted(acknowledged_on or (), key=lambda a: a[2])
    ack_dates = [a[2] for a in acks]
    by_month = attendances_by_month(records)
    warning = timedelta(days=rules.warning_days)
    # per (jobs, records made): the terms, and the days on which a status they give can change
    terms_of: dict[tuple[tuple[int, ...], int], tuple[list[CourseTerms], list[date]]] = {}
    # per (jobs, records made, days of change passed): the statuses, and whether any is red, any amber
    courses_of: dict[tuple[tuple[int, ...], int, int], tuple[tuple[tuple[str, str], ...], bool, bool]] = {}
    unacknowledged_of: dict[tuple[tuple[int, ...], int], bool] = {}
    warning_days = rules.warning_days
    # The months shown on the last day: where every rule met in them is monthly, a month end before that day
    # finds its month and the one before there (see _monthly_as_at_end).
    monthly: dict[date, MonthStatus] | None = None
    monthly_from = monthly_to = date.min
    if days:
        last_day = max(days)
        wide = supervision_months(records, rules, last_day, MONTHS_SHOWN, by_month)
        if all(m.period_months == 1 for m in wide):
            monthly = {m.month: m for m in wide}
            monthly_from, monthly_to = _month_windows(last_day, MONTHS_SHOWN)[0][0], month_start(last_day)
    for day in days:
        active = _active(records, day)
        if not active:
            results.append(None)
            continue
        jobs = tuple(id(e) for e in active)
        key = (jobs, bisect_right(done_dates, day))
        found = terms_of.get(key)
        if found is None:
            terms = _course_terms(records, rules, day, active)
            found = terms_of[key] = (terms, _days_of_change(terms, warning))
        terms, changes = found
        passed = bisect_right(changes, day)  # a status changes only on one of these days
        made = courses_of.get((*key, passed))
        if made is None:
            courses = tuple((t[0].code, _status_on(t[1], t[2], day, warning_days)) for t in terms)
            made = courses_of[(*key, passed)] = (
                courses,
                any(s == EXPIRED or s == MISSING for _c, s in courses),
                any(s == DUE_SOON or s == DUE for _c, s in courses),
            )
        courses, course_red, course_amber = made

        this_month = month_start(day)
        previous = _previous_month(this_month)
        if monthly is not None and previous >= monthly_from and this_month < monthly_to and day == month_end(day):
            months = _monthly_as_at_end(monthly, previous, this_month)
        else:
            months = supervision_months(records, rules, day, 2, by_month)
            current = months[-1] if months and months[-1].month == this_month else None
            if current is not None and current.period_months > 1:
                count = min(MONTHS_SHOWN, current.period_months + 1)
                months = supervision_months(records, rules, day, count, by_month)
        red, amber = _supervision_reasons(months, day)
        last = next((m.status for m in months if m.month == previous), None)

        count = bisect_right(ack_dates, day) if acknowledged_on is not None else -1
        unacknowledged = unacknowledged_of.get((jobs, count))
        if unacknowledged is None:
            acknowledged = records.acknowledged if count < 0 else {(p, v) for p, v, _on in acks[:count]}
            unacknowledged = unacknowledged_of[jobs, count] = not all(
                p.acknowledged for p in _policy_statuses_of(acknowledged, rules, active)
            )

        if red or course_red:
            rag = RED
        elif amber or unacknowledged or course_amber:
            rag = AMBER
        else:
            rag = GREEN
        results.append(DayStatus(rag, courses, last))
    return results


def _monthly_as_at_end(monthly: dict[date, MonthStatus], previous: date, this_month: date) -> list[MonthStatus]:
    """The previous month and this month as supervision_months gives them at this month's last day, from the
    months as worked out at a later day, every rule monthly. Both see the same job at each month's end, the same
    days away and (the day being a month end) all of each month's minutes; the one difference is that this
    month, unmet and not paused, is in progress on its last day where the later day finds it missed."""
    months = []
    if (before := monthly.get(previous)) is not None:
        months.append(before)
    if (now := monthly.get(this_month)) is not None:
        if now.status == MISSED:
            now = _month_status(now.month, now.minutes, now.required, IN_PROGRESS, 1, None)
        months.append(now)
    return months


def _days_of_change(terms: list[CourseTerms], warning: timedelta) -> list[date]:
    """The days on which a status `_status_on` gives for these terms can change (it is the same on every day
    from one of them to the next): each expiry, the warning's start before it, and each due date."""
    found: set[date] = set()
    for _required, best, due_by in terms:
        if best is None:
            found.add(due_by)  # type: ignore[arg-type]
        elif best[1] is not None:
            found.update((best[1] - warning, best[1]))
    return sorted(found)


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


@dataclass(frozen=True)
class Tally:
    """The counts a Summary is made of. Tallies add, and a person's can be taken away again, so a cached team
    can take in a changed person without counting everyone (tracker.views.team_cache)."""

    green: int = 0
    amber: int = 0
    red: int = 0
    per_course: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # code -> (in date, needing it)
    met: int = 0  # supervision last month: met, of those due (met or missed)
    due: int = 0

    @property
    def people(self) -> int:
        return self.green + self.amber + self.red

    def __add__(self, other: Tally) -> Tally:
        return self._combined(other, 1)

    def __sub__(self, other: Tally) -> Tally:
        return self._combined(other, -1)

    def _combined(self, other: Tally, sign: int) -> Tally:
        courses = dict(self.per_course)
        for code, (ok, n) in other.per_course.items():
            was_ok, was_n = courses.get(code, (0, 0))
            courses[code] = (was_ok + sign * ok, was_n + sign * n)
        return Tally(
            self.green + sign * other.green,
            self.amber + sign * other.amber,
            self.red + sign * other.red,
            {code: t for code, t in courses.items() if t[1]},  # a course no one needs any more is not shown
            self.met + sign * other.met,
            self.due + sign * other.due,
        )


class DayStatus(NamedTuple):
    """What the headline figures count of one person on one day."""

    rag: str
    courses: tuple[tuple[str, str], ...]  # (item code, status) of each required item, in the order shown
    last_month: str | None  # the status of the previous month's supervision (None: not employed in it)


def day_status(result: PersonCompliance, previous: date) -> DayStatus:
    """The figures of an assessment (`previous`: the first day of the month before its as-at month)."""
    m = result.month(previous)
    return DayStatus(
        result.rag, tuple((c.course, c.status) for c in result.training), None if m is None else m.status
    )


def tally(results: Iterable[PersonCompliance], as_of: date) -> Tally:
    previous = add_months(month_start(as_of), -1)
    return tally_statuses(day_status(r, previous) for r in results)


def tally_statuses(statuses: Iterable[DayStatus]) -> Tally:
    """The counts of everyone's status on one day."""
    counts = {RED: 0, AMBER: 0, GREEN: 0}
    # Many people share one tuple of item statuses (statuses_on hands out one): each is counted once, with the
    # number of people holding it. Keyed by identity (cheaper than hashing the statuses); the entry keeps the
    # tuple, so its id cannot be reused while counting.
    people_with: dict[int, list] = {}  # type: ignore[type-arg]
    met = due = 0
    for r in statuses:
        counts[r.rag] += 1
        held = people_with.get(id(r.courses))
        if held is None:
            people_with[id(r.courses)] = [r.courses, 1]
        else:
            held[1] += 1
        last = r.last_month
        if last == MET or last == MISSED:
            due += 1
            met += last == MET
    per_course: dict[str, list[int]] = {}
    for courses, people in people_with.values():
        for code, status in courses:
            course = per_course.get(code)
            if course is None:
                course = per_course[code] = [0, 0]
            course[1] += people
            if status == COMPLIANT or status == DUE_SOON:
                course[0] += people
    return Tally(
        counts[GREEN], counts[AMBER], counts[RED], {code: (ok, n) for code, (ok, n) in per_course.items()}, met, due
    )


def summary_of(counted: Tally) -> Summary:
    def pct(a: int, b: int) -> float:
        return round(100.0 * a / b, 1) if b else 0.0

    return Summary(
        people=counted.people,
        green=counted.green,
        amber=counted.amber,
        red=counted.red,
        fully_compliant_pct=pct(counted.green, counted.people),
        course_pct={code: pct(ok, n) for code, (ok, n) in sorted(counted.per_course.items())},
        supervision_met_last_month_pct=pct(counted.met, counted.due),
    )


def summarise(results: Iterable[PersonCompliance], as_of: date) -> Summary:
    """Headline figures: % green, % compliant per course (of those who need it), % met last month."""
    return summary_of(tally(results, as_of))


def summarise_statuses(statuses: Iterable[DayStatus]) -> Summary:
    """The headline figures of everyone's status on one day."""
    return summary_of(tally_statuses(statuses))


# ---- who may supervise --------------------------------------------------------------------------------------


def supervisor_mismatch(
    role: str, role_name: str, profession: str | None, accepted: dict[str, tuple[str, ...]]
) -> str | None:
    """Why a supervisor of this profession is not of a kind the role names for its clinical supervisor (None
    when they are, or the role names none). Professions match by word: "mental health nurse" is a nurse."""
    kinds = accepted.get(role)
    if not kinds:
        return None
    wanted = " or ".join(kinds)
    given = (profession or "").strip()
    if not given:
        return f"the supervisor's profession is not recorded; a {role_name}'s clinical supervisor should be a {wanted}"
    words = f" {' '.join(given.lower().replace('-', ' ').split())} "
    if any(f" {kind} " in words for kind in kinds):
        return None
    return f"a {profession} is not a kind of clinical supervisor a {role_name} expects (a {wanted})"

