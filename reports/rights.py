"""Who may have which report, decided by tracker.access (the app's one set of rules) on the server.

Admins have every report. A lead has the report of the employer or PCN they lead, the statements of people in
their scope and the logs of supervisors in it. A person has their own statement (and a supervisor the
statements of their supervisees, as they may see those records); a supervisor has their own log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from reports.build import ReportData, ReportRequest, gather
from reports.evidence_pack import PackMaterial, gather_pack
from tracker import access
from tracker.access import Scope
from tracker.errors import PermissionDenied, ValidationError
from tracker.models import Organisation, Pcn, Person
from tracker.views import access_facts
from tracker.views.report_data import find_employer, find_pcn, find_person


def authorise(viewer: access.Viewer, request: ReportRequest) -> None:
    """Raise PermissionDenied (or NotFound for an unknown name) unless the viewer may have this report."""
    if request.kind == "employer":
        employer = find_employer(request.name)
        if viewer.is_admin or access.leads_scope_of(viewer, Scope(employer_id=employer.id)):
            return
        raise PermissionDenied("an employer's report is for the lead of that employer and administrators")
    if request.kind == "pcn":
        pcn = find_pcn(request.name)
        if viewer.is_admin or access.leads_scope_of(viewer, Scope(pcn_id=pcn.id)):
            return
        raise PermissionDenied("a PCN's report is for the lead of that PCN and administrators")
    person = find_person(request.name)
    facts = access_facts.person_facts(person.id, request.as_of)
    if request.kind == "person":
        access.check_view_person(viewer, person.id, facts)
        return
    if viewer.is_admin or viewer.person_id == person.id or access.leads(viewer, facts):
        return
    raise PermissionDenied("a supervisor's log is for the supervisor, their lead and administrators")


def gather_for(viewer: access.Viewer, request: ReportRequest) -> ReportData:
    """The report's data, once the viewer's rights are checked (run it in a thread: it reads the database).
    A lead's supervisor's log lists only the lead's own people (access.report_scope)."""
    authorise(viewer, request)
    if request.kind == "supervisor":
        request = replace(request, scope=access.report_scope(viewer, find_person(request.name).id))
    elif request.kind in ("employer", "pcn"):  # the people's results and past month ends from the team cache
        request = replace(request, cached=True)
    return gather(request)


PACK_KINDS = ("employer", "pcn")


def authorise_pack(viewer: access.Viewer, kind: str, name: str, as_of: date) -> None:
    """An evidence pack has the rights of its scope's report: the scope's lead and administrators only."""
    if kind not in PACK_KINDS:
        raise ValidationError("an evidence pack is for an employer or a PCN", "kind")
    authorise(viewer, ReportRequest(kind, name, as_of, viewer.display_name))


def gather_pack_for(viewer: access.Viewer, kind: str, name: str, as_of: date, uploads: Path) -> PackMaterial:
    """The pack's records and certificates, once the viewer's rights are checked (run it in a thread)."""
    authorise_pack(viewer, kind, name, as_of)
    return gather_pack(kind, name, as_of, uploads, viewer.display_name)


@dataclass(frozen=True)
class ReportChoices:
    """What the reports page offers this viewer."""

    employers: tuple[str, ...]
    pcns: tuple[str, ...]
    any_person: bool  # may name any person in scope by staff id (leads and admins)
    own_staff_id: str | None
    own_log: bool


def choices(viewer: access.Viewer) -> ReportChoices:
    if viewer.is_admin:
        employers = tuple(name for (name,) in Organisation.select(Organisation.name).order_by(Organisation.name)
                          .tuples())
        pcns = tuple(name for (name,) in Pcn.select(Pcn.name).order_by(Pcn.name).tuples())
    elif viewer.is_lead:
        scope = access.lead_scope(viewer)
        employers = tuple(o.name for o in Organisation.select().where(Organisation.id == scope.employer_id))
        pcns = tuple(p.name for p in Pcn.select().where(Pcn.id == scope.pcn_id))
    else:
        employers, pcns = (), ()
    own = Person.get_or_none(Person.id == viewer.person_id) if viewer.person_id is not None else None
    return ReportChoices(
        employers=employers,
        pcns=pcns,
        any_person=viewer.is_admin or viewer.is_lead,
        own_staff_id=own.staff_id if own else None,
        own_log=viewer.is_supervisor and own is not None,
    )
