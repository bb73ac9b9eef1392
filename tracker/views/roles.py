"""Role pages: what a role does, its boundaries, requirements, funding and sources (an administrator's text or
the built-in one), the training and supervision it requires worked out by the engine's own rules
(tracker.compliance.Rules, per employer where employers differ), and who in the viewer's team holds it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tracker import compliance as c
from tracker.access import Viewer
from tracker.errors import NotFound
from tracker.models import Employment, Organisation, Role, RolePage
from tracker.role_texts import RoleText, built_in
from tracker.views.directory import Colleague, role_counts, role_holders
from tracker.views.population import Scope, scope_jobs
from tracker.views.team_cache import CACHE
from tracker.views.team_views import DEFAULT_PAGE_SIZE, Paged

NO_EMPLOYER = 0  # no organisation has id 0: the role's own terms, before any employer's rules


@dataclass(frozen=True)
class EmployerTerms:
    """What one employer's job in the role requires (the employer's rules over the role's)."""

    employer_id: int
    employer: str
    courses: tuple[c.RequiredCourse, ...]
    supervision: c.SupervisionRuleSpec
    differs: bool  # from the role's own terms


@dataclass(frozen=True)
class RoleSummary:
    code: str
    name: str
    band_cap: str | None
    is_arrs: bool
    holders: int  # in the viewer's team


@dataclass(frozen=True)
class RolePageView:
    code: str
    name: str
    band_cap: str | None
    is_arrs: bool
    notes: str
    text: RoleText
    written_by: str  # "" while the page shows the built-in text
    written_at: datetime | None
    courses: tuple[c.RequiredCourse, ...]
    supervision: c.SupervisionRuleSpec
    employers: tuple[EmployerTerms, ...]
    holders: Paged[Colleague]  # one page of them, by name, and how many
    course_names: dict[str, str]


def role_text(role_id: int, code: str) -> tuple[RoleText, str, datetime | None]:
    page = RolePage.get_or_none(RolePage.role == role_id)
    if page is None:
        return built_in(code), "", None
    text = RoleText(**{part: getattr(page, part) for part in RoleText.PARTS})
    return text, page.updated_by, page.updated_at


def roles_index(viewer: Viewer, as_of: date) -> list[RoleSummary]:
    counts = role_counts(viewer, as_of)  # counted in SQL: no one in the team is read
    rows = Role.select(Role.code, Role.name, Role.band_cap, Role.is_arrs).order_by(Role.name).tuples()
    return [RoleSummary(code, name, band, bool(arrs), counts.get(code, 0)) for code, name, band, arrs in rows]


def _employers_of(role_id: int, as_of: date) -> list[tuple[int, str]]:
    query = (
        scope_jobs(Scope(), as_of, Organisation.id, Organisation.name)
        .join(Organisation, on=(Employment.employer == Organisation.id))
        .where(Employment.role == role_id)
        .distinct()
    )
    return sorted(query.tuples(), key=lambda e: e[1].lower())


def _terms(rule: c.SupervisionRuleSpec) -> tuple[int, frozenset[str], bool]:
    return rule.min_minutes, rule.kinds, rule.group_counts


def role_page(viewer: Viewer, code: str, as_of: date, rules: c.Rules | None = None, page: int = 1,
              size: int = DEFAULT_PAGE_SIZE) -> RolePageView:
    """The role's page, with the `page`th page of its holders in the viewer's team (role_holders)."""
    role = Role.get_or_none(Role.code == code)
    if role is None:
        raise NotFound(f"There is no role with the code {code}.")
    rules = rules or CACHE.rules()  # kept until the data changes: a role page only reads them
    own = c.EmploymentSpan(role.code, NO_EMPLOYER, as_of)
    courses, supervision = rules.course_plan(own), rules.supervision_rule_for(own)
    employers = []
    for employer_id, name in _employers_of(role.id, as_of):
        job = c.EmploymentSpan(role.code, employer_id, as_of)
        plan, rule = rules.course_plan(job), rules.supervision_rule_for(job)
        employers.append(EmployerTerms(employer_id, name, plan, rule, plan != courses or _terms(rule) != _terms(supervision)))
    text, by, at = role_text(role.id, role.code)
    holders = role_holders(viewer, as_of, role.code, page, size)
    return RolePageView(
        role.code, role.name, role.band_cap, bool(role.is_arrs), role.notes or "", text, by, at, courses,
        supervision, tuple(employers), holders, {code: course.name for code, course in rules.courses.items()},
    )
