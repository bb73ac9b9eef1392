"""Who has acknowledged each policy's current version, as the rules engine says it of every person in the
team's cached snapshot (the acknowledgement rule is the engine's: tracker.compliance.policy_statuses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.access import Scope
from tracker.errors import NotFound
from tracker.models import EmployerPolicy
from tracker.views.team_cache import CACHE


@dataclass(frozen=True)
class Reader:
    person_id: int
    staff_id: str
    name: str


@dataclass(frozen=True)
class AcknowledgementState:
    policy_id: int
    version: str
    acknowledged: int
    outstanding: tuple[Reader, ...]  # employed on the date, in scope, not acknowledged this version

    @property
    def people(self) -> int:
        return self.acknowledged + len(self.outstanding)


def acknowledgements(policy_id: int, as_of: date, scope: Scope) -> AcknowledgementState:
    """Who of the people in scope that the policy asks (its employer's staff) has and has not acknowledged its
    current version on as_of."""
    version = EmployerPolicy.select(EmployerPolicy.version).where(EmployerPolicy.id == policy_id).scalar()
    if version is None:
        raise NotFound("there is no such policy")
    done = 0
    outstanding: list[Reader] = []
    for m in CACHE.snapshot(scope, as_of).members:
        for p in m.result.policies:
            if p.policy_id == policy_id:
                if p.acknowledged:
                    done += 1
                else:
                    outstanding.append(Reader(m.person_id, m.staff_id, m.name))
    return AcknowledgementState(policy_id, str(version), done, tuple(outstanding))


def acknowledgement_counts(as_of: date, scope: Scope) -> dict[int, tuple[int, int]]:
    """Policy id -> (acknowledged, people) for each policy that asks to be acknowledged and someone in scope on
    as_of is asked: worked out once per snapshot of the team, kept until the data changes."""
    return dict(CACHE.remembered(("acknowledgement counts", scope, as_of), lambda: _counted(as_of, scope)))


def _counted(as_of: date, scope: Scope) -> dict[int, tuple[int, int]]:
    counts: dict[int, list[int]] = {}
    for m in CACHE.snapshot(scope, as_of).members:
        for p in m.result.policies:
            tally = counts.setdefault(p.policy_id, [0, 0])
            tally[0] += p.acknowledged
            tally[1] += 1
    return {policy_id: (done, people) for policy_id, (done, people) in counts.items()}
