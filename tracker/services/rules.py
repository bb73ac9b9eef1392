"""Requirements (courses by role or employer) and supervision rules (by role or employer).

An employer's row overrides the role's, which overrides the course default; the engine applies that, this
module only keeps the rows. `--replace` on import makes a file the whole set, built-in defaults included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker.compliance import PERIOD_MONTHS
from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import SUPERVISION_KINDS, Course, Organisation, Requirement, Role, SupervisionRule
from tracker.services import audit
from tracker.services.validate import (
    Lookups,
    choice,
    integer,
    is_blank,
    optional_integer,
    split_list,
    strict,
    yes_no,
)

SCOPES = ("role", "employer")
MAX_RENEWAL_MONTHS = 600
MAX_NEW_STARTER_DAYS = 3650
MAX_MONTHLY_MINUTES = 2400


@dataclass(frozen=True)
class Target:
    scope: str
    role: Role | None
    employer: Organisation | None

    @property
    def key(self) -> tuple[str, int]:
        return (self.scope, self.role.id if self.role else self.employer.id)  # type: ignore[union-attr]

    @property
    def label(self) -> str:
        return f"role {self.role.name}" if self.role else f"employer {self.employer.name}"  # type: ignore[union-attr]


@dataclass(frozen=True)
class RequirementInput:
    target: Target
    course: Course
    renewal_months: int | None
    new_starter_days: int | None

    @property
    def key(self) -> tuple[str, int, int]:
        return (*self.target.key, self.course.id)


@dataclass(frozen=True)
class RuleInput:
    target: Target
    min_minutes: int
    kinds: str  # ';'-separated, in catalogue order
    group_counts: bool
    period_months: int = 1  # the minimum is for each period of this many calendar months

    @property
    def key(self) -> tuple[str, int]:
        return self.target.key


def _target(raw: Mapping[str, object], lookups: Lookups, take: Any) -> Target | None:
    scope = take("scope", lambda: choice(raw.get("scope"), SCOPES, "scope"))
    if scope is None:
        return None
    if scope == "role":
        role = take("name", lambda: lookups.role(raw.get("name"), "name"))
        return None if role is None else Target("role", role, None)
    employer = take("name", lambda: lookups.employer(raw.get("name"), "name"))
    return None if employer is None else Target("employer", None, employer)


def _kinds(value: object) -> str:
    wanted = [k.lower() for k in split_list(value)] or ["clinical"]
    unknown = [k for k in wanted if k not in SUPERVISION_KINDS]
    if unknown:
        raise ValidationError(f"'{';'.join(unknown)}' is not one of {', '.join(SUPERVISION_KINDS)}", "kinds")
    return ";".join(k for k in SUPERVISION_KINDS if k in wanted)


def requirement_input(raw: Mapping[str, object], lookups: Lookups, take: Any = strict) -> RequirementInput | None:
    target = _target(raw, lookups, take)
    course = take("course", lambda: lookups.course(raw.get("course")))
    renewal = take(
        "renewal_months",
        lambda: ("ok", optional_integer(raw.get("renewal_months"), "renewal_months", 0, MAX_RENEWAL_MONTHS)),
    )
    allowance = take(
        "new_starter_days",
        lambda: ("ok", optional_integer(raw.get("new_starter_days"), "new_starter_days", 0, MAX_NEW_STARTER_DAYS)),
    )
    if target is None or course is None or renewal is None or allowance is None:
        return None
    return RequirementInput(target, course, renewal[1], allowance[1])


def rule_input(raw: Mapping[str, object], lookups: Lookups, take: Any = strict) -> RuleInput | None:
    target = _target(raw, lookups, take)
    minutes = take(
        "min_minutes_per_month",
        lambda: integer(raw.get("min_minutes_per_month"), "min_minutes_per_month", 0, MAX_MONTHLY_MINUTES),
    )
    kinds = take("kinds", lambda: _kinds(raw.get("kinds")))
    group = take("group_counts", lambda: yes_no(raw.get("group_counts"), "group_counts", True))
    period = take("period_months", lambda: _period(raw.get("period_months")))
    if target is None or minutes is None or kinds is None or group is None or period is None:
        return None
    return RuleInput(target, minutes, kinds, group, period)


def _period(value: object) -> int:
    if is_blank(value):
        return 1
    months = integer(value, "period_months", 1, 12)
    if months not in PERIOD_MONTHS:
        raise ValidationError(
            f"{months} is not a period the year divides into (one of {', '.join(map(str, PERIOD_MONTHS))})",
            "period_months",
        )
    return months


def _where_target(model: Any, target: Target) -> Any:
    if target.role is not None:
        return (model.role == target.role.id) & model.employer.is_null()
    return (model.employer == target.employer.id) & model.role.is_null()  # type: ignore[union-attr]


@dataclass
class RulesOutcome:
    statuses: list[str] = field(default_factory=list)  # per item: created | updated | unchanged
    removed: int = 0

    def count(self, status: str) -> int:
        return self.statuses.count(status)

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def _upsert(model: Any, items: list[Any], key: Any, values: Any, replace: bool, write: bool) -> RulesOutcome:
    """Create or update one row per item; with replace, every other row goes first. write=False only counts."""
    outcome = RulesOutcome()
    if replace:
        outcome.removed = model.delete().execute() if write else model.select().count()
    held = {} if replace else {key(r): r for r in model.select()}
    for item in items:
        found = held.get(item.key)
        wanted = values(item)
        if found is None:
            outcome.statuses.append("created")
            if write:
                course = {"course": item.course.id} if hasattr(item, "course") else {}
                model.create(role=item.target.role, employer=item.target.employer, **course, **wanted)
        elif all(getattr(found, k) == v for k, v in wanted.items()):
            outcome.statuses.append("unchanged")
        else:
            outcome.statuses.append("updated")
            if write:
                model.update(**wanted).where(model.id == found.id).execute()
    return outcome


def apply_requirements(items: list[RequirementInput], replace: bool, write: bool = True) -> RulesOutcome:
    """Create or update each row (inside the caller's transaction); with replace, first remove every row."""
    return _upsert(
        Requirement, items, _requirement_key,
        lambda i: {"renewal_months": i.renewal_months, "new_starter_days": i.new_starter_days},
        replace, write,
    )


def _requirement_key(r: Requirement) -> tuple[str, int, int]:
    if r.employer_id is not None:
        return ("employer", r.employer_id, r.course_id)
    return ("role", r.role_id, r.course_id)


def apply_supervision_rules(items: list[RuleInput], replace: bool, write: bool = True) -> RulesOutcome:
    return _upsert(
        SupervisionRule, items, _rule_key,
        lambda i: {"min_minutes": i.min_minutes, "kinds": i.kinds, "group_counts": i.group_counts,
                   "period_months": i.period_months},
        replace, write,
    )


def _rule_key(r: SupervisionRule) -> tuple[str, int]:
    return ("employer", r.employer_id) if r.employer_id is not None else ("role", r.role_id)


def set_requirement(
    actor: str,
    scope: str,
    name: str,
    course: str,
    renewal_months: int | str | None = None,
    new_starter_days: int | str | None = None,
) -> Requirement:
    """Require `course` of a role or an employer (renewal 0 = never expires; None = the course default)."""
    raw = {"scope": scope, "name": name, "course": course, "renewal_months": renewal_months,
           "new_starter_days": new_starter_days}
    with database.atomic():
        item = requirement_input(raw, Lookups())
        assert item is not None
        found = Requirement.get_or_none(_where_target(Requirement, item.target) & (Requirement.course == item.course))
        before = audit.as_dict(found)
        outcome = apply_requirements([item], replace=False)
        row = Requirement.get(_where_target(Requirement, item.target) & (Requirement.course == item.course))
        if outcome.unchanged:
            return row
        after = audit.as_dict(row) | {"target": item.target.label, "course_code": item.course.code}
        audit.record(actor, "set", "requirement", row.id, before, after)
    return row


def remove_requirement(actor: str, requirement_id: int) -> None:
    with database.atomic():
        found = Requirement.get_or_none(Requirement.id == requirement_id)
        if found is None:
            raise NotFound(f"no requirement has id {requirement_id}")
        before = audit.as_dict(found)
        Requirement.delete().where(Requirement.id == requirement_id).execute()
        audit.record(actor, "remove", "requirement", requirement_id, before, None)


def set_supervision_rule(
    actor: str,
    scope: str,
    name: str,
    min_minutes: int | str,
    kinds: str | list[str] = "clinical",
    group_counts: bool | str = True,
    period_months: int | str = 1,
) -> SupervisionRule:
    """The supervision a role or an employer needs each period (a month unless set): minutes, kinds that count,
    group or not."""
    raw = {"scope": scope, "name": name, "min_minutes_per_month": min_minutes, "kinds": kinds,
           "group_counts": "yes" if group_counts is True else "no" if group_counts is False else group_counts,
           "period_months": period_months}
    with database.atomic():
        item = rule_input(raw, Lookups())
        assert item is not None
        found = SupervisionRule.get_or_none(_where_target(SupervisionRule, item.target))
        before = audit.as_dict(found)
        outcome = apply_supervision_rules([item], replace=False)
        row = SupervisionRule.get(_where_target(SupervisionRule, item.target))
        if outcome.unchanged:
            return row
        audit.record(actor, "set", "supervision_rule", row.id, before, audit.as_dict(row) | {"target": item.target.label})
    return row


def remove_supervision_rule(actor: str, rule_id: int) -> None:
    with database.atomic():
        found = SupervisionRule.get_or_none(SupervisionRule.id == rule_id)
        if found is None:
            raise NotFound(f"no supervision rule has id {rule_id}")
        before = audit.as_dict(found)
        SupervisionRule.delete().where(SupervisionRule.id == rule_id).execute()
        audit.record(actor, "remove", "supervision_rule", rule_id, before, None)
