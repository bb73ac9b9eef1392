"""The monthly reports for operational leads, for the scheduled job to send as attachments.

Each active user with the lead role gets the report of the employer they lead and of the PCN they lead (both,
when they lead both). The job decides when to run and how to send; this only builds the PDFs.
"""

from __future__ import annotations

import logging
from datetime import date

from reports.build import ReportRequest, filename, produce
from tracker.models import Organisation, Pcn, User

log = logging.getLogger(__name__)

GENERATED_BY = "monthly report job"


def lead_requests(as_of: date) -> list[tuple[str, ReportRequest]]:
    """(email, request) for every report a lead should receive, ordered by email."""
    employers: dict[int, str] = dict(Organisation.select(Organisation.id, Organisation.name).tuples())
    pcns: dict[int, str] = dict(Pcn.select(Pcn.id, Pcn.name).tuples())
    wanted: list[tuple[str, ReportRequest]] = []
    for user in User.select().where(User.active == True).order_by(User.email):  # noqa: E712
        if "lead" not in user.role_set:
            continue
        if user.lead_employer_id in employers:
            wanted.append((user.email, ReportRequest("employer", employers[user.lead_employer_id], as_of,
                                                     GENERATED_BY)))
        if user.lead_pcn_id in pcns:
            wanted.append((user.email, ReportRequest("pcn", pcns[user.lead_pcn_id], as_of, GENERATED_BY)))
    return wanted


def build_lead_reports(as_of: date) -> list[tuple[str, str, bytes]]:
    """(lead's email, file name, PDF) for each lead's report as at as_of; one report per scope is built once
    and shared by every lead of that scope."""
    built: dict[tuple[str, str], bytes] = {}
    result = []
    for email, request in lead_requests(as_of):
        key = (request.kind, request.name)
        if key not in built:
            built[key] = produce(request)
            log.info("built the %s report for %s as at %s", request.kind, request.name, as_of)
        result.append((email, filename(request), built[key]))
    return result
