"""Calendar files parse back with icalendar and hold the right dates, described in Europe/London."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from nicegui import app

from tests import factories as f
from tests import factories_data as fd
from tracker.services import tokens
from tracker.settings import Settings
from tracker.views import access_facts, calendar_ics
from ui.app_settings import hand_over
from ui.pages import calendar_feed

STAMP = datetime(2026, 3, 28, 23, 30, tzinfo=ZoneInfo("Europe/London"))  # the night before the clocks change


def events(ics: bytes) -> dict[str, dict]:
    cal = Calendar.from_ical(ics)
    return {
        str(e["summary"]): {"start": e.decoded("dtstart"), "end": e.decoded("dtend"), "uid": str(e["uid"]),
                            "description": str(e.get("description", ""))}
        for e in cal.walk("VEVENT")
    }


def test_a_calendar_describes_the_europe_london_zone(database):
    ics = calendar_ics.build_calendar("x", [calendar_ics.CalendarEntry("a", date(2026, 3, 29), "Clocks change")], STAMP)
    cal = Calendar.from_ical(ics)
    [zone] = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert str(cal["x-wr-timezone"]) == "Europe/London"
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == date(2026, 3, 29)  # an all-day date, not a time that could drift
    assert not isinstance(event.decoded("dtstart"), datetime)
    assert event.decoded("dtstamp") == datetime(2026, 3, 28, 23, 30, tzinfo=ZoneInfo("UTC"))  # GMT on 28/03


def test_a_supervisors_calendar_holds_booked_sessions_and_agreed_next_dates(database, notes_key):
    t = fd.team()
    past = f.session(t.gp, t.asha, date(2026, 2, 10))
    past.next_date = date(2026, 3, 30)  # British Summer Time began the day before
    past.save()
    f.session(t.gp, [t.ben, t.carol], date(2026, 4, 7), minutes=90)
    f.notes_everywhere("secret matter", notes_key)
    old = f.session(t.gp, t.carol, date(2026, 1, 5))  # before the feed's start: left out
    old.next_date = date(2026, 2, 5)
    old.save()
    found = events(calendar_ics.supervisor_calendar(t.gp.id, date(2026, 3, 1), STAMP))
    assert found["Next supervision with Asha Patel (planned)"]["start"] == date(2026, 3, 30)
    assert found["Next supervision with Asha Patel (planned)"]["end"] == date(2026, 3, 31)
    assert found["Supervision with Carol Nguyen, Ben Okafor"]["start"] == date(2026, 4, 7)
    assert "90 minutes" in found["Supervision with Carol Nguyen, Ben Okafor"]["description"]
    assert len(found) == 2
    assert b"secret" not in calendar_ics.supervisor_calendar(t.gp.id, date(2026, 3, 1), STAMP)


def test_a_planned_date_already_booked_appears_once(database):
    t = fd.team()
    first = f.session(t.gp, t.asha, date(2026, 3, 2))
    first.next_date = date(2026, 4, 6)
    first.save()
    f.session(t.gp, t.asha, date(2026, 4, 6))
    found = events(calendar_ics.supervisor_calendar(t.gp.id, date(2026, 3, 10), STAMP))
    assert list(found) == ["Supervision with Asha Patel"]


def test_a_persons_expiry_dates_are_the_engines(database):
    t = fd.team()
    f.trained(t.asha, "SG-L2", date(2023, 10, 31))  # 36 months: expires 31/10/2026, the day BST ends
    f.trained(t.asha, "FIRE", date(2026, 1, 31))  # 12 months: 31/01/2027
    found = events(calendar_ics.expiry_calendar(t.asha.id, date(2026, 6, 1), STAMP))
    sg2 = found["Safeguarding Adults and Children Level 2 expires"]
    assert sg2["start"] == date(2026, 10, 31)
    assert "31/10/2026" in sg2["description"]
    assert found["Fire Safety expires"]["start"] == date(2027, 1, 31)
    # Never done and still within the new-starter allowance: the day it is due by.
    assert found["Information Governance and Data Security due"]["start"] == date(2024, 3, 31)


def test_uids_are_stable_between_downloads(database):
    t = fd.team()
    f.trained(t.asha, "SG-L2", date(2023, 10, 31))
    first = events(calendar_ics.expiry_calendar(t.asha.id, date(2026, 6, 1), STAMP))
    again = events(calendar_ics.expiry_calendar(t.asha.id, date(2026, 6, 1), datetime(2026, 7, 1, tzinfo=ZoneInfo("UTC"))))
    assert {k: v["uid"] for k, v in first.items()} == {k: v["uid"] for k, v in again.items()}


def test_the_feed_joins_a_supervisors_own_expiries_and_the_sessions_they_give(database):
    t = fd.team()
    f.employer_requirement(t.practice, "SG-L3", None)  # the practice asks its GPs for Level 3
    f.trained(t.gp, "SG-L3", date(2025, 5, 1))
    f.session(t.gp, t.asha, date(2026, 9, 1))
    viewer = access_facts.viewer_for_user(fd.user("gp@example.org", "staff;supervisor", person=t.gp).id)
    found = events(calendar_ics.user_feed(viewer, date(2026, 6, 1), STAMP))
    assert found["Safeguarding Adults and Children Level 3 expires"]["start"] == date(2028, 5, 1)
    assert found["Supervision with Asha Patel"]["start"] == date(2026, 9, 1)


def test_a_supervisees_feed_shows_their_sessions_not_other_peoples(database):
    t = fd.team()
    f.session(t.gp, t.asha, date(2026, 9, 1))
    f.session(t.gp, t.ben, date(2026, 9, 2))
    viewer = access_facts.viewer_for_user(fd.user("asha@example.org", person=t.asha).id)
    found = events(calendar_ics.user_feed(viewer, date(2026, 6, 1), STAMP))
    sessions = {k: v for k, v in found.items() if k.startswith("Supervision")}
    assert sessions == {"Supervision with Grace Hughes": sessions["Supervision with Grace Hughes"]}
    assert sessions["Supervision with Grace Hughes"]["start"] == date(2026, 9, 1)


@pytest.fixture
def client() -> Iterator[TestClient]:
    hand_over(app, Settings())
    calendar_feed.register()
    yield TestClient(app, raise_server_exceptions=False)


def test_the_private_feed_url_serves_the_calendar_until_revoked(database, client):
    t = fd.team()
    owner = fd.user("asha@example.org", person=t.asha)
    issued = tokens.create(owner.id, "calendar", "phone")
    f.session(t.gp, t.asha, date(2099, 1, 5))
    answer = client.get(f"/calendar/{issued.secret}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert events(answer.content)["Supervision with Grace Hughes"]["start"] == date(2099, 1, 5)
    tokens.revoke(issued.token_id, owner)
    assert client.get(f"/calendar/{issued.secret}.ics").status_code == 404


def test_an_api_token_does_not_open_a_calendar_feed(database, client):
    owner = fd.user("asha@example.org")
    issued = tokens.create(owner.id, "api")
    assert client.get(f"/calendar/{issued.secret}.ics").status_code == 404
    assert client.get("/calendar/made-up.ics").status_code == 404


@pytest.mark.parametrize("name", ["Smith, Jones; and \\ Co", "Line one\nBEGIN:VEVENT\nSUMMARY:planted", "<img src=x onerror=alert(1)>"])
def test_the_calendar_name_is_escaped_text(database, name):
    ics = calendar_ics.build_calendar(name, [calendar_ics.CalendarEntry("a", date(2026, 3, 29), "One")], STAMP)
    [line] = [x for x in ics.split(b"\r\n") if x.startswith(b"X-WR-CALNAME")]
    assert b"\n" not in line and b";" not in line.replace(b"\\;", b"")
    assert len(Calendar.from_ical(ics).walk("VEVENT")) == 1


def test_control_characters_never_reach_the_calendar(database):
    hostile = "A\x00n\x1b[2Jn\x7fe\x01\x0b\x0c\x1f"
    ics = calendar_ics.build_calendar(
        f"Cal {hostile}", [calendar_ics.CalendarEntry("a", date(2026, 3, 29), f"With {hostile}", f"Tab\tkept\n{hostile}")],
        STAMP)
    assert not any(b in ics for b in (b"\x00", b"\x1b", b"\x7f", b"\x01", b"\x0b", b"\x0c", b"\x1f"))
    cal = Calendar.from_ical(ics)
    assert str(cal["X-WR-CALNAME"]) == "Cal An[2Jne"
    [event] = cal.walk("VEVENT")
    assert (str(event["SUMMARY"]), str(event["DESCRIPTION"])) == ("With An[2Jne", "Tab\tkept\nAn[2Jne")


def test_a_name_with_control_characters_gives_a_feed_that_parses(database):
    t = fd.team()
    t.asha.first_name = "As\x1bh\x7fa"  # PostgreSQL refuses a NUL in text, so the NUL is tested above
    t.asha.save()
    f.session(t.gp, t.asha, date(2026, 4, 7))
    ics = calendar_ics.supervisor_calendar(t.gp.id, date(2026, 3, 1), STAMP)
    assert b"\x1b" not in ics and b"\x7f" not in ics
    assert "Supervision with Asha Patel" in events(ics)
