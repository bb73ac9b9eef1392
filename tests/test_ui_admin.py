"""Administration pages: people (add, search, edit with a version check, change of job, leaver, archive,
absences), employers, roles, courses, requirements and supervision rules with the effect previewed, users;
and refusal of everyone who is not an admin."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.ui_fixtures import Team, build_team, sign_in, ui_database  # noqa: F401
from tracker import clock
from tracker.dates import add_months, month_start, uk
from tracker.models import (
    Absence,
    AuditEvent,
    Course,
    Employment,
    Organisation,
    Person,
    Requirement,
    Role,
    SupervisionRule,
    User,
)
from tracker.passwords import verify_password
from tracker.services import people
from tracker.services.catalogue import default_role_items

pytestmark = pytest.mark.usefixtures("ui_database")
ADMIN_PAGES = (
    "/admin/people",
    "/admin/people/new",
    "/admin/employers",
    "/admin/roles",
    "/admin/courses",
    "/admin/rules",
    "/admin/users",
)


def today() -> date:
    return clock.today()


def select(user: Visitor, marker: str, value: object) -> None:
    user.find(marker=marker).elements.pop().set_value(value)


async def test_an_admin_adds_a_person_with_their_first_job(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/people/new")
    user.find(marker="new-staff-id").type("E2001")
    user.find(marker="new-first").type("Dina")
    user.find(marker="new-last").type("Rahman")
    select(user, "new-role", "HWBC")
    select(user, "new-employer", "Southgate Practice")
    user.find(marker="new-save").click()
    await user.should_see("Dina Rahman", retries=40)
    await user.should_see("Health and Wellbeing Coach", retries=20)
    dina = Person.get(Person.staff_id == "E2001")
    job = Employment.get(Employment.person == dina.id)
    assert (job.employer_id, job.start_date) == (team.south.id, today())
    assert (
        AuditEvent.select().where(AuditEvent.entity == "person", AuditEvent.action == "create").count() == 1
    )


async def test_a_person_without_a_role_is_refused_and_nothing_is_written(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/people/new")
    user.find(marker="new-staff-id").type("E2002")
    user.find(marker="new-first").type("No")
    user.find(marker="new-last").type("Role")
    select(user, "new-employer", "Southgate Practice")
    user.find(marker="new-save").click()
    await user.should_see("Role: a role is required", retries=40)
    assert not Person.select().where(Person.staff_id == "E2002").exists()


async def test_an_empty_person_form_shows_every_problem_at_its_field_and_in_a_summary(user: Visitor) -> None:
    build_team()
    count = Person.select().count()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/people/new")
    user.find(marker="new-save").click()
    await user.should_see("There are 5 problems", retries=40)
    lines = ["Staff id: a value is required", "First name: a value is required", "Last name: a value is required",
             "Role: a role is required", "Employer: a value is required"]
    for line in lines:
        await user.should_see(line)
    at_fields = {m: user.find(marker=m).elements.pop().error for m in
                 ("new-staff-id", "new-first", "new-last", "new-role", "new-employer")}
    assert at_fields == {"new-staff-id": "A value is required", "new-first": "A value is required",
                         "new-last": "A value is required", "new-role": "A role is required",
                         "new-employer": "A value is required"}
    summary = user.find(marker="problems").elements.pop()
    assert summary.props["role"] == "alert"
    assert [b.text for b in user.find(marker="problem-staff_id").elements] == [lines[0]]
    user.find(marker="problem-staff_id").click()  # takes the focus to the field
    assert Person.select().count() == count
    user.find(marker="new-staff-id").type("E2003")  # a field put right loses its message
    assert user.find(marker="new-staff-id").elements.pop().error is None


async def test_the_people_list_searches_and_pages_in_the_database(user: Visitor) -> None:
    north = f.org("Northside Community Trust")
    for n in range(30):
        f.person("Zara" if n < 4 else "Person", f"Number {n:02d}", employer=north)
    from tests.ui_fixtures import login_user

    login_user("admin@example.nhs.uk", "admin")
    await sign_in(user, "admin@example.nhs.uk", then="/admin/people")
    await user.should_see("Showing 1–25 of 30 people")
    user.find(marker="pager-next").click()
    await user.should_see("Showing 26–30 of 30 people", retries=40)
    user.find(marker="people-search").type("zara")
    await user.should_see("Showing 1–4 of 4 people", retries=40)


async def test_a_stale_edit_is_refused_with_a_message(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "admin@example.nhs.uk", then=f"/admin/people/{team.asha.id}")
    await user.should_see("Save the details")
    people.update_person("someone-else", team.asha.id, 1, "Asha", "Patel-Jones", "asha@example.nhs.uk")
    last = user.find(marker="edit-last").elements.pop()
    last.value = "Smith"
    user.find(marker="edit-save").click()
    await user.should_see("was changed by someone else", retries=40)
    assert Person.get_by_id(team.asha.id).last_name == "Patel-Jones"
    await user.open(f"/admin/people/{team.asha.id}")
    user.find(marker="edit-last").elements.pop().value = "Smith"
    user.find(marker="edit-save").click()
    await user.should_see("Saved the details", retries=40)
    assert Person.get_by_id(team.asha.id).last_name == "Smith"


async def test_a_change_of_role_ends_the_old_job_the_day_before(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "admin@example.nhs.uk", then=f"/admin/people/{team.ben.id}")
    select(user, "job-role", "CC")
    user.find(marker="job-save").click()
    await user.should_see("Saved the change of job", retries=40)
    jobs = list(Employment.select().where(Employment.person == team.ben.id).order_by(Employment.start_date))
    assert [j.role.code for j in jobs] == ["SPLW", "CC"]
    assert jobs[0].end_date == today() - timedelta(days=1) and jobs[1].start_date == today()


async def test_a_leaver_is_recorded_then_archived_and_hidden_from_the_list(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "admin@example.nhs.uk", then=f"/admin/people/{team.cara.id}")
    user.find("Last day").elements.pop().value = uk(today() + timedelta(days=30))
    user.find(marker="leaver-save").click()
    await user.should_see("Record Cara Lewis as a leaver?")
    await user.should_see("That is 30 days from today.")
    user.find(marker="confirm-cancel").click()  # asked first: nothing is written until confirmed
    assert Employment.get(Employment.person == team.cara.id).end_date is None
    user.find(marker="leaver-save").click()
    user.find(marker="confirm-yes").click()
    await user.should_see("Recorded Cara Lewis as a leaver", retries=40)
    assert Employment.get(Employment.person == team.cara.id).end_date == today() + timedelta(days=30)
    await user.should_see(f"Cara Lewis left: their last day was {uk(today() + timedelta(days=30))}.", retries=40)
    user.find("Correct the last day").elements.pop().value = uk(today())
    user.find(marker="leaver-correct").click()
    user.find(marker="confirm-yes").click()
    await user.should_see("Cara Lewis's last day is changed.", retries=40)
    await user.should_see(f"Cara Lewis left: their last day was {uk(today())}.", retries=40)
    assert Employment.get(Employment.person == team.cara.id).end_date == today()
    user.find(marker="leaver-undo").click()
    user.find(marker="confirm-yes").click()
    await user.should_see("Cara Lewis has not left after all.", retries=40)
    await user.should_see("Record as a leaver", retries=40)
    assert Employment.get(Employment.person == team.cara.id).end_date is None
    assert [e.action for e in AuditEvent.select().where(AuditEvent.entity == "person").order_by(AuditEvent.id)
            ][-3:] == ["leaver", "leaver_corrected", "leaver_undone"]
    user.find("Last day").elements.pop().value = uk(today())
    user.find(marker="leaver-save").click()
    user.find(marker="confirm-yes").click()
    await user.should_see("Recorded Cara Lewis as a leaver", retries=40)
    await user.should_see("Cara Lewis left", retries=40)
    user.find(marker="archive").click()
    await user.should_see("Archive Cara Lewis?")
    user.find(marker="confirm-yes").click()
    await user.should_see("Archived.", retries=40)
    cara = Person.get_by_id(team.cara.id)
    assert cara.archived and cara.version == 6
    await user.open("/admin/people")
    await user.should_see("Showing 1–3 of 3 people")
    user.find(marker="people-archived").elements.pop().set_value(True)
    await user.should_see("Showing 1–4 of 4 people", retries=40)


async def test_an_absence_is_recorded_and_an_overlap_refused(user: Visitor) -> None:
    team = build_team()
    f.absent(team.asha, date(2025, 1, 1), date(2025, 3, 31))
    await sign_in(user, "admin@example.nhs.uk", then=f"/admin/people/{team.asha.id}")
    await user.should_see("01/01/2025")
    user.find("Absent from").elements.pop().value = "01/03/2025"
    user.find("Absent to").elements.pop().value = "30/04/2025"
    user.find(marker="absence-save").click()
    await user.should_see("overlaps this one", retries=40)
    user.find("Absent from").elements.pop().value = "01/05/2025"
    user.find("Absent to").elements.pop().value = "31/05/2025"
    user.find(marker="absence-save").click()
    await user.should_see("Recorded the absence", retries=40)
    assert Absence.select().where(Absence.person == team.asha.id).count() == 2


async def test_employers_roles_and_courses_are_added_and_edited(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/employers")
    user.find(marker="employer-new").type("Riverside Youth Charity")
    user.find(marker="employer-add").click()
    await user.should_see("Added the employer", retries=40)
    assert Organisation.get(Organisation.name == "Riverside Youth Charity").kind == "other"
    user.find(marker=f"edit-employer-{team.south.id}").click()
    name = user.find(marker="org-name").elements.pop()
    name.value = "Southgate Medical Practice"
    user.find(marker="org-save").click()
    await user.should_see("Saved the employer.", retries=40)
    assert Organisation.get_by_id(team.south.id).name == "Southgate Medical Practice"

    await user.open("/admin/roles")
    user.find(marker="role-new-code").type("YW")
    user.find(marker="role-new-name").type("Youth Worker")
    user.find(marker="role-add").click()
    await user.should_see("Added the role", retries=40)
    assert Role.get(Role.code == "YW").name == "Youth Worker"

    await user.open("/admin/courses")
    user.find(marker="edit-course-FIRE").click()
    renewal = user.find(marker="course-renewal").elements.pop()
    renewal.value = "24"
    user.find(marker="course-save").click()
    await user.should_see("Saved the course.", retries=40)
    assert Course.get(Course.code == "FIRE").default_renewal_months == 24
    user.find(marker="course-new-code").type("bad code!")
    user.find(marker="course-new-name").type("Something")
    user.find(marker="course-add").click()
    await user.should_see("is not a code", retries=40)


def trained(team: Team) -> None:
    """Asha and Ben hold every course their role needs: only supervision can make them red."""
    for person in (team.asha, team.ben):
        for course in default_role_items("SPLW"):  # every course and check a link worker needs
            f.trained(person, course, today() - timedelta(days=30))


async def test_a_new_requirement_is_previewed_before_it_is_saved(user: Visitor) -> None:
    team = build_team()
    trained(team)
    f.session(team.grace, [team.asha, team.ben], add_months(month_start(today()), -1) + timedelta(days=3))
    await sign_in(user, "admin@example.nhs.uk", then="/admin/rules")
    select(user, "requirement-name", "SPLW")
    select(user, "requirement-course", "BLS")
    user.find(marker="preview-requirement").click()
    await user.should_see("makes 2 people non-compliant", retries=60)
    splw_bls = (
        Requirement.select()
        .join(Course)
        .switch(Requirement)
        .join(Role)
        .where((Course.code == "BLS") & (Role.code == "SPLW"))
    )
    assert not splw_bls.exists()
    user.find(marker="confirm-change").click()
    await user.should_see("Saved the requirement", retries=40)
    assert splw_bls.count() == 1


async def test_a_supervision_rule_change_is_previewed_and_removal_too(user: Visitor) -> None:
    trained(build_team())  # red only because no one had supervision last month
    await sign_in(user, "admin@example.nhs.uk", then="/admin/rules")
    select(user, "rule-name", "SPLW")
    minutes = user.find(marker="rule-minutes").elements.pop()
    minutes.value = "0"
    user.find(marker="preview-rule").click()
    await user.should_see("compliant again", retries=60)
    user.find(marker="confirm-change").click()
    await user.should_see("Saved the rule", retries=40)
    rule = SupervisionRule.get(SupervisionRule.role == Role.get(Role.code == "SPLW").id)  # beside the built-in SCP rule
    assert rule.min_minutes == 0
    await user.should_see(marker=f"remove-rule-{rule.id}", retries=40)  # the list is redrawn after the notice
    user.find(marker=f"remove-rule-{rule.id}").click()
    await user.should_see("makes 2 people non-compliant", retries=60)
    user.find(marker="confirm-change").click()
    await user.should_see("Removed the rule", retries=40)
    assert not SupervisionRule.select().where(SupervisionRule.id == rule.id).exists()
    assert SupervisionRule.select().count() == 1  # the built-in senior clinical pharmacist rule stays


async def test_users_are_added_given_roles_reset_and_deactivated(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/users")
    user.find(marker="new-user-email").type("dina@example.nhs.uk")
    select(user, "user-roles", ["lead"])
    select(user, "user-employer", "Southgate Practice")
    user.find(marker="new-user-save").click()
    await user.should_see("The new password", retries=40)
    shown = user.find(marker="new-password").elements.pop().text
    dina = User.get(User.email == "dina@example.nhs.uk")
    assert verify_password(dina.password_hash, shown)
    assert (dina.roles, dina.lead_employer_id) == ("lead", team.south.id)

    ben = User.get(User.email == "ben@example.nhs.uk")
    user.find(marker=f"reset-{ben.id}").click()
    await user.should_see("Give it to ben@example.nhs.uk", retries=40)
    assert not verify_password(User.get_by_id(ben.id).password_hash, "Correct-Horse-42")
    user.find(marker=f"toggle-{ben.id}").click()
    await user.should_see("Deactivated.", retries=40)
    assert not User.get_by_id(ben.id).active


async def test_a_lead_without_a_scope_is_refused_with_a_message(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/users")
    user.find(marker="new-user-email").type("nobody@example.nhs.uk")
    select(user, "user-roles", ["lead"])
    user.find(marker="new-user-save").click()
    await user.should_see("a lead needs a scope", retries=40)
    assert not User.select().where(User.email == "nobody@example.nhs.uk").exists()


@pytest.mark.parametrize(
    "email", ["lead.north@example.nhs.uk", "asha@example.nhs.uk", "grace@example.nhs.uk"]
)
async def test_everyone_but_an_admin_is_refused_administration(user: Visitor, email: str) -> None:
    team = build_team()
    await sign_in(user, email)
    await user.should_not_see("Users and roles")
    for path in (*ADMIN_PAGES, f"/admin/people/{team.asha.id}"):
        await user.open(path)
        await user.should_see("Not allowed")
        await user.should_not_see("Save the details")


async def test_signed_out_visitors_are_sent_to_sign_in_from_administration(user: Visitor) -> None:
    build_team()
    for path in ADMIN_PAGES:
        await user.open(path)
        await user.should_see("Email address")
