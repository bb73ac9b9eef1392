"""A page left open keeps no powers: every action re-checks the session when it runs, and sign-out,
deactivation and changes of role end the user's open pages. Tried as an attacker would: with the page kept
open (and its server-side ending held off, as a browser that ignores the redirect would), then acting."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.ui_fixtures import (  # noqa: F401
    PASSWORD,
    Team,
    build_team,
    login_user,
    sign_in,
    sign_out,
    ui_database,
    visitor_from,
)
from tracker import clock
from tracker.models import AuditEvent, SessionAttendee, User
from tracker.services import users
from ui import session_end

pytestmark = pytest.mark.usefixtures("ui_database")
OTHER_ADDRESS = "198.51.100.20"


@pytest.fixture
def pages_not_taken_away(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hold off the ending of open pages, to try what an open page can still do by itself."""
    monkeypatch.setattr(session_end, "SWEEP_SECONDS", 3600.0)
    monkeypatch.setattr(session_end, "sweep_soon", lambda: None)
    monkeypatch.setattr(session_end, "end_pages", lambda clients: None)
    yield


def select(user: Visitor, marker: str, value: object) -> None:
    """Into the newest field with this marker (the dialog just opened, not the add form under it)."""
    max(user.find(marker=marker).elements, key=lambda e: e.id).set_value(value)


async def eventually(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.1)):
        if condition():
            return True
        await asyncio.sleep(0.1)
    return False


def field_error(user: Visitor, marker: str) -> str | None:
    with user:
        return next(iter(user.find(marker=marker).elements)).error


def resets_of(email: str) -> int:
    user = User.get(User.email == email)
    return AuditEvent.select().where((AuditEvent.action == "change_password") & (AuditEvent.entity_id == str(user.id))).count()


@pytest.mark.usefixtures("pages_not_taken_away")
async def test_an_admin_deactivated_and_demoted_while_admin_users_is_open_cannot_reset_a_password(
    user: Visitor,
) -> None:
    """Fails on the old code: the open page's Reset password still worked."""
    build_team()
    login_user("admin.two@example.nhs.uk", "admin")
    admin_a = User.get(User.email == "admin@example.nhs.uk")
    ben = User.get(User.email == "ben@example.nhs.uk")
    await sign_in(user, "admin@example.nhs.uk", then="/admin/users")
    await user.should_see(marker=f"reset-{ben.id}")

    other = visitor_from(OTHER_ADDRESS)
    await sign_in(other, "admin.two@example.nhs.uk", then="/admin/users")
    other.find(marker=f"toggle-{admin_a.id}").click()
    await other.should_see("Deactivated.", retries=40)
    other.find(marker=f"edit-user-{admin_a.id}").click()
    select(other, "user-roles", ["lead"])
    select(other, "user-employer", "Northside Community Trust")
    other.find(marker="user-save").click()
    await other.should_see("Saved.", retries=40)
    demoted = User.get_by_id(admin_a.id)
    assert (demoted.active, demoted.role_set) == (False, {"lead"})

    hash_before = User.get_by_id(ben.id).password_hash
    user.find(marker=f"reset-{ben.id}").click()
    await user.should_see("Your session has ended", retries=40)
    assert User.get_by_id(ben.id).password_hash == hash_before
    assert resets_of("ben@example.nhs.uk") == 0
    assert (await user.http_client.get("/admin/users", follow_redirects=False)).status_code == 303


@pytest.mark.usefixtures("pages_not_taken_away")
async def test_an_admin_demoted_but_still_active_is_refused_by_the_open_page(user: Visitor) -> None:
    """Even if a session were begun again after the demotion, the action needs the role it needs today."""
    build_team()
    admin_a = User.get(User.email == "admin@example.nhs.uk")
    ben = User.get(User.email == "ben@example.nhs.uk")
    await sign_in(user, "admin@example.nhs.uk", then="/admin/users")
    users.set_roles("admin.two@example.nhs.uk", admin_a.id, "lead", employer_name="Northside Community Trust")
    hash_before = User.get_by_id(ben.id).password_hash
    user.find(marker=f"reset-{ben.id}").click()
    await user.should_see("Your session has ended", retries=40)
    assert User.get_by_id(ben.id).password_hash == hash_before


@pytest.mark.usefixtures("pages_not_taken_away")
async def test_staff_who_signed_out_in_another_tab_cannot_confirm_from_the_open_page(user: Visitor) -> None:
    """Fails on the old code only through lead_components.submit; here the tab shares the browser's cookie."""
    team: Team = build_team()
    session = f.session(team.grace, team.asha, clock.today(), minutes=60)
    await sign_in(user, "asha@example.nhs.uk", then="/my-sessions")
    await user.should_see(marker=f"confirm-{session.id}")
    other_tab = Visitor(user.http_client)  # the same browser: the same cookie
    await sign_out(other_tab)
    user.find(marker=f"confirm-{session.id}").click()
    await user.should_see("Your session has ended", retries=40)
    attendance = SessionAttendee.get((SessionAttendee.session == session.id) & (SessionAttendee.person == team.asha.id))
    assert attendance.confirmation == "pending"


@pytest.mark.usefixtures("pages_not_taken_away")
async def test_staff_deactivated_while_my_sessions_is_open_cannot_confirm(user: Visitor) -> None:
    team: Team = build_team()
    session = f.session(team.grace, team.asha, clock.today(), minutes=60)
    await sign_in(user, "asha@example.nhs.uk", then="/my-sessions")
    asha = User.get(User.email == "asha@example.nhs.uk")
    users.deactivate_user("admin@example.nhs.uk", asha.id)  # from the command line: no page of the app involved
    user.find(marker=f"confirm-{session.id}").click()
    await user.should_see("Your session has ended", retries=40)
    attendance = SessionAttendee.get((SessionAttendee.session == session.id) & (SessionAttendee.person == team.asha.id))
    assert attendance.confirmation == "pending"
    assert not AuditEvent.select().where(AuditEvent.entity == "session_attendee").exists()


@pytest.mark.usefixtures("pages_not_taken_away")
async def test_an_open_page_of_a_login_relinked_to_another_person_cannot_act_for_the_first(user: Visitor) -> None:
    team: Team = build_team()
    session = f.session(team.grace, team.asha, clock.today(), minutes=60)
    await sign_in(user, "asha@example.nhs.uk", then="/my-sessions")
    asha = User.get(User.email == "asha@example.nhs.uk")
    users.set_roles("admin@example.nhs.uk", asha.id, "staff", person_staff_id=team.ben.staff_id)
    user.find(marker=f"confirm-{session.id}").click()
    await user.should_see("Your session has ended", retries=40)
    attendance = SessionAttendee.get((SessionAttendee.session == session.id) & (SessionAttendee.person == team.asha.id))
    assert attendance.confirmation == "pending"


async def test_deactivating_a_user_takes_their_open_page_away(user: Visitor) -> None:
    """Fails on the old code: the deactivated admin's page stayed open and live."""
    build_team()
    login_user("admin.two@example.nhs.uk", "admin")
    admin_a = User.get(User.email == "admin@example.nhs.uk")
    await sign_in(user, "admin@example.nhs.uk", then="/admin/users")
    page = user.client
    assert page is not None and not session_end.is_ended(page)
    other = visitor_from(OTHER_ADDRESS)
    await sign_in(other, "admin.two@example.nhs.uk", then="/admin/users")
    other_page = other.client
    other.find(marker=f"toggle-{admin_a.id}").click()
    await other.should_see("Deactivated.", retries=40)
    assert await eventually(lambda: session_end.is_ended(page))
    assert other_page is not None and not session_end.is_ended(other_page)  # the admin who acted keeps theirs
    with pytest.raises(AssertionError, match="expected to find"):  # nothing is left on the page to press
        user.find(marker=f"reset-{admin_a.id}")


async def test_a_change_made_elsewhere_ends_the_open_page_at_the_next_sweep(user: Visitor) -> None:
    team: Team = build_team()
    f.session(team.grace, team.asha, clock.today(), minutes=60)
    await sign_in(user, "asha@example.nhs.uk", then="/my-sessions")
    page = user.client
    assert page is not None
    asha = User.get(User.email == "asha@example.nhs.uk")
    users.set_roles("admin@example.nhs.uk", asha.id, "staff;supervisor", person_staff_id=team.asha.staff_id)
    assert await eventually(lambda: session_end.is_ended(page), session_end.SWEEP_SECONDS * 2 + 5)


async def test_signing_out_takes_away_the_browsers_other_open_pages(user: Visitor) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk", then="/me")
    first_tab = user.client
    assert first_tab is not None
    other_tab = Visitor(user.http_client)
    await sign_out(other_tab)
    assert await eventually(lambda: session_end.is_ended(first_tab))


async def test_a_password_set_by_an_admin_must_be_changed_before_anything_else(user: Visitor) -> None:
    """Fails on the old code: there was no change-password page and nothing made anyone use one."""
    team: Team = build_team()
    users.add_user("admin@example.nhs.uk", "dina@example.nhs.uk", "Handed-Over-9931", "staff", team.cara.staff_id)
    await sign_in(user, "dina@example.nhs.uk", "Handed-Over-9931")
    await user.should_see("An administrator set your password")
    for path in ("/me", "/my-sessions", "/me/connections", "/"):
        response = await user.http_client.get(path, follow_redirects=False)
        assert (response.status_code, response.headers.get("location")) == (303, "/account/password"), path
    user.find(marker="current-password").type("Handed-Over-9931")
    for weak, why in (("dina2026", "at least 12 characters"), ("dina@example.nhs.uk1", "too easy to guess")):
        user.find(marker="new-password").clear().type(weak)
        user.find(marker="new-password-again").clear().type(weak)
        user.find(marker="save-password").click()
        assert await eventually(lambda why=why: why in (field_error(user, "new-password") or ""))
        assert User.get(User.email == "dina@example.nhs.uk").must_change_password
    user.find(marker="new-password").clear().type("Quiet harbour lanterns 7")
    user.find(marker="new-password-again").clear().type("Quiet harbour lanterns 7")
    user.find(marker="save-password").click()
    assert await eventually(lambda: not User.get(User.email == "dina@example.nhs.uk").must_change_password)
    await user.should_see("Add a completed course or check", retries=60)
    assert not User.get(User.email == "dina@example.nhs.uk").must_change_password
    assert (await user.http_client.get("/me", follow_redirects=False)).status_code == 200


async def test_people_change_their_own_password_from_the_menu(user: Visitor) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk")
    user.find(marker="change-password").click()
    await user.should_see("Current password", retries=40)
    before = user.http_client.cookies.get("session")
    user.find(marker="current-password").type("not my password")
    user.find(marker="new-password").type("Quiet harbour lanterns 7")
    user.find(marker="new-password-again").type("Quiet harbour lanterns 7")
    user.find(marker="save-password").click()
    assert await eventually(lambda: "not your current password" in (field_error(user, "current-password") or ""))
    user.find(marker="current-password").clear().type(PASSWORD)
    user.find(marker="save-password").click()
    assert await eventually(lambda: user.http_client.cookies.get("session") != before)  # a new session identity
    await user.should_see("Add a completed course or check", retries=60)
    other = visitor_from(OTHER_ADDRESS)
    await sign_in(other, "asha@example.nhs.uk", "Quiet harbour lanterns 7")
    await other.should_see("My compliance")
