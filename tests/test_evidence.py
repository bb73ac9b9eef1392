"""Certificates: checked by their bytes, stored outside the web root, counted only once approved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests import factories as f
from tracker.access import Viewer
from tracker.errors import ConflictError, PermissionDenied, ValidationError
from tracker.models import AuditEvent, TrainingRecord
from tracker.services import evidence
from tracker.settings import Settings
from tracker.views.population import person_compliance

TODAY = date(2026, 11, 22)
PDF = b"%PDF-1.7\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return replace(Settings(), data_dir=tmp_path / "data")


def staff_viewer(person_id: int) -> Viewer:
    return Viewer(1, "asha@example.nhs.uk", person_id, frozenset({"staff"}))


def lead_of(employer_id: int) -> Viewer:
    return Viewer(2, "lead@example.nhs.uk", None, frozenset({"lead"}), lead_employer_id=employer_id)


def fire_status(person_id: int) -> str:
    result = person_compliance(person_id, TODAY)
    assert result is not None
    return next(c.status for c in result.training if c.course == "FIRE")


def test_an_upload_is_pending_stored_privately_and_does_not_count(database: str, settings: Settings) -> None:
    asha = f.person(start=date(2024, 1, 1))
    record = evidence.upload_certificate(staff_viewer(asha.id), settings, asha.id, "FIRE", "01/11/2026", "", PDF,
                                         today=TODAY)
    assert record.evidence_state == "pending"
    stored = settings.data_dir / "uploads" / record.certificate_path
    assert stored.read_bytes() == PDF
    assert fire_status(asha.id) == "missing"
    assert AuditEvent.select().where(AuditEvent.action == "upload_certificate").count() == 1


def test_a_lead_approves_and_then_it_counts_from_the_date_they_set(database: str, settings: Settings) -> None:
    asha = f.person(start=date(2024, 1, 1))
    record = evidence.upload_certificate(staff_viewer(asha.id), settings, asha.id, "FIRE", "01/11/2026", "", PNG,
                                         today=TODAY)
    employer = asha.employments[0].employer_id
    approved = evidence.approve(lead_of(employer), record.id, "2026-10-30", today=TODAY)
    assert (approved.evidence_state, approved.completed_on, approved.decided_by) == (
        "approved", date(2026, 10, 30), "lead@example.nhs.uk")
    assert fire_status(asha.id) == "compliant"
    with pytest.raises(ConflictError, match="already approved"):
        evidence.approve(lead_of(employer), record.id, today=TODAY)


def test_a_rejection_keeps_the_record_with_the_reason_in_the_audit(database: str, settings: Settings) -> None:
    asha = f.person(start=date(2024, 1, 1))
    record = evidence.upload_certificate(staff_viewer(asha.id), settings, asha.id, "FIRE", "01/11/2026", "", PDF,
                                         today=TODAY)
    employer = asha.employments[0].employer_id
    with pytest.raises(ValidationError):
        evidence.reject(lead_of(employer), record.id, "  ", today=TODAY)
    evidence.reject(lead_of(employer), record.id, "The certificate is for another person", today=TODAY)
    assert TrainingRecord.get_by_id(record.id).evidence_state == "rejected"
    event = AuditEvent.get(AuditEvent.action == "reject_certificate")
    assert "another person" in (event.after or "")
    assert fire_status(asha.id) == "missing"


def test_nobody_outside_the_persons_scope_decides_and_nobody_uploads_for_a_stranger(
    database: str, settings: Settings
) -> None:
    asha = f.person(start=date(2024, 1, 1))
    cara = f.person("Cara", "Lewis", employer=f.org("Southgate Practice"), start=date(2024, 1, 1))
    record = evidence.upload_certificate(staff_viewer(asha.id), settings, asha.id, "FIRE", "01/11/2026", "", PDF,
                                         today=TODAY)
    south = cara.employments[0].employer_id
    with pytest.raises(PermissionDenied):
        evidence.approve(lead_of(south), record.id, today=TODAY)
    with pytest.raises(PermissionDenied):
        evidence.upload_certificate(staff_viewer(cara.id), settings, asha.id, "FIRE", "02/11/2026", "", PDF,
                                    today=TODAY)
    assert TrainingRecord.get_by_id(record.id).evidence_state == "pending"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "choose a certificate"), (b"GIF89a....", "PDF, JPEG or PNG"),
     (b"%PDF-" + b"0" * evidence.MAX_BYTES, "larger than 5 MB")],
)
def test_bad_files_are_refused_and_nothing_is_written(
    database: str, settings: Settings, content: bytes, message: str
) -> None:
    asha = f.person(start=date(2024, 1, 1))
    with pytest.raises(ValidationError, match=message):
        evidence.upload_certificate(staff_viewer(asha.id), settings, asha.id, "FIRE", "01/11/2026", "", content,
                                    today=TODAY)
    assert TrainingRecord.select().count() == 0
    assert not (settings.data_dir / "uploads").exists() or not any((settings.data_dir / "uploads").rglob("*.*"))


def test_a_clash_with_a_recorded_completion_leaves_no_file_behind(database: str, settings: Settings) -> None:
    asha = f.person(start=date(2024, 1, 1))
    f.trained(asha, "FIRE", date(2026, 11, 1))
    with pytest.raises(ConflictError, match="already recorded"):
        evidence.upload_certificate(staff_viewer(asha.id), settings, asha.id, "FIRE", "01/11/2026", "", PDF,
                                    today=TODAY)
    assert not any((settings.data_dir / "uploads").rglob("*.pdf"))


def test_a_future_completion_date_is_refused(database: str, settings: Settings) -> None:
    asha = f.person(start=date(2024, 1, 1))
    with pytest.raises(ValidationError):
        evidence.upload_certificate(staff_viewer(asha.id), settings, asha.id, "FIRE", "01/12/2026", "", PDF,
                                    today=TODAY)


def test_evidence_without_a_certificate_is_approved_only_with_how_it_was_checked(
    database: str, settings: Settings
) -> None:
    from tracker.services.training import add_training

    asha = f.person(start=date(2024, 1, 1))
    record = add_training("asha@example.nhs.uk", asha.id, "FIRE", "01/11/2026", evidence_state="pending",
                          today=TODAY).record
    assert record.certificate_path is None
    lead = lead_of(asha.employments[0].employer_id)
    for said in ("", "   "):
        with pytest.raises(ValidationError, match="no certificate is attached") as refused:
            evidence.approve(lead, record.id, without_certificate=said, today=TODAY)
        assert refused.value.field == "without_certificate"
    assert TrainingRecord.get_by_id(record.id).evidence_state == "pending"  # nothing written
    assert not AuditEvent.select().where(AuditEvent.action == "approve_certificate").exists()
    assert fire_status(asha.id) == "missing"

    evidence.approve(lead, record.id, without_certificate="Saw the paper certificate", today=TODAY)
    assert TrainingRecord.get_by_id(record.id).evidence_state == "approved"
    event = AuditEvent.get(AuditEvent.action == "approve_certificate")
    assert "no certificate attached" in (event.after or "") and "Saw the paper certificate" in (event.after or "")
    assert fire_status(asha.id) == "compliant"


def test_evidence_with_a_certificate_needs_no_reason_and_the_audit_says_nothing_of_one(
    database: str, settings: Settings
) -> None:
    asha = f.person(start=date(2024, 1, 1))
    record = evidence.upload_certificate(staff_viewer(asha.id), settings, asha.id, "FIRE", "01/11/2026", "", PDF,
                                         today=TODAY)
    evidence.approve(lead_of(asha.employments[0].employer_id), record.id, today=TODAY)
    assert "no certificate" not in (AuditEvent.get(AuditEvent.action == "approve_certificate").after or "")
