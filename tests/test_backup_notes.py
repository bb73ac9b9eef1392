"""A backup an administrator downloads holds no private note in plain text; a restore on the same installation
reads them again; elsewhere, without the notes key, they show as unavailable until the key is copied over."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from jobs import backup_job
from tests import factories_data as fd
from tests.old_schemas import make_release_2
from tracker import db, key_files, note_crypto
from tracker.services import backup, supervision
from tracker.settings import Settings
from tracker.views import caseload

TODAY = date(2026, 11, 20)
NOTE = "ASHA-IS-WORRIED-ABOUT-HER-HOUSING"
SUMMARY = "THE-GROUP-AGREED-A-ROTA"
OLD_NOTE = "WRITTEN-BEFORE-NOTES-WERE-SEALED"


def _readable(path: Path) -> bytes:
    """Every byte of the backup, and for a pg_dump file (compressed) the SQL it holds as well."""
    raw = path.read_bytes()
    if path.suffix == ".dump":
        raw += subprocess.run(["pg_restore", "--file=-", str(path)], capture_output=True, check=True).stdout
    return raw


@pytest.fixture
def noted(database, tmp_path):  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(Settings.from_env(), database_url=database, data_dir=tmp_path / "data")
    t = fd.team()
    supervision.log_session("gp@example.org", t.gp.id, date(2026, 11, 10), 60, "clinical", "group", "in_person",
                            [t.asha.id, t.ben.id], "", "", None, {t.asha.id: NOTE}, SUMMARY, today=TODAY,
                            notes_key=note_crypto.note_key(settings))
    return t, settings


def _asha_sees(t, settings: Settings) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """What Asha reads with the notes key of the installation `settings` describe."""
    (view,) = caseload.sessions_attended(t.asha.id, TODAY, notes_key=note_crypto.note_key(settings))
    return view.private_note_of(t.asha.id), view.group_summary


def test_a_backup_made_through_the_app_holds_no_note_in_plain_text(noted):
    t, settings = noted
    made = backup_job.backup_now(settings, "admin@example.org").path
    readable = _readable(made)
    assert NOTE.encode() not in readable and SUMMARY.encode() not in readable
    assert note_crypto.PREFIX.encode() in readable  # the notes are there, sealed
    assert note_crypto.key_path(settings).read_bytes() not in readable  # and the key is not


def test_a_restore_on_the_same_installation_shows_the_notes_again(noted):
    t, settings = noted
    made = backup_job.backup_now(settings, "admin@example.org").path
    supervision.log_session("gp@example.org", t.gp.id, date(2026, 11, 12), 30, "clinical", "one_to_one",
                            "phone", [t.carol.id], today=TODAY)
    backup_job.restore_held(settings, made.name, "admin@example.org", note_crypto.note_key(settings))
    assert _asha_sees(t, settings) == (NOTE, SUMMARY)


def test_elsewhere_the_notes_are_unavailable_until_the_key_is_copied(noted, tmp_path):
    t, settings = noted
    made = backup.backup(settings.database_url, tmp_path / ("copy" + (".dump" if "postgres" in
                                                                        settings.database_url else ".db")))
    elsewhere = dataclasses.replace(settings, data_dir=tmp_path / "other-installation")
    backup.restore(elsewhere.database_url, made, notes_key=note_crypto.note_key(elsewhere))
    assert _asha_sees(t, elsewhere) == (note_crypto.UNAVAILABLE, note_crypto.UNAVAILABLE)
    key = note_crypto.key_path(elsewhere)
    shutil.copyfile(note_crypto.key_path(settings), key)
    key_files.forget(key)  # the app reads the key at start; a restart after copying it
    assert _asha_sees(t, elsewhere) == (NOTE, SUMMARY)


def test_a_backup_from_before_notes_were_sealed_is_sealed_by_the_restore(database, tmp_path):
    settings = Settings(database_url=database, data_dir=tmp_path / "data")
    t = fd.team()
    session = supervision.log_session("gp@example.org", t.gp.id, date(2026, 11, 10), 60, "clinical", "one_to_one",
                                      "in_person", [t.asha.id], today=TODAY)
    make_release_2()
    mark = "%s" if db.is_postgres() else "?"
    db.database.execute_sql(f"UPDATE supervision_session SET private_notes = {mark} WHERE id = {mark}",
                            (OLD_NOTE, session.id))
    old = backup.backup(database, tmp_path / ("release-2" + (".dump" if db.is_postgres() else ".db")))
    assert OLD_NOTE.encode() in _readable(old)
    db.migrate_schema(note_crypto.note_key(settings))  # the app, upgraded since, holds other data by now
    result = backup.restore(database, old, notes_key=note_crypto.note_key(settings))
    assert (result.schema_version, db.schema_version()) == (2, db.LATEST_VERSION)
    assert _asha_sees(t, settings)[0] == OLD_NOTE
    again = backup.backup(database, tmp_path / ("now" + old.suffix))
    assert OLD_NOTE.encode() not in _readable(again)
