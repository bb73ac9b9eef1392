"""Password hashing (argon2id) and the password rules: at least 12 characters and hard to guess.

"Hard to guess" is zxcvbn's estimate (it knows common passwords, names, keyboard walks, dates, l33t
substitutions and words of the person's own email and name): a password it expects to fall within 10^10 guesses
is refused, with zxcvbn's reason shown at the field.
"""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from tracker.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 128
LEAST_SCORE = 4  # zxcvbn's scale 0-4; 4 means more than 10^10 guesses
_ZXCVBN_LENGTH = 72  # zxcvbn refuses longer input; a longer password is at least as strong as its start

_hasher = PasswordHasher()
# Each hash or check takes 64 MiB (RFC 9106's argon2id: 3 passes over 64 MiB, 4 lanes in parallel). Sign-ins
# arriving together ran one each in the server's threads: under the load bench, 20 to 50 people signing in
# within seconds, that was most of the server's peak memory. Two at once already keep 8 cores busy; the others
# wait their turn, no slower overall.
HASHES_AT_ONCE = 2
_hashing = threading.BoundedSemaphore(HASHES_AT_ONCE)


def personal_words(*texts: str | None) -> list[str]:
    """Words a guesser would try first for this person: the parts of their email address and name."""
    words: list[str] = [text.strip().lower() for text in texts if text and text.strip()]
    for text in texts:
        for part in (text or "").lower().replace("@", " ").replace(".", " ").replace("-", " ").split():
            if len(part) >= 3:
                words.append(part)
    return words


def check_password_rules(password: str, personal: Iterable[str] = (), field: str = "password") -> None:
    """Refuse a password that is short, very long, common or predictable; the message says why."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"the password must be at least {MIN_LENGTH} characters long", field)
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"the password must be at most {MAX_LENGTH} characters long", field)
    verdict = zxcvbn(password[:_ZXCVBN_LENGTH], user_inputs=list(personal))
    if verdict["score"] < LEAST_SCORE:
        feedback = verdict["feedback"]
        reason = (feedback.get("warning") or "").rstrip(".")
        hint = " ".join(feedback.get("suggestions") or []).replace("Capitalization", "Capitalisation")
        hint = hint or "Add more words or characters."
        why = f": {reason[:1].lower()}{reason[1:]}" if reason else ""
        raise ValidationError(f"that password is too easy to guess{why}. {hint}", field)


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        with _hashing:
            return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password(length: int = 16) -> str:
    """A random password that passes the rules (for demo users and passwords an administrator sets)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(ch.isdigit() for ch in candidate) and any(ch.isupper() for ch in candidate):
            try:
                check_password_rules(candidate)
            except ValidationError:
                continue
            return candidate
