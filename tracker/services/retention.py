# mypy: disable-error-code="attr-defined,misc,union-attr"
"""Keeping leavers' data for a set period, then anonymising it.

A leaver is a person whose every employment has ended; once the latest ended more than `retention_days` ago
(default six years, 2190 days) the job replaces what identifies them (name, staff id, email, profession,
their sign-ins, their own words in session queries and the private notes of their one-to-one sessions,
their certificate files) and archives them. Their dated records stay, so past compliance figures still add
up. Earlier audit events about them keep what happened but lose who it was; one new audit event per person
records the anonymising. Each person is done in their own transaction.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tracker.clock import utc_now
from tracker.db import database
from tracker.models import (
    ApiToken,
    AuditEvent,
    Employment,
    InboxMessage,
    Person,
    ReminderLedger,
    SessionAttendee,
    TrainingRecord,
    User,
)
from tracker.services import audit
from tracker.settings import DEFAULT_RETENTION_DAYS

ANON_PREFIX = "ANON-"
IDENTIFYING = ("staff_id", "first_name", "last_name", "email", "profession", "name", "query_text")


def retention_days_of(settings: object) -> int:
    """The retention period from the settings (TRACKER_RETENTION_DAYS), else six years."""
    value = getattr(settings, "retention_days", None)
    return int(value) if value else DEFAULT_RETENTION_DAYS


def anon_staff_id(person_id: int) -> str:
    return f"{ANON_PREFIX}{person_id:06d}"


def due_for_anonymising(as_of: date, retention_days: int) -> list[tuple[int, date]]:
    """(person id, last day employed) of leavers whose latest job ended more than retention_days before
    as_of, not yet anonymised."""
    cutoff = as_of - timedelta(days=retention_days)
    last_day: dict[int, date | None] = {}
    query = (
        Employment.select(Employment.person, Employment.end_date)
        .join(Person)
        .where(~Person.staff_id.startswith(ANON_PREFIX))
    )
    for pid, end in query.tuples():
        if pid in last_day and last_day[pid] is None:
            continue
        last_day[pid] = None if end is None else max(end, last_day.get(pid) or end)
    return sorted((pid, end) for pid, end in last_day.items() if end is not None and end < cutoff)


def anonymise_leavers(
    as_of: date,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    uploads_root: Path | None = None,
    actor: str = "retention job",
) -> list[str]:
    """Anonymise every leaver past the retention period; returns their new (anonymous) staff ids."""
    if retention_days < 1:
        raise ValueError("the retention period must be at least one day")
    done = []
    for person_id, ended in due_for_anonymising(as_of, retention_days):
        done.append(anonymise_person(person_id, ended, retention_days, actor))
        if uploads_root is not None:
            _remove_certificates(uploads_root, person_id)
    return done


def anonymise_person(person_id: int, ended: date, retention_days: int, actor: str) -> str:
    with database.atomic():
        person = Person.get_by_id(person_id)
        names = [v for v in (person.staff_id, person.first_name, person.last_name, person.email, person.name) if v]
        label = anon_staff_id(person_id)
        users = list(User.select().where(User.person == person_id))
        user_emails = {u.email: f"anonymised-user-{u.id}@invalid" for u in users}
        Person.update(
            staff_id=label, first_name="Anonymised", last_name=f"person {person_id}", email=None, profession=None,
            archived=True, version=Person.version + 1,
        ).where(Person.id == person_id).execute()
        for u in users:
            User.update(email=user_emails[u.email], active=False, password_hash="!anonymised").where(
                User.id == u.id
            ).execute()
            ApiToken.update(revoked_at=utc_now()).where(
                (ApiToken.user == u.id) & ApiToken.revoked_at.is_null()
            ).execute()
            InboxMessage.update(subject="(removed)", body="").where(InboxMessage.user == u.id).execute()
        SessionAttendee.update(query_text="", private_note="").where(SessionAttendee.person == person_id).execute()
        TrainingRecord.update(certificate_path=None).where(TrainingRecord.person == person_id).execute()
        ReminderLedger.update(recipient="anonymised").where(ReminderLedger.person == person_id).execute()
        _scrub_audit(person_id, [u.id for u in users], names, user_emails)
        audit.record(actor, "anonymise", "person", person_id, {"archived": person.archived},
                     {"anonymised": True, "staff_id": label, "employment_ended": ended.isoformat(),
                      "retention_days": retention_days})
    return label


def _scrub(value: Any, names: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: ("anonymised" if k in IDENTIFYING and v else _scrub(v, names)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, names) for v in value]
    if isinstance(value, str) and value in names:
        return "anonymised"
    return value


def _scrub_audit(person_id: int, user_ids: list[int], names: list[str], emails: dict[str, str]) -> None:
    """Earlier events about the person (or done by their sign-ins) keep what happened, not who."""
    about = ((AuditEvent.entity == "person") & (AuditEvent.entity_id == str(person_id))) | (
        (AuditEvent.entity == "user") & AuditEvent.entity_id.in_([str(u) for u in user_ids])
    )
    for event in AuditEvent.select().where(about | AuditEvent.actor.in_(list(emails))):
        changes: dict[str, Any] = {}
        if event.actor in emails:
            changes["actor"] = emails[event.actor]
        if event.entity in ("person", "user") and event.entity_id in {str(person_id), *map(str, user_ids)}:
            for column in ("before", "after"):
                text = getattr(event, column)
                if text:
                    try:
                        changes[column] = json.dumps(_scrub(json.loads(text), names), sort_keys=True)
                    except ValueError:
                        changes[column] = None
        if changes:
            AuditEvent.update(**changes).where(AuditEvent.id == event.id).execute()


def _remove_certificates(uploads_root: Path, person_id: int) -> None:
    """After the transaction: the person's uploaded files (stored under uploads/<person id>/)."""
    root = uploads_root.resolve()
    folder = (root / str(person_id)).resolve()
    if root in folder.parents and folder.is_dir():
        shutil.rmtree(folder)
