"""Administrators write a role's page: plain text with a little markdown, kept as typed (never turned into
HTML; ui/role_text.py draws it as text). One transaction, one audit event; the same text again writes nothing."""

from __future__ import annotations

from collections.abc import Mapping

from tracker.access import ADMIN, Viewer, require
from tracker.clock import utc_now
from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import Role, RolePage
from tracker.role_texts import RoleText, built_in
from tracker.services import audit

MAX_PART = 20_000
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\n\t"} | {"\x7f"}


def _part(value: object, field: str) -> str:
    words = "" if value is None else str(value)
    words = words.replace("\r\n", "\n").strip()
    if len(words) > MAX_PART:
        raise ValidationError(f"is longer than {MAX_PART:,} characters", field)
    if any(ch in _CONTROL for ch in words):
        raise ValidationError("holds a control character; type plain text", field)
    return words


def save_role_page(who: Viewer, code: str, parts: Mapping[str, object]) -> bool:
    """Set the role page's text (every part of RoleText.PARTS); True when something changed."""
    require(who, ADMIN)
    unknown = set(parts) - set(RoleText.PARTS)
    if unknown:
        raise ValidationError(f"there is no part called {sorted(unknown)[0]}", sorted(unknown)[0])
    fields = {part: _part(parts.get(part, ""), part) for part in RoleText.PARTS}
    with database.atomic():
        role = Role.get_or_none(Role.code == code)
        if role is None:
            raise NotFound(f"There is no role with the code {code}.")
        page = RolePage.get_or_none(RolePage.role == role.id)
        before = {p: getattr(page, p) for p in RoleText.PARTS} if page else vars_of(built_in(code))
        if before == fields:
            return False
        if page is None:
            page = RolePage.create(role=role, updated_by=who.actor, updated_at=utc_now(), **fields)
        else:
            RolePage.update(updated_by=who.actor, updated_at=utc_now(), **fields).where(RolePage.id == page.id).execute()
        audit.record(who.actor, "edit_role_page", "role", role.id, {"code": code, **before}, {"code": code, **fields})
    return True


def vars_of(text: RoleText) -> dict[str, str]:
    return {part: getattr(text, part) for part in RoleText.PARTS}
