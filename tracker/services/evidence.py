"""Certificates uploaded by staff: a training record that waits, pending, for a lead or admin to approve it.

Files are checked by their first bytes (PDF, JPEG or PNG, at most 5 MB), stored under
settings.data_dir/uploads (never under a folder the web server serves) with a random name, and served only by
a route that asks tracker.access first. Only an approved record counts towards compliance.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.access import Viewer, can_decide_evidence, can_view_person
from tracker.clock import today as clock_today
from tracker.clock import utc_now
from tracker.db import database
from tracker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from tracker.models import TrainingRecord
from tracker.services import audit
from tracker.services.training import training_input
from tracker.services.validate import Lookups, a_date, not_in_future, person_by_id, text
from tracker.settings import Settings
from tracker.views.access_facts import person_facts

MAX_BYTES = 5 * 1024 * 1024
UPLOADS = "uploads"
KINDS = {  # extension -> (content type, the bytes such a file starts with)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


@dataclass(frozen=True)
class Certificate:
    path: Path
    content_type: str
    download_name: str


def uploads_dir(settings: Settings) -> Path:
    return (Path(settings.data_dir) / UPLOADS).resolve()


def file_kind(content: bytes) -> str:
    """'pdf', 'jpg' or 'png' from the file's first bytes (its name and claimed type are not trusted)."""
    for ext, (_type, magics) in KINDS.items():
        if any(content.startswith(m) for m in magics):
            return ext
    raise ValidationError("the certificate must be a PDF, JPEG or PNG file", "certificate")


def upload_certificate(
    viewer: Viewer,
    settings: Settings,
    person_id: int,
    course: str,
    completed_on: date | str,
    provider: str,
    content: bytes,
    *,
    reference: str = "",
    expires_on: date | str | None = None,
    today: date | None = None,
) -> TrainingRecord:
    """A pending training record with its certificate; staff upload their own, leads and admins for others."""
    today = today or clock_today()
    if viewer.person_id != person_id and not can_decide_evidence(viewer, person_facts(person_id, today)):
        raise PermissionDenied("you may upload certificates only for yourself")
    if not content:
        raise ValidationError("choose a certificate file to upload", "certificate")
    if len(content) > MAX_BYTES:
        raise ValidationError("the certificate is larger than 5 MB; scan it at a lower resolution", "certificate")
    ext = file_kind(content)
    person = person_by_id(person_id)
    raw = {"staff_id": person.staff_id, "course": course, "completed_on": completed_on, "provider": provider,
           "reference": reference, "expires_on": expires_on}
    item = training_input(raw, Lookups(), today)
    assert item is not None
    folder = uploads_dir(settings) / str(person_id)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{ext}"
    (folder / name).write_bytes(content)
    try:
        with database.atomic():
            clash = TrainingRecord.get_or_none(
                (TrainingRecord.person == person_id)
                & (TrainingRecord.course == item.course.id)
                & (TrainingRecord.completed_on == item.completed_on)
            )
            if clash is not None:
                raise ConflictError(
                    f"{item.course.name} completed on {item.completed_on:%d/%m/%Y} is already recorded"
                )
            record = TrainingRecord.create(
                person=person_id, course=item.course, completed_on=item.completed_on, provider=item.provider,
                reference=item.reference, expires_on=item.expires_on,
                certificate_path=f"{person_id}/{name}", evidence_state="pending",
            )
            after = audit.as_dict(record) | {"staff_id": person.staff_id, "course_code": item.course.code}
            audit.record(viewer.actor, "upload_certificate", "training_record", record.id, None, after)
    except Exception:
        (folder / name).unlink(missing_ok=True)
        raise
    return record


def _pending(record_id: int) -> TrainingRecord:
    record = TrainingRecord.get_or_none(TrainingRecord.id == record_id)
    if record is None:
        raise NotFound("there is no such training record")
    if record.evidence_state != "pending":
        raise ConflictError(f"this certificate was already {record.evidence_state}")
    return record


NO_CERTIFICATE = "No certificate attached"


def approve(
    viewer: Viewer,
    record_id: int,
    completed_on: date | str | None = None,
    *,
    without_certificate: str = "",
    today: date | None = None,
) -> TrainingRecord:
    """A lead (of the person) or an admin approves the evidence, setting the completion date; it now counts.

    A record with no certificate attached is approved only with the reason it is accepted without one (a paper
    certificate seen, the provider's list checked): the audit event records that it had none, and why."""
    today = today or clock_today()
    with database.atomic():
        record = _pending(record_id)
        if not can_decide_evidence(viewer, person_facts(record.person_id, today)):
            raise PermissionDenied("only an admin, or a lead of this person, may approve their certificates")
        why = ""
        if not record.certificate_path:
            why = text(without_certificate, "without_certificate", max_length=500)
            if not why:
                raise ValidationError(
                    "no certificate is attached to this record: say how you checked it (for example, the paper "
                    "certificate seen) to approve it without one", "without_certificate")
        day = record.completed_on if completed_on in (None, "") else a_date(completed_on, "completed_on")
        day = not_in_future(day, today, "completed_on")
        clash = TrainingRecord.get_or_none(
            (TrainingRecord.person == record.person_id)
            & (TrainingRecord.course == record.course_id)
            & (TrainingRecord.completed_on == day)
            & (TrainingRecord.id != record.id)
        )
        if clash is not None:
            raise ConflictError(f"a completion of this course on {day:%d/%m/%Y} is already recorded")
        before = audit.as_dict(record)
        record.completed_on, record.evidence_state, record.decided_by = day, "approved", viewer.actor
        record.recorded_at = utc_now()
        record.save()
        after = audit.as_dict(record) or {}
        if not record.certificate_path:
            after |= {"certificate": NO_CERTIFICATE.lower(), "approved_without_certificate_because": why}
        audit.record(viewer.actor, "approve_certificate", "training_record", record.id, before, after)
    return record


def reject(viewer: Viewer, record_id: int, reason: str, *, today: date | None = None) -> TrainingRecord:
    """The evidence is not accepted; the record stays (rejected) so the person sees why."""
    clean = text(reason, "reason", required=True, max_length=500)
    today = today or clock_today()
    with database.atomic():
        record = _pending(record_id)
        if not can_decide_evidence(viewer, person_facts(record.person_id, today)):
            raise PermissionDenied("only an admin, or a lead of this person, may reject their certificates")
        before = audit.as_dict(record)
        record.evidence_state, record.decided_by = "rejected", viewer.actor
        record.save()
        after = (audit.as_dict(record) or {}) | {"reason": clean}
        audit.record(viewer.actor, "reject_certificate", "training_record", record.id, before, after)
    return record


def certificate_for(viewer: Viewer, settings: Settings, record_id: int, *, today: date | None = None) -> Certificate:
    """The stored file of a record, for someone allowed to see that person (else PermissionDenied)."""
    today = today or clock_today()
    record = TrainingRecord.get_or_none(TrainingRecord.id == record_id)
    if record is None or not record.certificate_path:
        raise NotFound("there is no certificate for this record")
    if not can_view_person(viewer, record.person_id, person_facts(record.person_id, today)):
        raise PermissionDenied("you may not see this person's certificates")
    root = uploads_dir(settings)
    path = (root / record.certificate_path).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFound("the certificate file is missing")
    ext = path.suffix.lstrip(".").lower()
    if ext not in KINDS:  # a file stored by hand or by an older version: offered as bytes, under a plain name
        return Certificate(path, "application/octet-stream", f"certificate-{record.id}.bin")
    return Certificate(path, KINDS[ext][0], f"certificate-{record.id}.{ext}")
