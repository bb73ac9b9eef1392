"""Signing in: argon2 passwords, throttling by account and address, first-run set-up, session expiry and epochs.

Every refusal says the same words, whether the account is unknown, the password wrong, the account deactivated
or the attempt held back by the throttle (tracker.sign_in_throttle), so nothing tells which accounts exist.
Times are naive UTC datetimes (as `tracker.clock.utc_now()` gives) and are passed in, so tests choose them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from peewee import fn

from tracker import sign_in_throttle as throttle
from tracker.access import Viewer
from tracker.db import database
from tracker.errors import TrackerError, ValidationError
from tracker.models import User
from tracker.passwords import check_password_rules, hash_password, personal_words, verify_password
from tracker.services import audit
from tracker.views.access_facts import viewer_for_user

IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)
LONGEST_TYPED = 1024  # a longer "password" is refused unread (it cannot be one: passwords are at most 128)

NOT_RECOGNISED = (
    "Sign-in failed: check the email address and password. After several failed tries, wait a few minutes "
    "before trying again."
)

# The provider has shown who this is, so saying the account is missing tells them nothing they may not know.
NO_ACCOUNT = (
    "You signed in with {provider}, but no active account here uses that email address. Ask an administrator to "
    "add your {provider} address, or sign in with your password."
)
THROTTLED = "Sign-in failed: after several failed tries, wait a few minutes before trying again."

# Verified against when the email is unknown, so a wrong email costs the same time as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password-0")


class SignInRefused(TrackerError):
    """Wrong email or password, a deactivated user, or too many tries: always NOT_RECOGNISED."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _find_user(email: str) -> User | None:
    return User.get_or_none(fn.LOWER(User.email) == normalise_email(email))


def sign_in(email: str, password: str, now: datetime, address: str | None = None) -> Viewer:
    """The Viewer for a correct email and password from this address; otherwise SignInRefused."""
    attempt = throttle.Attempt(normalise_email(email), throttle.address_key(address), now)
    if throttle.refused(attempt):
        raise SignInRefused(NOT_RECOGNISED)
    password = password or ""
    user = _find_user(email)
    if user is None or not user.active or len(password) > LONGEST_TYPED:
        verify_password(_DUMMY_HASH, password[:LONGEST_TYPED])
        throttle.record(attempt, succeeded=False)
        raise SignInRefused(NOT_RECOGNISED)
    if not verify_password(user.password_hash, password):
        throttle.record(attempt, succeeded=False)
        audit.record(user.email, "sign_in_failed", "user", user.get_id(), after={"address": attempt.address})
        raise SignInRefused(NOT_RECOGNISED)
    throttle.record(attempt, succeeded=True)
    audit.record(user.email, "sign_in", "user", user.get_id(), after={"address": attempt.address})
    viewer = viewer_for_user(user.get_id())
    if viewer is None:
        raise SignInRefused(NOT_RECOGNISED)
    return viewer


def sign_in_with_identity(email: str, now: datetime, address: str | None = None) -> Viewer:
    """The Viewer of the active login with this address, which an identity provider has vouched for (the ID
    token is checked by tracker.services.oidc); SignInRefused saying no such account, or the throttle's words."""
    attempt = throttle.Attempt(normalise_email(email), throttle.address_key(address), now)
    if throttle.refused(attempt):
        raise SignInRefused(THROTTLED)
    user = _find_user(email)
    viewer = viewer_for_user(user.get_id()) if user is not None and user.active else None
    if user is None or viewer is None:
        throttle.record(attempt, succeeded=False)
        raise SignInRefused(NO_ACCOUNT)
    throttle.record(attempt, succeeded=True)
    audit.record(user.email, "sign_in", "user", user.get_id(), after={"address": attempt.address, "by": "oidc"})
    return viewer


def viewer_for_session(user_id: int, epoch: int) -> Viewer | None:
    """The Viewer of a session begun at this epoch, or None once anything it holds has changed since
    (deactivated, roles, person or scope changed, a new password) or the user is gone."""
    viewer = viewer_for_user(user_id)
    return viewer if viewer is not None and viewer.epoch == epoch else None


def needs_first_admin() -> bool:
    """True only on a fresh install: no user of any kind exists yet."""
    return not User.select().exists()


def create_first_admin(email: str, password: str, confirm: str) -> Viewer:
    """The first administrator, allowed only while no user exists."""
    email = normalise_email(email)
    if "@" not in email or "." not in email.rpartition("@")[2]:
        raise ValidationError("enter a valid email address", "email")
    if password != confirm:
        raise ValidationError("the two passwords differ", "confirm")
    check_password_rules(password, personal_words(email))
    password_hash = hash_password(password)
    with database.atomic():
        if User.select().exists():
            raise TrackerError("set-up is already done: sign in instead")
        user = User.create(email=email, password_hash=password_hash, roles="admin")
        audit.record(email, "create_first_admin", "user", user.get_id(), after=audit.as_dict(user))
    viewer = viewer_for_user(user.get_id())
    assert viewer is not None
    return viewer


def session_expired(signed_in_at: datetime, last_seen: datetime, now: datetime) -> bool:
    """Idle for more than IDLE_LIMIT, or signed in for more than ABSOLUTE_LIMIT."""
    return now - last_seen > IDLE_LIMIT or now - signed_in_at > ABSOLUTE_LIMIT
