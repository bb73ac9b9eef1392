"""The operational lead's pages: the dashboard, the training matrix and the supervision heat-map, for each
role, with the lead's scope, filters, search, pages and past dates."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from nicegui.testing import User as Visitor

from tests import data_tables as dt
from tests import factories as f
from tests.data_tables import grid
from tests.ui_fixtures import Team, build_team, login_user, sign_in, sign_out, ui_database  # noqa: F401
from tracker import clock
from tracker.access import Scope
from tracker.compliance import summarise
from tracker.dates import add_months, month_start, uk
from tracker.models import Pcn
from tracker.services.catalogue import default_role_items
from tracker.views.population import snapshot

pytestmark = pytest.mark.usefixtures("ui_database")


def today() -> date:
    return clock.today()


def rows(user: Visitor, marker: str) -> list[str]:
    return list(grid(user, marker))


def names(team: Team, ids: list[str]) -> set[str]:
    people = {str(p.id): p.first_name for p in (team.grace, team.asha, team.ben, team.cara)}
    return {people.get(i, i) for i in ids}


def fully_trained(team: Team) -> None:
    """Ben holds every course and had supervision last month and this, so he is green and the team a mix."""
    for course in default_role_items("SPLW"):  # every course and check a link worker needs
        f.trained(team.ben, course, today() - timedelta(days=30))
    f.session(team.grace, team.ben, add_months(month_start(today()), -1) + timedelta(days=2))
    f.session(team.grace, team.ben, month_start(today()))  # this month met too, so green whatever the day


async def test_a_lead_sees_the_figures_of_their_own_employer_only(user: Visitor) -> None:
    team = build_team()
    fully_trained(team)
    await sign_in(user, "lead.north@example.nhs.uk")
    await user.should_see("Team dashboard")
    await user.should_see("Northside Community Trust: 3 people employed")
    expected = summarise(snapshot(today(), Scope(employer_id=team.north.id)), today())
    await user.should_see(f"{expected.fully_compliant_pct:g}%")
    await user.should_see(f"{expected.green:,} of 3 people green")
    await user.should_see("Needs attention")
    assert set(rows(user, "attention")) == {str(team.asha.id), str(team.grace.id)}  # Ben is not red or amber
    await user.should_see(marker="trend-table", retries=100)
    assert user.find(marker="trend-chart").elements
    months = grid(user, "trend-table", "data-month")
    assert len(months) == 12 and all(cells[1].text == "3" for cells in list(months.values())[-1:])


async def test_an_admin_sees_everyone_and_each_employer(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/team")
    await user.should_see("Everyone, all employers: 4 people employed")
    await user.should_see("By employer")
    employers = grid(user, "employers", "data-employer")
    assert [cells[0].text for cells in employers.values()] == [
        "Northside Community Trust",
        "Southgate Practice",
    ]
    assert [cells[1].text for cells in employers.values()] == ["3", "1"]
    first = next(iter(employers.values()))  # on a phone each row is a card, each figure labelled by its column
    assert [c.attrs.get("data-label") for c in first] == [
        None, "People", "Green", "Amber", "Red", "Fully compliant"
    ]


async def test_the_matrix_shows_each_course_in_words_and_filters_by_status_and_search(user: Visitor) -> None:
    team = build_team()
    fully_trained(team)
    await sign_in(user, "lead.north@example.nhs.uk", then="/team/matrix")
    assert names(team, rows(user, "matrix")) == {"Asha", "Ben", "Grace"}
    ben_fire = [c for c in grid(user, "matrix")[str(team.ben.id)] if c.attrs.get("data-course") == "FIRE"]
    assert ben_fire and ben_fire[0].attrs["data-status"] == "compliant"
    expires = add_months(today() - timedelta(days=30), 12)
    assert ben_fire[0].text == f"Compliant\nto {uk(expires)}"

    user.find(marker="filter-search").type("okafor")
    await user.should_see("Showing 1–1 of 1 people", retries=40)
    assert names(team, rows(user, "matrix")) == {"Ben"}

    user.find(marker="filter-clear").click()
    await user.should_see("3 people:", retries=40)
    await user.should_see("2 red", retries=40)
    user.find(marker="filter-status").elements.pop().set_value("red")
    await user.should_see("2 people: 2 red, 0 amber, 0 green.", retries=40)
    assert names(team, rows(user, "matrix")) == {"Asha", "Grace"}


async def test_the_matrix_pages_through_many_people(user: Visitor) -> None:
    north = f.org("Northside Community Trust", "vcse")
    for n in range(30):
        f.person("Zed" if n % 3 == 0 else "Person", f"Number {n:02d}", employer=north)
    login_user("lead.north@example.nhs.uk", "lead", lead_employer=north)
    await sign_in(user, "lead.north@example.nhs.uk", then="/team/matrix")
    await user.should_see("Showing 1–25 of 30 people")
    assert len(rows(user, "matrix")) == 25
    user.find(marker="pager-next").click()
    await user.should_see("Showing 26–30 of 30 people", retries=40)
    assert len(rows(user, "matrix")) == 5
    await user.open("/team/matrix?page=2&q=zed")  # a page beyond the end shows the last one
    await user.should_see("Showing 1–10 of 10 people")


def courses_shown(user: Visitor) -> list[str]:
    spec = user.find(marker="matrix").elements.pop().props["spec"]
    return [part["hidden"] for cell in spec["head"] for part in cell["parts"] if "hidden" in part]


async def test_the_matrix_says_why_someone_is_red_and_shows_their_supervision(user: Visitor) -> None:
    team = build_team()
    for course in default_role_items("SPLW"):  # Ben holds every course but missed supervision last month
        f.trained(team.ben, course, today() - timedelta(days=30))
    f.session(team.grace, team.ben, month_start(today()))
    await sign_in(user, "lead.north@example.nhs.uk", then="/team/matrix?status=red")
    ben = grid(user, "matrix")[str(team.ben.id)]
    assert {c.attrs["data-status"] for c in ben if "data-course" in c.attrs} == {"compliant"}  # no red course
    last_month = add_months(month_start(today()), -1)
    assert ben[1].attrs["data-why"] == "yes"
    assert ben[1].text == f"RedWhy: Supervision missed in {last_month:%B %Y} (0 of 60 minutes)"
    assert ben[2].attrs["data-supervision"] == "met" and ben[2].text.startswith("Met\n60/60 min")
    asha = grid(user, "matrix")[str(team.asha.id)]
    assert "has not been done" in asha[1].text


async def test_the_matrix_shows_the_chosen_courses_and_ignores_unknown_codes(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/team/matrix?courses=FIRE,NOPE,%3Cb%3E")
    await user.should_see("Not shown: NOPE, <b> are not courses anyone listed needs.")
    assert courses_shown(user) == ["FIRE"]
    assert {c.attrs.get("data-course") for c in grid(user, "matrix")[str(team.asha.id)][3:]} == {"FIRE"}
    user.find(marker="matrix-courses").elements.pop().set_value(["FIRE", "IG"])
    await user.should_not_see(marker="matrix-courses-ignored", retries=40)
    assert sorted(courses_shown(user)) == ["FIRE", "IG"]
    user.find(marker="matrix-courses").elements.pop().set_value([])  # none chosen: every course
    for _ in range(40):
        if len(courses_shown(user)) > 2:
            break
        await asyncio.sleep(0.05)
    assert len(courses_shown(user)) > 2
    await user.open("/team/matrix?courses=NOPE")
    await user.should_see("Not shown: NOPE is not a course anyone listed needs. Every course is shown.")
    assert len(courses_shown(user)) > 2


async def test_the_filters_in_the_address_are_applied(user: Visitor) -> None:
    team = build_team()
    pcn = Pcn.create(name="Riverside PCN")
    from tracker.models import Employment

    Employment.update(pcn=pcn).where(Employment.person == team.asha.id).execute()
    await sign_in(user, "admin@example.nhs.uk", then=f"/team/matrix?pcn={pcn.id}")
    assert names(team, rows(user, "matrix")) == {"Asha"}
    await user.open(f"/team/matrix?employer={team.south.id}")
    assert names(team, rows(user, "matrix")) == {"Cara"}
    await user.open("/team/matrix?role=SC")
    assert names(team, rows(user, "matrix")) == {"Grace"}


async def test_the_heat_map_shows_each_month_in_words(user: Visitor) -> None:
    team = build_team()
    last_month = add_months(month_start(today()), -1)
    f.session(team.grace, team.asha, last_month + timedelta(days=3), minutes=60)
    await sign_in(user, "lead.north@example.nhs.uk", then="/team/supervision")
    assert names(team, rows(user, "heatmap")) == {"Asha", "Ben", "Grace"}
    months = {
        person: next(c for c in cells if c.attrs.get("data-month") == last_month.isoformat())
        for person, cells in grid(user, "heatmap").items()
    }
    assert months[str(team.asha.id)].text == "Met\n60/60 min"
    assert months[str(team.asha.id)].attrs["data-status"] == "met"
    assert {months[str(p.id)].attrs["data-status"] for p in (team.ben, team.grace)} == {"missed"}


async def test_a_past_date_is_shown_with_the_figures_of_that_date(user: Visitor) -> None:
    team = build_team(start=date(2024, 1, 1))
    f.person("Late", "Starter", employer=team.north, start=today() - timedelta(days=10))
    past = today() - timedelta(days=40)
    await sign_in(user, "lead.north@example.nhs.uk", then=f"/team?as_of={uk(past)}")
    await user.should_see(f"You are viewing records as at {uk(past)}")
    await user.should_see("Northside Community Trust: 3 people employed")
    await user.open("/team?as_of=today")
    await user.should_see("Northside Community Trust: 4 people employed")


async def test_a_pcn_lead_sees_the_pcns_people_across_employers_but_edits_no_employers_policy(
    user: Visitor,
) -> None:
    from tracker.models import EmployerPolicy, Employment, PolicyTopic

    team = build_team()
    pcn = Pcn.create(name="Riverside PCN")
    Employment.update(pcn=pcn).where(Employment.person.in_([team.asha.id, team.cara.id])).execute()
    login_user("pcn.lead@example.nhs.uk", "lead", lead_pcn=pcn)
    home = PolicyTopic.get(PolicyTopic.name == "Home visits")
    EmployerPolicy.create(employer=team.north, topic=home, statement="No home visits alone.")
    await sign_in(user, "pcn.lead@example.nhs.uk", then="/team")
    await user.should_see("Riverside PCN (whole PCN): 2 people employed")
    await user.open("/team/matrix")
    assert names(team, rows(user, "matrix")) == {"Asha", "Cara"}
    await user.open(f"/people/{team.ben.id}")
    await user.should_see("Not allowed")
    await user.open("/policies")
    await dt.sees(user, "No home visits alone.", "policy-matrix")
    assert f"edit-{team.north.id}-{home.id}" not in dt.acts(dt.spec(user, "policy-matrix"))


@pytest.mark.parametrize("email", ["asha@example.nhs.uk", "grace@example.nhs.uk"])
async def test_staff_and_supervisors_are_refused_the_team_pages(user: Visitor, email: str) -> None:
    build_team()
    await sign_in(user, email)
    await user.should_not_see("Team dashboard")
    for path in ("/team", "/team/matrix", "/team/supervision"):
        await user.open(path)
        await user.should_see("Not allowed")
        await user.should_not_see("Fully compliant")
        await user.should_not_see("Showing 1–")


async def test_a_lead_is_refused_a_person_outside_their_scope(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "lead.south@example.nhs.uk", then=f"/people/{team.asha.id}")
    await user.should_see("Not allowed")
    await user.open(f"/people/{team.cara.id}")
    await user.should_see("Cara Lewis")


async def test_signed_out_visitors_are_sent_to_sign_in(user: Visitor) -> None:
    build_team()
    for path in ("/team", "/team/matrix", "/team/supervision"):
        await user.open(path)
        await user.should_see("Email address")
        await user.should_not_see("Team dashboard")


async def test_a_lead_drills_down_from_the_matrix_to_a_person(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/team/matrix")
    await user.should_see("Showing 1–3 of 3 people")
    name_cell = grid(user, "matrix")[str(team.asha.id)][0]
    assert name_cell.text.startswith("Asha Patel")
    spec = user.find(marker="matrix").elements.pop().props["spec"]
    link = next(row["cells"][0]["parts"][0] for row in spec["rows"] if row["data"]["person"] == team.asha.id)
    assert link["href"] == f"/people/{team.asha.id}"
    await user.open(f"/people/{team.asha.id}")
    await user.should_see("Staff id", retries=60)
    await user.should_see(team.asha.staff_id)


# ---- evidence ---------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pending_certificate(team: Team, person=None, course: str = "FIRE"):  # type: ignore[no-untyped-def]
    from tracker.models import User
    from tracker.services import evidence
    from tracker.settings import Settings
    from tracker.views.access_facts import viewer_for_user

    who = person or team.asha
    uploader = viewer_for_user(User.get(User.person == who.id).id)
    assert uploader is not None
    return evidence.upload_certificate(
        uploader, Settings.from_env(), who.id, course, today() - timedelta(days=5), "e-learning", PDF
    )


async def test_a_lead_approves_a_certificate_with_its_date_and_it_counts(user: Visitor) -> None:
    from tracker.models import AuditEvent, TrainingRecord

    team = build_team()
    record = pending_certificate(team)
    await sign_in(user, "lead.north@example.nhs.uk", then="/evidence")
    await user.should_see("Waiting: 1 certificate")
    await user.should_see("Fire Safety")
    await user.should_not_see(marker=f"date-{record.id}")  # the decision is drawn when asked for
    await decide(user, record.id)
    date_box = user.find(marker=f"date-{record.id}").elements.pop()
    date_box.value = uk(today() - timedelta(days=7))
    user.find(marker=f"approve-{record.id}").click()
    await user.should_see("Waiting: 0 certificates", retries=40)
    saved = TrainingRecord.get_by_id(record.id)
    assert (saved.evidence_state, saved.completed_on, saved.decided_by) == (
        "approved",
        today() - timedelta(days=7),
        "lead.north@example.nhs.uk",
    )
    assert AuditEvent.select().where(AuditEvent.action == "approve_certificate").count() == 1
    from tracker.views.population import person_compliance

    asha = person_compliance(team.asha.id, today())
    assert asha is not None
    assert next(c for c in asha.training if c.course == "FIRE").status == "compliant"


async def decide(user: Visitor, record_id: int) -> None:
    """Open the decision of a waiting certificate (its date, reason and buttons)."""
    user.find(marker=f"decide-{record_id}").click()
    await user.should_see(marker=f"approve-{record_id}", retries=40)


async def test_evidence_without_a_certificate_says_so_and_is_approved_only_with_how_it_was_checked(
    user: Visitor,
) -> None:
    from tracker.models import AuditEvent, TrainingRecord
    from tracker.services.training import add_training

    team = build_team()
    record = add_training("asha@example.nhs.uk", team.asha.id, "FIRE", today() - timedelta(days=5),
                          evidence_state="pending").record
    await sign_in(user, "lead.north@example.nhs.uk", then="/evidence")
    await user.should_see("No certificate attached")
    await user.should_not_see("Open the certificate (new tab)")
    await decide(user, record.id)
    user.find(marker=f"approve-{record.id}").click()
    await user.should_see("no certificate is attached to this record", retries=40)
    assert TrainingRecord.get_by_id(record.id).evidence_state == "pending"
    user.find(marker=f"without-certificate-{record.id}").type("Saw the paper certificate")
    user.find(marker=f"approve-{record.id}").click()
    await user.should_see("Waiting: 0 certificates", retries=40)
    assert TrainingRecord.get_by_id(record.id).evidence_state == "approved"
    assert "Saw the paper certificate" in (AuditEvent.get(AuditEvent.action == "approve_certificate").after or "")


async def test_a_rejection_needs_a_reason_and_is_kept(user: Visitor) -> None:
    from tracker.models import TrainingRecord

    team = build_team()
    record = pending_certificate(team)
    await sign_in(user, "admin@example.nhs.uk", then="/evidence")
    await decide(user, record.id)
    user.find(marker=f"reject-{record.id}").click()
    await user.should_see("Reason: a value is required", retries=40)
    assert TrainingRecord.get_by_id(record.id).evidence_state == "pending"
    user.find(marker=f"reason-{record.id}").type("The certificate is for someone else")
    user.find(marker=f"reject-{record.id}").click()
    await user.should_see("Waiting: 0 certificates", retries=40)
    assert TrainingRecord.get_by_id(record.id).evidence_state == "rejected"


async def test_a_lead_sees_only_the_certificates_of_their_people(user: Visitor) -> None:
    team = build_team()
    pending_certificate(team, team.cara)
    await sign_in(user, "lead.north@example.nhs.uk", then="/evidence")
    await user.should_see("Waiting: 0 certificates")
    await user.should_not_see("Cara Lewis")
    await sign_out(user)
    await sign_in(user, "lead.south@example.nhs.uk", then="/evidence")
    await user.should_see("Waiting: 1 certificate")
    await user.should_see("Cara Lewis (")


@pytest.mark.parametrize("email", ["asha@example.nhs.uk", "grace@example.nhs.uk"])
async def test_staff_and_supervisors_are_refused_the_evidence_queue(user: Visitor, email: str) -> None:
    team = build_team()
    pending_certificate(team, team.ben)
    await sign_in(user, email, then="/evidence")
    await user.should_see("Not allowed")
    await user.should_not_see("Fire Safety")
