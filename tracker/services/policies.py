"""Employers' policies: each employer's position on a topic (statement, document, version, review date), the
adaptations agreed for the joint team, and people's acknowledgements of the current version.

A position belongs to its employer: admins and that employer's lead edit it. Giving a position a new version
asks everyone again, because an acknowledgement is of a (policy, version) pair and the old pair no longer
counts; nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from peewee import JOIN, fn

from tracker.access import Scope, Viewer, can_edit_employer
from tracker.clock import today as clock_today
from tracker.db import database
from tracker.errors import NotFound, PermissionDenied, ValidationError
from tracker.models import (
    EmployerPolicy,
    Employment,
    Organisation,
    Person,
    PolicyAcknowledgement,
    PolicyAdaptation,
    PolicyTopic,
)
from tracker.periods import active_on
from tracker.services import audit
from tracker.services.validate import email, optional_date, person_by_id, text
from tracker.views.population import scope_jobs
from tracker.views.team_cache import CACHE

MAX_STATEMENT = 2000


def acknowledge(
    actor: str, person_id: int, policy_id: int, *, today: date | None = None
) -> PolicyAcknowledgement:
    """Record that the person has read the policy's current version; acknowledging it again changes nothing."""
    today = today or clock_today()
    with database.atomic():
        person = person_by_id(person_id)
        policy = EmployerPolicy.get_or_none(EmployerPolicy.id == policy_id)
        if policy is None:
            raise NotFound("there is no such policy")
        if not policy.requires_acknowledgement:
            raise ValidationError("this policy does not ask to be acknowledged", "policy")
        employed = Employment.select().where(
            (Employment.person == person.id)
            & (Employment.employer == policy.employer_id)
            & active_on(Employment, today)
        )
        if not employed.exists():
            raise ValidationError(
                "this policy belongs to an employer you do not currently work for", "policy"
            )
        found = PolicyAcknowledgement.get_or_none(
            (PolicyAcknowledgement.person == person.id)
            & (PolicyAcknowledgement.policy == policy.id)
            & (PolicyAcknowledgement.version == policy.version)
        )
        if found is not None:
            return found
        row = PolicyAcknowledgement.create(
            person=person.id, policy=policy.id, version=policy.version, acknowledged_on=today
        )
        after = audit.as_dict(row) | {"staff_id": person.staff_id}
        audit.record(actor, "acknowledge", "policy_acknowledgement", row.id, None, after)
    return row


# ---- positions and adaptations ----------------------------------------------------------------------------


def document_link(value: object) -> str | None:
    """A web address for the policy document (http or https only, so a link can never run script)."""
    raw = text(value, "document_url", max_length=500)
    if not raw:
        return None
    if not raw.lower().startswith(("https://", "http://")) or " " in raw:
        raise ValidationError(f"'{raw}' is not a web address (it must start with https://)", "document_url")
    return raw


def _topic(topic_id: int) -> PolicyTopic:
    found = PolicyTopic.get_or_none(PolicyTopic.id == topic_id)
    if found is None:
        raise NotFound(f"no policy topic has id {topic_id}")
    return found


def _employer(employer_id: int) -> Organisation:
    found = Organisation.get_or_none(Organisation.id == employer_id)
    if found is None:
        raise NotFound(f"no employer has id {employer_id}")
    return found


def set_position(
    viewer: Viewer,
    employer_id: int,
    topic_id: int,
    *,
    statement: str,
    version: str,
    document_url: str | None = None,
    owner: str | None = None,
    owner_email: str | None = None,
    review_date: date | str | None = None,
    requires_acknowledgement: bool = False,
) -> EmployerPolicy:
    """Create or change an employer's position on a topic. A changed version asks everyone to read it again."""
    if not can_edit_employer(viewer, employer_id):
        raise PermissionDenied("only an admin or this employer's lead may change its policies")
    fields = {
        "statement": text(statement, "statement", required=True, max_length=MAX_STATEMENT),
        "version": text(version, "version", required=True, max_length=20),
        "document_url": document_link(document_url),
        "owner": text(owner, "owner", max_length=100) or None,
        "owner_email": email(owner_email, "owner_email"),
        "review_date": optional_date(review_date, "review_date"),
        "requires_acknowledgement": bool(requires_acknowledgement),
    }
    with database.atomic():
        employer, topic = _employer(employer_id), _topic(topic_id)
        found = EmployerPolicy.get_or_none(
            (EmployerPolicy.employer == employer.id) & (EmployerPolicy.topic == topic.id)
        )
        names = {"employer": employer.name, "topic": topic.name}
        if found is None:
            row = EmployerPolicy.create(employer=employer.id, topic=topic.id, **fields)
            audit.record(viewer.actor, "create", "employer_policy", row.id, None, audit.as_dict(row) | names)
            return row
        if all(getattr(found, k) == v for k, v in fields.items()):
            return found
        before = audit.as_dict(found)
        action = "new_version" if found.version != fields["version"] else "update"
        for name, value in fields.items():
            setattr(found, name, value)
        found.save()
        audit.record(viewer.actor, action, "employer_policy", found.id, before, audit.as_dict(found) | names)
    return found


def _employer_ids(raw: Iterable[int | str]) -> list[int]:
    ids: list[int] = []
    for value in raw:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError(f"'{value}' is not an employer", "employers") from None
    ids = sorted(set(ids))
    if not ids:
        raise ValidationError("choose the employers the adaptation applies to", "employers")
    for employer_id in ids:
        _employer(employer_id)
    return ids


def _may_edit_adaptation(viewer: Viewer, employer_ids: Iterable[int]) -> None:
    if not any(can_edit_employer(viewer, e) for e in employer_ids):
        raise PermissionDenied("only an admin or the lead of one of its employers may record an adaptation")


def save_adaptation(
    viewer: Viewer,
    topic_id: int,
    employer_ids: Iterable[int | str],
    condition: str,
    *,
    agreed_by: str = "",
    agreed_on: date | str | None = None,
    review_date: date | str | None = None,
    adaptation_id: int | None = None,
) -> PolicyAdaptation:
    """Record (or, with adaptation_id, change) an exception agreed for the joint team on a topic."""
    ids = _employer_ids(employer_ids)
    fields = {
        "employers": ";".join(str(i) for i in ids),
        "condition": text(condition, "condition", required=True, max_length=MAX_STATEMENT),
        "agreed_by": text(agreed_by, "agreed_by", max_length=200),
        "agreed_on": optional_date(agreed_on, "agreed_on"),
        "review_date": optional_date(review_date, "review_date"),
    }
    _may_edit_adaptation(viewer, ids)
    with database.atomic():
        topic = _topic(topic_id)
        if adaptation_id is None:
            row = PolicyAdaptation.create(topic=topic.id, **fields)
            audit.record(viewer.actor, "create", "policy_adaptation", row.id, None, audit.as_dict(row))
            return row
        row = PolicyAdaptation.get_or_none(PolicyAdaptation.id == adaptation_id)
        if row is None:
            raise NotFound(f"no adaptation has id {adaptation_id}")
        _may_edit_adaptation(viewer, _split(row.employers))
        before = audit.as_dict(row)
        row.topic = topic.id
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        audit.record(viewer.actor, "update", "policy_adaptation", row.id, before, audit.as_dict(row))
    return row


def withdraw_adaptation(viewer: Viewer, adaptation_id: int) -> None:
    """The joint team no longer agrees the exception: the row goes, the audit trail keeps what it said."""
    with database.atomic():
        row = PolicyAdaptation.get_or_none(PolicyAdaptation.id == adaptation_id)
        if row is None:
            raise NotFound(f"no adaptation has id {adaptation_id}")
        _may_edit_adaptation(viewer, _split(row.employers))
        before = audit.as_dict(row)
        PolicyAdaptation.delete().where(PolicyAdaptation.id == adaptation_id).execute()
        audit.record(viewer.actor, "withdraw", "policy_adaptation", adaptation_id, before, None)


def add_topic(viewer: Viewer, name: str, description: str = "") -> PolicyTopic:
    if not viewer.is_admin:
        raise PermissionDenied("only an admin may add a policy topic")
    clean = text(name, "name", required=True, max_length=100)
    with database.atomic():
        if any(t.name.lower() == clean.lower() for t in PolicyTopic.select()):
            raise ValidationError(f"there is already a topic called '{clean}'", "name")
        row = PolicyTopic.create(name=clean, description=text(description, "description", max_length=500))
        audit.record(viewer.actor, "create", "policy_topic", row.id, None, audit.as_dict(row))
    return row


def _split(employers: str) -> list[int]:
    return [int(p) for p in employers.split(";") if p.strip().isdigit()]


# ---- reads ------------------------------------------------------------------------------------------------


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
    all_names: dict[int, str] = dict(Organisation.select(Organisation.id, Organisation.name).tuples())
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
        ids = tuple(_split(a.employers))
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
    """Who of the policy's employer (within the scope) has and has not acknowledged its current version."""
    policy = EmployerPolicy.get_or_none(EmployerPolicy.id == policy_id)
    if policy is None:
        raise NotFound("there is no such policy")
    jobs = scope_jobs(scope, as_of).where(Employment.employer == policy.employer_id)
    read = {
        pid
        for (pid,) in PolicyAcknowledgement.select(PolicyAcknowledgement.person)
        .where(
            (PolicyAcknowledgement.policy == policy.id)
            & (PolicyAcknowledgement.version == policy.version)
            & (PolicyAcknowledgement.acknowledged_on <= as_of)
        )
        .tuples()
    }
    people = (
        Person.select(Person.id, Person.staff_id, Person.first_name, Person.last_name)
        .where(Person.id.in_(jobs))
        .order_by(Person.last_name, Person.first_name)
    )
    outstanding: list[Reader] = []
    done = 0
    for pid, staff_id, first, last in people.tuples():
        if pid in read:
            done += 1
        else:
            outstanding.append(Reader(pid, staff_id, f"{first} {last}".strip()))
    return AcknowledgementState(policy.id, policy.version, done, tuple(outstanding))


def acknowledgement_counts(as_of: date, scope: Scope) -> dict[int, tuple[int, int]]:
    """Policy id -> (acknowledged, people) for each policy that asks to be acknowledged: people employed by
    its employer on as_of within the scope, and how many of them have acknowledged its current version.
    Counted by the database, and kept until the data changes (tracker.views.team_cache)."""
    return dict(CACHE.remembered(("acknowledgement counts", scope, as_of), lambda: _counted(as_of, scope)))


def _counted(as_of: date, scope: Scope) -> dict[int, tuple[int, int]]:
    query = (
        EmployerPolicy.select(
            EmployerPolicy.id,
            fn.COUNT(Employment.person.distinct()),
            fn.COUNT(PolicyAcknowledgement.person.distinct()),
        )
        .join(Employment, on=(Employment.employer == EmployerPolicy.employer))
        .join(
            PolicyAcknowledgement,
            JOIN.LEFT_OUTER,
            on=(
                (PolicyAcknowledgement.person == Employment.person)
                & (PolicyAcknowledgement.policy == EmployerPolicy.id)
                & (PolicyAcknowledgement.version == EmployerPolicy.version)
                & (PolicyAcknowledgement.acknowledged_on <= as_of)
            ),
        )
        .where((EmployerPolicy.requires_acknowledgement == True) & active_on(Employment, as_of))  # noqa: E712
        .group_by(EmployerPolicy.id)
    )
    if scope.employer_id is not None:  # the same test on the job as tracker.views.population.scope_jobs
        query = query.where(Employment.employer == scope.employer_id)
    if scope.pcn_id is not None:
        query = query.where(Employment.pcn == scope.pcn_id)
    return {policy_id: (acknowledged, people) for policy_id, people, acknowledged in query.tuples()}
