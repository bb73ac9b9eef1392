"""The calendar feeds and API tokens a page lists: never the hash, and a revoked one only when asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tracker.models import ApiToken, User


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    purpose: str
    created_at: datetime | None
    last_used_at: datetime | None
    owner_email: str


def _row(token: ApiToken) -> TokenRow:
    return TokenRow(token.id, token.name, token.purpose, token.created_at, token.last_used_at, token.user.email)


def tokens_of(user_id: int, include_revoked: bool = False) -> list[TokenRow]:
    query = ApiToken.select(ApiToken, User).join(User).where(ApiToken.user == user_id)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_null())
    return [_row(t) for t in query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())]


def all_tokens(include_revoked: bool = False) -> list[TokenRow]:
    """For the administrators' page: every token with its user (never the hash)."""
    query = ApiToken.select(ApiToken, User).join(User)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_null())
    return [_row(t) for t in query.order_by(User.email, ApiToken.created_at.desc())]
