"""Sign-in, first-run set-up, sign-out and the refusal of strangers, tried the way an attacker would."""

from __future__ import annotations

import httpx
import pytest
from nicegui import core
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.ui_fixtures import PASSWORD, csrf_of, login_user, sign_in, sign_out, ui_database, visitor_from  # noqa: F401
from tracker.models import AuditEvent, SignInAttempt, User
from tracker.services import auth as tracker_auth
from ui.auth import safe_return_path

pytestmark = pytest.mark.usefixtures("ui_database")


async def test_a_fresh_install_asks_for_the_first_administrator(user: Visitor) -> None:
    await user.open("/")
    await user.should_see("Set up the first administrator")
    user.find("Email address").type("admin@example.nhs.uk")
    user.find("Password (at least 12 characters)").type(PASSWORD)
    user.find("The password again").type(PASSWORD)
    user.find("Create the administrator").click()
    await user.should_not_see("Set up the first administrator", retries=40)
    admin = User.get(User.email == "admin@example.nhs.uk")
    assert admin.role_set == {"admin"}
    assert AuditEvent.select().where(AuditEvent.action == "create_first_admin").count() == 1
    assert (await user.http_client.get("/admin/users", follow_redirects=False)).status_code == 200


async def test_set_up_is_refused_once_a_user_exists(user: Visitor) -> None:
    login_user("someone@example.nhs.uk")
    await user.open("/setup")
    await user.should_see("Sign in")
    await user.should_not_see("Set up the first administrator")


async def test_a_stranger_is_sent_to_sign_in(user: Visitor) -> None:
    login_user("someone@example.nhs.uk")
    await user.open("/me")
    await user.should_see("Email address")
    await user.should_not_see("My compliance")


async def test_a_wrong_password_is_refused_and_counted(user: Visitor) -> None:
    login_user("asha@example.nhs.uk", person=f.person())
    await user.open("/login")
    user.find("Email address").type("asha@example.nhs.uk")
    user.find("Password").type("not the password")
    user.find(marker="sign-in").click()
    await user.should_see(tracker_auth.NOT_RECOGNISED, retries=40)
    assert SignInAttempt.select().where(SignInAttempt.email == "asha@example.nhs.uk").count() == 1


async def test_staff_sign_in_lands_on_my_compliance_and_can_sign_out(user: Visitor) -> None:
    login_user("asha@example.nhs.uk", person=f.person())
    await sign_in(user, "asha@example.nhs.uk")
    await user.should_see("My compliance")
    await user.should_see("Asha Patel")
    await sign_out(user)
    await user.open("/me")
    await user.should_see("Email address")


async def test_a_get_of_logout_signs_no_one_out(user: Visitor) -> None:
    """Fails on the old code: GET /logout signed out, so any link or <img src=/logout> elsewhere could."""
    login_user("asha@example.nhs.uk", person=f.person())
    await sign_in(user, "asha@example.nhs.uk")
    response = await user.http_client.get("/logout", follow_redirects=False)
    assert response.status_code == 200  # a page offering the button
    assert (await user.http_client.get("/me", follow_redirects=False)).status_code == 200


@pytest.mark.parametrize(
    ("origin", "with_token"), [("https://evil.example", True), (None, True), ("http://test", False)]
)
async def test_a_sign_out_posted_from_elsewhere_or_without_the_token_is_refused(
    user: Visitor, origin: str | None, with_token: bool
) -> None:
    login_user("asha@example.nhs.uk", person=f.person())
    await sign_in(user, "asha@example.nhs.uk")
    await user.open("/me")
    headers = {"origin": origin} if origin else {}
    data = {"csrf": csrf_of(user) if with_token else "guessed"}
    response = await user.http_client.post("/logout", data=data, headers=headers, follow_redirects=False)
    assert response.status_code == 403
    assert (await user.http_client.get("/me", follow_redirects=False)).status_code == 200


async def test_a_session_cookie_from_before_sign_in_is_worth_nothing_after_it(user: Visitor) -> None:
    """Session fixation. Fails on the old code: signing in promoted the cookie the browser arrived with."""
    login_user("asha@example.nhs.uk", person=f.person())
    await user.open("/login")
    planted = user.http_client.cookies.get("session")
    assert planted
    await sign_in(user, "asha@example.nhs.uk")
    assert user.http_client.cookies.get("session") != planted
    assert (await user.http_client.get("/me", follow_redirects=False)).status_code == 200
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test") as attacker:
        attacker.cookies.set("session", planted)
        response = await attacker.get("/me", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_the_cookie_from_before_sign_out_is_worth_nothing_after_it(user: Visitor) -> None:
    login_user("asha@example.nhs.uk", person=f.person())
    await sign_in(user, "asha@example.nhs.uk")
    signed_in_cookie = user.http_client.cookies.get("session")
    await sign_out(user)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test") as copy:
        copy.cookies.set("session", signed_in_cookie)
        assert (await copy.get("/me", follow_redirects=False)).status_code == 303


async def test_a_sign_in_ticket_works_once_and_only_in_the_browser_that_signed_in(user: Visitor) -> None:
    login_user("asha@example.nhs.uk", person=f.person())
    finishes: list[str] = []
    user.navigate.to = lambda target, new_tab=False: finishes.append(str(target))  # type: ignore[method-assign]
    await user.open("/login")
    user.find("Email address").type("asha@example.nhs.uk")
    user.find("Password").type(PASSWORD)
    user.find(marker="sign-in").click()
    for _ in range(100):
        if finishes:
            break
        await __import__("asyncio").sleep(0.05)
    assert finishes and finishes[0].startswith("/login/finish?ticket=")
    other = visitor_from("203.0.113.5")
    stolen = await other.http_client.get(finishes[0], follow_redirects=False)
    assert stolen.headers["location"] == "/login"
    assert (await other.http_client.get("/me", follow_redirects=False)).status_code == 303
    first = await user.http_client.get(finishes[0], follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/"
    again = await user.http_client.get(finishes[0], follow_redirects=False)
    assert again.headers["location"] == "/login"
    assert (await user.http_client.get("/me", follow_redirects=False)).status_code == 200


REDIRECT_PAYLOADS = [
    "//evil.example/x", "///evil.example", "////evil.example", "https://evil.example/", "http:evil.example",
    "/\\evil.example", "\\\\evil.example", "/\t/evil.example/x", "/\n/evil.example", "/\r/evil.example",
    "/\r\n/evil.example", " //evil.example", "/ /evil.example", "/%09/evil.example", "/%0a/evil.example",
    "/%0D/evil.example", "/%5Cevil.example", "/%5C%5Cevil.example", "/%2F/evil.example", "%2F%2Fevil.example",
    "/%252F/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "/javascript:alert(1)//%0a",
    "data:text/html,<script>alert(1)</script>", "\x00//evil.example", "/\x00/evil.example", "/\x7f/evil.example",
    "/\u2028/evil.example", "/\uff0fevil.example", "/\u3002evil.example", "evil.example", "", None,
    "/.\\evil.example", "/%2e%2e%5c%2e%2e%5cevil", "/\u00a0/evil.example",
]


@pytest.mark.parametrize("asked", REDIRECT_PAYLOADS)
def test_after_sign_in_nothing_but_a_path_on_this_site_is_returned_to(asked: str | None) -> None:
    """Fails on the old code for tabs, newlines, carriage returns and their encodings: "/\\t/evil.example"
    passed its check, and a browser strips the tab and goes to //evil.example."""
    assert safe_return_path(asked) == "/"


@pytest.mark.parametrize(
    "asked", ["/people/4?as_of=01/02/2025", "/team?q=Asha&sort=status", "/me", "/people/4#training",
              "/team/matrix?employer=3&status=red", "/@evil.example"],
)
def test_a_path_on_this_site_is_returned_to_as_asked(asked: str) -> None:
    assert safe_return_path(asked) == asked


async def test_an_attacker_hammering_an_account_does_not_lock_its_owner_out(user: Visitor) -> None:
    """Fails on the old code: five failures from anywhere locked the account, with a message saying so."""
    login_user("asha@example.nhs.uk", person=f.person())
    attacker = visitor_from("203.0.113.66")
    for _ in range(tracker_auth_free_attempts() + 2):
        response = await attacker.http_client.get("/login")
        assert response.status_code == 200
        await attacker.open("/login")
        attacker.find("Email address").type("asha@example.nhs.uk")
        attacker.find("Password").type("a wrong guess 123")
        attacker.find(marker="sign-in").click()
        await attacker.should_see(tracker_auth.NOT_RECOGNISED, retries=40)
    await attacker.open("/login")
    attacker.find("Email address").type("asha@example.nhs.uk")
    attacker.find("Password").type(PASSWORD)
    attacker.find(marker="sign-in").click()
    await attacker.should_see(tracker_auth.NOT_RECOGNISED, retries=40)  # held back, and told nothing more
    assert (await attacker.http_client.get("/me", follow_redirects=False)).status_code == 303
    await sign_in(user, "asha@example.nhs.uk")  # the owner, from their own address, is not held back
    await user.should_see("My compliance")


def tracker_auth_free_attempts() -> int:
    from tracker.sign_in_throttle import FREE_ATTEMPTS

    return FREE_ATTEMPTS
