"""Supervisors: my supervisees, logging a session, my log; supervisees: confirming or querying a session."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.data_tables import cell_texts, every_text, grid, links, row_links, rows_by
from tests.data_tables import spec as table_spec
from tests.ui_fixtures import Team, build_team, sign_in, sign_out, ui_database  # noqa: F401
from tracker import clock, note_crypto
from tracker.access import Viewer
from tracker.dates import add_months, month_start, uk
from tracker.errors import PermissionDenied
from tracker.models import AuditEvent, SessionAttendee, SupervisionSession, User
from tracker.services.supervision import log_own_session
from tracker.views.access_facts import viewer_for_user

pytestmark = pytest.mark.usefixtures("ui_database")


def today() -> date:
    return clock.today()


def last_month(day: int = 10) -> date:
    return add_months(month_start(today()), -1).replace(day=day)


def viewer_of(email: str) -> Viewer:
    viewer = viewer_for_user(User.get(User.email == email).id)
    assert viewer is not None
    return viewer


def caseload_table(user: Visitor) -> dict[str, dict[str, Any]]:
    return rows_by(table_spec(user, "supervisees-table"), "person")


async def test_my_supervisees_puts_who_missed_last_month_first(user: Visitor) -> None:
    team = build_team()
    f.session(team.grace, team.asha, last_month(), minutes=60)
    f.session(team.grace, team.asha, today(), minutes=60)
    await sign_in(user, "grace@example.nhs.uk")
    await user.should_see("My supervisees")
    rows = caseload_table(user)
    assert list(rows) == [str(team.ben.id), str(team.asha.id)]  # the most urgent first
    assert {pid: row["data"]["state"] for pid, row in rows.items()} == {
        str(team.asha.id): "met", str(team.ben.id): "missed_last_month"}
    ben, asha = cell_texts(rows[str(team.ben.id)]), cell_texts(rows[str(team.asha.id)])
    assert ben[2].startswith("Missed last month")
    assert asha[2].endswith("60 of 60 minutes") and asha[3] == uk(today())
    assert "Cara Lewis" not in every_text(table_spec(user, "supervisees-table"))
    await user.should_not_see("Cara Lewis")


async def test_a_supervisor_logs_a_group_session_in_one_go(user: Visitor, notes_key: bytes) -> None:
    team = build_team()
    await sign_in(user, "grace@example.nhs.uk")
    log = next(p for p in row_links(caseload_table(user)[str(team.asha.id)]) if p["data"].get("log") == str(team.asha.id))
    assert (log["link"], log["label"]) == ("Log session", "Log session with Asha Patel")
    await user.open(log["href"])
    await user.should_see("Save the session")
    chooser = user.find(marker="supervisees").elements.pop()
    assert chooser.value == [team.asha.id]
    chooser.value = [team.asha.id, team.ben.id]
    assert user.find(marker="format").elements.pop().value == "group"
    user.find(marker="topics").type("Caseload and safeguarding")
    user.find(marker=f"note-{team.asha.id}").type("Asha is finding home visits hard")
    user.find(marker=f"note-{team.ben.id}").type("Ben asked for a phone session next time")
    user.find(marker="group-summary").type("We agreed to share the drop-in rota")
    user.find(marker="save").click()
    await user.should_see("Session logged with Asha Patel, Ben Okafor", retries=40)
    session = SupervisionSession.get()
    assert (session.date, session.minutes, session.format, session.kind) == (today(), 60, "group", "clinical")
    assert {a.person_id for a in SessionAttendee.select()} == {team.asha.id, team.ben.id}
    notes = {a.person_id: note_crypto.unseal(a.private_note, note_crypto.attendee_place(session.id, a.person_id), notes_key)
             for a in SessionAttendee.select()}
    assert notes == {team.asha.id: "Asha is finding home visits hard",
                     team.ben.id: "Ben asked for a phone session next time"}
    assert note_crypto.unseal(session.group_summary, note_crypto.summary_place(session.id), notes_key) == (
        "We agreed to share the drop-in rota")
    assert "home visits" not in session.group_summary + "".join(a.private_note for a in SessionAttendee.select())
    event = AuditEvent.get(AuditEvent.entity == "supervision_session")
    assert "home visits hard" not in (event.after or "") and "rota" not in (event.after or "")


async def test_a_bad_session_is_refused_with_a_message_and_nothing_is_written(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "grace@example.nhs.uk", then=f"/supervision/log?with={team.asha.id}")
    user.find(marker="date").elements.pop().value = (today() + timedelta(days=3)).strftime("%d/%m/%Y")
    user.find(marker="save").click()
    await user.should_see("in the future", retries=40)
    assert SupervisionSession.select().count() == 0


async def test_a_session_form_wrong_everywhere_shows_each_problem_at_its_field_and_in_a_summary(
    user: Visitor,
) -> None:
    build_team()
    await sign_in(user, "grace@example.nhs.uk", then="/supervision/log")  # nobody chosen
    user.find(marker="date").elements.pop().value = "31/02/2026"
    user.find(marker="minutes").elements.pop().value = "5000"
    user.find(marker="save").click()
    await user.should_see("There are 3 problems", retries=40)
    await user.should_see("Supervisee(s): at least one supervisee is required")
    await user.should_see("Minutes: Enter a whole number from 1 to 480 minutes: 5000 is out of range.")
    await user.should_see("Date: '31/02/2026' is not a valid date")
    assert user.find(marker="supervisees").elements.pop().error == "At least one supervisee is required"
    assert user.find(marker="minutes").elements.pop().error == (
        "Enter a whole number from 1 to 480 minutes: 5000 is out of range.")
    assert user.find(marker="problems").elements.pop().props["role"] == "alert"
    assert SupervisionSession.select().count() == 0


async def test_minutes_the_field_refuses_are_never_saved_as_the_service_might_read_them(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "grace@example.nhs.uk", then=f"/supervision/log?with={team.asha.id}")
    user.find(marker="minutes").elements.pop().value = "45.0"  # not a whole number as typed: never read as 45
    user.find(marker="save").click()
    await user.should_see("There is a problem", retries=40)
    await user.should_see("Minutes: Enter a whole number from 1 to 480 minutes: '45.0' is not one.")
    assert SupervisionSession.select().count() == 0


async def test_a_session_cannot_be_logged_for_someone_who_is_not_a_supervisee(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "grace@example.nhs.uk", then=f"/supervision/log?with={team.cara.id}")
    chooser = user.find(marker="supervisees").elements.pop()
    assert chooser.value == []
    assert team.cara.id not in chooser.options
    with pytest.raises(PermissionDenied):
        log_own_session(viewer_of("grace@example.nhs.uk"), today(), 60, "clinical", None, "in_person",
                        [team.cara.id], today=today())
    assert SupervisionSession.select().count() == 0


async def test_a_supervisor_may_open_a_supervisee_but_not_anyone_else(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "grace@example.nhs.uk", then=f"/people/{team.asha.id}")
    await user.should_see("Log a session with Asha Patel")
    await user.open(f"/people/{team.cara.id}")
    await user.should_see("Not allowed")
    await user.should_not_see("Cara Lewis")


async def test_the_supervision_log_filters_and_totals(user: Visitor) -> None:
    team = build_team()
    f.session(team.grace, [team.asha, team.ben], last_month(5), minutes=90)
    f.session(team.grace, team.asha, last_month(20), minutes=45, kind="educational")
    f.session(team.cara, team.ben, last_month(21), minutes=30)  # given by someone else
    await sign_in(user, "grace@example.nhs.uk", then="/supervision/sessions")
    await user.should_see("2 sessions")
    await user.should_see("135 minutes (2 h 15 min)")
    await user.should_see("2 people")
    sessions = grid(user, "sessions", key="data-session")
    assert len(sessions) == 2
    group = next(cells for cells in sessions.values() if cells[2].text == "90")
    assert group[0].text == uk(last_month(5))
    assert group[1].text == "Ben Okafor Awaiting confirmation\nAsha Patel Awaiting confirmation"
    assert [c.text for c in group[3:5]] == ["Clinical", "Group, In person"]
    assert group[5].text.startswith("Details\nTopics: —\nAgreed actions: —\nNext session: —\nGroup summary")
    user.find(marker="kind").elements.pop().value = "educational"
    user.find(marker="apply").click()
    await user.should_see("1 session", retries=40)
    await user.should_see("45 minutes (0 h 45 min)")
    assert [cells[3].text for cells in grid(user, "sessions", key="data-session").values()] == ["Educational"]


async def test_the_log_links_each_supervisee_and_folds_the_notes_under_details(
    user: Visitor, notes_key: bytes
) -> None:
    team = build_team()
    session = f.session(team.grace, [team.asha, team.ben], last_month(5), minutes=90)
    f.private_note(session, team.asha, "Asha's own note", notes_key)
    f.group_summary(session, "Rota agreed", notes_key)
    await sign_in(user, "grace@example.nhs.uk", then="/supervision/sessions")
    await user.should_see("1 session")
    spec = table_spec(user, "sessions")
    assert spec["caption"] == "Sessions you gave, newest first"
    assert [row["data"] for row in spec["rows"]] == [{"session": session.id}]
    people, details = spec["rows"][0]["cells"][1], spec["rows"][0]["cells"][5]
    assert [found for p in people["parts"] for found in links(p)] == [
        ("Ben Okafor", f"/people/{team.ben.id}"), ("Asha Patel", f"/people/{team.asha.id}")]  # by surname
    fold = details["parts"][0]
    assert fold["fold"] == "Details"
    assert [(p["para"], p.get("italic", False)) for p in fold["parts"][3:]] == [
        ("Group summary (shared with everyone at the session): Rota agreed", False),
        ("Private note with Ben Okafor (only you and they see it): —", True),
        ("Private note with Asha Patel (only you and they see it): Asha's own note", True),
    ]


async def test_a_long_log_is_drawn_twenty_five_sessions_at_a_time_with_totals_over_all(user: Visitor) -> None:
    team = build_team()
    first = add_months(month_start(today()), -11)
    for n in range(60):
        f.session(team.grace, team.asha, first + timedelta(days=n * 5), minutes=30)
    await sign_in(user, "grace@example.nhs.uk", then="/supervision/sessions")
    await user.should_see("60 sessions")
    await user.should_see("Showing the newest 25 of 60 sessions")
    assert len(_session_rows(user)) == 25
    user.find(marker="more").click()
    await user.should_see("Showing the newest 50 of 60 sessions", retries=40)
    assert len(_session_rows(user)) == 50
    user.find(marker="more").click()
    await user.should_not_see("Showing the newest", retries=40)
    assert len(_session_rows(user)) == 60


def _session_rows(user: Visitor) -> list[str]:
    return list(grid(user, "sessions", key="data-session"))


async def test_a_supervisee_confirms_a_session_and_sees_the_month_met(user: Visitor, notes_key: bytes) -> None:
    team = build_team()
    session = f.session(team.grace, [team.asha, team.ben], today(), minutes=60)
    f.private_note(session, team.asha, "Talked about stress", notes_key)
    f.private_note(session, team.ben, "Ben's worry about his caseload", notes_key)
    f.group_summary(session, "Rota agreed", notes_key)
    await sign_in(user, "asha@example.nhs.uk", then="/my-sessions")
    await user.should_see("1 waiting for you to confirm")
    await user.should_see("also attending: Ben Okafor")
    await user.should_see("Your private note (only you and your supervisor see it): Talked about stress")
    await user.should_see("Group summary (shared with everyone at this session): Rota agreed")
    await user.should_not_see("Ben's worry")
    user.find(marker=f"confirm-{session.id}").click()
    await user.should_see("the session is confirmed", retries=40)
    row = SessionAttendee.get((SessionAttendee.session == session.id) & (SessionAttendee.person == team.asha.id))
    assert row.confirmation == "confirmed"
    await user.open("/me")
    (strip,) = user.find(marker="months").elements
    this_month = next(cell for cell in strip.props["spec"]["rows"][0]["cells"]
                      if cell.get("data", {}).get("month") == month_start(today()).isoformat())
    assert this_month["data"]["status"] == "met"


async def test_a_supervisee_queries_a_session_and_the_supervisor_sees_why(user: Visitor) -> None:
    team = build_team()
    session = f.session(team.grace, team.asha, today(), minutes=60)
    await sign_in(user, "asha@example.nhs.uk", then="/my-sessions")
    user.find(marker=f"question-{session.id}").type("It lasted 30 minutes, not 60")
    user.find(marker=f"query-{session.id}").click()
    await user.should_see("Your query was sent", retries=40)
    await sign_out(user)
    await sign_in(user, "grace@example.nhs.uk", then="/supervision/sessions")
    await user.should_see("1 session")
    [(_, cells)] = grid(user, "sessions", key="data-session").items()
    assert cells[1].text == "Asha Patel Queried\nQuery: It lasted 30 minutes, not 60"


async def test_private_notes_are_not_shown_to_a_lead(user: Visitor, notes_key: bytes) -> None:
    team: Team = build_team()
    session = f.session(team.grace, team.asha, today(), minutes=60)
    f.private_note(session, team.asha, "Very private", notes_key)
    await sign_in(user, "lead.north@example.nhs.uk", then=f"/people/{team.asha.id}")
    await user.should_see("Asha Patel")
    await user.should_not_see("Very private")
