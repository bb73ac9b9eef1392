"""Retention: leavers past the period are anonymised, nobody else is touched, and the audit shows it."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from tests import factories as f
from tests import factories_data as fd
from tracker import note_crypto
from tracker.models import (
    ApiToken,
    AuditEvent,
    Employment,
    Person,
    Role,
    SessionAttendee,
    SupervisionSession,
    TrainingRecord,
    User,
)
from tracker.services import audit, retention, tokens
from tracker.views.population import snapshot

AS_OF = date(2032, 6, 30)
LONG_AGO = AS_OF - timedelta(days=2191)  # one day more than six years


@pytest.fixture
def leavers(database):  # type: ignore[no-untyped-def]
    t = fd.team()
    old = f.person("Olive", "Oldham", "CC", t.practice, start=date(2020, 1, 6), end=LONG_AGO, staff_id="L0001",
                   email="olive@example.org")
    recent = f.person("Rita", "Recent", "CC", t.practice, start=date(2020, 1, 6), end=AS_OF - timedelta(days=2190),
                      staff_id="L0002")
    return t, old, recent


def test_a_leaver_past_the_period_is_anonymised_and_archived(leavers):
    t, old, recent = leavers
    assert retention.anonymise_leavers(AS_OF, 2190) == [retention.anon_staff_id(old.id)]
    gone = Person.get_by_id(old.id)
    assert (gone.first_name, gone.email, gone.archived) == ("Anonymised", None, True)
    assert gone.staff_id.startswith("ANON-")
    [event] = AuditEvent.select().where(AuditEvent.action == "anonymise")
    assert (event.entity, event.entity_id, event.actor) == ("person", str(old.id), "retention job")
    assert '"retention_days": 2190' in event.after


def test_nobody_else_is_touched(leavers):
    t, old, recent = leavers
    retention.anonymise_leavers(AS_OF, 2190)
    # Exactly six years ago is not MORE than six years ago.
    assert Person.get_by_id(recent.id).first_name == "Rita"
    assert Person.get_by_id(t.asha.id).staff_id == "E1001"  # still employed


def test_someone_who_left_one_job_but_holds_another_is_not_a_leaver(leavers):
    t, old, recent = leavers
    mover = f.person("Max", "Mover", "CC", t.practice, start=date(2019, 1, 1), end=date(2020, 1, 1), staff_id="M1")
    Employment.create(person=mover, role=Role.get(Role.code == "SPLW"), employer=t.charity,
                        start_date=date(2020, 1, 2))
    retention.anonymise_leavers(AS_OF, 2190)
    assert Person.get_by_id(mover.id).staff_id == "M1"


def test_running_twice_anonymises_once(leavers):
    retention.anonymise_leavers(AS_OF, 2190)
    assert retention.anonymise_leavers(AS_OF + timedelta(days=1), 2190) == [
        retention.anon_staff_id(leavers[2].id)  # Rita's period has now run out too
    ]
    assert retention.anonymise_leavers(AS_OF + timedelta(days=1), 2190) == []
    assert AuditEvent.select().where(AuditEvent.action == "anonymise").count() == 2


def test_the_period_comes_from_the_settings(leavers):
    t, old, recent = leavers
    assert retention.retention_days_of(SimpleNamespace()) == 2190
    assert retention.retention_days_of(SimpleNamespace(retention_days=30)) == 30
    with pytest.raises(ValueError):
        retention.anonymise_leavers(AS_OF, 0)


def test_past_compliance_figures_still_add_up(leavers):
    t, old, recent = leavers
    f.trained(old, "SG-L2", date(2020, 2, 1))
    f.session(t.gp, old, date(2020, 3, 3))
    when = date(2020, 4, 15)
    before = {r.person_id: r for r in snapshot(when)}[old.id]
    retention.anonymise_leavers(AS_OF, 2190)
    after = {r.person_id: r for r in snapshot(when)}[old.id]
    assert dataclasses.replace(after, staff_id=before.staff_id, name=before.name) == before
    assert after.name == f"Anonymised person {old.id}"


def test_their_sign_ins_notes_queries_and_files_go(leavers, tmp_path, notes_key):
    t, old, recent = leavers
    user = fd.user("olive@example.org", person=old)
    issued = tokens.create(user.id, "api")
    s = f.session(t.gp, old, date(2020, 3, 3))
    f.private_note(s, old, "Olive's health", notes_key)
    group = f.session(t.gp, [old, recent], date(2020, 3, 10))
    f.private_note(group, old, "Olive at the group", notes_key)
    f.private_note(group, recent, "about Rita", notes_key)
    f.group_summary(group, "the group's plan", notes_key)
    record = f.trained(old, "FIRE", date(2020, 2, 1))
    record.certificate_path = f"{old.id}/cert.pdf"
    record.save()
    (tmp_path / str(old.id)).mkdir()
    (tmp_path / str(old.id) / "cert.pdf").write_bytes(b"%PDF-")
    retention.anonymise_leavers(AS_OF, 2190, uploads_root=tmp_path)
    gone = User.get_by_id(user.id)
    assert (gone.active, gone.email) == (False, f"anonymised-user-{user.id}@invalid")
    assert tokens.verify(issued.secret, "api") is None
    assert ApiToken.get_by_id(issued.token_id).revoked_at is not None
    notes = {(a.session_id, a.person_id): a.private_note for a in SessionAttendee.select()}
    assert notes[(s.id, old.id)] == notes[(group.id, old.id)] == ""
    assert note_crypto.unseal(notes[(group.id, recent.id)], note_crypto.attendee_place(group.id, recent.id),
                              notes_key) == "about Rita"
    summary = SupervisionSession.get_by_id(group.id).group_summary
    assert note_crypto.unseal(summary, note_crypto.summary_place(group.id), notes_key) == "the group's plan"  # not hers alone
    assert TrainingRecord.get_by_id(record.id).certificate_path is None
    assert not (tmp_path / str(old.id)).exists()


def test_earlier_audit_events_keep_what_happened_but_not_who(leavers):
    t, old, recent = leavers
    audit.record("olive@example.org", "update", "person", old.id, {"email": None}, {"email": "olive@example.org",
                                                                                  "first_name": "Olive"})
    audit.record("lead@example.org", "update", "person", recent.id, None, {"first_name": "Rita"})
    fd.user("olive@example.org", person=old)
    retention.anonymise_leavers(AS_OF, 2190)
    everything = " ".join(f"{e.actor} {e.before} {e.after}" for e in AuditEvent.select())
    assert "Olive" not in everything and "olive@example.org" not in everything
    assert "Rita" in everything  # someone else's history is untouched
    assert AuditEvent.select().where(
        (AuditEvent.entity == "person") & (AuditEvent.entity_id == str(old.id)) & (AuditEvent.action == "update")
    ).count() == 1
