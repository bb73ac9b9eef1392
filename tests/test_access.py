"""Who may see whom: the pure access rules, and the facts read from the database."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories as f
from tracker import access
from tracker.access import PersonFacts, Scope, SessionFacts, Viewer
from tracker.errors import PermissionDenied
from tracker.models import Employment, Pcn, Role, SupervisorAssignment
from tracker.views import access_facts

SELF = 10
STAFF = Viewer(1, "staff@x.uk", SELF, frozenset({"staff"}))
SUPERVISOR = Viewer(2, "sup@x.uk", 20, frozenset({"staff", "supervisor"}))
LEAD_EMPLOYER = Viewer(3, "lead@x.uk", 30, frozenset({"lead"}), lead_employer_id=7)
LEAD_PCN = Viewer(4, "pcn@x.uk", None, frozenset({"lead"}), lead_pcn_id=9)
ADMIN = Viewer(5, "admin@x.uk", None, frozenset({"admin"}))
LEAD_WITHOUT_SCOPE = Viewer(6, "odd@x.uk", None, frozenset({"lead"}))

SUPERVISED_AT_7_IN_9 = PersonFacts(SELF, frozenset({7}), frozenset({9}), frozenset({20}))
ELSEWHERE = PersonFacts(99, frozenset({8}), frozenset({11}), frozenset({21}))


@pytest.mark.parametrize(
    ("viewer", "person_id", "facts", "allowed"),
    [
        (STAFF, SELF, SUPERVISED_AT_7_IN_9, True),
        (STAFF, 99, ELSEWHERE, False),
        (SUPERVISOR, SELF, SUPERVISED_AT_7_IN_9, True),
        (SUPERVISOR, 99, ELSEWHERE, False),
        (LEAD_EMPLOYER, SELF, SUPERVISED_AT_7_IN_9, True),
        (LEAD_EMPLOYER, 99, ELSEWHERE, False),
        (LEAD_PCN, SELF, SUPERVISED_AT_7_IN_9, True),
        (LEAD_PCN, 99, ELSEWHERE, False),
        (LEAD_WITHOUT_SCOPE, SELF, SUPERVISED_AT_7_IN_9, False),
        (ADMIN, 99, ELSEWHERE, True),
    ],
)
def test_who_may_view_a_person(viewer: Viewer, person_id: int, facts: PersonFacts, allowed: bool) -> None:
    assert access.can_view_person(viewer, person_id, facts) is allowed


def test_a_supervisor_without_the_role_does_not_see_their_named_supervisee() -> None:
    only_staff = Viewer(2, "sup@x.uk", 20, frozenset({"staff"}))
    assert not access.can_view_person(only_staff, SELF, SUPERVISED_AT_7_IN_9)


def test_private_notes_are_for_the_supervisor_and_attendees_only_never_an_admin() -> None:
    session = SessionFacts(1, supervisor_id=20, attendee_ids=frozenset({SELF}))
    assert access.can_view_notes(SUPERVISOR, session)
    assert access.can_view_notes(STAFF, session)
    assert not access.can_view_notes(ADMIN, session)
    assert not access.can_view_notes(LEAD_EMPLOYER, session)


def test_a_lead_sees_a_session_of_someone_they_lead_but_not_its_notes() -> None:
    session = SessionFacts(1, supervisor_id=20, attendee_ids=frozenset({SELF}))
    assert access.can_view_session(LEAD_EMPLOYER, session, [SUPERVISED_AT_7_IN_9])
    assert not access.can_view_session(LEAD_EMPLOYER, session, [ELSEWHERE])
    assert not access.can_view_notes(LEAD_EMPLOYER, session)


def test_nobody_approves_their_own_certificate() -> None:
    self_lead = Viewer(3, "lead@x.uk", SELF, frozenset({"lead", "admin"}), lead_employer_id=7)
    assert not access.can_decide_evidence(self_lead, SUPERVISED_AT_7_IN_9)
    assert access.can_decide_evidence(LEAD_EMPLOYER, SUPERVISED_AT_7_IN_9)
    assert not access.can_decide_evidence(SUPERVISOR, SUPERVISED_AT_7_IN_9)


def test_lead_scope_follows_the_lead_and_refuses_others() -> None:
    assert access.lead_scope(LEAD_EMPLOYER) == Scope(employer_id=7)
    assert access.lead_scope(LEAD_PCN) == Scope(pcn_id=9)
    assert access.lead_scope(ADMIN) == Scope()
    with pytest.raises(PermissionDenied):
        access.lead_scope(STAFF)
    with pytest.raises(PermissionDenied):
        access.lead_scope(LEAD_WITHOUT_SCOPE)


def test_require_names_the_missing_role() -> None:
    access.require(SUPERVISOR, "supervisor")
    access.require(ADMIN, "lead", "admin")
    with pytest.raises(PermissionDenied, match="supervisor"):
        access.require(STAFF, "supervisor")


def test_facts_follow_employment_and_assignments_on_the_date(database: str) -> None:
    north = f.org("North Trust")
    south = f.org("South Charity")
    boss = f.person("Grace", "Hopper", role="SC", employer=north)
    asha = f.person("Asha", "Patel", employer=north, start=date(2024, 1, 1), end=date(2024, 12, 31))
    f.person("Other", "Job", employer=south)  # someone else at the other employer
    SupervisorAssignment.create(supervisor=boss, supervisee=asha, start_date=date(2024, 3, 1), end_date=date(2024, 6, 30))

    during = access_facts.person_facts(asha.id, date(2024, 4, 1))
    assert during.employer_ids == {north.id}
    assert during.supervisor_ids == {boss.id}
    assert access_facts.supervisee_ids(boss.id, date(2024, 4, 1)) == [asha.id]

    after = access_facts.person_facts(asha.id, date(2025, 2, 1))
    assert after.employer_ids == frozenset()
    assert after.supervisor_ids == frozenset()
    assert access_facts.supervisee_ids(boss.id, date(2025, 2, 1)) == []


@pytest.mark.parametrize("batch", [200, 2])
def test_the_facts_of_many_people_at_once_are_each_persons_own_facts(
    database: str, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """people_facts (two queries a batch, for lists such as /evidence) says what person_facts says of each,
    whether the people fit in one batch or take several."""
    monkeypatch.setattr("tracker.views.population.MAX_IDS_IN_SQL", batch)
    north = f.org("North Trust")
    south = f.org("South Charity")
    pcn = Pcn.create(name="Riverside PCN")
    boss = f.person("Grace", "Hopper", role="SC", employer=north)
    asha = f.person("Asha", "Patel", employer=north, start=date(2024, 1, 1), end=date(2024, 12, 31))
    Employment.create(person=asha, role=Role.get(Role.code == "SPLW"), employer=south, pcn=pcn,
                      start_date=date(2024, 2, 1))
    ben = f.person("Ben", "Okafor", employer=south)
    nobody = f.person("No", "Job", employer=south, start=date(2025, 1, 1))
    SupervisorAssignment.create(supervisor=boss, supervisee=asha, start_date=date(2024, 3, 1), end_date=date(2024, 6, 30))
    SupervisorAssignment.create(supervisor=ben, supervisee=asha, start_date=date(2024, 1, 1))
    everyone = [boss.id, asha.id, ben.id, nobody.id]
    for day in (date(2024, 4, 1), date(2024, 8, 1), date(2025, 2, 1)):
        together = access_facts.people_facts(everyone + [asha.id], day)
        assert together == {p: access_facts.person_facts(p, day) for p in everyone}
    assert access_facts.people_facts([asha.id], date(2024, 4, 1))[asha.id].supervisor_ids == {boss.id, ben.id}
    assert access_facts.people_facts([asha.id], date(2024, 4, 1))[asha.id].pcn_ids == {pcn.id}
    assert access_facts.people_facts([], date(2024, 4, 1)) == {}
