"""Role pages, the team directory across employers and team training events, on a real database (both kinds)."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories as f
from tests.joint_team import build_joint_team
from tracker import compliance as c
from tracker.access import Viewer
from tracker.errors import PermissionDenied, ValidationError
from tracker.models import (
    AuditEvent,
    Course,
    Employment,
    Organisation,
    Person,
    Role,
    TrainingEventAttendee,
    TrainingRecord,
    User,
)
from tracker.plain_markdown import blocks
from tracker.role_texts import BUILT_IN
from tracker.services import role_pages, training_events
from tracker.services.catalogue import ROLES as CATALOGUE_ROLES
from tracker.views import directory, roles
from tracker.views import training_events as event_views
from tracker.views.access_facts import viewer_for_user
from tracker.views.population import load_rules, person_compliance

TODAY = date(2026, 11, 20)


def viewer(email: str) -> Viewer:
    found = viewer_for_user(User.get(User.email == email).id)
    assert found is not None
    return found


def events_written() -> int:
    return AuditEvent.select().where(AuditEvent.entity == "training_event").count()


# ---- the directory ----------------------------------------------------------------------------------------

def test_staff_see_their_whole_pcn_across_employers_and_nobody_outside_it(database: str) -> None:
    team = build_joint_team()
    found = directory.directory(viewer("member01@example.nhs.uk"), TODAY)
    assert {p.person_id for p in found.people} == {p.id for p in team.people}
    assert len({j.employer for p in found.people for j in p.jobs}) == 4
    assert team.outsider is not None and team.outsider.id not in {p.person_id for p in found.people}
    outsider_sees = directory.directory(viewer("outsider@example.nhs.uk"), TODAY)
    assert [p.person_id for p in outsider_sees.people] == [team.outsider.id]


def test_an_employers_lead_sees_the_joint_team_of_the_pcns_its_people_work_in(database: str) -> None:
    team = build_joint_team()
    found = directory.directory(viewer("lead.trust@example.nhs.uk"), TODAY)
    assert {p.person_id for p in found.people} == {p.id for p in team.people}


def test_the_directory_filters_by_employer_role_and_name_and_names_whom_to_ask(database: str) -> None:
    team = build_joint_team()
    who = viewer("member01@example.nhs.uk")
    soar = team.employers[1]
    by_employer = directory.directory(who, TODAY, employer_id=soar.id)
    assert by_employer.people and all(p.works_for(soar.id) for p in by_employer.people)
    assert by_employer.everyone == 16 and len(by_employer.people) == 4
    by_role = directory.directory(who, TODAY, role_code="CP")
    assert {p.person_id for p in by_role.people} == {team.people[k].id for k in (2, 6, 10, 14)}
    named = directory.directory(who, TODAY, search="member01")
    assert [p.person_id for p in named.people] == [team.people[1].id]
    (me,) = named.people
    assert me.supervisors == ("Person00 Member00",) and me.first_contacts == ("Person02 Member02",)
    assert me.email == "member01@example.nhs.uk"


def test_the_directory_comes_a_page_at_a_time_in_name_order_and_the_pages_hold_everyone(database: str) -> None:
    build_joint_team()
    who = viewer("member01@example.nhs.uk")
    whole = directory.directory(who, TODAY, size=100)
    first, second = (directory.directory(who, TODAY, page=n, size=10) for n in (1, 2))
    assert whole.everyone == first.everyone == 16 and first.shown.total == 16
    assert (len(first.people), len(second.people), second.shown.first, second.shown.last) == (10, 6, 11, 16)
    assert first.people + second.people == whole.people
    assert [p.name.lower() for p in whole.people] == sorted(p.name.lower() for p in whole.people)


# ---- role pages --------------------------------------------------------------------------------------------

def test_a_role_page_shows_the_engines_courses_and_where_an_employer_differs(database: str) -> None:
    team = build_joint_team()
    soar = team.employers[1]
    f.employer_requirement(soar, "CONFLICT", 24)
    page = roles.role_page(viewer("member01@example.nhs.uk"), "SPLW", TODAY)
    rules = load_rules()
    assert page.courses == rules.course_plan(c.EmploymentSpan("SPLW", 0, TODAY))
    assert {"VCSE-INTRO", "PCI-SP", "SG-L2"} <= {r.code for r in page.courses}
    by_employer = {e.employer: e for e in page.employers}
    assert set(by_employer) == {"SOAR Community"}  # the only employer of link workers in the team
    soar_terms = by_employer["SOAR Community"]
    assert soar_terms.differs and ("CONFLICT", 24) in {(r.code, r.renewal_months) for r in soar_terms.courses}
    assert soar_terms.courses == rules.course_plan(c.EmploymentSpan("SPLW", soar.id, TODAY))
    assert {p.person_id for p in page.holders.items} == {team.people[k].id for k in (1, 5, 9, 13)}
    assert page.holders.total == 4
    assert page.supervision.min_minutes == 60 and "clinical" in page.supervision.kinds
    assert "what matters to you" in page.text.summary and page.written_by == ""


def _holders_as_python_did(who: Viewer, code: str) -> list[int]:
    """The role's holders as they were worked out before: the whole team read, then filtered in Python."""
    in_role = {p for (p,) in Employment.select(Employment.person).join(Role).where(Role.code == code).tuples()}
    return [p.person_id for p in directory.colleagues(directory.team_ids(who, TODAY) & in_role, TODAY)
            if p.holds(code)]


def test_a_role_s_holders_come_a_page_at_a_time_and_are_counted_in_sql_as_before(database: str) -> None:
    team = build_joint_team()
    joiners = [f.person(f"Joiner{k:02d}", "Zed", role="SPLW", employer=team.employers[0], start=date(2025, 1, 1))
               for k in range(30)]
    Employment.update(pcn=team.pcn).where(Employment.person.in_([p.id for p in joiners])).execute()
    twice = joiners[0]  # a second link-worker job: one holder, counted once
    Employment.create(person=twice, role=Role.get(Role.code == "SPLW"), employer=team.employers[1],
                      pcn=team.pcn, start_date=date(2025, 6, 1))
    Person.update(archived=True).where(Person.id == joiners[1].id).execute()
    Employment.update(end_date=date(2026, 1, 31)).where(Employment.person == joiners[2].id).execute()  # left
    Employment.update(start_date=date(2027, 1, 1)).where(Employment.person == joiners[3].id).execute()  # not yet
    for email in ("admin@example.nhs.uk", "lead.trust@example.nhs.uk", "member01@example.nhs.uk",
                  "outsider@example.nhs.uk"):
        who = viewer(email)
        expected = _holders_as_python_did(who, "SPLW")
        pages = [directory.role_holders(who, TODAY, "SPLW", n, 10) for n in range(1, 2 + (len(expected) - 1) // 10)]
        assert [p.person_id for page in pages for p in page.items] == expected
        assert all(page.total == len(expected) for page in pages) and expected
        counted = {r.code: r.holders for r in roles.roles_index(who, TODAY)}
        team_now = directory.team(who, TODAY)
        assert counted == {code: sum(1 for p in team_now if p.holds(code)) for code in counted}
    admin = viewer("admin@example.nhs.uk")
    assert directory.role_holders(admin, TODAY, "SPLW", 1, 10).total == 5 + 27  # Olive; not archived, left, to start
    page = roles.role_page(admin, "SPLW", TODAY, page=4, size=10)
    assert (page.holders.page, page.holders.first, page.holders.last, len(page.holders.items)) == (4, 31, 32, 2)
    assert roles.role_page(admin, "SPLW", TODAY, page=9, size=10).holders.page == 4  # past the end: the last
    (mine,) = [p for p in directory.role_holders(admin, TODAY, "SPLW", 1, 100).items if p.person_id == twice.id]
    assert {j.employer for j in mine.jobs} == {team.employers[0].name, team.employers[1].name}


def test_every_arrs_role_has_its_built_in_text_with_sources_and_no_invented_band(database: str) -> None:
    arrs = [code for code, *_rest in CATALOGUE_ROLES if _rest[-1]]
    assert set(BUILT_IN) == set(arrs)
    assert all(BUILT_IN[code].sources for code in arrs)
    assert "band up to 5" in BUILT_IN["SPLW"].funding and "band" not in BUILT_IN["CP"].funding.lower()


def test_an_admin_edits_a_role_page_once_audited_and_nobody_else_may(database: str) -> None:
    build_joint_team()
    parts = {"summary": "Helps people [x](javascript:alert(1)) and [NHS](https://www.nhs.uk)", "sources": "- Us"}
    with pytest.raises(PermissionDenied):
        role_pages.save_role_page(viewer("lead.trust@example.nhs.uk"), "CC", parts)
    assert role_pages.save_role_page(viewer("admin@example.nhs.uk"), "CC", parts)
    assert not role_pages.save_role_page(viewer("admin@example.nhs.uk"), "CC", parts)  # the same text: nothing
    assert AuditEvent.select().where(AuditEvent.action == "edit_role_page").count() == 1
    page = roles.role_page(viewer("member01@example.nhs.uk"), "CC", TODAY)
    assert page.text.summary == parts["summary"] and page.written_by == "admin@example.nhs.uk"
    spans = blocks(page.text.summary)[0].lines[0]
    assert [(s.words, s.href) for s in spans if s.words in ("x", "NHS")] == [("x", None), ("NHS", "https://www.nhs.uk")]
    with pytest.raises(ValidationError, match="control character"):
        role_pages.save_role_page(viewer("admin@example.nhs.uk"), "CC", {"summary": "bad\x00"})


@pytest.mark.parametrize("address", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x",
                                     "//evil.example", "vbscript:x", "java\tscript:x"])
def test_a_markdown_link_to_anything_but_the_web_or_this_site_is_words_only(address: str) -> None:
    (block,) = blocks(f"see [here]({address}) now")
    assert all(s.href is None for s in block.lines[0])
    assert "".join(s.words for s in block.lines[0]).startswith("see ")


def test_markdown_lists_paragraphs_and_headings_are_blocks_of_text() -> None:
    found = blocks("# Title\n\nFirst line\nsecond line\n\n- one\n- two <b>\nafter")
    assert [b.kind for b in found] == ["heading", "paragraph", "list", "paragraph"]
    assert found[2].lines[1][0].words == "two <b>"


# ---- team training events ----------------------------------------------------------------------------------

def test_a_lead_records_one_event_for_fifteen_people_from_four_employers(database: str) -> None:
    team = build_joint_team()
    attendees = team.people[:15]
    day = date(2026, 10, 14)
    f.trained(attendees[3], "SG-L2", day)  # already holds it on that date
    before = TrainingRecord.select().count()
    outcome = training_events.record_event(
        viewer("lead.trust@example.nhs.uk"), course="SG-L2", on=day, provider="Riverside NHS Trust safeguarding team",
        minutes=180, attendees=[p.id for p in attendees], today=TODAY)
    assert TrainingRecord.select().count() == before + 14
    assert outcome.already_held == (attendees[3].name,) and len(outcome.recorded) == 14
    assert events_written() == 1
    result = person_compliance(attendees[1].id, TODAY)  # a link worker: Level 2 is required
    assert result is not None
    status = {s.course: s for s in result.training}["SG-L2"]
    assert status.status == "compliant" and status.completed_on == day
    detail = event_views.register(viewer("lead.trust@example.nhs.uk"), outcome.event_id, TODAY)
    assert len(detail.attendees) == 15 and len(detail.employers) == 4
    assert [a.already_held for a in detail.attendees].count(True) == 1


def test_an_event_with_one_bad_attendee_writes_nothing(database: str) -> None:
    team = build_joint_team()
    assert team.outsider is not None
    before = TrainingRecord.select().count()
    with pytest.raises(PermissionDenied, match="not in your team"):
        training_events.record_event(
            viewer("lead.trust@example.nhs.uk"), course="SG-L2", on=date(2026, 10, 14), provider="Trust",
            minutes=60, attendees=[team.people[0].id, team.outsider.id], today=TODAY)
    with pytest.raises(ValidationError, match="after today"):
        training_events.record_event(
            viewer("lead.trust@example.nhs.uk"), course="SG-L2", on=date(2026, 11, 21), provider="Trust",
            minutes=60, attendees=[team.people[0].id], today=TODAY)
    with pytest.raises(PermissionDenied):
        training_events.record_event(
            viewer("member01@example.nhs.uk"), course="SG-L2", on=date(2026, 10, 14), provider="Trust",
            minutes=60, attendees=[team.people[0].id], today=TODAY)
    assert TrainingRecord.select().count() == before and events_written() == 0


def test_correcting_an_event_adds_and_removes_records_and_keeps_one_held_before(database: str) -> None:
    team = build_joint_team()
    lead = viewer("lead.trust@example.nhs.uk")
    day = date(2026, 10, 14)
    kept = f.trained(team.people[1], "IG", day)
    outcome = training_events.record_event(lead, course="IG", on=day, provider="Trust", minutes=None,
                                           attendees=[team.people[0].id, team.people[1].id], today=TODAY)
    training_events.add_attendee(lead, outcome.event_id, team.people[2].id, TODAY)
    assert TrainingRecord.select().where(TrainingRecord.person == team.people[2].id).count() == 1
    training_events.remove_attendee(lead, outcome.event_id, team.people[0].id, TODAY)
    training_events.remove_attendee(lead, outcome.event_id, team.people[1].id, TODAY)
    assert TrainingRecord.select().where(TrainingRecord.person == team.people[0].id).count() == 0
    assert TrainingRecord.get_or_none(TrainingRecord.id == kept.id) is not None  # held before: stays
    assert events_written() == 4
    assert TrainingEventAttendee.select().count() == 1


def test_a_planned_event_invites_people_and_writes_records_only_once_held(database: str) -> None:
    team = build_joint_team()
    lead = viewer("lead.trust@example.nhs.uk")
    day = date(2026, 12, 3)
    outcome = training_events.record_event(lead, course="FIRE", on=day, provider="Fire officer", minutes=60,
                                           attendees=[team.people[1].id], today=TODAY, planned=True)
    assert TrainingRecord.select().where(TrainingRecord.course == Course.get(Course.code == "FIRE")).count() == 0
    assert [e.event_id for e in event_views.upcoming_for(team.people[1].id, TODAY)] == [outcome.event_id]
    with pytest.raises(ValidationError, match="planned for"):
        training_events.mark_held(lead, outcome.event_id, TODAY)
    training_events.mark_held(lead, outcome.event_id, day)
    assert TrainingRecord.select().where(TrainingRecord.person == team.people[1].id).count() == 1
    assert event_views.upcoming_for(team.people[1].id, TODAY) == []


def test_who_sees_an_event(database: str) -> None:
    team = build_joint_team()
    outcome = training_events.record_event(
        viewer("admin@example.nhs.uk"), course="IG", on=date(2026, 10, 14), provider="Trust", minutes=30,
        attendees=[team.people[1].id], today=TODAY)
    assert [e.event_id for e in event_views.visible_events(viewer("member01@example.nhs.uk"), TODAY)] == [
        outcome.event_id]
    assert event_views.visible_events(viewer("outsider@example.nhs.uk"), TODAY) == []
    with pytest.raises(PermissionDenied):
        event_views.event_detail(viewer("outsider@example.nhs.uk"), outcome.event_id, TODAY)
    with pytest.raises(PermissionDenied):
        event_views.register(viewer("member01@example.nhs.uk"), outcome.event_id, TODAY)
    assert Organisation.select().count() >= 4


def test_a_persons_subject_access_data_lists_their_team_training_events_and_no_one_elses(database: str) -> None:
    from reports import subject_access

    team = build_joint_team()
    training_events.record_event(
        viewer("admin@example.nhs.uk"), course="IG", on=date(2026, 10, 14), provider="Trust IG team", minutes=30,
        attendees=[team.people[1].id], today=TODAY)
    mine = subject_access.collect(team.people[1].id, TODAY, notes_key=f.installation_notes_key())["team_training_events"]
    assert [(e["course"], e["date"], e["provider"], e["planned"]) for e in mine] == [
        ("IG", "2026-10-14", "Trust IG team", False)]
    assert subject_access.collect(team.people[2].id, TODAY, notes_key=f.installation_notes_key())["team_training_events"] == []
