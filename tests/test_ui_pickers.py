"""The people pickers searched on the server as the user types (issue 15): nothing offered before 2 letters,
then the matches within the user's scope only; someone chosen who has left the scope by the time the form is
saved is refused with a message (NiceGUI's user fixture against a real SQLite database)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from nicegui import events, ui
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.joint_team import build_joint_team
from tests.ui_fixtures import sign_in, ui_database  # noqa: F401
from tracker import clock
from tracker.models import Employment, Person, SupervisorAssignment, TrainingRecord, User
from tracker.views.people_picker import PICKER_LIMIT
from ui.components import SEARCH_HINT

pytestmark = pytest.mark.usefixtures("ui_database")
LEAD = "lead.trust@example.nhs.uk"
ADMIN = "admin@example.nhs.uk"


def newest(user: Visitor, marker: str) -> ui.select:
    with user:
        return max(user.find(marker=marker).elements, key=lambda e: e.id)  # type: ignore[return-value]


async def type_into(user: Visitor, marker: str, words: str) -> dict:
    """Type into a search select as the browser does (its input-value event), and wait for its options."""
    select = newest(user, marker)
    before = dict(select.options)
    assert user.client
    with user.client:
        for listener in list(select._event_listeners.values()):
            if listener.type == "inputValue":  # NiceGUI keeps "input-value" in camel case
                events.handle_event(listener.handler, events.GenericEventArguments(
                    sender=select, client=user.client, args=words))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if select.options != before:
            break
    return dict(select.options)


async def test_the_linked_person_picker_offers_nothing_before_two_letters_then_the_matches(user: Visitor) -> None:
    team = build_joint_team()
    await sign_in(user, ADMIN, then="/admin/users")
    picker = newest(user, "user-person")
    assert picker.options == {} and SEARCH_HINT in str(picker.props["hint"])
    assert await type_into(user, "user-person", "m") == {}
    found = await type_into(user, "user-person", "member1")
    assert found == {p.staff_id: f"{p.name} ({p.staff_id})" for p in team.people[10:]}
    assert await type_into(user, "user-person", team.outsider.staff_id.lower()) == {
        team.outsider.staff_id: f"Olive Outside ({team.outsider.staff_id})"}  # an admin's scope is everyone
    picker.set_value(team.outsider.staff_id)
    assert await type_into(user, "user-person", "person0") != {}
    assert team.outsider.staff_id in picker.options  # what is chosen stays while other names are searched
    user.find(marker="new-user-email").type("olive.login@example.nhs.uk")
    user.find(marker="new-user-save").click()
    await user.should_see("The new password", retries=40)
    assert User.get(User.email == "olive.login@example.nhs.uk").person_id == team.outsider.id


async def test_a_supervisor_archived_after_being_chosen_is_refused_when_the_person_is_saved(user: Visitor) -> None:
    team = build_joint_team()
    await sign_in(user, ADMIN, then="/admin/people/new")
    user.find(marker="new-staff-id").type("E2001")
    user.find(marker="new-first").type("Dina")
    user.find(marker="new-last").type("Rahman")
    newest(user, "new-role").set_value("HWBC")
    newest(user, "new-employer").set_value(team.employers[0].name)
    grace = team.people[3]
    found = await type_into(user, "new-supervisor", "Person03")
    assert found == {grace.staff_id: f"{grace.name} ({grace.staff_id})"}
    newest(user, "new-supervisor").set_value(grace.staff_id)
    Person.update(archived=True).where(Person.id == grace.id).execute()  # meanwhile, elsewhere
    user.find(marker="new-save").click()
    await user.should_see(f"{grace.staff_id} is archived", retries=40)
    assert not Person.select().where(Person.staff_id == "E2001").exists()


async def test_a_lead_finds_only_their_team_to_tick_and_to_add(user: Visitor) -> None:
    team = build_joint_team()
    await sign_in(user, LEAD, then="/training-events/new")
    await user.should_see(marker=f"attendee-{team.people[0].id}", retries=40)
    user.find(marker="attendee-search").type("Olive")
    await user.should_not_see(marker=f"attendee-{team.people[0].id}", retries=40)
    await user.should_not_see(marker=f"attendee-{team.outsider.id}")  # in another PCN: not the lead's team
    event_id = _an_event(team)
    await user.open(f"/training-events/{event_id}")
    await user.should_see("Attendees", retries=40)
    assert await type_into(user, "add-attendee", "olive") == {}
    found = await type_into(user, "add-attendee", "member0")
    assert set(found) == {p.id for p in team.people[1:10]}  # Person00 is on the event already


def _an_event(team) -> int:  # type: ignore[no-untyped-def]
    from tracker.services import training_events
    from tracker.views.access_facts import viewer_for_user

    lead = viewer_for_user(User.get(User.email == LEAD).id)
    assert lead is not None
    return training_events.record_event(lead, course="IG", on=clock.today(), provider="Trust IG team", minutes=60,
                                        attendees=[team.people[0].id], today=clock.today()).event_id


async def test_someone_ticked_who_leaves_the_team_before_the_save_is_refused_with_a_message(user: Visitor) -> None:
    team = build_joint_team()
    member = team.people[5]
    await sign_in(user, LEAD, then="/training-events/new")
    user.find(marker="attendee-search").type("Person05")
    await user.should_see(marker=f"attendee-{member.id}", retries=40)
    user.find(marker=f"attendee-{member.id}").elements.pop().set_value(True)
    far = f.org("Far Away Practice", "gp_practice")
    Employment.update(employer=far, pcn=None).where(Employment.person == member.id).execute()  # moved away
    user.find(marker="event-course").elements.pop().set_value("IG")
    user.find(marker="event-provider").type("Riverside NHS Trust IG team")
    user.find(marker="save-event").click()
    await user.should_see("an attendee is not in your team", retries=40)
    assert not TrainingRecord.select().exists()


def choose_as_browser(user: Visitor, marker: str, index: int, label: str) -> None:
    """The browser's choice: the index of an option in the list it had, and its label."""
    select = newest(user, marker)
    assert user.client
    with user.client:
        for listener in list(select._event_listeners.values()):
            if listener.type == "update:modelValue":
                events.handle_event(listener.handler, events.GenericEventArguments(
                    sender=select, client=user.client, args={"value": index, "label": label}))


async def test_a_choice_from_an_older_list_of_matches_is_never_taken_for_someone_else(user: Visitor) -> None:
    team = build_joint_team()
    await sign_in(user, ADMIN, then="/admin/people/new")
    old = await type_into(user, "new-supervisor", "person0")
    grace = team.people[3]
    label = f"{grace.name} ({grace.staff_id})"
    assert list(old.values()).index(label) == 3
    assert list((await type_into(user, "new-supervisor", "member03")).values()) == [label]
    picker = newest(user, "new-supervisor")
    choose_as_browser(user, "new-supervisor", 3, label)  # index 3 of the old list: out of the new one's range
    assert picker.value == grace.staff_id
    await type_into(user, "new-supervisor", "person0")
    choose_as_browser(user, "new-supervisor", 4, label)  # index 4 is someone else now: the label decides
    assert picker.value == grace.staff_id
    choose_as_browser(user, "new-supervisor", 0, "Nobody Held (X1)")  # a label the server does not hold
    assert picker.value == grace.staff_id
    picker.set_value(None)
    assert list((await type_into(user, "new-supervisor", "member03")).values()) == [label]
    # Chosen with Enter, the browser first fills the input with the label (an input-value event, as if typed),
    # then sends the choice: the matches must still be there for it.
    assert list((await type_into(user, "new-supervisor", label)).values()) == [label]
    choose_as_browser(user, "new-supervisor", 0, label)
    assert picker.value == grace.staff_id


async def test_a_lead_names_someone_for_a_statement_by_typing_and_only_their_own_people(user: Visitor) -> None:
    team = build_joint_team()
    trust_person, other = team.people[4], team.people[5]  # the trust's, and the VCSE's
    await sign_in(user, LEAD, then="/reports")
    await user.should_see("Compliance statement")
    assert newest(user, "statement-staff-id").options == {}  # nothing carried with the page
    found = await type_into(user, "statement-staff-id", trust_person.staff_id.lower())
    assert list(found) == [trust_person.staff_id]
    assert found[trust_person.staff_id].startswith(f"{trust_person.name} ({trust_person.staff_id}, ")
    assert await type_into(user, "statement-staff-id", other.staff_id.lower()) == {}
    await type_into(user, "statement-staff-id", trust_person.name.lower())
    with user:
        newest(user, "statement-staff-id").set_value(trust_person.staff_id)
    user.find(marker="make-statement").click()
    await user.should_see("Ready: statement-", retries=100)


def _open_clinical(person_id: int) -> list[tuple[int, date | None]]:
    rows = SupervisorAssignment.select().where((SupervisorAssignment.supervisee == person_id)
                                               & (SupervisorAssignment.kind == "clinical")
                                               & (SupervisorAssignment.first_contact == False))  # noqa: E712
    return sorted((a.supervisor_id, a.end_date) for a in rows)


async def test_a_supervisor_is_searched_for_shown_as_chosen_and_saved_by_person_id(user: Visitor) -> None:
    team = build_joint_team()
    many = [{"staff_id": f"X{k:04d}", "first_name": f"Extra{k:04d}", "last_name": "Member"} for k in range(300)]
    Person.insert_many(many).execute()  # more people than a picker offers: typing narrows them
    supervisee, current = team.people[1], team.people[0]
    await sign_in(user, ADMIN, then=f"/admin/people/{supervisee.id}")
    await user.should_see("Name them", retries=40)
    picker = newest(user, "assign-who")
    assert picker.value == current.id  # today's clinical supervisor is what is chosen
    assert picker.options == {current.id: f"{current.name} ({current.staff_id})"}  # and all that was sent
    with user:
        assert max(len(e.options) for e in user.find(ui.select).elements) < 100  # not 316 names in any
    assert len(await type_into(user, "assign-who", "member")) == PICKER_LIMIT + 1  # the first 50 and the chosen
    assert await type_into(user, "assign-who", "member01") == {current.id: f"{current.name} ({current.staff_id})"}
    found = await type_into(user, "assign-who", "olive")  # never themself (above); anyone active, here Olive
    assert found == {current.id: f"{current.name} ({current.staff_id})",
                     team.outsider.id: f"Olive Outside ({team.outsider.staff_id})"}
    picker.set_value(team.outsider.id)
    user.find(marker="assign-save").click()
    await user.should_see("Saved.", retries=40)
    assert _open_clinical(supervisee.id) == sorted([(current.id, clock.today() - timedelta(days=1)),
                                                    (team.outsider.id, None)])
    assert newest(user, "assign-who").value == team.outsider.id  # redrawn: the new one is chosen now
    newest(user, "assign-kind").set_value("first_contact")  # as: whoever is named as that now
    contact = team.people[2]
    assert newest(user, "assign-who").options == {contact.id: f"{contact.name} ({contact.staff_id})"}
    assert newest(user, "assign-who").value == contact.id
    newest(user, "assign-kind").set_value("practice")  # nobody is: nothing chosen, not the last kind's one
    assert newest(user, "assign-who").value is None and newest(user, "assign-who").options == {}


async def test_a_supervisor_archived_after_being_chosen_is_refused_when_named(user: Visitor) -> None:
    team = build_joint_team()
    supervisee, grace = team.people[4], team.people[3]
    await sign_in(user, ADMIN, then=f"/admin/people/{supervisee.id}")
    await user.should_see("Name them", retries=40)
    assert newest(user, "assign-who").value is None and newest(user, "assign-who").options == {}
    assert await type_into(user, "assign-who", "Person03") == {grace.id: f"{grace.name} ({grace.staff_id})"}
    newest(user, "assign-who").set_value(grace.id)
    Person.update(archived=True).where(Person.id == grace.id).execute()  # meanwhile, elsewhere
    user.find(marker="assign-save").click()
    await user.should_see(f"{grace.name} is archived and cannot supervise", retries=40)
    assert _open_clinical(supervisee.id) == []
