"""Signed tokens for links in emails (HMAC-SHA256, standard library only) and the app's secret key.

A token is `<payload>.<signature>`, both base64url. The purpose is part of what is signed, so a token made for
one purpose (say, confirming a session) is worthless for any other. Tokens carry the time they were issued;
`unsign` refuses one older than the age its caller allows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker import clock
from tracker.errors import TrackerError
from tracker.key_files import key_from_file
from tracker.settings import Settings

KEY_FILE = "secret.key"
_FUTURE_SKEW_SECONDS = 300


class BadToken(TrackerError):
    """A link that was altered, made for something else, or made with another key."""

    def __init__(self, message: str = "This link is not valid. Ask for a new one or sign in instead."):
        super().__init__(message)


class ExpiredToken(BadToken):
    def __init__(self) -> None:
        super().__init__("This link has expired. Sign in to do this instead.")


def secret_key(settings: Settings) -> bytes:
    """The app's secret: made on first use in the data folder (owner-only, 0600), the same thereafter. The caller
    passes the settings down from the composition root (tests/test_architecture.py checks none is read here)."""
    return key_from_file(Path(settings.data_dir) / KEY_FILE, "a valid secret key (at least 64 hex digits)",
                         "remove it to make a new one", longer_ok=True)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, purpose: str, body: str) -> str:
    return _b64(hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest())


def _now_seconds(now: datetime | None) -> int:
    moment = now or clock.utc_now().replace(tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def sign(purpose: str, payload: dict[str, Any], *, key: bytes, now: datetime | None = None) -> str:
    """A URL-safe token carrying `payload` (JSON-able), valid only for `purpose`, signed with `key` (secret_key)."""
    if not purpose:
        raise ValueError("a token needs a purpose")
    body = _b64(json.dumps({"d": payload, "t": _now_seconds(now)}, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_mac(key, purpose, body)}"


def unsign(
    purpose: str,
    token: str,
    max_age_seconds: int,
    *,
    key: bytes,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The payload of a token made by `sign` for this purpose, no older than max_age_seconds; else BadToken."""
    body, dot, signature = (token or "").strip().rpartition(".")
    if not dot or not body or not signature:
        raise BadToken()
    expected = _mac(key, purpose, body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise BadToken()
    try:
        content = json.loads(_unb64(body))
        issued = int(content["t"])
        payload = content["d"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BadToken() from exc
    if not isinstance(payload, dict):
        raise BadToken()
    age = _now_seconds(now) - issued
    if age < -_FUTURE_SKEW_SECONDS:
        raise BadToken()
    if age > max_age_seconds:
        raise ExpiredToken()
    return payload
