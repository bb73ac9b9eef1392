"""Role pages, the team directory and team training events as each kind of user meets them (NiceGUI's user
fixture against a real SQLite database), refusals included, and rights lost while a page is open."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User as Visitor

from tests import data_tables as dt
from tests import factories as f
from tests.data_tables import cell_texts, every_text, spec
from tests.factories_reports import pdf_pages
from tests.joint_team import START, JointTeam, build_joint_team
from tests.ui_fixtures import sign_in, ui_database  # noqa: F401
from tracker import clock
from tracker import compliance as c
from tracker.models import AuditEvent, Employment, RolePage, TrainingEvent, TrainingRecord, User
from tracker.services import training_events, users
from tracker.views.access_facts import viewer_for_user
from tracker.views.calendar_ics import user_feed
from tracker.views.population import load_rules
from ui import session_end

pytestmark = pytest.mark.usefixtures("ui_database")
EVERYONE = ["member01@example.nhs.uk", "member00@example.nhs.uk", "lead.trust@example.nhs.uk",
            "admin@example.nhs.uk"]
LEAD = "lead.trust@example.nhs.uk"


def directory_text(user: Visitor) -> str:
    return every_text(spec(user, "directory-table"))


@pytest.fixture
def pages_not_taken_away(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hold off the ending of open pages, to try what an open page can still do by itself."""
    monkeypatch.setattr(session_end, "SWEEP_SECONDS", 3600.0)
    monkeypatch.setattr(session_end, "sweep_soon", lambda: None)
    monkeypatch.setattr(session_end, "end_pages", lambda clients: None)
    yield


def held_event(team: JointTeam, count: int = 3) -> int:
    lead = viewer_for_user(User.get(User.email == LEAD).id)
    assert lead is not None
    return training_events.record_event(
        lead, course="IG", on=clock.today(), provider="Trust IG team", minutes=45,
        attendees=[p.id for p in team.people[:count]], today=clock.today()).event_id


@pytest.mark.parametrize("email", EVERYONE)
async def test_every_signed_in_user_reads_a_role_page_with_who_holds_it(user: Visitor, email: str) -> None:
    build_joint_team()
    await sign_in(user, email, then="/roles/SPLW")
    await user.should_see("Social Prescribing Link Worker")
    await user.should_see("what matters to you", retries=20)
    await dt.sees(user, "Introducing people to community groups and VCSE organisations", "role-courses")
    await user.should_see("At least 60 minutes a month of clinical supervision")
    await dt.sees(user, "Person01 Member01", "role-holders")  # a link worker in the team
    await user.should_see("Band cap")
    if email == "admin@example.nhs.uk":
        await user.should_see(marker="edit-role-page")
    else:
        await user.should_not_see(marker="edit-role-page")


async def test_the_roles_index_links_each_role_with_how_many_of_the_team_hold_it(user: Visitor) -> None:
    team = build_joint_team()
    await sign_in(user, LEAD, then="/roles")
    await dt.sees(user, "Social Prescribing Link Worker", "roles", retries=20)
    table = dt.spec(user, "roles")
    (splw,) = [r for r in table["rows"] if r["data"]["role"] == "SPLW"]
    name, code, _band, arrs, holders = (cell["parts"][0] for cell in splw["cells"])
    assert name == {"link": "Social Prescribing Link Worker", "href": "/roles/SPLW", "data": {}}
    assert (code["text"], arrs["text"]) == ("SPLW", "Yes")
    in_team = Employment.select().where(Employment.person.in_([p.id for p in team.people]))
    splw_holders = {e.person_id for e in in_team if e.role.code == "SPLW"}
    assert holders["text"] == str(len(splw_holders)) and splw_holders


async def test_signed_out_visitors_are_sent_to_sign_in_from_every_new_page(user: Visitor) -> None:
    build_joint_team()
    for path in ("/roles", "/roles/SPLW", "/team/directory", "/training-events", "/training-events/new"):
        response = await user.http_client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303, 307) and "/login" in response.headers["location"], path
    assert (await user.http_client.get("/training-events/1/register.pdf")).status_code in (303, 403)


async def test_an_admin_edits_a_role_page_and_a_javascript_link_is_only_words(user: Visitor) -> None:
    build_joint_team()
    await sign_in(user, "admin@example.nhs.uk", then="/roles/CC")
    user.find(marker="edit-role-page").click()
    user.find(marker="role-summary").type("Coordinates care. [click me](javascript:alert(1)) [NHS](https://www.nhs.uk)")
    user.find(marker="save-role-page").click()
    await user.should_see("Saved the page of Care Coordinator.", retries=40)
    await user.should_see("click me")
    with user:
        links = {str(e.props.get("href")) for e in user.find(kind=ui.link).elements}
    assert "https://www.nhs.uk" in links and not any("javascript" in h.lower() for h in links)
    assert RolePage.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "edit_role_page").count() == 1


@pytest.mark.usefixtures("pages_not_taken_away")
async def test_an_admin_demoted_while_the_role_page_is_open_cannot_save_it(user: Visitor) -> None:
    build_joint_team()
    await sign_in(user, "admin@example.nhs.uk", then="/roles/CC")
    user.find(marker="edit-role-page").click()
    admin = User.get(User.email == "admin@example.nhs.uk")
    users.set_roles("other.admin@example.nhs.uk", admin.id, "lead", employer_name="Riverside NHS Trust")
    user.find(marker="role-summary").type("Rewritten by someone who may no longer")
    user.find(marker="save-role-page").click()
    await user.should_see("Your session has ended", retries=40)
    assert RolePage.select().count() == 0


async def test_staff_see_the_directory_across_employers_and_filter_it(user: Visitor) -> None:
    team = build_joint_team()
    await sign_in(user, "member01@example.nhs.uk", then="/team/directory")
    await user.should_see("Matching: 16 people of 16 in your team.", retries=20)
    shown = directory_text(user)
    assert "Riverside NHS Trust" in shown and "Sheffield Futures" in shown
    assert "Olive Outside" not in shown
    await user.should_not_see("Olive Outside")
    user.find(marker="filter-employer").elements.pop().set_value(str(team.employers[2].id))
    await user.should_see("Matching: 4 people of 16 in your team.", retries=20)
    user.find(marker="filter-name").type("Member06")
    await user.should_see("Matching: 1 person of 16 in your team.", retries=20)
    assert [cell_texts(row)[0] for row in spec(user, "directory-table")["rows"]] == ["Person06 Member06"]


async def test_a_big_team_shows_fifty_to_tick_and_the_search_finds_the_rest(user: Visitor) -> None:
    team = build_joint_team()
    joiners = [f.person(f"Joiner{k:02d}", "Zed", employer=team.employers[0], start=START) for k in range(50)]
    Employment.update(pcn=team.pcn).where(Employment.person.in_([p.id for p in joiners])).execute()
    await sign_in(user, LEAD, then="/training-events/new")
    await user.should_see("Showing the first 50 of 66 who match", retries=40)
    last = team.people[-1]  # "Person15 Member15" sorts after every "JoinerNN Zed": not among the first 50
    await user.should_not_see(marker=f"attendee-{last.id}")
    user.find(marker="attendee-search").type("Person15")
    await user.should_see(marker=f"attendee-{last.id}", retries=20)
    user.find(marker=f"attendee-{last.id}").elements.pop().set_value(True)
    user.find(marker="attendee-search").clear()
    await user.should_see(marker=f"attendee-{last.id}", retries=20)  # a ticked person stays on the list
    await user.should_see(marker=f"attendee-{joiners[0].id}", retries=20)  # the search runs on the server
    user.find(marker=f"attendee-{joiners[0].id}").elements.pop().set_value(True)
    user.find(marker="event-course").elements.pop().set_value("IG")
    user.find(marker="event-provider").type("Riverside NHS Trust IG team")
    user.find(marker="save-event").click()
    await user.should_see("recorded for 2 people", retries=40)
    assert {r.person_id for r in TrainingRecord.select()} == {last.id, joiners[0].id}


async def test_a_role_with_many_holders_lists_them_a_page_at_a_time(user: Visitor) -> None:
    team = build_joint_team()
    joiners = [f.person(f"Joiner{k:02d}", "Zed", role="SPLW", employer=team.employers[0], start=START)
               for k in range(30)]
    Employment.update(pcn=team.pcn).where(Employment.person.in_([p.id for p in joiners])).execute()
    await sign_in(user, LEAD, then="/roles/SPLW")
    await user.should_see("Showing 1–25 of 34 holders", retries=40)
    await dt.sees(user, "Joiner00 Zed", "role-holders")
    assert not dt.shows(user, "Person13 Member13")  # a holder by name order on the second page
    user.find(marker="pager-next").click()
    await user.should_see("Showing 26–34 of 34 holders", retries=40)
    await dt.sees(user, "Person13 Member13", "role-holders")


async def test_a_lead_records_an_event_from_the_form_and_an_attendee_sees_it(user: Visitor) -> None:
    team = build_joint_team()
    await sign_in(user, LEAD, then="/training-events/new")
    user.find(marker="event-course").elements.pop().set_value("IG")
    user.find(marker="event-provider").type("Riverside NHS Trust IG team")
    user.find(marker="event-minutes").type("45")
    for person in team.people[:5]:
        user.find(marker=f"attendee-{person.id}").elements.pop().set_value(True)
    user.find(marker="save-event").click()
    await user.should_see("recorded for 5 people", retries=40)
    assert TrainingRecord.select().count() == 5 and TrainingEvent.select().count() == 1
    await user.should_see("Download the attendance register (PDF)")


async def test_a_bad_duration_is_refused_at_its_field_and_nothing_is_written(user: Visitor) -> None:
    team = build_joint_team()
    await sign_in(user, LEAD, then="/training-events/new")
    user.find(marker="event-course").elements.pop().set_value("IG")
    user.find(marker="event-provider").type("Trust")
    user.find(marker="event-minutes").type("ninety")
    user.find(marker=f"attendee-{team.people[0].id}").elements.pop().set_value(True)
    user.find(marker="save-event").click()
    await user.should_see("Minutes", retries=40)
    with user:
        assert next(iter(user.find(marker="event-minutes").elements)).error
    assert TrainingRecord.select().count() == 0 and TrainingEvent.select().count() == 0


@pytest.mark.parametrize("email", ["member01@example.nhs.uk", "member00@example.nhs.uk"])
async def test_staff_and_supervisors_may_not_record_events(user: Visitor, email: str) -> None:
    build_joint_team()
    await sign_in(user, email, then="/training-events/new")
    await user.should_see("You may not open this page")
    await user.should_not_see(marker="save-event")


@pytest.mark.usefixtures("pages_not_taken_away")
async def test_a_lead_who_loses_the_role_while_the_form_is_open_records_nothing(user: Visitor) -> None:
    team = build_joint_team()
    await sign_in(user, LEAD, then="/training-events/new")
    user.find(marker="event-course").elements.pop().set_value("IG")
    user.find(marker="event-provider").type("Trust")
    user.find(marker=f"attendee-{team.people[0].id}").elements.pop().set_value(True)
    users.set_active("admin@example.nhs.uk", User.get(User.email == LEAD).id, False)
    user.find(marker="save-event").click()
    await user.should_see("Your session has ended", retries=40)
    assert TrainingRecord.select().count() == 0 and TrainingEvent.select().count() == 0


@pytest.mark.usefixtures("pages_not_taken_away")
async def test_a_lead_who_loses_the_role_cannot_remove_an_attendee_from_the_open_page(user: Visitor) -> None:
    team = build_joint_team()
    event_id = held_event(team)
    await sign_in(user, LEAD, then=f"/training-events/{event_id}")
    await user.should_see(marker=f"remove-{team.people[0].id}")
    users.set_roles("admin@example.nhs.uk", User.get(User.email == LEAD).id, "lead", employer_name="SOAR Community")
    user.find(marker=f"remove-{team.people[0].id}").click()
    await user.should_see("Your session has ended", retries=40)
    assert TrainingRecord.select().count() == 3


async def test_the_register_pdf_lists_every_attendee_and_is_refused_to_staff(user: Visitor, tmp_path: Path) -> None:
    team = build_joint_team()
    event_id = held_event(team, count=6)
    await sign_in(user, LEAD, then=f"/training-events/{event_id}")
    response = await user.http_client.get(f"/training-events/{event_id}/register.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(pdf_pages(response.content, tmp_path))
    assert all(p.name in text for p in team.people[:6]) and team.people[6].name not in text
    assert "6 from 4 employers" in text


async def test_staff_are_refused_the_register_but_see_their_own_event(user: Visitor) -> None:
    team = build_joint_team()
    event_id = held_event(team)
    await sign_in(user, "member01@example.nhs.uk", then="/training-events")
    await user.should_see("Information Governance and Data Security")
    await user.open(f"/training-events/{event_id}")
    await user.should_see("Recorded by this event")
    await user.should_not_see(marker="register-pdf")
    await user.should_not_see(marker=f"remove-{team.people[0].id}")
    response = await user.http_client.get(f"/training-events/{event_id}/register.pdf")
    assert response.status_code == 403


async def test_someone_outside_the_team_may_not_open_the_event(user: Visitor) -> None:
    team = build_joint_team()
    event_id = held_event(team)
    await sign_in(user, "outsider@example.nhs.uk", then=f"/training-events/{event_id}")
    await user.should_see("You may not open this page")
    await user.should_not_see("Person00 Member00")


async def test_an_invitee_sees_a_planned_event_under_due_next_and_in_the_calendar_feed(user: Visitor) -> None:
    team = build_joint_team()
    lead = viewer_for_user(User.get(User.email == LEAD).id)
    assert lead is not None
    day = clock.today() + timedelta(days=40)
    training_events.record_event(lead, course="FIRE", on=day, provider="Fire officer", minutes=60,
                                 attendees=[team.people[1].id], today=clock.today(), planned=True)
    await sign_in(user, "member01@example.nhs.uk", then="/me")
    await user.should_see("Due next: team training you are invited to", retries=20)
    await user.should_see("Fire Safety")
    member = viewer_for_user(User.get(User.email == "member01@example.nhs.uk").id)
    assert member is not None
    feed = user_feed(member, clock.today(), clock.now()).decode()
    assert "SUMMARY:Team training: Fire Safety" in feed and f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in feed
    assert TrainingRecord.select().count() == 0


@pytest.mark.parametrize("email, team_size, sees_olive", [
    ("member01@example.nhs.uk", 16, False), ("member00@example.nhs.uk", 16, False), (LEAD, 16, False),
    ("admin@example.nhs.uk", 17, True), ("outsider@example.nhs.uk", 1, True),
])
async def test_each_kind_of_user_opens_the_directory_with_their_own_team(
    user: Visitor, email: str, team_size: int, sees_olive: bool
) -> None:
    build_joint_team()
    await sign_in(user, email, then="/team/directory")
    await user.should_see("in your team.", retries=20)
    await user.should_see(f"of {team_size} in your team.")
    assert ("Olive Outside" in directory_text(user)) == sees_olive
    if not sees_olive:
        await user.should_not_see("Olive Outside")


@pytest.mark.parametrize("email, sees_it", [
    ("member01@example.nhs.uk", True), ("member00@example.nhs.uk", True), (LEAD, True),
    ("admin@example.nhs.uk", True), ("outsider@example.nhs.uk", False),
])
async def test_each_kind_of_user_sees_the_events_of_their_own(user: Visitor, email: str, sees_it: bool) -> None:
    team = build_joint_team()
    held_event(team, count=2)  # Person00 (a supervisor) and Person01 attended
    await sign_in(user, email, then="/training-events")
    await user.should_see("Team training events")
    if sees_it:
        await user.should_see("Information Governance and Data Security")
    else:
        await user.should_see("No team training event yet.")
    if email in (LEAD, "admin@example.nhs.uk"):
        await user.should_see(marker="new-event")
    else:
        await user.should_not_see(marker="new-event")


async def test_an_employer_whose_courses_differ_lists_only_the_difference_under_the_role_s_table(
        user: Visitor) -> None:
    team = build_joint_team()
    soar = team.employers[1]
    f.employer_requirement(soar, "CONFLICT", 24)
    await sign_in(user, "admin@example.nhs.uk", then="/roles/SPLW")
    await user.should_see("At SOAR Community", retries=40)
    await dt.sees(user, "Courses a Social Prescribing Link Worker at SOAR Community needs otherwise than above")
    await user.should_see("Every other course as above.")
    courses = [code for table in dt.specs(user, "role-courses") for code in dt.row_data(table, "course")]
    own = [r.code for r in load_rules().course_plan(c.EmploymentSpan("SPLW", 0, clock.today()))]
    assert courses == own + ["CONFLICT"]  # the role's table, then SOAR's one difference, not its whole table
