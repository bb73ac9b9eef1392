"""Signing in: argon2 passwords, the growing lock-out, first-run set-up, and session expiry."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests import factories as f
from tests.ui_fixtures import PASSWORD, login_user
from tracker import auth
from tracker.errors import TrackerError, ValidationError
from tracker.models import AuditEvent, User

NOON = datetime(2026, 11, 22, 12, 0)


def test_the_right_password_signs_in_and_clears_failures(database: str) -> None:
    person = f.person()
    login_user("asha@example.nhs.uk", person=person)
    viewer = auth.sign_in("  Asha@Example.nhs.uk ", PASSWORD, NOON)
    assert viewer.person_id == person.id
    assert viewer.name == "Asha Patel"
    assert AuditEvent.select().where(AuditEvent.action == "sign_in").count() == 1


def test_an_unknown_email_and_a_wrong_password_get_the_same_message(database: str) -> None:
    login_user("asha@example.nhs.uk")
    with pytest.raises(auth.SignInRefused) as unknown:
        auth.sign_in("nobody@example.nhs.uk", PASSWORD, NOON)
    with pytest.raises(auth.SignInRefused) as wrong:
        auth.sign_in("asha@example.nhs.uk", "wrong password!", NOON)
    assert unknown.value.message == wrong.value.message == auth.NOT_RECOGNISED


def test_five_failures_lock_the_account_even_against_the_right_password(database: str) -> None:
    login_user("asha@example.nhs.uk")
    for second in range(auth.FREE_ATTEMPTS):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in("asha@example.nhs.uk", "wrong password!", NOON + timedelta(seconds=second))
    with pytest.raises(auth.SignInRefused, match="locked"):
        auth.sign_in("asha@example.nhs.uk", PASSWORD, NOON + timedelta(seconds=10))
    assert auth.sign_in("asha@example.nhs.uk", PASSWORD, NOON + timedelta(minutes=2)).email == "asha@example.nhs.uk"
    assert User.get(User.email == "asha@example.nhs.uk").failed_logins == 0


@pytest.mark.parametrize(
    ("failures", "lock"),
    [(4, None), (5, timedelta(seconds=30)), (6, timedelta(seconds=60)), (8, timedelta(seconds=240)),
     (20, auth.LONGEST_LOCK)],
)
def test_the_lock_grows_with_each_failure_up_to_a_limit(failures: int, lock: timedelta | None) -> None:
    assert auth.lock_for(failures) == lock


def test_a_deactivated_user_cannot_sign_in(database: str) -> None:
    user = login_user("gone@example.nhs.uk")
    User.update(active=False).where(User.email == user.email).execute()
    with pytest.raises(auth.SignInRefused):
        auth.sign_in("gone@example.nhs.uk", PASSWORD, NOON)


def test_the_first_administrator_only_while_no_user_exists(database: str) -> None:
    assert auth.needs_first_admin()
    with pytest.raises(ValidationError, match="differ"):
        auth.create_first_admin("admin@example.nhs.uk", PASSWORD, PASSWORD + "x")
    with pytest.raises(ValidationError, match="12 characters"):
        auth.create_first_admin("admin@example.nhs.uk", "short", "short")
    viewer = auth.create_first_admin("Admin@Example.nhs.uk", PASSWORD, PASSWORD)
    assert viewer.roles == {"admin"} and viewer.email == "admin@example.nhs.uk"
    assert not auth.needs_first_admin()
    with pytest.raises(TrackerError, match="already done"):
        auth.create_first_admin("second@example.nhs.uk", PASSWORD, PASSWORD)
    assert User.select().count() == 1


@pytest.mark.parametrize(
    ("signed_in", "last_seen", "expired"),
    [
        (NOON - timedelta(hours=1), NOON - timedelta(minutes=29), False),
        (NOON - timedelta(hours=1), NOON - timedelta(minutes=31), True),
        (NOON - timedelta(hours=11, minutes=59), NOON - timedelta(minutes=1), False),
        (NOON - timedelta(hours=12, minutes=1), NOON - timedelta(minutes=1), True),
    ],
)
def test_sessions_end_after_30_idle_minutes_or_12_hours(signed_in: datetime, last_seen: datetime, expired: bool) -> None:
    assert auth.session_expired(signed_in, last_seen, NOON) is expired
