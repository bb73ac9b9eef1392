"""What the read-only JSON API returns: its response models and the reads behind them, limited to what a
viewer may see (tracker.access decides). No web framework here; ui/pages/api_v1.py adds the routes.

Compliance comes from tracker.views.population.snapshot, in the shape of `status --format json`. Private
supervision notes are never read.
"""

from __future__ import annotations

import datetime as dt
from datetime import date

from peewee import JOIN
from pydantic import BaseModel, Field

from tracker import access
from tracker import compliance as c
from tracker.access import Scope
from tracker.dates import month_label
from tracker.errors import NotFound, PermissionDenied
from tracker.models import (
    Employment,
    Organisation,
    Pcn,
    Person,
    Role,
    SessionAttendee,
    SupervisionSession,
    full_name,
)
from tracker.periods import active_on
from tracker.views import access_facts
from tracker.views.population import people_in_scope, snapshot

# ---- response models ---------------------------------------------------------------------------------


class PersonOut(BaseModel):
    staff_id: str
    first_name: str
    last_name: str
    email: str | None
    role: str = Field(description="role code from the catalogue (as in /compliance)")
    role_name: str = Field(description="the role's name")
    employer: str
    pcn: str | None
    band: str | None
    fte: float
    start_date: date
    end_date: date | None


class PeoplePage(BaseModel):
    as_of: date
    total: int
    offset: int
    people: list[PersonOut]
    next: str | None = Field(None, description="the path and query of the next page; null on the last page")


class CourseOut(BaseModel):
    course: str = Field(description="the item's code")
    name: str = Field(description="the item's name")
    kind: str = Field(description=f"one of {', '.join(c.ITEM_KINDS)}", json_schema_extra={"enum": list(c.ITEM_KINDS)})
    status: str = Field(description="compliant, due_soon, expired, missing or due")
    completed_on: date | None
    expires_on: date | None
    met_by: list[str] = Field(default_factory=list, description="the items whose records count (two for a pair)")


class MonthOut(BaseModel):
    month: str = Field(description="yyyy-mm")
    minutes: int = Field(description="the month's own qualifying minutes")
    status: str = Field(description="met, paused, in_progress or missed: the status of the month's period")
    period_from: date | None = Field(None, description="first day of the month's supervision period")
    period_to: date | None = Field(None, description="last day of the month's supervision period")
    period_minutes: int | None = Field(None, description="the period's qualifying minutes up to the date")
    required: int | None = Field(None, description="the minimum for the period")


class SupervisionOut(BaseModel):
    last_session: date | None
    months: list[MonthOut]


class ComplianceOut(BaseModel):
    staff_id: str
    name: str
    role: str | None = Field(description="role code from the catalogue (as in /people); null if not employed")
    role_name: str | None = Field(description="the role's name")
    employer: str | None
    rag: str = Field(description="red, amber or green")
    reasons: list[str]
    training: list[CourseOut]
    supervision: SupervisionOut


class CompliancePage(BaseModel):
    as_of: date
    total: int
    offset: int
    people: list[ComplianceOut]
    next: str | None = Field(None, description="the path and query of the next page; null on the last page")


class AttendeeOut(BaseModel):
    staff_id: str
    name: str
    confirmation: str = Field(description="pending, confirmed or queried")


class SessionOut(BaseModel):
    id: int
    date: dt.date
    supervisor_staff_id: str
    supervisor_name: str
    minutes: int
    kind: str
    format: str
    mode: str
    next_date: dt.date | None
    attendees: list[AttendeeOut]


class SessionsPage(BaseModel):
    total: int
    offset: int
    sessions: list[SessionOut]
    next: str | None = Field(None, description="the path and query of the next page; null on the last page")


# ---- who the viewer may see --------------------------------------------------------------------------


def visible_scope(viewer: access.Viewer, as_of: date) -> Scope:
    """Everyone for an admin; a lead's employer or PCN, plus, for supervisors, their supervisees and for
    anyone linked to a person, themselves."""
    if viewer.is_admin:
        return Scope()
    extra: set[int] = set()
    if viewer.person_id is not None:
        extra.add(viewer.person_id)
    if viewer.is_supervisor and viewer.person_id is not None:
        extra.update(access_facts.supervisee_ids(viewer.person_id, as_of))
    if viewer.is_lead:
        scope = access.lead_scope(viewer)
        if not extra:
            return scope
        extra.update(people_in_scope(scope, as_of))
    return Scope(person_ids=frozenset(extra))


def person_id_for(viewer: access.Viewer, staff_id: str, as_of: date) -> int:
    """The person's id, if the viewer may see them: NotFound or PermissionDenied otherwise."""
    person = Person.get_or_none(Person.staff_id == staff_id)
    if person is None:
        raise NotFound(f"no person with staff id {staff_id}")
    if not access.can_view_person(viewer, person.id, access_facts.person_facts(person.id, as_of)):
        raise PermissionDenied("this person is outside your rights")
    return person.id


# ---- people ------------------------------------------------------------------------------------------


def people(scope: Scope, as_of: date, offset: int, limit: int) -> PeoplePage:
    """People employed on as_of within the scope, with the employment they hold then."""
    query = (
        Employment.select(Employment, Person, Role, Organisation, Pcn)
        .join(Person)
        .switch(Employment)
        .join(Role)
        .switch(Employment)
        .join(Organisation)
        .switch(Employment)
        .join(Pcn, JOIN.LEFT_OUTER)
        .where(
            active_on(Employment, as_of)
        )
    )
    if scope.person_ids is not None:
        query = query.where(Employment.person.in_(list(scope.person_ids)))
    if scope.employer_id is not None:
        query = query.where(Employment.employer == scope.employer_id)
    if scope.pcn_id is not None:
        query = query.where(Employment.pcn == scope.pcn_id)
    latest: dict[int, Employment] = {}
    for job in query.order_by(Employment.start_date, Employment.id):
        latest[job.person_id] = job  # the latest started of a person's jobs on as_of
    jobs = sorted(latest.values(), key=lambda j: j.person.staff_id)
    return PeoplePage(
        as_of=as_of,
        total=len(jobs),
        offset=offset,
        people=[_person_out(j) for j in jobs[offset : offset + limit]],
    )


def _person_out(job: Employment) -> PersonOut:
    p = job.person
    return PersonOut(
        staff_id=p.staff_id, first_name=p.first_name, last_name=p.last_name, email=p.email,
        role=job.role.code, role_name=job.role.name, employer=job.employer.name,
        pcn=job.pcn.name if job.pcn_id else None, band=job.band, fte=job.fte,
        start_date=job.start_date, end_date=job.end_date,
    )


# ---- compliance --------------------------------------------------------------------------------------


def compliance_out(r: c.PersonCompliance) -> ComplianceOut:
    job = r.employment
    return ComplianceOut(
        staff_id=r.staff_id,
        name=r.name,
        role=job.role if job else None,
        role_name=job.role_name if job else None,
        employer=job.employer_name if job else None,
        rag=r.rag,
        reasons=list(r.reasons),
        training=[CourseOut(course=t.course, name=t.name, kind=t.kind, status=t.status, completed_on=t.completed_on,
                            expires_on=t.expires_on, met_by=list(t.met_by)) for t in r.training],
        supervision=SupervisionOut(
            last_session=r.last_session,
            months=[MonthOut(month=month_label(m.month), minutes=m.minutes, status=m.status,
                             period_from=m.period_start, period_to=m.period_end, period_minutes=m.period_total,
                             required=m.required) for m in r.months],
        ),
    )


def compliance(scope: Scope, as_of: date, offset: int, limit: int) -> CompliancePage:
    results = sorted(snapshot(as_of, scope), key=lambda r: r.staff_id)
    return CompliancePage(
        as_of=as_of,
        total=len(results),
        offset=offset,
        people=[compliance_out(r) for r in results[offset : offset + limit]],
    )


# ---- sessions ----------------------------------------------------------------------------------------


def sessions(
    viewer: access.Viewer,
    as_of: date,
    date_from: date | None,
    date_to: date | None,
    person_id: int | None,
    offset: int,
    limit: int,
) -> SessionsPage:
    """Sessions the viewer may see: all for an admin; otherwise those they gave or attended and those
    attended by people in their scope on as_of. Attendees outside the viewer's sight are left out."""
    scope = _session_scope(viewer)
    query = SupervisionSession.select(SupervisionSession.id)
    if not viewer.is_admin:
        seen = _scope_people(scope, as_of)
        attended = SessionAttendee.select(SessionAttendee.session).where(SessionAttendee.person.in_(seen))
        own = SupervisionSession.supervisor == (viewer.person_id or 0)
        query = query.where(own | SupervisionSession.id.in_(attended))
    if person_id is not None:
        theirs = SessionAttendee.select(SessionAttendee.session).where(SessionAttendee.person == person_id)
        query = query.where((SupervisionSession.supervisor == person_id) | SupervisionSession.id.in_(theirs))
    if date_from is not None:
        query = query.where(SupervisionSession.date >= date_from)
    if date_to is not None:
        query = query.where(SupervisionSession.date <= date_to)
    total = query.count()
    ids = [sid for (sid,) in query.order_by(SupervisionSession.date, SupervisionSession.id)
           .offset(offset).limit(limit).tuples()]
    return SessionsPage(total=total, offset=offset, sessions=_sessions_out(viewer, scope, as_of, ids))


def _session_scope(viewer: access.Viewer) -> Scope:
    """Whose sessions a viewer sees besides those they gave: their own, and a lead's people
    (access.can_view_session: a supervisor does not see sessions others gave their supervisees)."""
    if viewer.is_admin:
        return Scope()
    if viewer.is_lead:
        scope = access.lead_scope(viewer)
        if viewer.person_id is None:
            return scope
        return Scope(person_ids=frozenset({viewer.person_id}), employer_id=scope.employer_id, pcn_id=scope.pcn_id)
    return Scope(person_ids=frozenset({viewer.person_id} if viewer.person_id is not None else set()))


def _scope_people(scope: Scope, as_of: date) -> list[int]:
    """The people of a scope; a scope with ids and an employer or PCN means those ids and that population."""
    named = set(scope.person_ids or ())
    if not scope.by_place:
        return sorted(named)
    return sorted(named | people_in_scope(Scope(employer_id=scope.employer_id, pcn_id=scope.pcn_id), as_of))


def _sessions_out(viewer: access.Viewer, scope: Scope, as_of: date, ids: list[int]) -> list[SessionOut]:
    if not ids:
        return []
    Supervisor = Person.alias()
    rows = list(
        SupervisionSession.select(SupervisionSession, Supervisor)
        .join(Supervisor, on=(SupervisionSession.supervisor == Supervisor.id))
        .where(SupervisionSession.id.in_(ids))
        .order_by(SupervisionSession.date, SupervisionSession.id)
    )
    attendees: dict[int, list[tuple[int, str, str, str]]] = {}
    for sid, pid, staff_id, first, last, state in (
        SessionAttendee.select(
            SessionAttendee.session, Person.id, Person.staff_id, Person.first_name, Person.last_name,
            SessionAttendee.confirmation,
        )
        .join(Person)
        .where(SessionAttendee.session.in_(ids))
        .order_by(Person.staff_id)
        .tuples()
    ):
        attendees.setdefault(sid, []).append((pid, staff_id, full_name(first, last), state))
    seen = None if viewer.is_admin else set(_scope_people(scope, as_of))
    out = []
    for s in rows:
        party = viewer.person_id is not None and (
            s.supervisor_id == viewer.person_id or any(a[0] == viewer.person_id for a in attendees.get(s.id, []))
        )
        shown = [a for a in attendees.get(s.id, []) if seen is None or party or a[0] in seen]
        out.append(SessionOut(
            id=s.id, date=s.date, supervisor_staff_id=s.supervisor.staff_id, supervisor_name=s.supervisor.name,
            minutes=s.minutes, kind=s.kind, format=s.format, mode=s.mode, next_date=s.next_date,
            attendees=[AttendeeOut(staff_id=a[1], name=a[2], confirmation=a[3]) for a in shown],
        ))
    return out
