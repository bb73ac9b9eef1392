"""Per-user secrets for the read-only API and the private calendar feed.

The secret is shown once, when it is made; only its SHA-256 hash is kept, so a copy of the database cannot
be used to call the API. A revoked token, or one whose user is inactive, never verifies again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from tracker.access import Viewer
from tracker.clock import utc_now
from tracker.db import database
from tracker.errors import NotFound, PermissionDenied, ValidationError
from tracker.models import ApiToken, User
from tracker.services import audit
from tracker.views.access_facts import viewer_for_user

PURPOSES = ("api", "calendar")
PREFIX = {"api": "trk_", "calendar": "cal_"}
MAX_NAME = 80


@dataclass(frozen=True)
class IssuedToken:
    """The one moment the secret exists outside its owner's hands."""

    token_id: int
    secret: str
    purpose: str
    name: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _token_audit(token: ApiToken) -> dict[str, object]:
    return {
        "user": token.user_id,
        "purpose": token.purpose,
        "name": token.name,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def create(user_id: int, purpose: str, name: str = "", actor: str = "system") -> IssuedToken:
    """Make a token for a user; the returned secret is the only copy."""
    if purpose not in PURPOSES:
        raise ValidationError(f"purpose must be one of {', '.join(PURPOSES)}", "purpose")
    name = name.strip()
    if len(name) > MAX_NAME:
        raise ValidationError(f"the name is longer than {MAX_NAME} characters", "name")
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound("no such user")
    if not user.active:
        raise ValidationError("this user is inactive; activate them before giving them a token", "user")
    secret = PREFIX[purpose] + secrets.token_urlsafe(32)
    with database.atomic():
        token = ApiToken.create(user=user, purpose=purpose, name=name, token_hash=hash_secret(secret))
        audit.record(actor, "create", "api_token", token.id, None, _token_audit(token))
    return IssuedToken(token.id, secret, purpose, name)


def revoke(token_id: int, by: User | Viewer, actor: str | None = None) -> ApiToken:
    """Revoke a token: its owner or an administrator may. Revoking twice is harmless and audited once."""
    by_id, roles = (by.user_id, by.roles) if isinstance(by, Viewer) else (by.id, by.role_set)
    token = ApiToken.get_or_none(ApiToken.id == token_id)
    if token is None:
        raise NotFound("no such token")
    if token.user_id != by_id and "admin" not in roles:
        raise PermissionDenied("only the token's owner or an administrator can revoke it")
    if token.revoked_at is not None:
        return token
    with database.atomic():
        before = _token_audit(token)
        token.revoked_at = utc_now()
        token.save()
        audit.record(actor or by.email, "revoke", "api_token", token.id, before, _token_audit(token))
    return token


def verify(secret: str | None, purpose: str, now: datetime | None = None) -> Viewer | None:
    """The Viewer of the active user a live token of this purpose belongs to, or None. Notes when it was last
    used."""
    if not secret or purpose not in PURPOSES:
        return None
    token = (
        ApiToken.select(ApiToken, User)
        .join(User)
        .where(
            (ApiToken.token_hash == hash_secret(secret))
            & (ApiToken.purpose == purpose)
            & ApiToken.revoked_at.is_null()
            & (User.active == True)  # noqa: E712 - peewee expression
        )
        .first()
    )
    if token is None:
        return None
    # Usage bookkeeping, not a change of the record's meaning: no audit event for every API call.
    ApiToken.update(last_used_at=now or utc_now()).where(ApiToken.id == token.id).execute()
    return viewer_for_user(token.user_id)
