"""The effect of a requirement or supervision-rule change, worked out before it is saved.

The proposed change is checked by the same input functions the services use, applied to the Rules dataclass
in memory, and the people it could touch are assessed twice by the engine, with the rules as they are and as
they would be: "this change makes 4 people non-compliant". Nothing is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from tracker import compliance as c
from tracker.access import Scope
from tracker.services.rules import RequirementInput, RuleInput, Target, requirement_input, rule_input
from tracker.services.validate import Lookups
from tracker.views.population import load_records, load_rules


@dataclass(frozen=True)
class Change:
    """A requirement (course set) or supervision rule (course None) for a role or employer, set or removed."""

    scope: str  # "role" | "employer"
    key: str | int  # role code | employer id
    label: str  # "role Care Coordinator" | "employer Northside Community Trust"
    course: str | None = None
    requirement: c.RequirementRule | None = None
    supervision: c.SupervisionRuleSpec | None = None
    remove: bool = False


def _target_key(target: Target) -> tuple[str, str | int]:
    if target.role is not None:
        return "role", target.role.code
    assert target.employer is not None
    return "employer", target.employer.id  # type: ignore[attr-defined]


def requirement_change(raw: Mapping[str, object], remove: bool = False) -> Change:
    """A change from the form's fields (scope, name, course, renewal_months, new_starter_days); ValidationError
    names a bad field exactly as saving it would."""
    item: RequirementInput | None = requirement_input(raw, Lookups())
    assert item is not None
    scope, key = _target_key(item.target)
    rule = c.RequirementRule(item.course.code, scope, key, item.renewal_months, item.new_starter_days)
    return Change(scope, key, item.target.label, item.course.code, requirement=rule, remove=remove)


def supervision_change(raw: Mapping[str, object], remove: bool = False) -> Change:
    """From scope, name, min_minutes_per_month, kinds, group_counts."""
    item: RuleInput | None = rule_input(raw, Lookups())
    assert item is not None
    scope, key = _target_key(item.target)
    spec = c.SupervisionRuleSpec(
        scope, key, item.min_minutes, frozenset(item.kinds.split(";")), item.group_counts
    )
    return Change(scope, key, item.target.label, supervision=spec, remove=remove)


def apply_change(rules: c.Rules, change: Change) -> c.Rules:
    """A copy of the rules with the change made (the original is untouched)."""
    if change.course is not None:
        requirements = [
            r
            for r in rules.requirements
            if not (r.course == change.course and r.scope == change.scope and str(r.key) == str(change.key))
        ]
        if not change.remove and change.requirement is not None:
            requirements.append(change.requirement)
        return dataclasses.replace(rules, requirements=requirements)
    supervision = [
        s for s in rules.supervision if not (s.scope == change.scope and str(s.key) == str(change.key))
    ]
    if not change.remove and change.supervision is not None:
        supervision.append(change.supervision)
    return dataclasses.replace(rules, supervision=supervision)


@dataclass(frozen=True)
class Effect:
    assessed: int  # people the change could touch, employed on the date
    made_red: tuple[str, ...]  # names of people made non-compliant (red)
    made_not_red: tuple[str, ...]  # names of people no longer red
    other_changes: int  # people moving between amber and green

    @property
    def sentence(self) -> str:
        if not (self.made_red or self.made_not_red or self.other_changes):
            return f"This change alters no one's status ({_people(self.assessed)} checked)."
        parts = [f"makes {_people(len(self.made_red))} non-compliant"]
        if self.made_not_red:
            parts.append(f"makes {_people(len(self.made_not_red))} compliant again")
        if self.other_changes:
            parts.append(f"moves {_people(self.other_changes)} between amber and green")
        return "This change " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] + "."


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def compare(records: Iterable[c.PersonRecords], before: c.Rules, after: c.Rules, as_of: date) -> Effect:
    """Assess everyone with both sets of rules and count who changes."""
    made_red: list[str] = []
    made_not_red: list[str] = []
    other = assessed = 0
    for person in records:
        if not any(e.active_on(as_of) for e in person.employments):
            continue
        assessed += 1
        old = c.assess(person, before, as_of).rag
        new = c.assess(person, after, as_of).rag
        if old == new:
            continue
        if new == c.RED:
            made_red.append(person.name)
        elif old == c.RED:
            made_not_red.append(person.name)
        else:
            other += 1
    return Effect(assessed, tuple(sorted(made_red)), tuple(sorted(made_not_red)), other)


def _touched(person: c.PersonRecords, change: Change) -> bool:
    """Could the change alter this person? Only when a job of theirs has that role (or employer)."""
    if change.scope == "employer":
        return True  # already loaded for the employer only
    return any(e.role == change.key for e in person.employments)


def preview(change: Change, as_of: date) -> Effect:
    """The effect of the change on everyone it could touch, as at as_of."""
    rules = load_rules()
    scope = Scope(employer_id=int(change.key)) if change.scope == "employer" else Scope()
    records = [p for p in load_records(as_of, scope) if _touched(p, change)]
    return compare(records, rules, apply_change(rules, change), as_of)
