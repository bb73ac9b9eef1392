"""Signing in as an attacker would try it: enumeration, lock-outs, guessing from many addresses, weak passwords,
and the sessions and tokens that must end when an account changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests import factories as f
from tests.ui_fixtures import PASSWORD, login_user
from tracker import sign_in_throttle as throttle
from tracker.errors import PermissionDenied, TrackerError, ValidationError
from tracker.models import ApiToken, AuditEvent, SignInAttempt, User
from tracker.services import auth, tokens, users

NOON = datetime(2026, 11, 22, 12, 0)
HOME, ATTACKER = "198.51.100.7", "203.0.113.66"


def refused_with(email: str, password: str, when: datetime, address: str = ATTACKER) -> str:
    with pytest.raises(auth.SignInRefused) as refusal:
        auth.sign_in(email, password, when, address)
    return refusal.value.message


def test_the_right_password_signs_in(database: str) -> None:
    person = f.person()
    login_user("asha@example.nhs.uk", person=person)
    viewer = auth.sign_in("  Asha@Example.nhs.uk ", PASSWORD, NOON, HOME)
    assert viewer.person_id == person.id
    assert viewer.name == "Asha Patel"
    assert AuditEvent.select().where(AuditEvent.action == "sign_in").count() == 1


def test_every_refusal_says_the_same_so_no_account_can_be_found_out(database: str) -> None:
    """Fails on the old code: a locked account said "this account is locked for N more seconds"."""
    login_user("asha@example.nhs.uk")
    gone = login_user("gone@example.nhs.uk")
    User.update(active=False).where(User.id == gone.id).execute()
    unknown = refused_with("nobody@example.nhs.uk", PASSWORD, NOON)
    wrong = refused_with("asha@example.nhs.uk", "wrong password!", NOON)
    deactivated = refused_with("gone@example.nhs.uk", PASSWORD, NOON)
    for second in range(throttle.FREE_ATTEMPTS):
        refused_with("asha@example.nhs.uk", "wrong password!", NOON + timedelta(seconds=second + 1))
    held_back = refused_with("asha@example.nhs.uk", PASSWORD, NOON + timedelta(seconds=10))
    for second in range(throttle.FREE_ATTEMPTS + 1):
        refused_with("nobody@example.nhs.uk", "wrong password!", NOON + timedelta(seconds=second + 1))
    unknown_held_back = refused_with("nobody@example.nhs.uk", PASSWORD, NOON + timedelta(seconds=10))
    assert {unknown, wrong, deactivated, held_back, unknown_held_back} == {auth.NOT_RECOGNISED}
    assert "locked" not in auth.NOT_RECOGNISED and "account" not in auth.NOT_RECOGNISED


def test_an_attacker_hammering_an_account_does_not_lock_its_owner_out(database: str) -> None:
    """Fails on the old code: five failures from anywhere locked the account for everyone."""
    login_user("asha@example.nhs.uk")
    for second in range(30):
        refused_with("asha@example.nhs.uk", f"guess number {second}", NOON + timedelta(seconds=second))
    at = NOON + timedelta(seconds=31)
    assert refused_with("asha@example.nhs.uk", PASSWORD, at, ATTACKER) == auth.NOT_RECOGNISED  # even the right one
    assert auth.sign_in("asha@example.nhs.uk", PASSWORD, at, HOME).email == "asha@example.nhs.uk"


def test_the_pair_waits_longer_after_each_failure_then_may_try_again(database: str) -> None:
    login_user("asha@example.nhs.uk")
    for second in range(throttle.FREE_ATTEMPTS):
        refused_with("asha@example.nhs.uk", "wrong password!", NOON + timedelta(seconds=second), HOME)
    last = NOON + timedelta(seconds=throttle.FREE_ATTEMPTS - 1)
    refused_with("asha@example.nhs.uk", PASSWORD, last + timedelta(seconds=29), HOME)
    assert auth.sign_in("asha@example.nhs.uk", PASSWORD, last + timedelta(seconds=31), HOME)
    assert SignInAttempt.select().where(SignInAttempt.succeeded).count() == 1


@pytest.mark.parametrize(
    ("failures", "wait"),
    [(4, None), (5, timedelta(seconds=30)), (6, timedelta(seconds=60)), (8, timedelta(seconds=240)),
     (20, throttle.LONGEST_WAIT)],
)
def test_the_wait_grows_with_each_failure_up_to_a_limit(failures: int, wait: timedelta | None) -> None:
    assert throttle.wait_for(failures) == wait


def test_one_address_trying_many_accounts_is_held_back(database: str) -> None:
    login_user("asha@example.nhs.uk")
    for n in range(throttle.ADDRESS_LIMIT):
        refused_with(f"person{n}@example.nhs.uk", "Summer2026!!", NOON + timedelta(seconds=n))
    assert refused_with("asha@example.nhs.uk", PASSWORD, NOON + timedelta(seconds=60)) == auth.NOT_RECOGNISED
    assert auth.sign_in("asha@example.nhs.uk", PASSWORD, NOON + timedelta(seconds=60), HOME)
    later = NOON + throttle.ADDRESS_WINDOW + timedelta(minutes=1)
    assert auth.sign_in("asha@example.nhs.uk", PASSWORD, later, ATTACKER)


def test_guessing_from_many_addresses_is_held_back_but_not_from_the_owners_own(database: str) -> None:
    login_user("asha@example.nhs.uk")
    assert auth.sign_in("asha@example.nhs.uk", PASSWORD, NOON - timedelta(days=3), HOME)
    for n in range(throttle.ACCOUNT_LIMIT):
        refused_with("asha@example.nhs.uk", f"guess {n}", NOON + timedelta(seconds=n), f"192.0.2.{n % 250}")
    at = NOON + timedelta(minutes=5)
    assert refused_with("asha@example.nhs.uk", PASSWORD, at, "192.0.2.251") == auth.NOT_RECOGNISED
    assert auth.sign_in("asha@example.nhs.uk", PASSWORD, at, HOME)


@pytest.mark.parametrize(
    ("address", "key"),
    [("192.0.2.1", "192.0.2.1"), ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
     ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"), ("::ffff:192.0.2.9", "192.0.2.9"), (None, "unknown")],
)
def test_addresses_are_counted_by_what_one_household_holds(address: str | None, key: str) -> None:
    assert throttle.address_key(address) == key


def test_a_deactivated_user_cannot_sign_in(database: str) -> None:
    user = login_user("gone@example.nhs.uk")
    User.update(active=False).where(User.email == user.email).execute()
    with pytest.raises(auth.SignInRefused):
        auth.sign_in("gone@example.nhs.uk", PASSWORD, NOON, HOME)


def test_the_first_administrator_only_while_no_user_exists(database: str) -> None:
    assert auth.needs_first_admin()
    with pytest.raises(ValidationError, match="differ"):
        auth.create_first_admin("admin@example.nhs.uk", PASSWORD, PASSWORD + "x")
    with pytest.raises(ValidationError, match="12 characters"):
        auth.create_first_admin("admin@example.nhs.uk", "short", "short")
    viewer = auth.create_first_admin("Admin@Example.nhs.uk", PASSWORD, PASSWORD)
    assert viewer.roles == {"admin"} and viewer.email == "admin@example.nhs.uk"
    assert not viewer.must_change_password  # they chose it themselves
    assert not auth.needs_first_admin()
    with pytest.raises(TrackerError, match="already done"):
        auth.create_first_admin("second@example.nhs.uk", PASSWORD, PASSWORD)
    assert User.select().count() == 1
    [event] = AuditEvent.select().where(AuditEvent.action == "create_first_admin")
    assert (event.actor, event.entity, event.entity_id) == ("admin@example.nhs.uk", "user", str(viewer.user_id))


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


def test_every_change_to_what_a_login_may_do_ends_its_sessions(database: str) -> None:
    """Fails on the old code: nothing marked a session as begun before a change of role or a deactivation."""
    north = f.org()
    f.person(staff_id="E1")
    user = login_user("lead@example.nhs.uk", "lead", lead_employer=north)
    session = auth.sign_in("lead@example.nhs.uk", PASSWORD, NOON, HOME)
    assert auth.viewer_for_session(user.id, session.epoch) is not None
    users.set_roles("admin@example.nhs.uk", user.id, "lead", employer_name=north.name)  # no change at all
    assert auth.viewer_for_session(user.id, session.epoch) is not None
    steps = [
        lambda: users.set_roles("admin@example.nhs.uk", user.id, "staff", person_staff_id="E1"),
        lambda: users.set_active("admin@example.nhs.uk", user.id, False),
        lambda: users.set_active("admin@example.nhs.uk", user.id, True),
        lambda: users.change_password("admin@example.nhs.uk", user.id, "Another-Horse-4711"),
    ]
    epoch = session.epoch
    for step in steps:
        step()
        assert auth.viewer_for_session(user.id, epoch) is None
        epoch = User.get_by_id(user.id).session_epoch


def test_reactivating_a_login_does_not_bring_its_old_tokens_back(database: str) -> None:
    """Fails on the old code: a token made before deactivation worked again after reactivation."""
    user = login_user("asha@example.nhs.uk", person=f.person())
    issued = tokens.create(user.id, "api", "my laptop")
    assert tokens.verify(issued.secret, "api") is not None
    users.set_active("admin@example.nhs.uk", user.id, False)
    users.set_active("admin@example.nhs.uk", user.id, True)
    assert tokens.verify(issued.secret, "api") is None
    assert ApiToken.get_by_id(issued.token_id).revoked_at is not None


def test_a_password_set_by_an_administrator_must_be_changed_by_its_owner(database: str) -> None:
    """Fails on the old code: there was no such flag, and no way for people to change their own password."""
    added = users.add_user("admin@example.nhs.uk", "new@example.nhs.uk", "Given-Out-Once-881", "lead",
                           employer_name=f.org().name)
    viewer = auth.sign_in("new@example.nhs.uk", "Given-Out-Once-881", NOON, HOME)
    assert viewer.must_change_password
    with pytest.raises(ValidationError, match="not your current password"):
        users.change_own_password(added.user_id, viewer.epoch, "wrong", "My-Own-Choice-2931", "My-Own-Choice-2931")
    with pytest.raises(ValidationError, match="differ"):
        users.change_own_password(added.user_id, viewer.epoch, "Given-Out-Once-881", "My-Own-Choice-2931", "My-Own")
    with pytest.raises(ValidationError, match="too easy to guess") as weak:
        users.change_own_password(added.user_id, viewer.epoch, "Given-Out-Once-881", "new@example.nhs.uk1",
                                  "new@example.nhs.uk1")
    assert weak.value.field == "new_password"
    changed = users.change_own_password(added.user_id, viewer.epoch, "Given-Out-Once-881", "My-Own-Choice-2931",
                                        "My-Own-Choice-2931")
    assert not changed.must_change_password and changed.epoch == viewer.epoch + 1
    assert auth.viewer_for_session(added.user_id, viewer.epoch) is None  # the old session ended with it
    with pytest.raises(PermissionDenied):  # and a page of that session can no longer change it again
        users.change_own_password(added.user_id, viewer.epoch, "My-Own-Choice-2931", "Third-Choice-7730",
                                  "Third-Choice-7730")
    assert not auth.sign_in("new@example.nhs.uk", "My-Own-Choice-2931", NOON, HOME).must_change_password
    users.change_password("admin@example.nhs.uk", added.user_id, "Reset-By-Admin-5562")
    assert User.get_by_id(added.user_id).must_change_password
