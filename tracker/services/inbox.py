"""The in-app inbox: messages for a user (reminders, digests), an unread count for the bell, marking read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from peewee import chunked

from tracker.clock import utc_now
from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import InboxMessage, User
from tracker.services import audit

SUBJECT_MAX = 200
BODY_MAX = 20_000


@dataclass(frozen=True)
class Note:
    """A message to put in one user's inbox."""

    user_id: int
    subject: str
    body: str = ""
    link: str | None = None


@dataclass(frozen=True)
class InboxItem:
    id: int
    subject: str
    body: str
    link: str | None
    created_at: datetime
    read: bool


def _followable(link: str) -> bool:
    """A path here, or a web address (the confirmation links in reminders are full addresses): never a script."""
    if "\\" in link or any(ch.isspace() or ord(ch) < 32 for ch in link):
        return False
    if link.startswith("/"):
        return not link.startswith("//")
    return re.match(r"^https?://[^/?#@]", link, re.IGNORECASE) is not None


def _clean(note: Note) -> dict[str, object]:
    subject = " ".join((note.subject or "").split())
    if not subject:
        raise ValidationError("a message needs a subject", "subject")
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    body = note.body or ""
    if len(body) > BODY_MAX:
        raise ValidationError(f"a message body is limited to {BODY_MAX} characters", "body")
    link = (note.link or "").strip() or None
    if link is not None and len(link) > 255:
        raise ValidationError("a message link is limited to 255 characters", "link")
    if link is not None and not _followable(link):
        raise ValidationError("a message link must be a page of this site or a web address", "link")
    return {"user": note.user_id, "subject": subject, "body": body, "link": link}


def notify(user_id: int, subject: str, body: str = "", link: str | None = None, actor: str = "system") -> int:
    """Put one message in a user's inbox; returns its id."""
    row = _clean(Note(user_id, subject, body, link))
    with database.atomic():
        if not User.select().where(User.id == user_id).exists():
            raise NotFound(f"there is no user {user_id}")
        message = InboxMessage.create(**row)
        audit.record(actor, "notify", "inbox_message", message.id, None, {"user": user_id, "subject": row["subject"]})
    return int(message.id)


def notify_many(notes: Iterable[Note], actor: str = "system") -> int:
    """Put many messages in inboxes in one transaction (one audit event for the batch); returns how many."""
    rows = [_clean(n) for n in notes]
    if not rows:
        return 0
    wanted = {int(r["user"]) for r in rows}  # type: ignore[call-overload]
    with database.atomic():
        known = {u for (u,) in User.select(User.id).where(User.id.in_(list(wanted))).tuples()}
        missing = sorted(wanted - known)
        if missing:
            raise NotFound(f"there is no user {missing[0]}")
        for batch in chunked(rows, 500):
            InboxMessage.insert_many(batch).execute()
        audit.record(actor, "notify", "inbox_message", None, None, {"messages": len(rows), "users": len(wanted)})
    return len(rows)


def unread_count(user_id: int) -> int:
    return InboxMessage.select().where((InboxMessage.user == user_id) & InboxMessage.read_at.is_null()).count()


def messages(user_id: int, limit: int = 20, unread_only: bool = False) -> list[InboxItem]:
    """The user's newest messages first."""
    query = InboxMessage.select().where(InboxMessage.user == user_id)
    if unread_only:
        query = query.where(InboxMessage.read_at.is_null())
    query = query.order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc()).limit(max(1, limit))
    return [InboxItem(m.id, m.subject, m.body, m.link, m.created_at, m.read_at is not None) for m in query]


def mark_read(user_id: int, message_id: int) -> bool:
    """Mark one of the user's own messages read; False if it already was. Another user's message is NotFound."""
    with database.atomic():
        message = InboxMessage.get_or_none((InboxMessage.id == message_id) & (InboxMessage.user == user_id))
        if message is None:
            raise NotFound("that message is not in your inbox")
        if message.read_at is not None:
            return False
        before = audit.as_dict(message)
        message.read_at = utc_now()
        message.save()
        audit.record(f"user:{user_id}", "mark_read", "inbox_message", message.id, before, audit.as_dict(message))
    return True


def mark_all_read(user_id: int) -> int:
    """Mark every unread message of the user read; returns how many changed."""
    with database.atomic():
        changed = (
            InboxMessage.update(read_at=utc_now())
            .where((InboxMessage.user == user_id) & InboxMessage.read_at.is_null())
            .execute()
        )
        if changed:
            audit.record(f"user:{user_id}", "mark_all_read", "inbox_message", None, None, {"messages": changed})
    return int(changed)
