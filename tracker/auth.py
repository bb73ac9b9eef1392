"""Signing in: argon2 passwords, a growing lock-out after repeated failures, first-run set-up, session expiry.

Times are naive UTC datetimes (as `tracker.clock.utc_now()` gives) and are passed in, so tests choose them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from peewee import fn

from tracker.access import Viewer, viewer_for_user
from tracker.db import database
from tracker.errors import TrackerError, ValidationError
from tracker.models import User
from tracker.passwords import check_password_rules, hash_password, verify_password
from tracker.services import audit

FREE_ATTEMPTS = 5  # failures allowed before the account locks
FIRST_LOCK = timedelta(seconds=30)  # doubles with each further failure
LONGEST_LOCK = timedelta(minutes=30)
IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)

NOT_RECOGNISED = "That email address and password were not recognised."

# Verified against when the email is unknown, so a wrong email costs the same time as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password-0")


class SignInRefused(TrackerError):
    """Wrong email or password, a locked account, or a deactivated user."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def lock_for(failures: int) -> timedelta | None:
    """How long the account locks after this many consecutive failures (None while attempts remain)."""
    if failures < FREE_ATTEMPTS:
        return None
    return min(FIRST_LOCK * (2 ** (failures - FREE_ATTEMPTS)), LONGEST_LOCK)


def _find_user(email: str) -> User | None:
    return User.get_or_none(fn.LOWER(User.email) == normalise_email(email))


def sign_in(email: str, password: str, now: datetime) -> Viewer:
    """The Viewer for a correct email and password; otherwise SignInRefused (and the failure is counted)."""
    user = _find_user(email)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password or "")
        raise SignInRefused(NOT_RECOGNISED)
    if user.locked_until is not None and user.locked_until > now:
        wait = max(1, int((user.locked_until - now).total_seconds()))
        raise SignInRefused(
            f"Too many failed attempts: this account is locked for {wait} more seconds. Try again later."
        )
    if not verify_password(user.password_hash, password or ""):
        _record_failure(user.email, now)
        raise SignInRefused(NOT_RECOGNISED)
    with database.atomic():
        User.update(failed_logins=0, locked_until=None).where(User.email == user.email).execute()
        audit.record(user.email, "sign_in", "user", user.get_id())
    viewer = viewer_for_user(user.get_id())
    if viewer is None:
        raise SignInRefused(NOT_RECOGNISED)
    return viewer


def _record_failure(email: str, now: datetime) -> None:
    """Count the failure (atomically, so two at once both count) and lock the account when due."""
    with database.atomic():
        User.update(failed_logins=User.failed_logins + 1).where(User.email == email).execute()
        user = User.get(User.email == email)
        lock = lock_for(user.failed_logins)
        if lock is not None:
            User.update(locked_until=now + lock).where(User.email == email).execute()
        audit.record(
            email, "sign_in_failed", "user", user.get_id(),
            after={"failed_logins": user.failed_logins, "locked_for_seconds": lock.total_seconds() if lock else 0},
        )


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
    check_password_rules(password)
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
