"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tracker.errors import ValidationError

MIN_LENGTH = 12
COMMON_PASSWORDS = frozenset(
    {
        "password", "password1", "password123", "passw0rd", "123456789012", "qwertyuiop12", "letmein12345",
        "welcome12345", "iloveyou1234", "changeme1234", "administrator", "nhspassword1", "password1234",
        "qwerty123456", "123456123456", "abc123abc123", "football1234", "monkey123456", "trustno1trust",
        "sunshine1234", "princess1234", "summer2026!!", "winter2026!!", "p@ssw0rd1234",
    }
)

_hasher = PasswordHasher()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"the password must be at least {MIN_LENGTH} characters long", "password")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        raise ValidationError("that password is too common or too simple; choose another", "password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password(length: int = 16) -> str:
    """A random password that passes the rules (for demo users and first-run set-up)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(ch.isdigit() for ch in candidate) and any(ch.isupper() for ch in candidate):
            return candidate
