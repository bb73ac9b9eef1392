# mypy: disable-error-code="attr-defined,union-attr,arg-type,operator"
"""The people a viewer may choose by name (search as you type): "Name (staff id, employer)", keyed by staff id,
only within the viewer's scope on the day (tracker.access.lead_scope, population.scope_jobs)."""

from __future__ import annotations

from datetime import date

from tracker.access import Viewer, lead_scope
from tracker.models import Employment, Organisation, Person, full_name
from tracker.views.population import scope_jobs


def people_to_choose(viewer: Viewer, as_of: date) -> dict[str, str]:
    """staff id -> "Name (staff id, employer)" for the people in the viewer's scope on as_of, by surname."""
    jobs = scope_jobs(lead_scope(viewer), as_of, Person.staff_id, Person.first_name, Person.last_name,
                      Organisation.name).join_from(Employment, Person).join_from(Employment, Organisation)
    rows = sorted(set(jobs.tuples()), key=lambda r: (r[2].lower(), r[1].lower(), r[0]))
    chosen: dict[str, str] = {}
    for staff_id, first, last, employer in rows:
        shown = full_name(first, last)
        chosen[staff_id] = (chosen[staff_id][:-1] + f", {employer})" if staff_id in chosen
                            else f"{shown} ({staff_id}, {employer})")
    return chosen
