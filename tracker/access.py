"""Who may see and do what. Pure rules over small facts; `*_facts` helpers read those facts from the database.

Leads see the people employed (on the as-at date) by their employer or in their PCN; supervisors see their
supervisees (an active assignment) and the sessions they gave; staff see themselves; admins see everyone.
Private supervision notes: each attendee's note is seen by that attendee and the supervisor only; a group
session's summary by its supervisor and every attendee; never by an admin or a lead.
Every page, download and API route asks these functions; none decides access on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.errors import PermissionDenied

STAFF, SUPERVISOR, LEAD, ADMIN = "staff", "supervisor", "lead", "admin"



@dataclass(frozen=True)
class Scope:
    """Which people to load: everyone, one employer, one PCN, or given person ids.

    What "in scope" means is decided here once, in two forms of one rule: `scope_jobs` (SQL, for every query
    of a population: dashboard, person pages, API, exports, PDFs, audit) and `holds` (the same test on one
    job already loaded; `holds_on` for a person's loaded jobs on a day). A person is in an employer's or a PCN's scope on a day when an employment of theirs
    active that day is with that employer (and in that PCN, where both are named: an administrator's filter;
    a lead has exactly one of the two, tracker.access.lead_scope).
    """

    employer_id: int | None = None
    pcn_id: int | None = None
    person_ids: frozenset[int] | None = None

    @property
    def by_place(self) -> bool:
        return self.employer_id is not None or self.pcn_id is not None

    def holds(self, employer_id: int | None, pcn_id: int | None) -> bool:
        """A job with this employer and PCN is in the scope (the pure twin of scope_jobs' filter)."""
        return (self.employer_id is None or employer_id == self.employer_id) and (
            self.pcn_id is None or pcn_id == self.pcn_id
        )

    def holds_on(self, jobs: Iterable[Any], day: date) -> bool:
        """A person with these jobs (each with active_on(day), employer_id and pcn_id, as the engine's
        EmploymentSpan) is in the scope's places on day; a scope of no place holds everyone."""
        return not self.by_place or any(j.active_on(day) and self.holds(j.employer_id, j.pcn_id) for j in jobs)


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the rules need them."""

    user_id: int
    email: str
    person_id: int | None
    roles: frozenset[str]
    lead_employer_id: int | None = None
    lead_pcn_id: int | None = None
    name: str = ""
    epoch: int = 0  # User.session_epoch when this was read: a session holds only while it is unchanged
    must_change_password: bool = False

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def is_lead(self) -> bool:
        """Holds the lead role with exactly one scope: an employer or a PCN (the database allows no other)."""
        return LEAD in self.roles and (self.lead_employer_id is None) != (self.lead_pcn_id is None)

    @property
    def is_supervisor(self) -> bool:
        return SUPERVISOR in self.roles and self.person_id is not None

    @property
    def actor(self) -> str:
        """How this user is named in the audit trail."""
        return self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


@dataclass(frozen=True)
class PersonFacts:
    """What access depends on for one person on one date."""

    person_id: int
    employer_ids: frozenset[int] = frozenset()
    pcn_ids: frozenset[int] = frozenset()
    supervisor_ids: frozenset[int] = frozenset()  # people with an active assignment over this person


@dataclass(frozen=True)
class SessionFacts:
    session_id: int
    supervisor_id: int
    attendee_ids: frozenset[int]


def require_person(viewer: Viewer, person_id: int | None) -> None:
    """Refuse unless the viewer is this person (their own record, their own attendance)."""
    if person_id is None or viewer.person_id != person_id:
        raise PermissionDenied("only the person themselves may do this")


def require(viewer: Viewer, *roles: str) -> None:
    """Refuse unless the viewer holds one of the roles (a lead also needs an employer or PCN to lead)."""
    for role in roles:
        if role == LEAD and viewer.is_lead:
            return
        if role == SUPERVISOR and viewer.is_supervisor:
            return
        if role in (STAFF, ADMIN) and viewer.has(role):
            return
    names = " or ".join(roles)
    raise PermissionDenied(f"this needs the {names} role")


def leads(viewer: Viewer, facts: PersonFacts) -> bool:
    """True when the person falls within the viewer's lead scope (Scope.holds on their jobs of the day)."""
    if not viewer.is_lead:
        return False
    scope = lead_scope(viewer)
    return any(scope.holds(e, p) for e in facts.employer_ids for p in (facts.pcn_ids or {None}))


def supervises(viewer: Viewer, facts: PersonFacts) -> bool:
    return viewer.is_supervisor and viewer.person_id in facts.supervisor_ids


def can_view_person(viewer: Viewer, person_id: int, facts: PersonFacts) -> bool:
    if viewer.is_admin or viewer.person_id == person_id:
        return True
    return supervises(viewer, facts) or leads(viewer, facts)


def check_view_person(viewer: Viewer, person_id: int, facts: PersonFacts) -> None:
    if not can_view_person(viewer, person_id, facts):
        raise PermissionDenied("you may not see this person's record")


def can_decide_evidence(viewer: Viewer, facts: PersonFacts) -> bool:
    """Leads in scope and admins approve certificates; never one's own."""
    if viewer.person_id is not None and viewer.person_id == facts.person_id:
        return False
    return viewer.is_admin or leads(viewer, facts)


def can_view_session(viewer: Viewer, session: SessionFacts, attendee_facts: Iterable[PersonFacts] = ()) -> bool:
    """The supervisor, the attendees, admins, and leads of any attendee."""
    if viewer.is_admin or can_view_notes(viewer, session):
        return True
    return any(leads(viewer, f) for f in attendee_facts)


def can_view_notes(viewer: Viewer, session: SessionFacts) -> bool:
    """A party to the session (its supervisor or an attendee): the group summary, and their own private note."""
    return may_read_summary(viewer.person_id, session)


def may_read_summary(reader: int | None, session: SessionFacts) -> bool:
    """A group session's shared summary: the supervisor and every attendee."""
    return reader is not None and (reader == session.supervisor_id or reader in session.attendee_ids)


def may_read_private_note(reader: int | None, session: SessionFacts, attendee_id: int) -> bool:
    """An attendee's private note: that attendee and the session's supervisor, nobody else (not the other
    attendees of a group, not an admin, not a lead)."""
    return (
        reader is not None
        and attendee_id in session.attendee_ids
        and reader in (attendee_id, session.supervisor_id)
    )


def can_respond_to_session(viewer: Viewer, session: SessionFacts, person_id: int) -> bool:
    """Only the attendee confirms or queries their own attendance."""
    return viewer.person_id == person_id and person_id in session.attendee_ids


def lead_scope(viewer: Viewer) -> Scope:
    """The population a lead (or an admin) may see: the one scope every page, download, API answer and PDF
    asks for (tracker.views.population.scope_jobs turns it into the people)."""
    if viewer.is_admin:
        return Scope()
    if viewer.is_lead:
        if viewer.lead_employer_id is not None:
            return Scope(employer_id=viewer.lead_employer_id)
        return Scope(pcn_id=viewer.lead_pcn_id)
    raise PermissionDenied("this needs the lead or admin role")


def leads_scope_of(viewer: Viewer, scope: Scope) -> bool:
    """The viewer is the lead of exactly this employer or PCN (for that scope's own report)."""
    return viewer.is_lead and lead_scope(viewer) == scope


def report_scope(viewer: Viewer, subject_person_id: int) -> Scope | None:
    """Whose records another person's report may show this viewer: everyone (None) for an admin or the person
    themself; a lead's scope otherwise, so a supervisor's log lists only the lead's own people."""
    if viewer.is_admin or viewer.person_id == subject_person_id:
        return None
    return lead_scope(viewer)


def can_edit_employer(viewer: Viewer, employer_id: int) -> bool:
    """Admins, and the lead of that employer (a PCN-wide lead does not edit an employer's own records)."""
    return viewer.is_admin or (viewer.is_lead and viewer.lead_employer_id == employer_id)
