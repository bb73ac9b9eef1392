"""Sign-in, first-run set-up, sign-out and the refusal of strangers."""

from __future__ import annotations

import asyncio

import pytest
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.ui_fixtures import PASSWORD, login_user, sign_in, ui_database  # noqa: F401
from tracker.models import AuditEvent, User

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
    await user.should_see("were not recognised", retries=40)
    assert User.get(User.email == "asha@example.nhs.uk").failed_logins == 1


async def test_staff_sign_in_lands_on_my_compliance_and_can_sign_out(user: Visitor) -> None:
    login_user("asha@example.nhs.uk", person=f.person())
    await sign_in(user, "asha@example.nhs.uk")
    await user.should_see("My compliance")
    await user.should_see("Asha Patel")
    await user.open("/logout")
    await user.should_see("Email address")
    await user.open("/me")
    await user.should_see("Email address")


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [("/people/4?as_of=01/02/2025", "/people/4?as_of=01/02/2025"), ("//evil.example/x", "/"),
     ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("", "/"), (None, "/")],
)
def test_after_sign_in_only_a_page_of_this_site_is_returned_to(asked: str | None, goes_to: str) -> None:
    from ui.auth import safe_return_path

    assert safe_return_path(asked) == goes_to


async def test_repeated_failures_lock_the_account_with_a_clear_message(user: Visitor) -> None:
    login_user("asha@example.nhs.uk", person=f.person())
    await user.open("/login")
    user.find("Email address").type("asha@example.nhs.uk")
    for attempt in range(1, 6):
        user.find("Password").type("wrong password!")
        user.find(marker="sign-in").click()
        for _ in range(50):
            if User.get(User.email == "asha@example.nhs.uk").failed_logins == attempt:
                break
            await asyncio.sleep(0.05)
        await user.should_see("recognised", retries=40)
    user.find("Password").type(PASSWORD)
    user.find(marker="sign-in").click()
    await user.should_see("this account is locked", retries=40)
    assert User.get(User.email == "asha@example.nhs.uk").locked_until is not None
