"""Private supervision notes: sealed at rest, each attendee's own, and the group's summary shared and said so.

Attacks: an administrator reading the database or a backup, an attendee of a group session looking for what
another attendee told the supervisor (pages' data, subject-access export, PDF, API, calendar, audit trail),
and a ciphertext copied into another attendee's row.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

import pytest

from reports.build import ReportRequest, produce
from reports.subject_access import build_zip
from tests import factories as f
from tests import factories_data as fd
from tests.old_schemas import make_release_2
from tracker import db, note_crypto
from tracker.access import Viewer
from tracker.errors import ValidationError
from tracker.models import AuditEvent, SessionAttendee, SupervisionSession
from tracker.services import supervision
from tracker.settings import Settings
from tracker.views import api, calendar_ics, caseload
from tracker.views.access_facts import viewer_for_user

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, 0)
ASHAS = "ASHA-TOLD-THE-GP-ABOUT-HER-HEALTH"
BENS = "BEN-ASKED-FOR-HELP-WITH-DEBT"
SUMMARY = "WE-AGREED-A-DROP-IN-ROTA"


def viewer(user_id: int) -> Viewer:
    found = viewer_for_user(user_id)
    assert found is not None
    return found


@pytest.fixture
def group(database, notes_key):  # type: ignore[no-untyped-def]
    t = fd.team()
    session = supervision.log_session(
        "gp@example.org", t.gp.id, date(2026, 11, 10), 60, "clinical", "group", "in_person", [t.asha.id, t.ben.id],
        "Caseload", "", None, {t.asha.id: ASHAS, t.ben.id: BENS}, SUMMARY, today=TODAY, notes_key=notes_key
    )
    return t, session


def test_notes_are_sealed_in_the_database(group):
    t, session = group
    stored = [a.private_note for a in SessionAttendee.select()] + [SupervisionSession.get().group_summary]
    assert all(note_crypto.is_sealed(s) for s in stored)
    everything = json.dumps([list(r) for r in SupervisionSession.select().tuples()] +
                            [list(r) for r in SessionAttendee.select().tuples()], default=str)
    assert ASHAS not in everything and BENS not in everything and SUMMARY not in everything


def test_an_attendee_sees_their_own_note_and_the_summary_never_the_others_note(group, notes_key):
    t, session = group
    (mine,) = caseload.sessions_attended(t.asha.id, TODAY, notes_key=notes_key)
    assert mine.private_note_of(t.asha.id) == ASHAS
    assert mine.private_note_of(t.ben.id) == ""
    assert mine.group_summary == SUMMARY
    assert BENS not in repr(mine)
    (bens,) = caseload.sessions_attended(t.ben.id, TODAY, notes_key=notes_key)
    assert bens.private_note_of(t.ben.id) == BENS and ASHAS not in repr(bens)


def test_the_supervisor_sees_every_attendees_note(group, notes_key):
    t, _ = group
    views, _ = caseload.supervisor_log(t.gp.id, date(2026, 11, 1), TODAY, notes_key=notes_key)
    assert {a.person_id: a.private_note for a in views[0].attendees} == {t.asha.id: ASHAS, t.ben.id: BENS}


def test_asha_finds_bens_note_in_none_of_her_outputs(group, notes_key):
    t, session = group
    asha_user = fd.user("asha@example.org", person=t.asha)
    asha = viewer(asha_user.id)
    outputs = {
        "my sessions": repr(caseload.sessions_attended(t.asha.id, TODAY, notes_key=notes_key)).encode(),
        "subject access": build_zip(asha, t.asha.id, TODAY, notes_key=notes_key),
        "statement PDF": produce(ReportRequest("person", t.asha.staff_id, TODAY)),
        "API sessions": api.sessions(asha, TODAY, None, None, None, 0, 100).model_dump_json().encode(),
        "calendar": calendar_ics.user_feed(asha, TODAY, NOW),
        "audit trail": json.dumps([[e.before, e.after] for e in AuditEvent.select()]).encode(),
    }
    found = {name: _text(blob) for name, blob in outputs.items()}
    assert [name for name, text in found.items() if BENS in text] == []
    assert ASHAS in found["subject access"] and SUMMARY in found["subject access"]  # the search finds notes


def test_a_ciphertext_copied_into_another_attendees_row_does_not_open(group, notes_key):
    t, session = group
    ashas = SessionAttendee.get(SessionAttendee.person == t.asha.id).private_note
    SessionAttendee.update(private_note=ashas).where(SessionAttendee.person == t.ben.id).execute()
    (bens,) = caseload.sessions_attended(t.ben.id, TODAY, notes_key=notes_key)
    assert bens.private_note_of(t.ben.id) == note_crypto.UNAVAILABLE


def test_another_installations_key_shows_notes_as_unavailable(group, tmp_path):
    t, _ = group
    elsewhere = note_crypto.note_key(Settings(data_dir=tmp_path / "elsewhere"))
    (mine,) = caseload.sessions_attended(t.asha.id, TODAY, notes_key=elsewhere)
    assert (mine.private_note_of(t.asha.id), mine.group_summary) == (note_crypto.UNAVAILABLE, note_crypto.UNAVAILABLE)
    asha_user = fd.user("asha@example.org", person=t.asha)
    data = json.loads(zipfile.ZipFile(io.BytesIO(build_zip(viewer(asha_user.id), t.asha.id, TODAY,
                                                           notes_key=elsewhere))).read("data.json"))
    assert data["supervision_attended"][0]["your_private_note"] == note_crypto.UNAVAILABLE


def test_one_text_for_a_whole_group_is_refused(database, notes_key):
    t = fd.team()
    with pytest.raises(ValidationError, match="each attendee has their own note"):
        supervision.log_session("gp@example.org", t.gp.id, date(2026, 11, 10), 60, "clinical", "group",
                                "in_person", [t.asha.id, t.ben.id], "", "", None, "for everyone", today=TODAY,
                                notes_key=notes_key)
    with pytest.raises(ValidationError, match="not at this session"):
        supervision.log_session("gp@example.org", t.gp.id, date(2026, 11, 10), 60, "clinical", "one_to_one",
                                "in_person", [t.asha.id], "", "", None, {t.ben.id: "x"}, today=TODAY,
                                notes_key=notes_key)
    assert SupervisionSession.select().count() == 0


def test_an_older_database_has_its_notes_moved_and_sealed_by_the_upgrade(database, notes_key):
    """Release 2 kept one notes column per session, shown to every attendee as 'only you and your supervisor'."""
    t = fd.team()
    one = f.session(t.gp, t.asha, date(2026, 10, 1))
    grouped = f.session(t.gp, [t.asha, t.ben], date(2026, 10, 2))
    make_release_2()
    for session_id, words in ((one.id, "one to one words"), (grouped.id, "said at the group")):
        db.database.execute_sql(
            f"UPDATE supervision_session SET private_notes = {'%s' if db.is_postgres() else '?'} WHERE id = "
            f"{session_id}", (words,))
    assert db.migrate_schema(notes_key=notes_key) == (2, db.LATEST_VERSION)
    raw = json.dumps([list(r) for r in db.database.execute_sql("SELECT * FROM supervision_session").fetchall()] +
                     [list(r) for r in db.database.execute_sql("SELECT * FROM session_attendee").fetchall()],
                     default=str)
    assert "one to one words" not in raw and "said at the group" not in raw
    attended = caseload.sessions_attended(t.asha.id, TODAY, notes_key=notes_key)
    (asha_one, asha_group) = sorted(attended, key=lambda v: v.on)
    assert asha_one.private_note_of(t.asha.id) == "one to one words"
    assert "said at the group" not in repr(asha_group) and "said at the group" not in repr(
        caseload.sessions_attended(t.ben.id, TODAY, notes_key=notes_key))
    views, _ = caseload.supervisor_log(t.gp.id, date(2026, 9, 1), TODAY, notes_key=notes_key)
    by_day = {v.on: v for v in views}
    assert by_day[date(2026, 10, 2)].supervisor_notes == "said at the group"  # kept for the one who wrote it
    assert db.migrate_schema() == (db.LATEST_VERSION, db.LATEST_VERSION)


def _text(blob: bytes) -> str:
    if blob[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            return "\n".join(_text(z.read(n)) for n in z.namelist())
    if blob[:4] == b"%PDF":
        from pypdf import PdfReader

        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(blob)).pages)
    return blob.decode("utf-8", errors="replace")
