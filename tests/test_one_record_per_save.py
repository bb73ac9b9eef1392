"""One click, one record, and nothing changed silently: a session just like one already logged is asked about
first; a leaver's last day can be corrected or undone (audited); whole numbers are refused, never rounded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.ui_fixtures import build_team
from tracker.errors import NeedsConfirmation, ValidationError
from tracker.models import AuditEvent, Employment, Person, SupervisionSession
from tracker.services import people, supervision
from ui.components import whole_number_problem

ON = date(2026, 3, 10)


def log(team, minutes: int = 60, **more):  # type: ignore[no-untyped-def]
    return supervision.log_session("grace", team.grace.id, ON, minutes, "clinical", "one_to_one", "in_person",
                                   [team.asha.id], today=ON, **more)


def test_a_session_just_like_one_logged_is_asked_about_and_saved_only_when_confirmed(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = build_team()
    first = log(team)
    # logged at 09:02 UTC on a summer day: 10:02 in London (BST); the repeat comes three minutes later
    SupervisionSession.update(recorded_at=datetime(2026, 7, 10, 9, 2)).where(SupervisionSession.id == first.id).execute()
    monkeypatch.setattr(supervision, "clock_now", lambda: datetime(2026, 7, 10, 9, 5, tzinfo=UTC).astimezone(
        supervision.clock_zone()))
    with pytest.raises(NeedsConfirmation, match="this looks like the session you logged at 10:02 — save another"):
        log(team)
    assert SupervisionSession.select().count() == 1
    log(team, minutes=45)  # not the same session: no question
    log(team, repeat_ok=True)  # asked, and the supervisor said yes
    assert SupervisionSession.select().count() == 3
    SupervisionSession.update(recorded_at=datetime(2026, 7, 10, 9, 2)).execute()
    monkeypatch.setattr(supervision, "clock_now", lambda: datetime(2026, 7, 11, 9, 5, tzinfo=UTC))
    with pytest.raises(NeedsConfirmation, match="logged at 10:02 on 10/07/2026"):  # on another day, the day too
        log(team, minutes=45)


def test_a_leavers_last_day_is_corrected_then_undone_and_each_change_is_audited(database: str) -> None:
    team = build_team()
    people.record_leaver("admin", team.cara.id, date(2030, 1, 1))
    people.correct_leaving("admin", team.cara.id, "31/03/2026")
    assert Employment.get(Employment.person == team.cara.id).end_date == date(2026, 3, 31)
    people.correct_leaving("admin", team.cara.id, None)
    assert Employment.get(Employment.person == team.cara.id).end_date is None
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.entity == "person").order_by(AuditEvent.id)]
    assert actions[-3:] == ["leaver", "leaver_corrected", "leaver_undone"]
    with pytest.raises(ValidationError, match="has not left"):
        people.correct_leaving("admin", team.cara.id, "01/04/2026")
    people.record_leaver("admin", team.cara.id, date(2026, 1, 1))
    people.archive_person("admin", team.cara.id)
    with pytest.raises(ValidationError, match="restore Cara Lewis"):
        people.correct_leaving("admin", team.cara.id, None)
    assert Person.get_by_id(team.cara.id).archived


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("60", None), ("1", None), ("480", None), (" 45 ", None),
        ("0", "Enter a whole number from 1 to 480 minutes: 0 is out of range."),
        ("-5", "Enter a whole number from 1 to 480 minutes: -5 is out of range."),
        ("5000", "Enter a whole number from 1 to 480 minutes: 5000 is out of range."),
        ("7.5", "Enter a whole number from 1 to 480 minutes: '7.5' is not one."),
        ("", "Enter a whole number from 1 to 480 minutes."),
        ("1e3", "Enter a whole number from 1 to 480 minutes: '1e3' is not one."),
    ],
)
def test_whole_numbers_are_refused_in_words_never_rounded(typed: str, problem: str | None) -> None:
    assert whole_number_problem(typed, 1, 480, "minutes") == problem
