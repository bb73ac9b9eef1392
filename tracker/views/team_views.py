"""Read models for the operational lead's pages: the team snapshot, the training matrix, the supervision
heat-map, headline figures and the 12-month trend.

Everything is built from tracker.views.population results (the one rules engine); filtering, search, sorting and
pagination are pure functions over them. tracker.views.team_cache keeps a snapshot per (scope, as-at date) until
the data changes, so warm requests never re-run the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Generic, TypeVar

from tracker import compliance as c
from tracker.dates import add_months, last_months, month_end, month_start
from tracker.ids import parse_id

T = TypeVar("T")
RAG_ORDER = {c.RED: 0, c.AMBER: 1, c.GREEN: 2}
STATUSES = (c.RED, c.AMBER, c.GREEN)
SORTS = ("name", "status", "employer", "role")
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
TREND_POINTS = c.MONTHS_SHOWN  # the months a trend shows, in the dashboard and the reports alike


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Member:
    """One person in the team on the as-at date, with what the filters and the cells need."""

    result: c.PersonCompliance
    pcn_id: int | None
    courses: Mapping[str, c.CourseStatus]
    key: str  # lower-case name and staff id, for search

    @property
    def person_id(self) -> int:
        return self.result.person_id

    @property
    def name(self) -> str:
        return self.result.name

    @property
    def staff_id(self) -> str:
        return self.result.staff_id

    @property
    def rag(self) -> str:
        return self.result.rag

    @property
    def employer_id(self) -> int | None:
        job = self.result.employment
        return job.employer_id if job else None

    @property
    def employer_name(self) -> str:
        job = self.result.employment
        return job.employer_name if job else ""

    @property
    def role(self) -> str:
        job = self.result.employment
        return job.role if job else ""

    @property
    def role_name(self) -> str:
        job = self.result.employment
        return job.role_name if job else ""

    @property
    def supervision(self) -> c.MonthStatus | None:
        """The latest month's supervision (the as-at month), as the engine worked it out."""
        return self.result.month(month_start(self.result.as_of))

    def why(self, limit: int = 2) -> str:
        """Why the person is red or amber, in the engine's own words: the first `limit` reasons (red ones come
        first) and how many more, as the dashboard's "Needs attention" (one) and the matrix (two) show it;
        empty for someone green."""
        reasons = self.result.reasons
        if not reasons:
            return ""
        shown = "; ".join(reasons[:limit])
        more = len(reasons) - limit
        return f"{shown} (and {more} more)" if more > 0 else shown


@dataclass(frozen=True)
class TeamSnapshot:
    as_of: date
    members: tuple[Member, ...]  # in name order
    summary: c.Summary
    course_names: Mapping[str, str]
    employers: tuple[Option, ...]
    roles: tuple[Option, ...]
    pcns: tuple[Option, ...]
    counted: TeamTally

    def course_name(self, code: str) -> str:
        return self.course_names.get(code, code)

    @cached_property
    def course_figures(self) -> tuple[CourseFigure, ...]:
        return tuple(course_figures(self))

    @cached_property
    def employer_figures(self) -> tuple[EmployerFigure, ...]:
        return tuple(employer_figures(self))

    @cached_property
    def month_totals(self) -> tuple[MonthTotal, ...]:
        """Supervision met per month across everyone (the heat-map's totals with no filter)."""
        months = last_months(self.as_of, c.MONTHS_SHOWN)
        return tuple(MonthTotal(month, *self.counted.months.get(month, (0, 0))) for month in months)

    @cached_property
    def needs_attention(self) -> tuple[Member, ...]:
        return tuple(needs_attention(self, 10))

    @cached_property
    def course_options(self) -> tuple[Option, ...]:
        """The matrix's course columns with no filter: every course anyone in the team needs."""
        return course_columns(self, self.members)

    @cached_property
    def rag_counts(self) -> dict[str, int]:
        """The matrix's count of everyone by status with no filter (a copy is handed out: never changed)."""
        return tally(self.members)

    def warm(self) -> TeamSnapshot:
        """Work out the figures every page shows now (in the builder's thread), not on a page request."""
        _ = (self.course_figures, self.employer_figures, self.month_totals, self.needs_attention,
             self.course_options, self.rag_counts)
        return self


def assemble(
    as_of: date,
    results: Iterable[c.PersonCompliance],
    course_names: Mapping[str, str],
    pcn_of: Mapping[int, int | None],
    pcn_names: Mapping[int, str],
) -> TeamSnapshot:
    """A snapshot from the engine's results, the PCN each person works in, and the names to show."""
    return with_members(as_of, (member_of(r, pcn_of.get(r.person_id)) for r in results), course_names, pcn_names)


def member_of(result: c.PersonCompliance, pcn_id: int | None) -> Member:
    return Member(result, pcn_id, {s.course: s for s in result.training}, f"{result.name} {result.staff_id}".lower())


def with_members(
    as_of: date,
    members: Iterable[Member],
    course_names: Mapping[str, str],
    pcn_names: Mapping[int, str],
    counted: TeamTally | None = None,
) -> TeamSnapshot:
    """A snapshot of these members (in any order), with their tally when it is known already: the same whether
    they were all worked out just now or only the people a write touched (tracker.views.team_cache)."""
    ordered = tuple(sorted(members, key=lambda m: (m.name.lower(), m.staff_id)))
    counted = counted if counted is not None else team_tally(as_of, ordered)
    employers = {m.employer_id: m.employer_name for m in ordered if m.employer_id is not None}
    roles = {m.role: m.role_name for m in ordered if m.role}
    pcns = {m.pcn_id: pcn_names.get(m.pcn_id, f"PCN {m.pcn_id}") for m in ordered if m.pcn_id is not None}
    return TeamSnapshot(
        as_of=as_of,
        members=ordered,
        summary=c.summary_of(counted.engine),
        course_names=dict(course_names),
        employers=_options(employers),
        roles=_options(roles),
        pcns=_options(pcns),
        counted=counted,
    )


@dataclass(frozen=True)
class TeamTally:
    """What the dashboard's figures count, person by person: the engine's tally, supervision met per month, and
    the people of each employer by status. Tallies add and subtract, as the engine's do."""

    engine: c.Tally
    months: Mapping[date, tuple[int, int]]  # first day of the month -> (met, met or missed)
    employers: Mapping[int, tuple[str, Mapping[str, int]]]  # employer id -> (name, people by status)

    def __add__(self, other: TeamTally) -> TeamTally:
        return self._combined(other, 1)

    def __sub__(self, other: TeamTally) -> TeamTally:
        return self._combined(other, -1)

    def _combined(self, other: TeamTally, sign: int) -> TeamTally:
        months = dict(self.months)
        for month, (met, counted) in other.months.items():
            was_met, was_counted = months.get(month, (0, 0))
            months[month] = (was_met + sign * met, was_counted + sign * counted)
        employers = {eid: (name, dict(counts)) for eid, (name, counts) in self.employers.items()}
        for eid, (name, counts) in other.employers.items():
            held = employers.setdefault(eid, (name, dict.fromkeys(STATUSES, 0)))[1]
            for status, n in counts.items():
                held[status] += sign * n
        engine = self.engine + other.engine if sign > 0 else self.engine - other.engine
        return TeamTally(
            engine,
            {month: t for month, t in months.items() if t[1]},
            {eid: e for eid, e in employers.items() if sum(e[1].values())},
        )


def team_tally(as_of: date, members: Iterable[Member]) -> TeamTally:
    members = list(members)
    months = {t.month: (t.met, t.counted) for t in month_totals(as_of, members) if t.counted}
    employers: dict[int, tuple[str, dict[str, int]]] = {}
    for m in members:
        if m.employer_id is not None:
            employers.setdefault(m.employer_id, (m.employer_name, dict.fromkeys(STATUSES, 0)))[1][m.rag] += 1
    return TeamTally(c.tally((m.result for m in members), as_of), months, dict(employers))


def _options(named: Mapping[int, str] | Mapping[str, str]) -> tuple[Option, ...]:
    return tuple(sorted((Option(str(k), v) for k, v in named.items()), key=lambda o: o.label.lower()))


# ---- filters, search, sorting, pagination ----------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    employer_id: int | None = None
    role: str | None = None
    pcn_id: int | None = None
    status: str | None = None
    search: str = ""
    sort: str = "name"

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        """From a page's query parameters; anything unreadable is simply not applied."""
        status = params.get("status") or None
        sort = params.get("sort") or "name"
        return cls(
            employer_id=parse_id(params.get("employer")),
            role=params.get("role") or None,
            pcn_id=parse_id(params.get("pcn")),
            status=status if status in STATUSES else None,
            search=(params.get("q") or "").strip()[:100],
            sort=sort if sort in SORTS else "name",
        )

    def to_params(self) -> dict[str, str]:
        params = {
            "employer": "" if self.employer_id is None else str(self.employer_id),
            "role": self.role or "",
            "pcn": "" if self.pcn_id is None else str(self.pcn_id),
            "status": self.status or "",
            "q": self.search,
            "sort": "" if self.sort == "name" else self.sort,
        }
        return {k: v for k, v in params.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.employer_id or self.role or self.pcn_id or self.status or self.search)


def select(snapshot: TeamSnapshot, filters: Filters) -> list[Member]:
    """The members that pass every filter and the search (name or staff id), in the chosen order."""
    if not filters.active and filters.sort == "name":
        return list(snapshot.members)  # everyone, in name order already: nothing to look at member by member
    words = filters.search.lower().split()
    chosen = [
        m
        for m in snapshot.members
        if (filters.employer_id is None or m.employer_id == filters.employer_id)
        and (filters.role is None or m.role == filters.role)
        and (filters.pcn_id is None or m.pcn_id == filters.pcn_id)
        and (filters.status is None or m.rag == filters.status)
        and all(w in m.key for w in words)
    ]
    if filters.sort == "status":
        chosen.sort(key=lambda m: RAG_ORDER.get(m.rag, 3))  # stable: name order within each status
    elif filters.sort == "employer":
        chosen.sort(key=lambda m: m.employer_name.lower())
    elif filters.sort == "role":
        chosen.sort(key=lambda m: m.role_name.lower())
    return chosen


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: tuple[T, ...]
    total: int
    page: int  # 1-based
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.size)


def paginate(items: Sequence[T], page: int, size: int = DEFAULT_PAGE_SIZE) -> Paged[T]:
    """One page of the items; a page beyond the end shows the last one, a size not offered the default."""
    size = size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    pages = max(1, -(-len(items) // size))
    page = min(max(1, page), pages)
    return Paged(tuple(items[(page - 1) * size : page * size]), len(items), page, size)


def tally(members: Iterable[Member]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for m in members:
        counts[m.rag] = counts.get(m.rag, 0) + 1
    return counts


# ---- the matrix and the heat-map --------------------------------------------------------------------------


MAX_CHOSEN = 50  # course codes read from the address; any more are ignored


def chosen_courses(value: str | None) -> tuple[str, ...]:
    """The course codes of the matrix's column chooser, from the address ("FIRE,IG"): in order, each once."""
    codes: list[str] = []
    for code in (value or "").split(","):
        code = code.strip()[:40]
        if code and code not in codes:
            codes.append(code)
    return tuple(codes[:MAX_CHOSEN])


@dataclass(frozen=True)
class MatrixPage:
    columns: tuple[Option, ...]  # the course columns shown: those chosen, or all of `available`
    rows: Paged[Member]
    counts: dict[str, int]
    available: tuple[Option, ...] = ()  # course code and name, for the courses anyone listed needs
    ignored: tuple[str, ...] = ()  # chosen codes that are not a course anyone listed needs

    @property
    def choosing(self) -> bool:
        return self.columns != self.available


def course_columns(snapshot: TeamSnapshot, members: Iterable[Member]) -> tuple[Option, ...]:
    codes: set[str] = set()
    for m in members:
        codes.update(m.courses)
    return tuple(sorted((Option(code, snapshot.course_name(code)) for code in codes), key=lambda o: o.label))


def matrix(
    snapshot: TeamSnapshot,
    filters: Filters,
    page: int = 1,
    size: int = DEFAULT_PAGE_SIZE,
    courses: Sequence[str] = (),
) -> MatrixPage:
    """One page of the matrix; `courses` (codes) chooses the columns, in the matrix's order. A code that is not
    a course anyone listed needs is ignored (and said); if none is left, every column shows."""
    chosen = select(snapshot, filters)
    # the order (filters.sort) changes neither the columns nor the counts: with no filter they are the team's
    everyone = not filters.active
    available = snapshot.course_options if everyone else course_columns(snapshot, chosen)
    counts = dict(snapshot.rag_counts) if everyone else tally(chosen)
    codes = {o.value for o in available}
    ignored = tuple(code for code in courses if code not in codes)
    shown = tuple(o for o in available if o.value in courses) or available
    return MatrixPage(shown, paginate(chosen, page, size), counts, available, ignored)


@dataclass(frozen=True)
class MonthTotal:
    month: date
    met: int
    counted: int  # people with the month met or missed (paused and in-progress months are left out)

    @property
    def pct(self) -> float:
        return round(100.0 * self.met / self.counted, 1) if self.counted else 0.0


@dataclass(frozen=True)
class HeatmapPage:
    months: tuple[date, ...]  # first days, oldest first
    rows: Paged[Member]
    totals: tuple[MonthTotal, ...]


def month_totals(as_of: date, members: Iterable[Member]) -> tuple[MonthTotal, ...]:
    months = tuple(last_months(as_of, c.MONTHS_SHOWN))
    met = dict.fromkeys(months, 0)
    counted = dict.fromkeys(months, 0)
    for m in members:
        for month in m.result.months:
            if month.status in (c.MET, c.MISSED) and month.month in counted:
                counted[month.month] += 1
                met[month.month] += month.status == c.MET
    return tuple(MonthTotal(month, met[month], counted[month]) for month in months)


def heatmap(
    snapshot: TeamSnapshot, filters: Filters, page: int = 1, size: int = DEFAULT_PAGE_SIZE
) -> HeatmapPage:
    chosen = select(snapshot, filters)
    totals = snapshot.month_totals if not filters.active else month_totals(snapshot.as_of, chosen)
    return HeatmapPage(tuple(t.month for t in totals), paginate(chosen, page, size), totals)


# ---- the dashboard ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseFigure:
    code: str
    name: str
    pct: float
    compliant: int
    required: int


def course_figures(snapshot: TeamSnapshot) -> list[CourseFigure]:
    """Per course: how many of those who need it are in date (compliant or due soon), lowest share first."""
    figures = [
        CourseFigure(code, snapshot.course_name(code), snapshot.summary.course_pct.get(code, 0.0), ok, n)
        for code, (ok, n) in snapshot.counted.engine.per_course.items()
    ]
    return sorted(figures, key=lambda f: (f.pct, f.name, f.code))


@dataclass(frozen=True)
class EmployerFigure:
    employer_id: int
    name: str
    people: int
    counts: dict[str, int]

    @property
    def green_pct(self) -> float:
        return round(100.0 * self.counts.get(c.GREEN, 0) / self.people, 1) if self.people else 0.0


def employer_figures(snapshot: TeamSnapshot) -> list[EmployerFigure]:
    figures = [
        EmployerFigure(eid, name, sum(counts.values()), dict(counts))
        for eid, (name, counts) in snapshot.counted.employers.items()
    ]
    return sorted(figures, key=lambda f: (f.green_pct, f.name.lower()))


def needs_attention(snapshot: TeamSnapshot, limit: int = 10) -> list[Member]:
    """Red first, then amber, each in name order: whom the lead should look at first."""
    return sorted((m for m in snapshot.members if m.rag != c.GREEN), key=lambda m: RAG_ORDER[m.rag])[:limit]


@dataclass(frozen=True)
class TrendPoint:
    day: date
    summary: c.Summary

    @property
    def label(self) -> str:
        return self.day.strftime("%b %Y")

    @property
    def people(self) -> int:
        return self.summary.people

    @property
    def pct_green(self) -> float:
        return self.summary.fully_compliant_pct


def trend_days(as_of: date, points: int = TREND_POINTS) -> list[date]:
    """The last day of each of the previous months, then the as-at date itself, oldest first."""
    first = month_start(as_of)
    return [month_end(add_months(first, -k)) for k in range(points - 1, 0, -1)] + [as_of]


@dataclass
class TrendSeries:
    labels: list[str] = field(default_factory=list)
    fully_compliant: list[float] = field(default_factory=list)
    supervision_met: list[float] = field(default_factory=list)
    people: list[int] = field(default_factory=list)


def trend_series(points: Sequence[TrendPoint]) -> TrendSeries:
    series = TrendSeries()
    for p in points:
        series.labels.append(p.label)
        series.fully_compliant.append(p.summary.fully_compliant_pct)
        series.supervision_met.append(p.summary.supervision_met_last_month_pct)
        series.people.append(p.summary.people)
    return series
