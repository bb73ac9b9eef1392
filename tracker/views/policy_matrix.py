"""Every policy topic against the employers: each employer's position (statement, document, version, review
date) and the adaptations agreed for the joint team, as the Policies page and its forms show them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from tracker.models import EmployerPolicy, Organisation, PolicyAdaptation, PolicyTopic


def split_employers(employers: str) -> list[int]:
    """The employer ids an adaptation names (stored as "3;7")."""
    return [int(p) for p in employers.split(";") if p.strip().isdigit()]


@dataclass(frozen=True)
class Position:
    policy_id: int
    topic_id: int
    employer_id: int
    statement: str
    document_url: str | None
    version: str
    owner: str | None
    owner_email: str | None
    review_date: date | None
    requires_acknowledgement: bool


@dataclass(frozen=True)
class Adaptation:
    adaptation_id: int
    topic_id: int
    employer_ids: tuple[int, ...]
    employers: tuple[str, ...]
    condition: str
    agreed_by: str
    agreed_on: date | None
    review_date: date | None


@dataclass(frozen=True)
class TopicRow:
    topic_id: int
    name: str
    description: str
    positions: dict[int, Position] = field(default_factory=dict)  # employer id -> position
    adaptations: tuple[Adaptation, ...] = ()

    def differs(self, employer_ids: Iterable[int]) -> bool:
        """True when the employers shown do not all say the same thing (or some say nothing)."""
        said = {self._said(e) for e in employer_ids}
        return len(said) > 1

    def _said(self, employer_id: int) -> str | None:
        p = self.positions.get(employer_id)
        return None if p is None else " ".join(p.statement.lower().split())


@dataclass(frozen=True)
class PolicyMatrix:
    employers: tuple[tuple[int, str], ...]
    topics: tuple[TopicRow, ...]

    def differing(self) -> list[TopicRow]:
        ids = [e for e, _ in self.employers]
        return [t for t in self.topics if t.differs(ids)]


def policy_matrix(employer_ids: Iterable[int] | None = None) -> PolicyMatrix:
    """Every topic against the employers (all, or those given), with positions and adaptations."""
    orgs = Organisation.select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if employer_ids is not None:
        orgs = orgs.where(Organisation.id.in_(list(employer_ids)))
    employers = tuple((o.id, o.name) for o in orgs)
    names = dict(employers)
    all_names: dict[int, str] = {i: name for i, name in Organisation.select(Organisation.id, Organisation.name).tuples()}
    positions: dict[int, dict[int, Position]] = {}
    for p in EmployerPolicy.select():
        if p.employer_id in names:
            positions.setdefault(p.topic_id, {})[p.employer_id] = Position(
                p.id,
                p.topic_id,
                p.employer_id,
                p.statement,
                p.document_url,
                p.version,
                p.owner,
                p.owner_email,
                p.review_date,
                bool(p.requires_acknowledgement),
            )
    adaptations: dict[int, list[Adaptation]] = {}
    for a in PolicyAdaptation.select().order_by(PolicyAdaptation.id):
        ids = tuple(split_employers(a.employers))
        adaptations.setdefault(a.topic_id, []).append(
            Adaptation(
                a.id,
                a.topic_id,
                ids,
                tuple(all_names.get(i, f"employer {i}") for i in ids),
                a.condition,
                a.agreed_by,
                a.agreed_on,
                a.review_date,
            )
        )
    topics = tuple(
        TopicRow(t.id, t.name, t.description, positions.get(t.id, {}), tuple(adaptations.get(t.id, ())))
        for t in PolicyTopic.select().order_by(PolicyTopic.name)
    )
    return PolicyMatrix(employers, topics)


def kept_policy_matrix() -> PolicyMatrix:
    """policy_matrix() of every employer, worked out once and kept until the data changes (every policy, topic
    and adaptation write records an audit event, which changes team_cache's marker): never stale. Shared by
    the pages that show it: read it, never change it."""
    from tracker.views.team_cache import CACHE

    return CACHE.remembered(("policy matrix",), policy_matrix)
