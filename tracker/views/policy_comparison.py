"""Employers' policies side by side, for a PCN report: where they differ, and the joint-working adaptations.

The numbers compliance uses (supervision minutes, renewal periods) are read from the loaded rules, so the
comparison shows exactly what the engine applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker import compliance as c
from tracker.models import EmployerPolicy, Organisation, PolicyAdaptation, PolicyTopic

ROLE_DEFAULTS = "Role defaults"


@dataclass(frozen=True)
class PolicyPosition:
    statement: str
    version: str
    review_date: date | None
    requires_acknowledgement: bool


@dataclass(frozen=True)
class ComparisonRow:
    topic: str
    positions: tuple[PolicyPosition | None, ...]  # one per employer, in the comparison's order
    differs: bool


@dataclass(frozen=True)
class RuleRow:
    """A setting the engine uses, per employer, as text."""

    label: str
    values: tuple[str, ...]
    differs: bool


@dataclass(frozen=True)
class AdaptationRow:
    topic: str
    employers: tuple[str, ...]
    condition: str
    agreed_by: str
    agreed_on: date | None
    review_date: date | None


@dataclass(frozen=True)
class PolicyComparison:
    employers: tuple[str, ...]
    rules: tuple[RuleRow, ...]
    topics: tuple[ComparisonRow, ...]
    adaptations: tuple[AdaptationRow, ...]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _differs(values: Sequence[str | None]) -> bool:
    return len({None if v is None else _norm(v) for v in values}) > 1


def compare_policies(employers: Sequence[tuple[int, str]], rules: c.Rules) -> PolicyComparison:
    ids = [eid for eid, _ in employers]
    index = {eid: i for i, eid in enumerate(ids)}
    by_topic: dict[str, list[PolicyPosition | None]] = {}
    if ids:
        query = (
            EmployerPolicy.select(
                PolicyTopic.name, EmployerPolicy.employer, EmployerPolicy.statement, EmployerPolicy.version,
                EmployerPolicy.review_date, EmployerPolicy.requires_acknowledgement,
            )
            .join(PolicyTopic)
            .where(EmployerPolicy.employer.in_(ids))
            .order_by(PolicyTopic.name)
        )
        for topic, employer, statement, version, review, ack in query.tuples():
            row = by_topic.setdefault(topic, [None] * len(ids))
            row[index[employer]] = PolicyPosition(statement or "", version or "", review, bool(ack))
    topics = tuple(
        ComparisonRow(topic, tuple(row), _differs([p.statement if p else None for p in row]))
        for topic, row in by_topic.items()
    )
    return PolicyComparison(
        employers=tuple(name for _, name in employers),
        rules=tuple(_rule_rows(ids, rules)),
        topics=topics,
        adaptations=tuple(_adaptations(dict(employers))),
    )


def _rule_rows(ids: Sequence[int], rules: c.Rules) -> list[RuleRow]:
    supervision = {int(s.key): s for s in rules.supervision if s.scope == "employer"}
    sup_values = tuple(_supervision_text(supervision.get(eid)) for eid in ids)
    renewals: dict[int, list[str]] = {}
    for r in rules.requirements:
        if r.scope == "employer" and int(r.key) in ids and r.course in rules.courses:
            if r.renewal_months is None:
                months = "renewal as role"
            elif r.renewal_months == 0:
                months = "never expires"
            else:
                months = f"every {r.renewal_months} months"
            renewals.setdefault(int(r.key), []).append(f"{r.course}: {months}")
    training_values = tuple("; ".join(sorted(renewals[eid])) if eid in renewals else ROLE_DEFAULTS for eid in ids)
    return [
        RuleRow("Supervision rule used for compliance", sup_values, _differs(sup_values)),
        RuleRow("Training set by the employer", training_values, _differs(training_values)),
    ]


def _supervision_text(spec: c.SupervisionRuleSpec | None) -> str:
    if spec is None:
        return ROLE_DEFAULTS
    kinds = ", ".join(sorted(spec.kinds)) or "none"
    group = "group sessions count" if spec.group_counts else "group sessions do not count"
    return f"{spec.min_minutes} minutes a month of {kinds}; {group}"


def _adaptations(in_scope: dict[int, str]) -> list[AdaptationRow]:
    rows = []
    names: dict[int, str] = dict(Organisation.select(Organisation.id, Organisation.name).tuples())
    query = PolicyAdaptation.select(PolicyAdaptation, PolicyTopic.name).join(PolicyTopic).order_by(PolicyTopic.name)
    for adaptation in query:
        involved = [int(x) for x in adaptation.employers.split(";") if x.strip().isdigit()]
        if not any(eid in in_scope for eid in involved):
            continue
        rows.append(
            AdaptationRow(
                topic=adaptation.topic.name,
                employers=tuple(names.get(eid, f"employer {eid}") for eid in involved),
                condition=adaptation.condition,
                agreed_by=adaptation.agreed_by,
                agreed_on=adaptation.agreed_on,
                review_date=adaptation.review_date,
            )
        )
    return rows
