"""A subject access request: the person's own records in one ZIP, and nobody else's."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from reports import subject_access
from tests import factories as f
from tests import factories_data as fd
from tracker import access
from tracker.errors import PermissionDenied
from tracker.models import AuditEvent, SessionAttendee
from tracker.services import audit
from tracker.views import access_facts

AS_OF = date(2026, 11, 22)


def viewer_of(user) -> access.Viewer:  # type: ignore[no-untyped-def]
    found = access_facts.viewer_for_user(user.id)
    assert found is not None
    return found


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture
def scene(database, notes_key):  # type: ignore[no-untyped-def]
    t = fd.team()
    f.trained(t.asha, "SG-L2", date(2025, 3, 4))
    f.trained(t.ben, "BLS", date(2025, 5, 6))  # not a course link workers need
    f.absent(t.ben, date(2026, 2, 1), date(2026, 7, 31), "maternity")
    one = f.session(t.gp, t.asha, date(2026, 10, 14))
    f.private_note(one, t.asha, "Asha's own worry about a client", notes_key)
    one.topics = "caseload"
    one.save()
    group = f.session(t.gp, [t.asha, t.ben], date(2026, 10, 20))
    f.private_note(group, t.ben, "Ben spoke about his family", notes_key)
    f.private_note(group, t.asha, "Asha's note at the group", notes_key)
    f.group_summary(group, "We agreed a rota for the drop-in", notes_key)
    bens = f.session(t.gp, t.ben, date(2026, 10, 21))
    f.private_note(bens, t.ben, "Ben's private matter", notes_key)
    SessionAttendee.update(confirmation="queried", query_text="It was 45 minutes").where(
        SessionAttendee.session == one.id
    ).execute()
    audit.record("lead@example.org", "update", "person", t.asha.id, {"email": None}, {"email": "asha@example.org"})
    audit.record("lead@example.org", "update", "person", t.ben.id, {"email": None}, {"email": "ben@example.org"})
    asha_user = fd.user("asha@example.org", person=t.asha)
    return t, asha_user


def test_the_zip_holds_the_persons_records(scene):
    t, asha_user = scene
    files = unzip(subject_access.build_zip(viewer_of(asha_user), t.asha.id, AS_OF, notes_key=f.installation_notes_key()))
    data = json.loads(files["data.json"])
    assert data["person"]["staff_id"] == "E1001"
    assert data["person"]["email"] == "asha@example.org"
    assert [r["course"] for r in data["training_records"]] == ["SG-L2"]
    assert [s["date"] for s in data["supervision_attended"]] == ["2026-10-14", "2026-10-20"]
    assert data["supervision_attended"][0]["your_query"] == "It was 45 minutes"
    assert data["supervisors"][0]["staff_id"] == "E2900"
    assert data["employments"][0]["employer"] == "Northside Community Trust"
    assert data["compliance"]["staff_id"] == "E1001"
    assert data["user_accounts"][0]["email"] == "asha@example.org"
    assert [e["after"] for e in data["audit_events_about_you"]] == [{"email": "asha@example.org"}]


def test_the_zip_holds_nothing_of_other_people(scene):
    t, asha_user = scene
    raw = subject_access.build_zip(viewer_of(asha_user), t.asha.id, AS_OF, notes_key=f.installation_notes_key())
    text = unzip(raw)["data.json"].decode()
    assert "BLS" not in text  # Ben's training
    assert "maternity" not in text  # Ben's absence
    assert "ben@example.org" not in text  # the audit of Ben's record
    assert "Ben's private matter" not in text  # Ben's one-to-one
    assert "Ben spoke about his family" not in text  # Ben's own note at the group session they shared


def test_own_private_notes_and_the_shared_group_summary_are_included(scene):
    t, asha_user = scene
    data = json.loads(unzip(subject_access.build_zip(viewer_of(asha_user), t.asha.id, AS_OF, notes_key=f.installation_notes_key()))["data.json"])
    one, group = data["supervision_attended"]
    assert one["your_private_note"] == "Asha's own worry about a client"
    assert group["your_private_note"] == "Asha's note at the group"
    assert group["group_summary"] == "We agreed a rota for the drop-in"
    assert "group_summary" not in one
    assert "never" in data["about_private_notes"]


def test_a_supervisor_gets_the_sessions_they_gave_with_each_attendees_note(scene):
    t, _ = scene
    gp_user = fd.user("gp@example.org", "staff;supervisor", person=t.gp)
    data = json.loads(unzip(subject_access.build_zip(viewer_of(gp_user), t.gp.id, AS_OF, notes_key=f.installation_notes_key()))["data.json"])
    given = {s["date"]: s for s in data["supervision_given"]}
    assert given["2026-10-21"]["supervisees"][0]["private_note"] == "Ben's private matter"  # one of the two parties
    notes = {p["staff_id"]: p["private_note"] for p in given["2026-10-20"]["supervisees"]}
    assert notes == {"E1001": "Asha's note at the group", "E1002": "Ben spoke about his family"}
    assert given["2026-10-20"]["group_summary"] == "We agreed a rota for the drop-in"


def test_the_statement_pdf_is_included(scene):
    t, asha_user = scene
    files = unzip(subject_access.build_zip(viewer_of(asha_user), t.asha.id, AS_OF, notes_key=f.installation_notes_key()))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files["statement.pdf"])).pages)
    assert "Asha Patel" in text
    assert "Asha's own worry" not in text  # the statement never shows private notes


def test_only_the_person_or_an_admin_may_download_it_and_it_is_audited(scene):
    t, _ = scene
    ben_user = fd.user("ben@example.org", person=t.ben)
    with pytest.raises(PermissionDenied):
        subject_access.build_zip(viewer_of(ben_user), t.asha.id, AS_OF, notes_key=f.installation_notes_key())
    admin = fd.user("admin@example.org", roles="admin")
    assert "data.json" in unzip(subject_access.build_zip(viewer_of(admin), t.asha.id, AS_OF, notes_key=f.installation_notes_key()))
    [event] = AuditEvent.select().where(AuditEvent.action == "subject_access_export")
    assert (event.actor, event.entity, event.entity_id) == ("admin@example.org", "person", str(t.asha.id))


def test_uploaded_certificates_come_along(scene, tmp_path):
    t, asha_user = scene
    (tmp_path / str(t.asha.id)).mkdir()
    (tmp_path / str(t.asha.id) / "abc.pdf").write_bytes(b"%PDF-1.4 certificate")
    (tmp_path / str(t.ben.id)).mkdir()
    (tmp_path / str(t.ben.id) / "def.pdf").write_bytes(b"%PDF-1.4 not hers")
    mine = f.trained(t.asha, "FIRE", date(2026, 1, 1), state="pending")
    mine.certificate_path = f"{t.asha.id}/abc.pdf"
    mine.save()
    theirs = f.trained(t.ben, "IG", date(2026, 1, 1))
    theirs.certificate_path = f"{t.ben.id}/def.pdf"
    theirs.save()
    files = unzip(subject_access.build_zip(viewer_of(asha_user), t.asha.id, AS_OF, uploads_root=tmp_path, notes_key=f.installation_notes_key()))
    assert files["certificates/abc.pdf"] == b"%PDF-1.4 certificate"
    assert "certificates/def.pdf" not in files
