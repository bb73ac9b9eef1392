"""The trend: each person's statuses on many days worked out together (compliance.statuses_on) equal, day by
day, the per-date engine's answer; and the trend's points equal a summary of the snapshot at each date, on
SQLite and PostgreSQL."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tracker import compliance as c
from tracker.access import Scope
from tracker.dates import add_months, month_end, month_start
from tracker.models import (
    EmployerPolicy,
    Employment,
    Organisation,
    PolicyAcknowledgement,
    PolicyTopic,
    Role,
    SupervisionRule,
)
from tracker.views.population import _records_over, load_rules, snapshot, snapshots, trend_summaries
from tracker.views.report_data import trend as report_trend
from tracker.views.team_cache import TeamCache
from tracker.views.team_views import trend_days

D = date
ROLES = ("A", "B")
EMPLOYERS = (1, 2)
COURSES = {
    i.code: i
    for i in (
        c.CourseInfo("SG-L1", "Safeguarding Level 1", c.COMBINED, 1, 36),
        c.CourseInfo("SG-L3", "Safeguarding Level 3", c.COMBINED, 3, 36),
        c.CourseInfo("SGA-L3", "Safeguarding Adults Level 3", c.ADULTS, 3, 36),
        c.CourseInfo("SGC-L3", "Safeguarding Children Level 3", c.CHILDREN, 3, 36),
        c.CourseInfo("FIRE", "Fire Safety", None, None, 12),
        c.CourseInfo("IG", "Information Governance", None, None, 12),
        c.CourseInfo("REG", "Professional registration", None, None, 0, "registration"),
    )
}
POLICIES = [c.PolicyItem(1, 1, "Home visits", "2"), c.PolicyItem(2, 2, "Lone working", "1"),
            c.PolicyItem(3, 2, "Records", "3", requires_acknowledgement=False)]

days_between = st.dates(D(2023, 6, 1), D(2026, 12, 31))
renewals = st.sampled_from([None, 0, 1, 6, 12, 36])
periods = st.sampled_from((1, 1, 1, *c.PERIOD_MONTHS))  # monthly most often, as in practice


@st.composite
def rules_strategy(draw: st.DrawFn, items: bool = True) -> c.Rules:
    requirements = []
    for course in COURSES if items else ():
        for scope, keys in (("role", ROLES), ("employer", EMPLOYERS)):
            for key in keys:
                if draw(st.integers(0, 3)) == 0:
                    allowance = draw(st.sampled_from([None, 0, 30, 90, 200]))
                    requirements.append(c.RequirementRule(course, scope, key, draw(renewals), allowance))
    supervision = [
        c.SupervisionRuleSpec(
            scope, key, draw(st.sampled_from([30, 60, 90])),
            draw(st.sampled_from([frozenset({"clinical"}), frozenset({"clinical", "managerial"})])),
            draw(st.booleans()), draw(periods),
        )
        for scope, keys in (("role", ROLES), ("employer", EMPLOYERS))
        for key in keys
        if draw(st.booleans())
    ]
    default = c.SupervisionRuleSpec("default", "", 60, c.DEFAULT_KINDS, True, draw(periods))
    return c.Rules(
        COURSES, requirements, supervision, POLICIES if items else [], warning_days=draw(st.sampled_from([0, 10, 60])),
        new_starter_days=draw(st.sampled_from([0, 90])), default_supervision=default,
    )


@st.composite
def person_strategy(
    draw: st.DrawFn, sessions: int = 25, most_jobs: int = 3
) -> tuple[c.PersonRecords, list[tuple[int, str, date]]]:
    jobs = []
    for _ in range(draw(st.integers(1, most_jobs))):
        start = draw(st.dates(D(2022, 1, 1), D(2026, 10, 1)))
        end = draw(st.none() | st.dates(start, D(2027, 1, 1)))
        jobs.append(c.EmploymentSpan(draw(st.sampled_from(ROLES)), draw(st.sampled_from(EMPLOYERS)), start, end))
    jobs.sort(key=lambda j: j.start)
    completions = [
        c.Completion(draw(st.sampled_from(sorted(COURSES))), on, draw(st.none() | st.dates(on, D(2028, 1, 1))))
        for on in draw(st.lists(st.dates(D(2021, 1, 1), D(2026, 12, 31)), max_size=10))
    ]
    attendances = [
        c.Attendance(on, draw(st.sampled_from([15, 30, 45, 60, 90])), draw(st.sampled_from(["clinical", "managerial"])),
                     draw(st.booleans()))
        for on in draw(st.lists(st.dates(D(2022, 6, 1), D(2026, 12, 31)), max_size=sessions))
    ]
    absences = []
    for start in draw(st.lists(st.dates(D(2022, 6, 1), D(2026, 12, 31)), max_size=3)):
        absences.append(c.AbsenceSpan(start, start + timedelta(days=draw(st.integers(0, 120)))))
    acks = [
        (policy, version, on)
        for policy, version, on in draw(st.lists(
            st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from(["1", "2", "3"]), days_between), max_size=4))
    ]
    records = c.PersonRecords(7, "S7", "Asha Patel", jobs, completions, attendances, absences)
    return records, acks


def month_ends(as_of: date) -> list[date]:
    return trend_days(as_of)


trend_day_lists = st.one_of(
    st.lists(days_between, min_size=1, max_size=14),
    days_between.map(month_ends),
    st.lists(st.one_of(days_between, days_between.map(month_end)), min_size=1, max_size=14),
    # days about when a month's last ten days begin (supervision in progress turns amber)
    st.lists(st.tuples(days_between, st.integers(8, 12)).map(lambda d: month_end(d[0]) - timedelta(days=d[1])),
             min_size=1, max_size=14),
)


def expected(records: c.PersonRecords, rules: c.Rules, day: date, acks: list[tuple[int, str, date]] | None):
    """The per-date engine's answer: the snapshot's record of the person on day, as `snapshots` gives it."""
    if acks is not None:
        records = replace(records, acknowledged={(p, v) for p, v, on in acks if on <= day})
    if not any(e.active_on(day) for e in records.employments):
        return None
    return c.day_status(c.assess(records, rules, day), add_months(month_start(day), -1))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rules_strategy(), person=person_strategy(), days=trend_day_lists, dated=st.booleans())
def test_statuses_on_many_days_equal_the_per_date_engine_on_each(rules, person, days, dated):
    records, acks = person
    if not dated:  # acknowledgements known as a set, true on every day
        records = replace(records, acknowledged={(p, v) for p, v, _on in acks})
    given_acks = acks if dated else None
    got = c.statuses_on(records, rules, days, given_acks)
    assert got == [expected(records, rules, day, given_acks) for day in days]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rules_strategy(), person=person_strategy(most_jobs=1), days=trend_day_lists, dated=st.booleans())
def test_one_jobs_statuses_on_many_days_equal_the_per_date_engine_on_each(rules, person, days, dated):
    """One job, the usual case, has a way of its own (each item's statuses from its dates of change)."""
    records, acks = person
    if not dated:
        records = replace(records, acknowledged={(p, v) for p, v, _on in acks})
    given_acks = acks if dated else None
    memo = c.TrendMemo()
    got = c.statuses_on(records, rules, days, given_acks, memo)
    assert got == [expected(records, rules, day, None if not dated else acks) for day in days]
    assert c.statuses_on(records, rules, days, given_acks, memo) == got  # the memo, filled, gives the same


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rules_strategy(items=False), person=person_strategy(sessions=80), days=trend_day_lists)
def test_supervision_alone_on_many_days_equals_the_per_date_engine_on_each(rules, person, days):
    """No items and no policies: the colour is supervision's alone, nothing hides a difference in it."""
    records, _acks = person
    assert c.statuses_on(records, rules, days) == [expected(records, rules, day, None) for day in days]


@settings(max_examples=100, deadline=None)
@given(rules=rules_strategy(), people=st.lists(person_strategy(), min_size=1, max_size=6), as_of=days_between)
def test_the_summary_of_statuses_equals_the_summary_of_assessments(rules, people, as_of):
    results = [c.assess(replace(r, person_id=i), rules, as_of) for i, (r, _acks) in enumerate(people)]
    results = [r for r in results if r.active]
    statuses = [s for i, (r, _a) in enumerate(people) for s in c.statuses_on(replace(r, person_id=i), rules, [as_of])]
    assert c.summarise_statuses(s for s in statuses if s is not None) == c.summarise(results, as_of)


# ---- on the database --------------------------------------------------------------------------------------

AS_OF = D(2025, 11, 20)
NORTH, SOUTH = "Northside Community Trust", "Southside Practice"


def _a_varied_team() -> Organisation:
    """Starters, leavers, expiring and missing training, supervision met and missed, a quarterly rule, an
    absence and policies signed at different times, across two employers."""
    north, south = f.org(NORTH), f.org(SOUTH, kind="gp_practice")
    supervisor = f.person("Grace", "Okafor", role="SC", employer=south, start=D(2020, 1, 1))
    SupervisionRule.create(employer=south, min_minutes=90, kinds="clinical", group_counts=True, period_months=3)
    f.employer_requirement(north, "FIRE", 12)
    home_visits = EmployerPolicy.create(
        employer=north, topic=PolicyTopic.get(PolicyTopic.name == "Home visits"), version="2",
        requires_acknowledgement=True,
    )
    for i in range(14):
        employer = north if i % 3 else south
        start = D(2023, 1, 1) + timedelta(days=47 * i)
        end = D(2025, 8, 31) if i == 5 else None
        p = f.person(f"Staff{i}", "Smith", employer=employer, start=start, end=end)
        if i % 4:
            f.trained(p, "SG-L2", D(2022, 9, 1) + timedelta(days=61 * i))
        f.trained(p, "FIRE", D(2024, 1, 15) + timedelta(days=29 * i))
        if i % 5 == 0:
            f.trained(p, "FIRE", D(2025, 3, 1) + timedelta(days=11 * i))
        for month in range(0, 24, 1 + i % 3):
            f.session(supervisor, p, add_months(D(2024, 1, 10), month), minutes=30 + 15 * (i % 4))
        if i % 6 == 1:
            f.absent(p, D(2025, 2, 1), D(2025, 4, 30))
        if i % 2:
            PolicyAcknowledgement.create(
                person=p, policy=home_visits, version="2", acknowledged_on=D(2025, 1, 1) + timedelta(days=30 * i)
            )
    return north


def test_the_trend_equals_a_summary_of_the_snapshot_at_each_date(database):
    north = _a_varied_team()
    days = trend_days(AS_OF)
    rules = load_rules()
    for scope in (Scope(), Scope(employer_id=north.id)):
        wanted = {day: c.summarise(snapshot(day, scope), day) for day in days}
        assert len({s.people for s in wanted.values()}) > 1  # people start and leave within the year
        assert trend_summaries(days, scope, rules) == wanted
        read_once = snapshots(days, scope, rules)
        assert {day: c.summarise(read_once[day], day) for day in days} == wanted
        assert [(p.day, p.summary) for p in TeamCache().trend(scope, AS_OF)] == list(wanted.items())
        assert [(p.day, p.summary) for p in report_trend(AS_OF, scope, rules)] == list(wanted.items())
        current = snapshot(AS_OF, scope, rules)
        assert [(p.day, p.summary) for p in report_trend(AS_OF, scope, rules, current)] == list(wanted.items())


def test_a_day_before_a_months_end_counts_only_the_sessions_made_by_then():
    """Met by a session on the 28th; on the 25th the month is still in progress (amber, 6 days left), though
    a later day of the same trend finds it met."""
    rules = c.Rules(COURSES)
    sessions = [c.Attendance(D(2025, month, 5), 60, "clinical") for month in range(1, 10)]
    sessions.append(c.Attendance(D(2025, 10, 28), 60, "clinical"))
    records = c.PersonRecords(1, "S1", "Asha Patel", [c.EmploymentSpan("A", 1, D(2020, 1, 1))], [], sessions)
    days = [D(2025, 10, 25), D(2025, 11, 30)]
    got = c.statuses_on(records, rules, days)
    assert got == [expected(records, rules, day, None) for day in days]
    assert got[0] is not None and got[0].rag == c.AMBER


# Month ends (one in a leap year), days either side of the 29th of February, days mid-month and days with 11 and
# 10 days of the month left
SEEDED_DAYS = [
    D(2023, 12, 31), D(2024, 1, 31), D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1), D(2024, 3, 31), D(2024, 6, 15),
    D(2024, 6, 20), D(2024, 6, 21), D(2024, 9, 30), D(2024, 12, 31), D(2025, 1, 21), D(2025, 1, 22), D(2025, 2, 28),
    D(2025, 3, 20), D(2025, 6, 30), D(2025, 11, 20),
]


def _a_random_team(rng: random.Random) -> None:
    """A small population drawn from a seeded random source: one, two or three jobs, starters and leavers,
    records made before and within the days, sessions of several kinds, absences, policies signed at times."""
    north, south = f.org(NORTH), f.org(SOUTH, kind="gp_practice")
    supervisor = f.person("Grace", "Okafor", role="SC", employer=south, start=D(2020, 1, 1))
    SupervisionRule.create(employer=south, min_minutes=90, kinds="clinical", group_counts=False, period_months=3)
    f.employer_requirement(north, "FIRE", rng.choice([6, 12]))
    f.employer_requirement(south, "SGA-L3", 36)
    home_visits = EmployerPolicy.create(
        employer=north, topic=PolicyTopic.get(PolicyTopic.name == "Home visits"), version="2",
        requires_acknowledgement=True,
    )
    for i in range(30):
        start = D(2022, 6, 1) + timedelta(days=rng.randrange(0, 1000))
        end = rng.choice([None, None, start + timedelta(days=rng.randrange(30, 700))])
        employer = rng.choice([north, south])
        p = f.person(f"Staff{i}", "Jones", role=rng.choice(["SPLW", "SC"]), employer=employer, start=start, end=end)
        for _ in range(rng.randrange(0, 3)):  # a move or a second post
            later = start + timedelta(days=rng.randrange(1, 600))
            Employment.create(
                person=p, role=Role.get(Role.code == rng.choice(["SPLW", "SC"])), employer=rng.choice([north, south]),
                start_date=later, end_date=rng.choice([None, later + timedelta(days=rng.randrange(0, 400))]),
            )
        for _ in range(rng.randrange(0, 8)):
            course = rng.choice(["FIRE", "IG", "SG-L1", "SG-L2", "SG-L3", "SGA-L2", "SGA-L3", "SGC-L3", "PREVENT"])
            f.trained(p, course, D(2021, 1, 1) + timedelta(days=rng.randrange(0, 1600)))
        regular = rng.random() < 0.7  # most are supervised most months, often enough to be met
        for month in range(42):
            if rng.random() < (0.85 if regular else 0.2):
                on = add_months(D(2022, 1, 1), month) + timedelta(days=rng.randrange(0, 28))
                f.session(supervisor, p, on, minutes=rng.choice([30, 60, 90, 90]),
                          kind=rng.choice(["clinical", "clinical", "managerial"]))
        if rng.random() < 0.3:
            away = D(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))
            f.absent(p, away, away + timedelta(days=rng.randrange(0, 120)))
        if rng.random() < 0.5:
            PolicyAcknowledgement.create(
                person=p, policy=home_visits, version="2",
                acknowledged_on=D(2023, 6, 1) + timedelta(days=rng.randrange(0, 800)),
            )


def test_statuses_on_equal_assess_on_each_day_for_a_seeded_random_team(database):
    """Everyone of a randomly drawn team, read as the trend reads them, on month ends, days around the 29th of
    February and mid-month days: statuses_on gives exactly the per-date engine's answer on each day, and the
    trend the summary of the snapshot at each day."""
    _a_random_team(random.Random(15))
    rules = load_rules()
    population, dated_acks = _records_over(SEEDED_DAYS, Scope(), rules, shown=1 + rules.widest_period)
    assert any(len(r.employments) == 1 for r in population) and any(len(r.employments) > 1 for r in population)
    memo = c.TrendMemo()
    for records in population:
        acks = dated_acks.get(records.person_id)
        assert c.statuses_on(records, rules, SEEDED_DAYS, acks, memo) == [
            expected(records, rules, day, acks) for day in SEEDED_DAYS
        ]
        shuffled = random.Random(records.person_id).sample(SEEDED_DAYS, len(SEEDED_DAYS))
        assert c.statuses_on(records, rules, shuffled, acks, memo) == [
            expected(records, rules, day, acks) for day in shuffled
        ]
    north = Organisation.get(Organisation.name == NORTH)
    for scope in (Scope(), Scope(employer_id=north.id)):
        assert trend_summaries(SEEDED_DAYS, scope, rules) == {
            day: c.summarise(snapshot(day, scope, rules), day) for day in SEEDED_DAYS
        }


def test_a_status_changes_on_its_date_of_change_itself():
    """The trend finds each item's status from its dates of change (the expiry, the due-soon date before it,
    the allowance's end): on each such day, the day before and the day after, it is the per-date engine's."""
    rules = c.Rules(COURSES, [c.RequirementRule("FIRE", "role", "A", 12, 30), c.RequirementRule("IG", "role", "A", 12)],
                    warning_days=60)
    start = D(2025, 1, 10)
    fire_due_by = start + timedelta(days=30)
    ig_done = D(2024, 3, 15)
    ig_expiry = add_months(ig_done, 12)
    changes = [fire_due_by, ig_expiry, ig_expiry - timedelta(days=60)]
    days = sorted({day + timedelta(days=shift) for day in changes for shift in (-1, 0, 1)})
    records = c.PersonRecords(
        1, "S1", "Asha Patel", [c.EmploymentSpan("A", 1, start)], [c.Completion("IG", ig_done)],
        [c.Attendance(add_months(D(2024, 12, 3), i), 60, "clinical") for i in range(6)],
    )
    got = c.statuses_on(records, rules, days)
    assert got == [expected(records, rules, day, None) for day in days]
    statuses = {(day, code): status for day, s in zip(days, got, strict=True) if s for code, status in s.courses}
    assert statuses[fire_due_by - timedelta(days=1), "FIRE"] == c.DUE and statuses[fire_due_by, "FIRE"] == c.MISSING
    assert statuses[ig_expiry - timedelta(days=61), "IG"] == c.COMPLIANT
    assert statuses[ig_expiry - timedelta(days=60), "IG"] == c.DUE_SOON
    assert statuses[ig_expiry, "IG"] == c.EXPIRED
