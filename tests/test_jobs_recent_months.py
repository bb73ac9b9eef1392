"""The scan asks the engine for only the recent supervision months (Rules.recent_months): what it decides must be
exactly what the full twelve months decide, whatever the day, the rules' periods or the people's histories."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jobs.reminders import plan
from tests import factories as f
from tests.jobs_support import settings_for, team
from tracker import compliance as c
from tracker.dates import add_months
from tracker.models import Employment, Role, SupervisionRule, SupervisorAssignment, User
from tracker.views.population import load_records, load_rules

FIRST_DAY = date(2026, 1, 1)


def sessions(supervisor, supervisee, months: list[int], minutes: int = 60, day: int = 5) -> None:
    """A session on `day` of each of these months, counted from January 2025."""
    for m in months:
        f.session(supervisor, supervisee, add_months(date(2025, 1, day), m), minutes)


def population() -> None:
    """A monthly team, a quarterly one and a six-monthly one; irregular sessions over two years, absences, a
    starter, a leaver, a move between employers, and leads for each employer."""
    t = team()
    sam = t.sam
    quarterly = f.org("Quarterly Practice", "gp_practice")
    half_yearly = f.org("Half-Year Hub")
    SupervisionRule.create(employer=quarterly, min_minutes=150, kinds="clinical", group_counts=True, period_months=3)
    SupervisionRule.create(employer=half_yearly, min_minutes=240, kinds="clinical", group_counts=True,
                           period_months=6)
    User.create(email="qlead@team.test", password_hash="x", roles="lead", lead_employer=quarterly)
    User.create(email="hlead@team.test", password_hash="x", roles="lead", lead_employer=half_yearly)
    sessions(sam, t.asha, [m for m in range(24) if m % 4 != 2])
    f.trained(t.asha, "SG-L2", date(2023, 12, 1))
    people = []
    for n, (employer, start) in enumerate([
        ("Northside Community Trust", date(2024, 6, 1)), (quarterly, date(2024, 3, 1)),
        (quarterly, date(2026, 4, 14)), (half_yearly, date(2023, 9, 1)), (half_yearly, date(2026, 2, 1)),
        (quarterly, date(2025, 11, 20)),
    ]):
        p = f.person(f"Staff{n}", "Person", role="OPM", employer=employer, start=start, email=f"staff{n}@team.test")
        SupervisorAssignment.create(supervisor=sam, supervisee=p, kind="clinical", start_date=start)
        people.append(p)
    sessions(sam, people[0], list(range(0, 24, 2)), minutes=90)
    sessions(sam, people[1], [1, 2, 5, 9, 13, 14, 15, 19, 22], minutes=80, day=27)
    sessions(sam, people[2], [16, 17, 19, 20, 23], minutes=50)
    sessions(sam, people[3], [0, 3, 7, 8, 12, 16, 17, 21], minutes=120, day=12)
    sessions(sam, people[4], [13, 15, 18, 19, 22])
    sessions(sam, people[5], list(range(11, 24, 3)), minutes=150)
    f.session(sam, [people[1], people[2], people[5]], date(2026, 7, 8), 60)  # a group session
    f.absent(people[1], date(2026, 2, 2), date(2026, 3, 20))
    f.absent(people[3], date(2026, 5, 10), date(2026, 9, 30))
    f.absent(t.asha, date(2026, 10, 1), date(2026, 10, 25))
    Employment.update(end_date=date(2026, 8, 31)).where(Employment.person == people[4]).execute()
    Employment.update(end_date=date(2026, 6, 15)).where(Employment.person == people[0]).execute()
    Employment.create(person=people[0], role=Role.get(Role.code == "OPM"), employer=quarterly,
                      start_date=date(2026, 6, 16))


def days_of_a_year() -> list[date]:
    """The 1st, 10th, 20th, 28th and last of every month of 2026, and the turn of the year."""
    days = {date(2025, 12, 31), date(2027, 1, 1)}
    for m in range(12):
        first = add_months(FIRST_DAY, m)
        days |= {first, first.replace(day=10), first.replace(day=20), first.replace(day=28),
                 add_months(first, 1) - timedelta(days=1)}
    return sorted(days)


@pytest.fixture
def settings(tmp_path):
    return settings_for(None, tmp_path, smtp_host="localhost", mail_from="reminders@tracker.test")


def test_rules_say_how_many_months_decide_a_status(database):
    population()
    rules = load_rules()
    assert (rules.widest_period, rules.recent_months) == (6, 7)
    assert c.Rules(courses={}).recent_months == 2  # every rule monthly: this month and the last
    twelve = c.Rules(courses={}, supervision=[c.SupervisionRuleSpec("role", "X", period_months=12)])
    assert twelve.recent_months == c.MONTHS_SHOWN


def test_the_scan_decides_the_same_reminders_with_the_recent_months_as_with_all_twelve(database, settings):
    population()
    stages: set[str] = set()
    for day in days_of_a_year():
        # the confirmation links are signed with the time they are made: one instant for both plans
        with time_machine.travel(datetime(day.year, day.month, day.day, 7, tzinfo=ZoneInfo("Europe/London")),
                                 tick=False):
            shortened = plan(day, settings)
            full = plan(day, settings, months=c.MONTHS_SHOWN)
        assert shortened == full, day
        assert [n.key for n in shortened] == [n.key for n in full]
        stages |= {n.stage for n in full}
    # the year's scans hold every kind of supervision reminder, so the comparison had something to compare
    assert {"supervision-due", "supervision-missed", "expired"} <= stages


def test_the_engine_gives_the_same_colour_reasons_and_recent_months_with_the_shortened_history(database):
    population()
    rules = load_rules()
    recent = rules.recent_months
    for day in days_of_a_year():
        full = c.assess_all(load_records(day, widest_period=rules.widest_period), rules, day)
        short = c.assess_all(
            load_records(day, months=recent, widest_period=rules.widest_period), rules, day, months=recent
        )
        assert [p.person_id for p in short] == [p.person_id for p in full]
        for s, w in zip(short, full, strict=True):
            assert (s.rag, s.reasons, s.training, s.policies, s.employment) == (w.rag, w.reasons, w.training,
                                                                              w.policies, w.employment), day
            window = add_months(day.replace(day=1), -(recent - 1))
            assert s.months == tuple(m for m in w.months if m.month >= window), day
