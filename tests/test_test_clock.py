"""The awkward-dates run (TRACKER_TEST_TODAY) really moves the clock the code reads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from tests.conftest import TEST_TODAY, _travel_destination
from tracker import clock

LONDON = ZoneInfo("Europe/London")


def test_a_bare_date_means_noon_in_london_and_an_offset_is_kept() -> None:
    assert _travel_destination("2028-02-29") == datetime(2028, 2, 29, 12, 0, tzinfo=LONDON)
    assert _travel_destination("2026-12-31T23:30:00+00:00").utcoffset() == timedelta(0)


def test_the_clock_reads_the_travelled_day_when_one_is_set() -> None:
    if TEST_TODAY:
        expected = _travel_destination(TEST_TODAY).astimezone(LONDON)
        assert abs(clock.now("Europe/London") - expected) < timedelta(minutes=20)
    else:
        with time_machine.travel(datetime(2028, 2, 29, 23, 59, tzinfo=LONDON), tick=False):
            assert clock.now("Europe/London") == datetime(2028, 2, 29, 23, 59, tzinfo=LONDON)
            assert clock.today("Europe/London") == date(2028, 2, 29)
