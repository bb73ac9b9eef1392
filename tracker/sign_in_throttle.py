"""Throttling sign-in by account and address together (OWASP's authentication guidance).

Failures are counted per (account, address): after FREE_ATTEMPTS the pair waits, longer with each further
failure, so a person who mistypes waits a little while an attacker elsewhere cannot lock them out. Two more
limits stop wide attacks without touching the real person: an address that fails too often across any accounts
(password spraying) waits, and an account failed too often from addresses that have never signed in to it
(guessing from many machines) refuses those unknown addresses only. Accounts are counted by the email as typed,
whether or not such an account exists, so the throttle tells nothing about which accounts exist.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.db import database
from tracker.models import SignInAttempt

FREE_ATTEMPTS = 5  # failures of one (account, address) before it has to wait
FIRST_WAIT = timedelta(seconds=30)  # doubles with each further failure
LONGEST_WAIT = timedelta(minutes=30)
ADDRESS_WINDOW = timedelta(minutes=15)
ADDRESS_LIMIT = 50  # failures from one address, any accounts, within ADDRESS_WINDOW
ACCOUNT_WINDOW = timedelta(hours=1)
ACCOUNT_LIMIT = 100  # failures of one account from addresses that never signed in to it, within ACCOUNT_WINDOW
KEPT_FOR = timedelta(days=1)  # failures
KNOWN_FOR = timedelta(days=90)  # the last success of each (account, address): the addresses a person uses
MAX_EMAIL = 254


@dataclass(frozen=True)
class Attempt:
    email: str
    address: str
    now: datetime


def address_key(address: str | None) -> str:
    """An IPv4 address as it is; an IPv6 one as its /64 network (one household or office gets a /64)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def wait_for(failures: int) -> timedelta | None:
    """How long a pair waits after this many failures since its last success (None while attempts remain)."""
    if failures < FREE_ATTEMPTS:
        return None
    return min(FIRST_WAIT * (2 ** (failures - FREE_ATTEMPTS)), LONGEST_WAIT)


def _failures(where: object) -> int:
    return SignInAttempt.select().where(where & (SignInAttempt.succeeded == False)).count()  # noqa: E712


def refused(attempt: Attempt) -> bool:
    """True when this attempt must wait (it is then not checked, and not counted)."""
    email, address, now = attempt.email[:MAX_EMAIL], attempt.address, attempt.now
    pair = (SignInAttempt.email == email) & (SignInAttempt.address == address)
    last_success = (
        SignInAttempt.select(SignInAttempt.at).where(pair & SignInAttempt.succeeded).order_by(SignInAttempt.at.desc())
        .scalar()
    )
    since = max(last_success or now - KEPT_FOR, now - KEPT_FOR)
    pair_failures = SignInAttempt.select(SignInAttempt.at).where(
        pair & (SignInAttempt.at > since) & (SignInAttempt.succeeded == False)  # noqa: E712
    )
    wait = wait_for(pair_failures.count())
    if wait is not None:
        latest = pair_failures.order_by(SignInAttempt.at.desc()).scalar()
        if latest is not None and now < latest + wait:
            return True
    if _failures((SignInAttempt.address == address) & (SignInAttempt.at > now - ADDRESS_WINDOW)) >= ADDRESS_LIMIT:
        return True
    if last_success is not None:
        return False  # a known address of this account is never held back by failures elsewhere
    known = SignInAttempt.select(SignInAttempt.address).where(
        (SignInAttempt.email == email) & SignInAttempt.succeeded
    )
    from_strangers = (
        (SignInAttempt.email == email)
        & (SignInAttempt.at > now - ACCOUNT_WINDOW)
        & SignInAttempt.address.not_in(known)
    )
    return _failures(from_strangers) >= ACCOUNT_LIMIT


def record(attempt: Attempt, succeeded: bool) -> None:
    with database.atomic():
        SignInAttempt.create(
            email=attempt.email[:MAX_EMAIL], address=attempt.address, at=attempt.now, succeeded=succeeded
        )
        if succeeded:
            SignInAttempt.delete().where(
                (SignInAttempt.email == attempt.email[:MAX_EMAIL]) & (SignInAttempt.address == attempt.address)
                & SignInAttempt.succeeded & (SignInAttempt.at < attempt.now)
            ).execute()
        old_failure = (SignInAttempt.succeeded == False) & (SignInAttempt.at < attempt.now - KEPT_FOR)  # noqa: E712
        old_success = SignInAttempt.succeeded & (SignInAttempt.at < attempt.now - KNOWN_FOR)
        SignInAttempt.delete().where(old_failure | old_success).execute()
