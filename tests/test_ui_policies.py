"""Policies across employers: where they differ, positions and versions, adaptations, and who has not
acknowledged; editing only by admins and the employer's own lead. Service rules on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from nicegui import events
from nicegui.testing import User as Visitor

from tests import data_tables as dt
from tests import factories as f
from tests.ui_fixtures import Team, build_team, sign_in, sign_out, ui_database  # noqa: F401
from tracker import clock
from tracker import compliance as c
from tracker.access import Scope, Viewer
from tracker.errors import PermissionDenied, ValidationError
from tracker.models import (
    AuditEvent,
    EmployerPolicy,
    Employment,
    PolicyAcknowledgement,
    PolicyAdaptation,
    PolicyTopic,
    Role,
)
from tracker.services import policies
from tracker.views.acknowledgements import acknowledgement_counts, acknowledgements
from tracker.views.policy_matrix import policy_matrix
from tracker.views.population import person_compliance
from ui.pages.policies import CELL_CLICK

ADMIN = Viewer(1, "admin@example.nhs.uk", None, frozenset({"admin"}))


def lead_of(employer_id: int) -> Viewer:
    return Viewer(2, "lead@example.nhs.uk", None, frozenset({"lead"}), lead_employer_id=employer_id)


def topic(name: str) -> PolicyTopic:
    return PolicyTopic.get(PolicyTopic.name == name)


def differing_team() -> tuple[Team, EmployerPolicy]:
    """North forbids home visits and asks staff to acknowledge it; South allows them; both say the same on
    lone working."""
    team = build_team()
    home = EmployerPolicy.create(
        employer=team.north,
        topic=topic("Home visits"),
        statement="No home visits.",
        version="1",
        requires_acknowledgement=True,
        document_url="https://north.example.org/home-visits.pdf",
    )
    EmployerPolicy.create(employer=team.south, topic=topic("Home visits"), statement="Home visits allowed.")
    for employer in (team.north, team.south):
        EmployerPolicy.create(
            employer=employer, topic=topic("Lone working"), statement="Check in every two hours."
        )
    PolicyAcknowledgement.create(person=team.asha, policy=home, version="1", acknowledged_on=date(2024, 2, 1))
    return team, home


def policy_rows(user: Visitor) -> dict[str, str]:
    return {str(r["data"]["topic"]): str(r["data"]["differs"]) for r in dt.spec(user, "policy-matrix")["rows"]}


def buttons(user: Visitor) -> dict[str, dict[str, object]]:
    """The matrix's cell buttons by their data-act."""
    return dt.acts(dt.spec(user, "policy-matrix"))


async def sees(user: Visitor, words: str, retries: int = 3) -> None:
    await dt.sees(user, words, "policy-matrix", retries=retries)


def send_action(user: Visitor, action: str) -> None:
    """What the browser sends when a cell's button is clicked: the matrix's one click listener (its
    CELL_CLICK) sends the action the button names in data-act."""
    table = user.find(marker="policy-matrix").elements.pop()
    (listener,) = [
        li for li in table._event_listeners.values() if li.type == "click" and li.js_handler == CELL_CLICK
    ]
    arguments = events.GenericEventArguments(sender=table, client=user.client, args=action)
    with user.client:
        events.handle_event(listener.handler, arguments)


def press(user: Visitor, marker: str) -> None:
    """A person clicks a cell's button: as in the browser, the click bubbles from the button to the matrix."""
    button = buttons(user)[marker]
    assert button["label"] and button["button"]  # a button with words and its accessible name
    send_action(user, marker)


# ---- the page --------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("ui_database")
async def test_the_matrix_marks_the_topics_where_employers_differ(user: Visitor) -> None:
    differing_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/policies")
    await user.should_see("Policies across employers")
    rows = policy_rows(user)
    assert rows[str(topic("Home visits").id)] == "true"
    assert rows[str(topic("Lone working").id)] == "false"
    await sees(user, "Employers differ")
    await sees(user, "Read the document")
    (document,) = [p for p in dt.parts(dt.spec(user, "policy-matrix")) if "web" in p]
    assert document["href"] == "https://north.example.org/home-visits.pdf"
    user.find(marker="only-differing").elements.pop().set_value(True)
    await sees(user, "Employers differ")
    assert set(policy_rows(user)) == {str(topic("Home visits").id)}


@pytest.mark.usefixtures("ui_database")
async def test_a_lead_sees_who_has_not_acknowledged(user: Visitor) -> None:
    _team, home = differing_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/policies")
    await sees(user, "1 of 3 acknowledged")
    press(user, f"outstanding-{home.id}")
    await user.should_see("Not yet acknowledged: Home visits", retries=40)
    await user.should_see("Ben Okafor")
    await user.should_see("Grace Hopper")
    listed = user.find(marker="outstanding-list").elements.pop()
    assert "Asha Patel" not in [getattr(e, "text", "") for e in listed.descendants()]


@pytest.mark.usefixtures("ui_database")
async def test_a_new_version_asks_everyone_again(user: Visitor) -> None:
    team, home = differing_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/policies")
    await sees(user, "1 of 3 acknowledged")
    press(user, f"edit-{team.north.id}-{topic('Home visits').id}")
    await user.should_see("Home visits: Northside Community Trust", retries=20)
    version = user.find(marker="position-version").elements.pop()
    version.value = "2"
    user.find(marker="position-save").click()
    await sees(user, "0 of 3 acknowledged", retries=40)
    assert EmployerPolicy.get_by_id(home.id).version == "2"
    assert (
        PolicyAcknowledgement.select().count() == 1
    )  # the old acknowledgement is kept, it just no longer counts
    asha = person_compliance(team.asha.id, clock.today())
    assert asha is not None and "Policy 'Home visits' version 2 not yet acknowledged" in asha.reasons
    assert AuditEvent.select().where(AuditEvent.action == "new_version").count() == 1


@pytest.mark.usefixtures("ui_database")
async def test_a_lead_edits_only_their_own_employers_positions(user: Visitor) -> None:
    team, _home = differing_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/policies")
    await sees(user, "Employers differ")
    assert f"edit-{team.north.id}-{topic('Home visits').id}" in buttons(user)
    assert f"edit-{team.south.id}-{topic('Home visits').id}" not in buttons(user)


@pytest.mark.usefixtures("ui_database")
async def test_an_action_not_drawn_for_the_viewer_does_nothing(user: Visitor) -> None:
    """A lead's browser that sends the edit action of another employer's cell (no such button was drawn for
    them) opens nothing; their own cell's action opens its dialog."""
    team, _home = differing_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/policies")
    send_action(user, f"edit-{team.south.id}-{topic('Home visits').id}")
    send_action(user, "<script>")
    await user.should_not_see("Home visits: Southgate Practice")
    send_action(user, f"edit-{team.north.id}-{topic('Home visits').id}")
    await user.should_see("Home visits: Northside Community Trust", retries=20)


@pytest.mark.usefixtures("ui_database")
async def test_a_link_that_is_not_a_web_address_is_refused(user: Visitor) -> None:
    team, _home = differing_team()
    await sign_in(user, "admin@example.nhs.uk", then="/policies")
    press(user, f"edit-{team.south.id}-{topic('Complaints').id}")
    await user.should_see("Complaints: Southgate Practice", retries=20)
    user.find(marker="position-statement").type("Complaints go to the practice manager.")
    user.find(marker="position-document").type("javascript:alert(1)")
    user.find(marker="position-save").click()
    await user.should_see("Document url: 'javascript:alert(1)' is not a web address", retries=40)
    assert not EmployerPolicy.select().where(EmployerPolicy.topic == topic("Complaints")).exists()


@pytest.mark.usefixtures("ui_database")
async def test_a_lead_records_and_withdraws_an_adaptation(user: Visitor) -> None:
    team, _home = differing_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/policies")
    user.find(marker="adaptation-new").click()
    await user.should_see("Record an agreed adaptation", retries=20)
    user.find(marker="adaptation-topic").elements.pop().set_value(topic("Home visits").id)
    user.find(marker="adaptation-employers").elements.pop().set_value([team.north.id, team.south.id])
    user.find(marker="adaptation-condition").type("Allowed when an NHS colleague goes too")
    user.find(marker="adaptation-save").click()
    await user.should_see("Home visits: Allowed when an NHS colleague goes too", retries=40)
    adaptation = PolicyAdaptation.get()
    assert adaptation.employers == f"{team.north.id};{team.south.id}"
    user.find(marker=f"withdraw-{adaptation.id}").click()
    await user.should_see("No adaptation has been agreed.", retries=40)
    assert AuditEvent.select().where(AuditEvent.action == "withdraw").count() == 1


@pytest.mark.usefixtures("ui_database")
@pytest.mark.parametrize("email", ["asha@example.nhs.uk", "grace@example.nhs.uk"])
async def test_staff_and_supervisors_are_refused_the_policies_page(user: Visitor, email: str) -> None:
    differing_team()
    await sign_in(user, email, then="/policies")
    await user.should_see("Not allowed")
    assert not dt.specs(user)  # no matrix drawn


@pytest.mark.usefixtures("ui_database")
async def test_signed_out_visitors_are_sent_to_sign_in_from_policies(user: Visitor) -> None:
    differing_team()
    await user.open("/policies")
    await user.should_see("Email address")


# ---- the service -----------------------------------------------------------------------------------------


def test_a_lead_may_not_change_another_employers_position(database: str) -> None:
    north, south = f.org("North"), f.org("South", "gp_practice")
    with pytest.raises(PermissionDenied):
        policies.set_position(
            lead_of(north.id), south.id, topic("Home visits").id, statement="Yes", version="1"
        )
    policies.set_position(lead_of(north.id), north.id, topic("Home visits").id, statement="No", version="1")
    assert EmployerPolicy.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.entity == "employer_policy").count() == 1


def test_setting_the_same_position_again_writes_nothing(database: str) -> None:
    north = f.org("North")
    for _ in range(2):
        policies.set_position(
            ADMIN,
            north.id,
            topic("Lone working").id,
            statement="Check in",
            version="3",
            review_date="01/04/2027",
        )
    row = EmployerPolicy.get()
    assert row.review_date == date(2027, 4, 1)
    assert AuditEvent.select().count() == 1


def test_a_position_needs_a_statement_and_a_version(database: str) -> None:
    north = f.org("North")
    with pytest.raises(ValidationError) as missing:
        policies.set_position(ADMIN, north.id, topic("Lone working").id, statement=" ", version="1")
    assert missing.value.field == "statement"
    with pytest.raises(ValidationError) as bad_date:
        policies.set_position(
            ADMIN, north.id, topic("Lone working").id, statement="x", version="1", review_date="31/02/2027"
        )
    assert bad_date.value.field == "review_date"
    assert EmployerPolicy.select().count() == 0 and AuditEvent.select().count() == 0


def test_acknowledgement_counts_follow_the_current_version_and_the_scope(database: str) -> None:
    north, south = f.org("North"), f.org("South", "gp_practice")
    asha, ben = f.person("Asha", employer=north), f.person("Ben", employer=north)
    f.person("Cara", employer=south)
    policy = policies.set_position(
        ADMIN, north.id, topic("Home visits").id, statement="No", version="1", requires_acknowledgement=True
    )
    policies.acknowledge("test", asha.id, policy.id, today=date(2025, 1, 1))
    on = date(2025, 6, 1)
    assert acknowledgement_counts(on, Scope())[policy.id] == (1, 2)
    assert policy.id not in acknowledgement_counts(on, Scope(employer_id=south.id))
    state = acknowledgements(policy.id, on, Scope(employer_id=north.id))
    assert [r.name for r in state.outstanding] == [ben.name]
    policies.set_position(
        ADMIN, north.id, topic("Home visits").id, statement="No", version="2", requires_acknowledgement=True
    )
    assert acknowledgement_counts(on, Scope())[policy.id] == (0, 2)


def test_acknowledgement_counts_count_people_not_jobs_on_the_day(database: str) -> None:
    north = f.org("North")
    asha = f.person("Asha", employer=north, start=date(2024, 1, 1))
    Employment.create(person=asha, role=Role.get(Role.code == "CC"), employer=north, start_date=date(2024, 3, 1))
    f.person("Ben", employer=north, start=date(2024, 1, 1), end=date(2025, 2, 1))  # left before the day
    f.person("Cara", employer=north, start=date(2025, 9, 1))  # starts after it
    policy = policies.set_position(
        ADMIN, north.id, topic("Home visits").id, statement="No", version="1", requires_acknowledgement=True
    )
    policies.acknowledge("test", asha.id, policy.id, today=date(2025, 7, 1))
    assert acknowledgement_counts(date(2025, 6, 1), Scope())[policy.id] == (0, 1)  # read after the day
    assert acknowledgement_counts(date(2025, 7, 1), Scope())[policy.id] == (1, 1)  # two jobs, one person


def test_an_adaptation_names_known_employers_and_a_lead_of_one_of_them(database: str) -> None:
    north, south, east = f.org("North"), f.org("South", "gp_practice"), f.org("East")
    with pytest.raises(ValidationError):
        policies.save_adaptation(ADMIN, topic("Home visits").id, [], "With a colleague")
    with pytest.raises(PermissionDenied):
        policies.save_adaptation(
            lead_of(east.id), topic("Home visits").id, [north.id, south.id], "With a colleague"
        )
    row = policies.save_adaptation(
        lead_of(north.id), topic("Home visits").id, [south.id, north.id], "With a colleague"
    )
    assert row.employers == f"{north.id};{south.id}"
    matrix = policy_matrix()
    home = next(t for t in matrix.topics if t.name == "Home visits")
    assert [a.employers for a in home.adaptations] == [("North", "South")]


def test_only_an_admin_adds_a_topic_and_names_are_unique(database: str) -> None:
    north = f.org("North")
    with pytest.raises(PermissionDenied):
        policies.add_topic(lead_of(north.id), "Parking")
    policies.add_topic(ADMIN, "Parking", "Where staff park")
    with pytest.raises(ValidationError):
        policies.add_topic(ADMIN, "parking")
    assert PolicyTopic.select().where(PolicyTopic.name == "Parking").count() == 1


# ---- review dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("review", "as_of", "overdue"),
    [(date(2024, 10, 1), date(2024, 9, 30), False), (date(2024, 10, 1), date(2024, 10, 1), False),
     (date(2024, 10, 1), date(2024, 10, 2), True), (date(2024, 2, 29), date(2025, 3, 1), True),
     (None, date(2024, 10, 2), False)],
)
def test_a_policy_is_overdue_for_review_from_the_day_after_its_review_date(
    review: date | None, as_of: date, overdue: bool
) -> None:
    assert c.review_overdue(review, as_of) is overdue


@pytest.mark.usefixtures("ui_database")
async def test_a_policy_past_its_review_date_is_flagged_as_at_the_date_viewed(user: Visitor) -> None:
    team, home = differing_team()
    home.review_date = date(2024, 10, 1)
    home.save()
    await sign_in(user, "lead.north@example.nhs.uk", then="/policies?as_of=02/10/2024")
    await sees(user, "Review overdue since 01/10/2024")
    (chip,) = [p for p in dt.parts(dt.spec(user, "policy-matrix")) if p.get("chip", "").startswith("Review")]
    assert chip["status"] == "review_overdue" and chip["tone"] == "red"  # a status chip: words, icon, red tone
    await user.open("/policies?as_of=01/10/2024")  # on the review date itself it is not yet overdue
    await sees(user, "Version 1 · review by 01/10/2024")
    assert not dt.shows(user, "Review overdue since 01/10/2024", "policy-matrix")
    await sign_out(user)
    await sign_in(user, "asha@example.nhs.uk", then="/me?as_of=02/10/2024")  # and on My compliance
    await dt.sees(user, "Review overdue since 01/10/2024", "policies")
