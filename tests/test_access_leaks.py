"""The other half of the access matrix, below the pages, on SQLite and PostgreSQL: the writes that pages make,
called as the pages call them, for every role; and private notes searched for in everything the app can put
out: exports, the whole-data ZIP, reports (PDF), the API, calendar feeds, subject-access ZIPs and the audit trail.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader

from reports.build import ReportRequest, gather, render
from reports.subject_access import build_zip
from tests import factories as f
from tests.factories_proof import PRIVATE_MARKER, World, build_world
from tracker import clock
from tracker.access import Viewer
from tracker.db import database as proxy
from tracker.errors import NotFound, PermissionDenied
from tracker.models import (
    AuditEvent,
    Course,
    EmployerPolicy,
    PolicyAdaptation,
    PolicyTopic,
    TrainingRecord,
    User,
)
from tracker.services import evidence, policies, supervision, tokens
from tracker.views import api, exports
from tracker.views.calendar_ics import user_feed
from tracker.views.export_bundle import bundle_zip

ROLES = ("staff", "supervisor", "lead_employer", "lead_pcn", "admin")
PDF = b"%PDF-1.4\n%%EOF\n"

Write = Callable[[Viewer], object]


def _pending(w: World, person_id: int) -> int:
    return TrainingRecord.create(person=person_id, course=Course.get(Course.code == "FIRE"), completed_on="2025-05-01",
                                 evidence_state="pending", certificate_path=None).id


def _own(viewer: Viewer) -> int:
    """What a 'my ...' page does first: a sign-in with no person record gets no such page."""
    if viewer.person_id is None:
        raise PermissionDenied("your account is not linked to a person's record")
    return viewer.person_id


def write_matrix(w: World) -> list[tuple[str, Write, set[str]]]:
    """(what, the call as the page makes it, the roles that may) for every write whose rights depend on who."""
    t = clock.today()
    topic = PolicyTopic.select().first().id
    south_adaptation = PolicyAdaptation.create(topic=topic, employers=str(w.south.id), condition="x").id
    north_policy = EmployerPolicy.create(employer=w.north, topic=topic, version="1", requires_acknowledgement=True).id
    asha_pending, cara_pending, dan_pending = (_pending(w, p.id) for p in (w.asha, w.cara, w.dan))
    admin_token = tokens.create(w.users["admin"].id, "api", "admin's").token_id

    def upload(person_id: int) -> Write:
        return lambda v: evidence.upload_certificate(v, w.settings, person_id, "FIRE", t - timedelta(days=5), "", PDF)

    return [
        ("upload a certificate for Asha", upload(w.asha.id), {"staff", "lead_employer", "lead_pcn", "admin"}),
        ("upload a certificate for Cara", upload(w.cara.id), {"lead_pcn", "admin"}),
        ("approve Asha's certificate", lambda v: evidence.approve(v, asha_pending, without_certificate="Seen"), {"lead_employer", "lead_pcn", "admin"}),
        ("approve Cara's certificate", lambda v: evidence.approve(v, cara_pending, without_certificate="Seen"), {"lead_pcn", "admin"}),
        ("approve Dan's certificate", lambda v: evidence.approve(v, dan_pending, without_certificate="Seen"), {"admin"}),
        ("reject Asha's certificate", lambda v: evidence.reject(v, asha_pending, "blurred"),
         {"lead_employer", "lead_pcn", "admin"}),
        ("reject Cara's certificate", lambda v: evidence.reject(v, cara_pending, "blurred"), {"lead_pcn", "admin"}),
        ("log a session with Asha", lambda v: supervision.log_own_session(
            v, t - timedelta(days=1), 60, "clinical", None, "video", [w.asha.id], today=t,
            notes_key=w.notes_key), {"supervisor"}),
        ("log a session with Cara", lambda v: supervision.log_own_session(
            v, t - timedelta(days=1), 60, "clinical", None, "video", [w.cara.id], today=t,
            notes_key=w.notes_key), set()),
        ("set North's policy", lambda v: policies.set_position(v, w.north.id, topic, statement="s", version="9"),
         {"lead_employer", "admin"}),
        ("set South's policy", lambda v: policies.set_position(v, w.south.id, topic, statement="s", version="9"),
         {"admin"}),
        ("agree an adaptation for North", lambda v: policies.save_adaptation(v, topic, [w.north.id], "pairs"),
         {"lead_employer", "admin"}),
        ("withdraw South's adaptation", lambda v: policies.withdraw_adaptation(v, south_adaptation), {"admin"}),
        ("add a policy topic", lambda v: policies.add_topic(v, "Social media"), {"admin"}),
        ("revoke the admin's API token", lambda v: tokens.revoke(admin_token, User.get_by_id(v.user_id)), {"admin"}),
        ("confirm my attendance at Grace's session with Asha",
         lambda v: supervision.confirm_attendance(v.actor, w.session.id, _own(v)), {"staff"}),
        ("query my attendance at Grace's session with Asha",
         lambda v: supervision.query_attendance(v.actor, w.session.id, _own(v), "wrong date"), {"staff"}),
        ("acknowledge North's policy as myself", lambda v: policies.acknowledge(v.actor, _own(v), north_policy),
         {"staff", "supervisor"}),
        ("build Asha's subject-access ZIP", lambda v: build_zip(v, w.asha.id, t, notes_key=w.notes_key), {"staff", "admin"}),
    ]


def test_every_write_a_page_makes_is_allowed_to_exactly_the_right_roles(database: str, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    wrong = []
    for what, write, allowed in write_matrix(w):
        for role in ROLES:
            with proxy.atomic() as attempt:  # each attempt starts from the same data
                try:
                    write(w.viewer(role))
                    got = "allowed"
                except (PermissionDenied, NotFound):
                    got = "refused"
                attempt.rollback()
            if got != ("allowed" if role in allowed else "refused"):
                wrong.append(f"{role:<14} {what}: {got}")
    assert wrong == []


# ---- private notes in everything the app puts out ------------------------------------------------------------


def text_of(blob: bytes) -> str:
    parts = [blob.decode("utf-8", "replace")]
    if blob.startswith(b"%PDF") and b"startxref" in blob:
        parts += [p.extract_text() for p in PdfReader(io.BytesIO(blob)).pages]
    if blob.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            parts += [text_of(archive.read(name)) for name in archive.namelist()]
    return "\n".join(parts)


def outputs(w: World) -> dict[str, bytes]:
    """Everything the app can hand out about the noted session, as non-parties (or any reader) get it."""
    t, now = clock.today(), clock.now()
    found: dict[str, bytes] = {}
    for view, table in {
        "matrix": exports.compliance_matrix(t), "people": exports.people_table(t), "training": exports.training_table(t),
        "sessions": exports.sessions_table(t), "grace's sessions": exports.sessions_table(t, supervisor_id=w.grace.id),
        "absences": exports.absences_table(t), "audit": exports.audit_table(),
    }.items():
        for fmt in ("csv", "xlsx"):
            found[f"export {view}.{fmt}"] = exports.write(table, fmt)
    found["everything.zip"] = bundle_zip(t, "csv")
    for kind, name in (("employer", w.north.name), ("pcn", w.pcn.name), ("person", w.asha.staff_id),
                       ("supervisor", w.grace.staff_id)):
        found[f"report {kind}"] = render(gather(ReportRequest(kind, name, t)))
    for role in ROLES:
        viewer = w.viewer(role)
        found[f"api sessions as {role}"] = api.sessions(viewer, t, None, None, None, 0, 100).model_dump_json().encode()
        found[f"calendar of {role}"] = user_feed(viewer, t, now)
    found["admin's subject-access ZIP of Asha"] = build_zip(w.viewer("admin"), w.asha.id, t, notes_key=w.notes_key)
    found["admin's subject-access ZIP of Grace"] = build_zip(w.viewer("admin"), w.grace.id, t, notes_key=w.notes_key)
    found["Ben's own subject-access ZIP"] = build_zip(Viewer(99, "ben@x", w.ben.id, frozenset({"staff"})), w.ben.id, t,
                                                     notes_key=w.notes_key)
    found["audit trail"] = "\n".join(f"{e.before} {e.after}" for e in AuditEvent.select()).encode()
    return found


def test_private_notes_are_in_no_export_report_feed_api_answer_or_audit_event(database: str, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    # writes that carry notes, so the audit trail has had every chance to copy them
    given = supervision.log_session("grace@example.nhs.uk", w.grace.id, clock.today() - timedelta(days=2), 45,
                                    "clinical", None, "phone", [w.asha.id, w.ben.id], "Group", "", None,
                                    {w.asha.id: PRIVATE_MARKER, w.ben.id: "Ben's own note"}, "The group's summary",
                                    notes_key=w.notes_key)
    supervision.confirm_attendance("asha@example.nhs.uk", given.id, w.asha.id)
    supervision.query_attendance("ben@example.nhs.uk", given.id, w.ben.id, "I was not there")
    f.trained(w.asha, "FIRE", clock.today() - timedelta(days=30))
    found = outputs(w)
    leaks = [name for name, blob in found.items() if PRIVATE_MARKER in text_of(blob)]
    assert leaks == []
    assert len(found) >= 30
    own = build_zip(w.viewer("staff"), w.asha.id, clock.today(), notes_key=w.notes_key)
    assert PRIVATE_MARKER in text_of(own)  # Asha's own copy holds them, so the search above can find them
