"""Everything one person's page shows, read in one go: who they are, their compliance (from the engine),
their supervisors, the policies of their employer with the agreed adaptations, and their training records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from tracker import compliance as c
from tracker.errors import NotFound
from tracker.models import (
    AuditEvent,
    Course,
    EmployerPolicy,
    Employment,
    Organisation,
    Person,
    PolicyAcknowledgement,
    PolicyAdaptation,
    PolicyTopic,
    SupervisorAssignment,
    TrainingRecord,
)
from tracker.periods import active_on
from tracker.services.catalogue import REGULATOR_SHORT
from tracker.views import joined
from tracker.views.population import person_compliance
from tracker.views.team_cache import CACHE


@dataclass(frozen=True)
class PersonHeader:
    person_id: int
    staff_id: str
    name: str
    email: str | None
    role: str
    employer: str
    employer_id: int | None
    pcn: str
    band: str
    started: date | None
    archived: bool


@dataclass(frozen=True)
class SupervisorLink:
    person_id: int
    name: str
    kind: str
    first_contact: bool
    since: date


@dataclass(frozen=True)
class PolicyView:
    policy_id: int
    topic: str
    employer: str
    statement: str
    document_url: str | None
    version: str
    review_date: date | None
    requires_acknowledgement: bool
    acknowledged_on: date | None  # of the current version
    adaptations: tuple[str, ...]


@dataclass(frozen=True)
class RecordView:
    record_id: int
    course_code: str
    course: str
    completed_on: date
    provider: str
    evidence_state: str
    has_certificate: bool
    rejected_because: str = ""
    kind: str = "course"
    reference: str = ""  # a registration or certificate number
    expires_on: date | None = None  # printed on the record

    @property
    def reference_shown(self) -> str:
        """A registration number with the regulator's name (GMC 7012345), a certificate number as it is."""
        if not self.reference:
            return ""
        body = REGULATOR_SHORT.get(self.course_code)
        return f"{body} {self.reference}" if body else self.reference


@dataclass(frozen=True)
class Profile:
    header: PersonHeader
    compliance: c.PersonCompliance | None  # None when not employed on the as-at date
    supervisors: tuple[SupervisorLink, ...]
    policies: tuple[PolicyView, ...]
    records: tuple[RecordView, ...]
    courses: tuple[tuple[str, str], ...]  # every catalogue course (code, name), for the upload form


def person_header(person_id: int, as_of: date) -> PersonHeader:
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFound("there is no such person")
    job = (
        joined.jobs()
        .where((Employment.person == person_id) & (Employment.start_date <= as_of))
        .order_by(Employment.start_date.desc())
        .first()
    )
    return PersonHeader(
        person_id=person.id,
        staff_id=person.staff_id,
        name=person.name,
        email=person.email,
        role=job.role.name if job else "",
        employer=job.employer.name if job else "",
        employer_id=job.employer_id if job else None,
        pcn=job.pcn.name if job and job.pcn_id else "",
        band=job.band or "" if job else "",
        started=job.start_date if job else None,
        archived=bool(person.archived),
    )


def supervisors_of(person_id: int, as_of: date) -> list[SupervisorLink]:
    query = (
        SupervisorAssignment.select(SupervisorAssignment, Person)
        .join(Person, on=SupervisorAssignment.supervisor == Person.id)
        .where((SupervisorAssignment.supervisee == person_id) & active_on(SupervisorAssignment, as_of))
        .order_by(SupervisorAssignment.first_contact, SupervisorAssignment.kind)
    )
    return [
        SupervisorLink(a.supervisor.id, a.supervisor.name, a.kind, bool(a.first_contact), a.start_date)
        for a in query
    ]


def _employer_ids(person_id: int, as_of: date) -> list[int]:
    query = Employment.select(Employment.employer).where((Employment.person == person_id) & active_on(Employment, as_of))
    return sorted({e for (e,) in query.tuples()})


def policies_for(person_id: int, as_of: date) -> list[PolicyView]:
    """The positions of the person's current employers, each with the adaptations that name that employer."""
    employers = _employer_ids(person_id, as_of)
    if not employers:
        return []
    acknowledged = {
        (policy, version): on
        for policy, version, on in PolicyAcknowledgement.select(
            PolicyAcknowledgement.policy, PolicyAcknowledgement.version, PolicyAcknowledgement.acknowledged_on
        )
        .where((PolicyAcknowledgement.person == person_id) & (PolicyAcknowledgement.acknowledged_on <= as_of))
        .tuples()
    }
    adaptations: dict[tuple[int, int], list[str]] = {}
    for topic_id, employer_list, condition in PolicyAdaptation.select(
        PolicyAdaptation.topic, PolicyAdaptation.employers, PolicyAdaptation.condition
    ).tuples():
        for raw in employer_list.split(";"):
            if raw.strip().isdigit():
                adaptations.setdefault((topic_id, int(raw)), []).append(condition)
    query = (
        EmployerPolicy.select(EmployerPolicy, PolicyTopic, Organisation)
        .join(PolicyTopic)
        .switch(EmployerPolicy)
        .join(Organisation)
        .where(EmployerPolicy.employer.in_(employers))
        .order_by(PolicyTopic.name, Organisation.name)
    )
    return [
        PolicyView(
            policy_id=p.id,
            topic=p.topic.name,
            employer=p.employer.name,
            statement=p.statement,
            document_url=p.document_url,
            version=p.version,
            review_date=p.review_date,
            requires_acknowledgement=bool(p.requires_acknowledgement),
            acknowledged_on=acknowledged.get((p.id, p.version)),
            adaptations=tuple(adaptations.get((p.topic_id, p.employer_id), ())),
        )
        for p in query
    ]


def records_of(person_id: int, as_of: date) -> list[RecordView]:
    """Completions on or before as_of, newest first (all states, so staff see what waits or was rejected)."""
    query = (
        TrainingRecord.select(TrainingRecord, Course)
        .join(Course)
        .where((TrainingRecord.person == person_id) & (TrainingRecord.completed_on <= as_of))
        .order_by(TrainingRecord.completed_on.desc(), Course.name)
    )
    rows = list(query)
    reasons = rejection_reasons([r.id for r in rows if r.evidence_state == "rejected"])
    return [
        RecordView(r.id, r.course.code, r.course.name, r.completed_on, r.provider, r.evidence_state,
                   bool(r.certificate_path), reasons.get(r.id, ""), r.course.kind, r.reference, r.expires_on)
        for r in rows
    ]


def rejection_reasons(record_ids: list[int]) -> dict[int, str]:
    """Why each rejected certificate was turned down, from the decision's audit event (the latest wins)."""
    if not record_ids:
        return {}
    events = (
        AuditEvent.select(AuditEvent.entity_id, AuditEvent.after)
        .where(
            (AuditEvent.entity == "training_record")
            & (AuditEvent.action == "reject_certificate")
            & AuditEvent.entity_id.in_([str(i) for i in record_ids])
        )
        .order_by(AuditEvent.id)
    )
    reasons: dict[int, str] = {}
    for entity_id, after in events.tuples():
        try:
            reasons[int(entity_id)] = str(json.loads(after or "{}").get("reason", ""))
        except ValueError:
            continue
    return reasons


def profile(person_id: int, as_of: date) -> Profile:
    header = person_header(person_id, as_of)
    rules = CACHE.rules()
    courses = tuple(sorted(((code, info.name) for code, info in rules.courses.items()), key=lambda t: t[1]))
    return Profile(
        header=header,
        compliance=person_compliance(person_id, as_of, rules) if _employer_ids(person_id, as_of) else None,
        supervisors=tuple(supervisors_of(person_id, as_of)),
        policies=tuple(policies_for(person_id, as_of)),
        records=tuple(records_of(person_id, as_of)),
        courses=courses,
    )
