# mypy: disable-error-code="attr-defined,misc,union-attr"
"""A person's own data as one ZIP, for a subject access request: `data.json` with every record about them,
`statement.pdf` (their compliance statement), and the certificate files they uploaded.

Private supervision notes reach only their two parties (PRODUCT.md): the person's own private note with their
supervisor at each session they attended, and, for sessions they gave, their note with each attendee (they
are one of its two parties); the shared summary of a group session they were at; never another attendee's
private note. An administrator answering a request gets no notes at all. Other people
appear only as the name and staff id of a supervisor or supervisee the person already sees in the app; what
the person did to other people's records is listed without its before/after (that is others' data).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import JOIN

from tracker import access, note_crypto
from tracker.db import database
from tracker.errors import NotFound, PermissionDenied
from tracker.models import (
    Absence,
    ApiToken,
    AuditEvent,
    Course,
    EmployerPolicy,
    Employment,
    InboxMessage,
    Organisation,
    Pcn,
    Person,
    PolicyAcknowledgement,
    PolicyTopic,
    ReminderLedger,
    Role,
    SessionAttendee,
    SupervisionSession,
    SupervisorAssignment,
    TrainingEvent,
    TrainingEventAttendee,
    TrainingRecord,
    User,
)
from tracker.services import audit
from tracker.views import api
from tracker.views.population import person_compliance

NOTES_RULE = (
    "Your private note with your supervisor is included for each session you attended, and for sessions you gave "
    "your private note with each attendee; a group session's shared summary is included for every party. Another "
    "attendee's private note is never included."
)
NOTE_KEYS = ("your_private_note", "private_note", "group_summary", "supervisor_notes")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _person(p: Person) -> dict[str, Any]:
    return {"staff_id": p.staff_id, "name": p.name}


def collect(person_id: int, as_of: date, *, notes_key: bytes) -> dict[str, Any]:
    """Every record about the person, as plain JSON-ready data (only the notes the person is a party to, opened
    with `notes_key`)."""
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        raise NotFound("no such person")
    users = list(User.select().where(User.person == person_id))
    result = person_compliance(person_id, as_of)
    return {
        "as_of": as_of.isoformat(),
        "about_private_notes": NOTES_RULE,
        "person": {
            "staff_id": person.staff_id, "first_name": person.first_name, "last_name": person.last_name,
            "email": person.email, "profession": person.profession, "archived": person.archived,
            "created_at": _iso(person.created_at),
        },
        "employments": _employments(person_id),
        "supervisors": _assignments(SupervisorAssignment.supervisee == person_id, SupervisorAssignment.supervisor),
        "supervisees": _assignments(SupervisorAssignment.supervisor == person_id, SupervisorAssignment.supervisee),
        "absences": [
            {"start_date": _iso(a.start_date), "end_date": _iso(a.end_date), "reason": a.reason}
            for a in Absence.select().where(Absence.person == person_id).order_by(Absence.start_date)
        ],
        "training_records": _training(person_id),
        "team_training_events": _team_events(person_id),
        "supervision_attended": _attended(person_id, notes_key),
        "supervision_given": _given(person_id, notes_key),
        "policy_acknowledgements": _acknowledgements(person_id),
        "compliance": api.compliance_out(result).model_dump(mode="json") if result else None,
        "user_accounts": [
            {"email": u.email, "roles": sorted(u.role_set), "active": u.active, "created_at": _iso(u.created_at),
             "lead_employer": u.lead_employer.name if u.lead_employer_id else None,
             "lead_pcn": u.lead_pcn.name if u.lead_pcn_id else None}
            for u in users
        ],
        "api_tokens": [
            {"purpose": t.purpose, "name": t.name, "created_at": _iso(t.created_at), "revoked_at": _iso(t.revoked_at),
             "last_used_at": _iso(t.last_used_at)}
            for t in ApiToken.select().where(ApiToken.user.in_([u.id for u in users]))
        ],
        "reminders": [
            {"item": r.item, "stage": r.stage, "period": r.period, "recipient": r.recipient, "status": r.status,
             "created_at": _iso(r.created_at), "sent_at": _iso(r.sent_at)}
            for r in ReminderLedger.select().where(ReminderLedger.person == person_id).order_by(ReminderLedger.id)
        ],
        "messages": [
            {"subject": m.subject, "body": m.body, "created_at": _iso(m.created_at), "read_at": _iso(m.read_at)}
            for m in InboxMessage.select().where(InboxMessage.user.in_([u.id for u in users])).order_by(InboxMessage.id)
        ],
        "audit_events_about_you": _audit_about(person_id, users),
        "audit_events_by_you": [
            {"at": _iso(e.at), "action": e.action, "entity": e.entity, "entity_id": e.entity_id}
            for e in AuditEvent.select().where(AuditEvent.actor.in_([u.email for u in users])).order_by(AuditEvent.id)
        ],
    }


def _employments(person_id: int) -> list[dict[str, Any]]:
    query = (
        Employment.select(Employment, Role, Organisation, Pcn)
        .join(Role).switch(Employment).join(Organisation).switch(Employment).join(Pcn, JOIN.LEFT_OUTER)
        .where(Employment.person == person_id).order_by(Employment.start_date)
    )
    return [
        {"role": j.role.name, "employer": j.employer.name, "pcn": j.pcn.name if j.pcn_id else None, "band": j.band,
         "fte": j.fte, "start_date": _iso(j.start_date), "end_date": _iso(j.end_date), "secondment": j.secondment}
        for j in query
    ]


def _assignments(where: Any, other_side: Any) -> list[dict[str, Any]]:
    other = Person.alias()
    query = (
        SupervisorAssignment.select(SupervisorAssignment, other)
        .join(other, on=(other_side == other.id))
        .where(where).order_by(SupervisorAssignment.start_date)
    )
    out = []
    for a in query:
        who = a.supervisor if other_side is SupervisorAssignment.supervisor else a.supervisee
        out.append({**_person(who), "kind": a.kind, "first_point_of_contact": a.first_contact,
                    "start_date": _iso(a.start_date), "end_date": _iso(a.end_date)})
    return out


def _training(person_id: int) -> list[dict[str, Any]]:
    query = TrainingRecord.select(TrainingRecord, Course).join(Course).where(TrainingRecord.person == person_id)
    return [
        {"course": r.course.code, "course_name": r.course.name, "completed_on": _iso(r.completed_on),
         "provider": r.provider, "evidence_state": r.evidence_state, "decided_by": r.decided_by,
         "certificate": Path(r.certificate_path).name if r.certificate_path else None,
         "recorded_at": _iso(r.recorded_at)}
        for r in query.order_by(TrainingRecord.completed_on, Course.code)
    ]


def _team_events(person_id: int) -> list[dict[str, Any]]:
    """The team training events the person attended or is invited to (not the other attendees)."""
    query = (
        TrainingEventAttendee.select(TrainingEventAttendee, TrainingEvent, Course)
        .join(TrainingEvent).join(Course)
        .where(TrainingEventAttendee.person == person_id)
        .order_by(TrainingEvent.date, TrainingEvent.id)
    )
    return [
        {"course": a.event.course.code, "date": _iso(a.event.date), "provider": a.event.provider,
         "minutes": a.event.minutes, "planned": a.event.planned, "held_before": a.already_held}
        for a in query
    ]


def _session(s: SupervisionSession, notes_key: bytes) -> dict[str, Any]:
    data = {"date": _iso(s.date), "minutes": s.minutes, "kind": s.kind, "format": s.format, "mode": s.mode,
            "topics": s.topics, "actions": s.actions, "next_date": _iso(s.next_date)}
    if s.format == "group":
        data["group_summary"] = note_crypto.unseal(s.group_summary, note_crypto.summary_place(s.id), notes_key)
    return data


def _attended(person_id: int, notes_key: bytes) -> list[dict[str, Any]]:
    supervisor = Person.alias()
    query = (
        SessionAttendee.select(SessionAttendee, SupervisionSession, supervisor)
        .join(SupervisionSession)
        .join(supervisor, on=(SupervisionSession.supervisor == supervisor.id))
        .where(SessionAttendee.person == person_id)
        .order_by(SupervisionSession.date)
    )
    return [
        {**_session(a.session, notes_key), "supervisor": _person(a.session.supervisor),
         "your_confirmation": a.confirmation, "confirmed_at": _iso(a.confirmed_at), "your_query": a.query_text,
         "your_private_note": note_crypto.unseal(a.private_note, note_crypto.attendee_place(a.session_id, person_id),
                                                 notes_key)}
        for a in query
    ]


def _given(person_id: int, notes_key: bytes) -> list[dict[str, Any]]:
    sessions = list(
        SupervisionSession.select().where(SupervisionSession.supervisor == person_id).order_by(SupervisionSession.date)
    )
    attendees: dict[int, list[dict[str, Any]]] = {}
    for a in (
        SessionAttendee.select(SessionAttendee, Person).join(Person)
        .where(SessionAttendee.session.in_([s.id for s in sessions]))
    ):
        attendees.setdefault(a.session_id, []).append({
            **_person(a.person),
            "private_note": note_crypto.unseal(a.private_note, note_crypto.attendee_place(a.session_id, a.person_id),
                                               notes_key),
        })
    given = []
    for s in sessions:
        data = {**_session(s, notes_key), "supervisees": attendees.get(s.id, [])}
        if s.supervisor_notes:
            data["supervisor_notes"] = note_crypto.unseal(s.supervisor_notes, note_crypto.supervisor_place(s.id), notes_key)
        given.append(data)
    return given


def _acknowledgements(person_id: int) -> list[dict[str, Any]]:
    query = (
        PolicyAcknowledgement.select(PolicyAcknowledgement, EmployerPolicy, PolicyTopic, Organisation)
        .join(EmployerPolicy).join(PolicyTopic).switch(EmployerPolicy).join(Organisation)
        .where(PolicyAcknowledgement.person == person_id)
        .order_by(PolicyAcknowledgement.acknowledged_on)
    )
    return [
        {"policy": a.policy.topic.name, "employer": a.policy.employer.name, "version": a.version,
         "acknowledged_on": _iso(a.acknowledged_on)}
        for a in query
    ]


def _audit_about(person_id: int, users: list[User]) -> list[dict[str, Any]]:
    """Audit events on the person's own records (never private notes: the audit trail does not hold them)."""
    ids = {
        "person": [person_id],
        "user": [u.id for u in users],
        "training_record": [r for (r,) in TrainingRecord.select(TrainingRecord.id)
                            .where(TrainingRecord.person == person_id).tuples()],
        "absence": [r for (r,) in Absence.select(Absence.id).where(Absence.person == person_id).tuples()],
        "session_attendee": [r for (r,) in SessionAttendee.select(SessionAttendee.id)
                             .where(SessionAttendee.person == person_id).tuples()],
        "supervisor_assignment": [r for (r,) in SupervisorAssignment.select(SupervisorAssignment.id).where(
            (SupervisorAssignment.supervisee == person_id) | (SupervisorAssignment.supervisor == person_id)).tuples()],
        "policy_acknowledgement": [r for (r,) in PolicyAcknowledgement.select(PolicyAcknowledgement.id)
                                   .where(PolicyAcknowledgement.person == person_id).tuples()],
    }
    condition = None
    for entity, numbers in ids.items():
        if numbers:
            clause = (AuditEvent.entity == entity) & AuditEvent.entity_id.in_([str(n) for n in numbers])
            condition = clause if condition is None else condition | clause
    if condition is None:
        return []
    return [
        {"at": _iso(e.at), "actor": e.actor, "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
         "before": _json(e.before), "after": _json(e.after)}
        for e in AuditEvent.select().where(condition).order_by(AuditEvent.id)
    ]


def statement_pdf(staff_id: str, as_of: date, generated_by: str) -> bytes | None:
    """The one-person compliance statement from reports/, or None where the reports are not installed."""
    try:
        from reports.person import build_person_pdf
        from tracker.views.report_data import person_statement_data
    except ImportError:
        return None
    return build_person_pdf(person_statement_data(staff_id, as_of, generated_by))


def build_zip(
    viewer: access.Viewer, person_id: int, as_of: date, uploads_root: Path | None = None, *, notes_key: bytes
) -> bytes:
    """The person's own data as one ZIP; for the person themself or an administrator. Audited (who, whom)."""
    if viewer.person_id != person_id and not viewer.is_admin:
        raise PermissionDenied("only the person themself or an administrator can download their data")
    data = collect(person_id, as_of, notes_key=notes_key)
    if viewer.person_id != person_id:  # an administrator answering a request: notes stay with their parties
        for session in data["supervision_attended"] + data["supervision_given"]:
            for key in NOTE_KEYS:
                session.pop(key, None)
            for supervisee in session.get("supervisees", []):
                supervisee.pop("private_note", None)
    staff_id = data["person"]["staff_id"]
    pdf = statement_pdf(staff_id, as_of, viewer.actor)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        if pdf is not None:
            z.writestr("statement.pdf", pdf)
        for name, path in _certificates(person_id, uploads_root):
            z.write(path, f"certificates/{name}")
    with database.atomic():
        audit.record(viewer.actor, "subject_access_export", "person", person_id, None,
                     {"as_of": as_of.isoformat(), "statement": pdf is not None})
    return out.getvalue()


def _certificates(person_id: int, root: Path | None) -> list[tuple[str, Path]]:
    if root is None:
        return []
    root = root.resolve()
    files = []
    for (stored,) in TrainingRecord.select(TrainingRecord.certificate_path).where(
        (TrainingRecord.person == person_id) & TrainingRecord.certificate_path.is_null(False)
    ).tuples():
        path = (root / stored).resolve()
        if root in path.parents and path.is_file():
            files.append((path.name, path))
    return files
