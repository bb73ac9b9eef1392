# mypy: disable-error-code="attr-defined,union-attr,arg-type,operator"
"""The people a viewer may choose by name (search as you type): "Name (staff id, employer)", keyed by staff id,
only within the viewer's scope on the day (tracker.access.lead_scope, population.scope_jobs)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.access import Viewer, lead_scope
from tracker.models import Employment, Organisation, Person, full_name
from tracker.views import name_match
from tracker.views.population import scope_jobs

PICKER_LIMIT = 50  # a picker offers at most this many matches; typing more of a name narrows them
MIN_TYPED = 2  # fewer letters than this find nobody (a picker shows only what is chosen)


def people_to_choose(viewer: Viewer, as_of: date) -> dict[str, str]:
    """staff id -> "Name (staff id, employer)" for the people in the viewer's scope on as_of, by surname."""
    return _labelled(_jobs_in_scope(viewer, as_of))


def find_to_choose(viewer: Viewer, as_of: date, words: str, limit: int = PICKER_LIMIT) -> dict[str, str]:
    """For the reports' pickers: people_to_choose's first `limit` people whose name or staff id holds what was
    typed (nobody for fewer than MIN_TYPED letters), searched in SQL so that only they are read."""
    typed = words.strip().lower()
    if len(typed) < MIN_TYPED:
        return {}
    matching = (
        Person.select(Person.id)
        .where(Person.id.in_(scope_jobs(lead_scope(viewer), as_of)))
        .where(name_match.name_or_staff_id_holds(typed))
        .order_by(*(name_match.in_code_point_order(name_match.lowered(name)) for name in (Person.last_name,
                                                                                    Person.first_name)),
                  name_match.in_code_point_order(Person.staff_id))
        .limit(limit)
    )
    rows: list[tuple[int]] = list(matching.tuples())
    ids = [pid for (pid,) in rows]
    return _labelled(_jobs_in_scope(viewer, as_of).where(Employment.person.in_(ids))) if ids else {}


def _jobs_in_scope(viewer: Viewer, as_of: date) -> Any:
    return scope_jobs(lead_scope(viewer), as_of, Person.staff_id, Person.first_name, Person.last_name,
                      Organisation.name).join_from(Employment, Person).join_from(Employment, Organisation)


def _labelled(jobs: Any) -> dict[str, str]:
    rows = sorted(set(jobs.tuples()), key=lambda r: (r[2].lower(), r[1].lower(), r[0]))
    chosen: dict[str, str] = {}
    for staff_id, first, last, employer in rows:
        shown = full_name(first, last)
        chosen[staff_id] = (chosen[staff_id][:-1] + f", {employer})" if staff_id in chosen
                            else f"{shown} ({staff_id}, {employer})")
    return chosen


def _active_matching(words: str) -> Any:
    """The active (not archived) people whose name or staff id holds `words` (lower-case), by surname."""
    return (
        Person.select(Person.id, Person.staff_id, Person.first_name, Person.last_name)
        .where(Person.archived == False)  # noqa: E712
        .where(name_match.name_or_staff_id_holds(words))
        .order_by(Person.last_name, Person.first_name, Person.id)
    )


def find_people(words: str, limit: int = PICKER_LIMIT) -> dict[str, str]:
    """For an administrator's pickers (a login's linked person, a new person's clinical supervisor): the active
    (not archived) people whose name or staff id holds what was typed, staff id -> "Name (staff id)", by surname,
    the first `limit` of them (the label and order the pickers offered when they carried everyone)."""
    typed = words.strip().lower()
    if len(typed) < MIN_TYPED:
        return {}
    rows: list[tuple[int, str, str, str]] = list(_active_matching(typed).limit(limit).tuples())
    return {staff_id: f"{full_name(first, last)} ({staff_id})" for _, staff_id, first, last in rows}


def find_supervisors(words: str, supervisee_id: int, limit: int = PICKER_LIMIT) -> dict[int, str]:
    """For an administrator naming someone's supervisor: as find_people, but keyed by person id and without
    the supervisee themself (the service refuses both them and anyone archived by the time it is saved)."""
    typed = words.strip().lower()
    if len(typed) < MIN_TYPED:
        return {}
    query = _active_matching(typed).where(Person.id != supervisee_id).limit(limit)
    rows: list[tuple[int, str, str, str]] = list(query.tuples())
    return {person_id: f"{full_name(first, last)} ({staff_id})" for person_id, staff_id, first, last in rows}


def people_chosen(person_ids: list[int]) -> dict[int, str]:
    """person id -> "Name (staff id)" as find_supervisors labels them (a picker's chosen value), for these."""
    if not person_ids:
        return {}
    rows: list[tuple[int, str, str, str]] = list(
        Person.select(Person.id, Person.staff_id, Person.first_name, Person.last_name)
        .where(Person.id.in_(person_ids)).tuples()
    )
    return {pid: f"{full_name(first, last)} ({staff_id})" for pid, staff_id, first, last in rows}
