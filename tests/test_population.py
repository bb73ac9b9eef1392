"""The loader: real SQLite and PostgreSQL, a fixed handful of queries, scopes, and which records count."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest

from tests import factories as f
from tracker import db
from tracker.access import Scope
from tracker.models import (
    EmployerPolicy,
    Employment,
    Organisation,
    Pcn,
    Person,
    PolicyAcknowledgement,
    PolicyTopic,
    Role,
)
from tracker.views.population import load_records, person_compliance, snapshot

AS_OF = date(2025, 11, 21)
NORTH, SOUTH = "Northside Community Trust", "Southside Practice"


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Every SQL statement the database runs inside the block."""
    seen: list[str] = []
    real = db.database.obj.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return real(sql, params, *args, **kwargs)

    db.database.obj.execute_sql = execute_sql
    try:
        yield seen
    finally:
        del db.database.obj.execute_sql  # back to the class's method


def policy(employer: Organisation, version: str = "2", topic: str = "Home visits") -> EmployerPolicy:
    return EmployerPolicy.create(
        employer=employer,
        topic=PolicyTopic.get(PolicyTopic.name == topic),
        version=version,
        requires_acknowledgement=True,
    )


def with_history(n: int, supervisor: Person, home_visits: EmployerPolicy) -> None:
    """n link workers, each with training, a one-to-one, a group session, an absence and a policy signed."""
    for i in range(n):
        p = f.person(first=f"Staff{i}", start=date(2023, 1, 1))
        f.trained(p, "SG-L2", date(2024, 3, 1))
        f.trained(p, "FIRE", date(2025, 2, 1))
        f.session(supervisor, p, date(2025, 10, 10))
        f.absent(p, date(2025, 6, 1), date(2025, 6, 20))
        PolicyAcknowledgement.create(
            person=p, policy=home_visits, version="2", acknowledged_on=date(2025, 1, 5)
        )
    people = list(Person.select().where(Person.first_name.startswith("Staff")).limit(3))
    f.session(supervisor, people, date(2025, 9, 9), minutes=90)


def job(
    person: Person, employer: Organisation, pcn: Pcn | None, start: date, end: date | None = None
) -> None:
    Employment.create(
        person=person,
        role=Role.get(Role.code == "SPLW"),
        employer=employer,
        pcn=pcn,
        start_date=start,
        end_date=end,
    )


# ---- a fixed handful of queries ---------------------------------------------------------------------------


def test_a_snapshot_takes_the_same_number_of_queries_for_3_people_as_for_60(database):
    supervisor = f.person("Grace", "Okafor", role="SC", employer=SOUTH)
    home_visits = policy(f.org(NORTH))
    with_history(3, supervisor, home_visits)
    with counting_queries() as few:
        small = snapshot(AS_OF)
    with_history(57, supervisor, home_visits)
    with counting_queries() as many:
        large = snapshot(AS_OF)
    assert (len(small), len(large)) == (4, 61)
    assert len(few) == len(many) <= 12
    assert all(r.last_session is not None for r in large if r.person_id != supervisor.id)


def test_loading_records_takes_the_same_number_of_queries_for_any_scope_size(database):
    supervisor = f.person("Grace", "Okafor", role="SC", employer=SOUTH)
    with_history(20, supervisor, policy(f.org(NORTH)))
    ids = [p.id for p in Person.select(Person.id)]
    counts = []
    for chosen in (ids[:1], ids[:5], ids):
        with counting_queries() as seen:
            assert len(load_records(AS_OF, Scope(person_ids=frozenset(chosen)))) == len(chosen)
        counts.append(len(seen))
    assert counts[0] == counts[1] == counts[2]


# ---- scopes -----------------------------------------------------------------------------------------------


@pytest.fixture
def two_pcns(database):
    north, south = f.org(NORTH), f.org(SOUTH, kind="gp_practice")
    pcn_1, pcn_2 = Pcn.create(name="Riverside PCN"), Pcn.create(name="Hilltop PCN")
    people = {}
    for name in ("north", "south", "leaver", "mover", "future"):
        people[name] = Person.create(staff_id=name.upper(), first_name=name.title(), last_name="Test")
    job(people["north"], north, pcn_1, date(2022, 1, 1))
    job(people["south"], south, pcn_2, date(2022, 1, 1))
    job(people["leaver"], north, pcn_1, date(2022, 1, 1), date(2025, 10, 31))
    job(people["mover"], north, pcn_1, date(2022, 1, 1), date(2025, 6, 30))
    job(people["mover"], south, pcn_2, date(2025, 7, 1))
    job(people["future"], north, pcn_1, date(2025, 12, 1))
    return {"north": north, "south": south, "pcn_1": pcn_1, "pcn_2": pcn_2, **people}


def staff_ids(results) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.staff_id for r in results}


def test_an_employer_scope_holds_only_that_employers_current_staff(two_pcns):
    assert staff_ids(snapshot(AS_OF, Scope(employer_id=two_pcns["north"].id))) == {"NORTH"}
    assert staff_ids(snapshot(AS_OF, Scope(employer_id=two_pcns["south"].id))) == {"SOUTH", "MOVER"}


def test_a_pcn_scope_holds_the_staff_hosted_by_that_pcn(two_pcns):
    assert staff_ids(snapshot(AS_OF, Scope(pcn_id=two_pcns["pcn_1"].id))) == {"NORTH"}
    assert staff_ids(snapshot(AS_OF, Scope(pcn_id=two_pcns["pcn_2"].id))) == {"SOUTH", "MOVER"}


def test_a_scope_is_taken_as_at_the_date(two_pcns):
    on = date(2025, 5, 1)
    assert staff_ids(snapshot(on, Scope(employer_id=two_pcns["north"].id))) == {"NORTH", "LEAVER", "MOVER"}
    assert staff_ids(snapshot(on)) == {"NORTH", "SOUTH", "LEAVER", "MOVER"}


def test_a_mover_keeps_their_whole_employment_history(two_pcns):
    records = {r.staff_id: r for r in load_records(AS_OF, Scope(employer_id=two_pcns["south"].id))}["MOVER"]
    assert [(e.employer_name, e.start, e.end) for e in records.employments] == [
        (NORTH, date(2022, 1, 1), date(2025, 6, 30)),
        (SOUTH, date(2025, 7, 1), None),
    ]


def test_one_person_and_a_leaver(two_pcns):
    assert person_compliance(999_999, AS_OF) is None
    leaver = person_compliance(two_pcns["leaver"].id, AS_OF)
    assert leaver is not None and leaver.employment is None and not leaver.active
    current = person_compliance(two_pcns["north"].id, AS_OF)
    assert current is not None and current.employment is not None
    assert (current.employment.role, current.employment.employer_name) == ("SPLW", NORTH)


# ---- which records count ----------------------------------------------------------------------------------


def fire(result):  # type: ignore[no-untyped-def]
    return next(t for t in result.training if t.course == "FIRE")


@pytest.mark.parametrize("state", ["pending", "rejected"])
def test_evidence_not_yet_approved_does_not_count(database, state):
    asha = f.person(start=date(2023, 1, 1))
    f.trained(asha, "FIRE", date(2024, 6, 1))
    f.trained(asha, "FIRE", date(2025, 10, 1), state=state)
    [result] = snapshot(AS_OF)
    assert (fire(result).completed_on, fire(result).status) == (date(2024, 6, 1), "expired")


def test_approved_evidence_counts(database):
    asha = f.person(start=date(2023, 1, 1))
    f.trained(asha, "FIRE", date(2024, 6, 1))
    f.trained(asha, "FIRE", date(2025, 10, 1), state="approved")
    [result] = snapshot(AS_OF)
    assert (fire(result).completed_on, fire(result).status) == (date(2025, 10, 1), "compliant")


def test_pending_evidence_alone_leaves_the_course_missing(database):
    asha = f.person(start=date(2023, 1, 1))
    f.trained(asha, "FIRE", date(2025, 10, 1), state="pending")
    [result] = snapshot(AS_OF)
    assert fire(result).status == "missing"


def test_training_completed_after_the_as_at_date_does_not_count(database):
    asha = f.person(start=date(2023, 1, 1))
    f.trained(asha, "FIRE", date(2024, 6, 1))
    f.trained(asha, "FIRE", date(2025, 11, 22))
    [result] = snapshot(AS_OF)
    assert fire(result).completed_on == date(2024, 6, 1)


@pytest.mark.parametrize(
    "signed_on, acknowledged",
    [(date(2025, 1, 1), True), (AS_OF, True), (date(2025, 11, 22), False)],
)
def test_an_acknowledgement_counts_only_on_or_before_the_as_at_date(database, signed_on, acknowledged):
    asha = f.person(start=date(2023, 1, 1))
    home_visits = policy(f.org(NORTH))
    PolicyAcknowledgement.create(person=asha, policy=home_visits, version="2", acknowledged_on=signed_on)
    [result] = snapshot(AS_OF)
    assert [(p.topic, p.acknowledged) for p in result.policies] == [("Home visits", acknowledged)]
    assert ("Policy 'Home visits' version 2 not yet acknowledged" in result.reasons) is not acknowledged


def test_an_acknowledgement_of_an_older_version_does_not_count(database):
    asha = f.person(start=date(2023, 1, 1))
    PolicyAcknowledgement.create(person=asha, policy=policy(f.org(NORTH)), version="1", acknowledged_on=AS_OF)
    [result] = snapshot(AS_OF)
    assert [p.acknowledged for p in result.policies] == [False]


# ---- the rules, through the database ----------------------------------------------------------------------


def test_group_sessions_and_employer_rules_come_through_the_loader(database):
    north = f.org(NORTH)
    f.employer_supervision_rule(north, 90, kinds="clinical;practice", group_counts=False)
    grace = f.person("Grace", "Okafor", role="SC", employer=SOUTH)
    asha, ben = f.person("Asha", employer=north), f.person("Ben", employer=SOUTH)
    f.session(grace, [asha, ben], date(2025, 10, 3), minutes=90)  # a group
    f.session(grace, asha, date(2025, 10, 20), minutes=60, kind="practice")
    f.session(grace, asha, date(2025, 11, 25), minutes=600)  # after the as-at date
    results = {r.staff_id: r for r in snapshot(AS_OF)}
    october, november = date(2025, 10, 1), date(2025, 11, 1)
    asha_oct = results[asha.staff_id].month(october)
    ben_oct = results[ben.staff_id].month(october)
    assert asha_oct is not None and ben_oct is not None
    assert (asha_oct.minutes, asha_oct.required, asha_oct.status) == (60, 90, "missed")  # group left out
    assert (ben_oct.minutes, ben_oct.required, ben_oct.status) == (90, 60, "met")  # group counts for Ben
    assert results[asha.staff_id].month(november).minutes == 0  # type: ignore[union-attr]
    assert results[asha.staff_id].last_session == date(2025, 10, 20)


def test_an_employer_renewal_overrides_the_course_default(database):
    north = f.org(NORTH)
    f.employer_requirement(north, "SG-L2", 12)
    asha, ben = f.person("Asha", employer=north), f.person("Ben", employer=SOUTH)
    for p in (asha, ben):
        f.trained(p, "SG-L3", date(2024, 6, 1))
    results = {r.staff_id: next(t for t in r.training if t.course == "SG-L2") for r in snapshot(AS_OF)}
    assert (results[asha.staff_id].expires_on, results[asha.staff_id].status) == (date(2025, 6, 1), "expired")
    assert (results[ben.staff_id].expires_on, results[ben.staff_id].status) == (date(2027, 6, 1), "compliant")
    assert results[asha.staff_id].satisfied_by == "SG-L3"


def test_an_absence_pauses_the_month(database):
    asha = f.person(start=date(2023, 1, 1))
    f.absent(asha, date(2025, 10, 1), date(2025, 10, 16))
    [result] = snapshot(AS_OF)
    assert result.month(date(2025, 10, 1)).status == "paused"  # type: ignore[union-attr]
    assert result.month(date(2025, 9, 1)).status == "missed"  # type: ignore[union-attr]


def test_records_hold_real_dates_on_both_databases(database):
    asha = f.person(start=date(2023, 1, 31), end=date(2026, 2, 28))
    f.trained(asha, "FIRE", date(2024, 2, 29))
    f.session(f.person("Grace", role="SC"), asha, date(2025, 10, 31))
    f.absent(asha, date(2025, 3, 1), date(2025, 3, 2))
    [records] = load_records(AS_OF, Scope(person_ids=frozenset({asha.id})))
    values = [
        records.employments[0].start,
        records.employments[0].end,
        records.completions[0].completed_on,
        records.attendances[0].date,
        records.absences[0].start,
    ]
    assert values == [
        date(2023, 1, 31),
        date(2026, 2, 28),
        date(2024, 2, 29),
        date(2025, 10, 31),
        date(2025, 3, 1),
    ]
    assert all(type(v) is date for v in values)


# ---- the engine against an independent SQL statement of the same rules -------------------------------------


def test_the_engine_agrees_with_the_benchmarks_sql_floor(database):
    """A small synthetic population (role changes, leavers, employer overrides, group sessions, absences):
    every course status and every month's minutes from the engine match the benchmark's one SQL query.
    (At the 20th of a month no expiry needs clamping, so SQL's month arithmetic gives the same dates.)"""
    from bench.floor import run_floor
    from bench.population import AS_OF as BENCH_DAY
    from bench.population import Shape, build
    from tracker.models import Course

    counts = build(None, Shape(staff=300, employers=8, pcns=3, seed=7))
    assert counts["people"] == 300 and counts["attendances"] > 5000 and counts["training_records"] > 2000
    codes = dict(Course.select(Course.id, Course.code).tuples())
    courses, months = {}, {}
    for person_id, course_id, done, status, month, minutes in run_floor(BENCH_DAY):
        if course_id is not None:
            done_on = done if done is None or isinstance(done, date) else date.fromisoformat(done)
            courses[person_id, codes[course_id]] = (status, done_on)
        else:
            months[person_id, month] = minutes
    results = snapshot(BENCH_DAY)
    engine_courses = {
        (r.person_id, t.course): (t.status, t.completed_on) for r in results for t in r.training
    }
    assert engine_courses == courses
    assert {s for s, _ in courses.values()} == {"compliant", "due_soon", "expired", "due", "missing"}
    one_job = {r.person_id for r in load_records(BENCH_DAY) if len(r.employments) == 1}
    engine_months = {
        (r.person_id, f"{m.month:%Y-%m}"): m.minutes
        for r in results
        for m in r.months
        if m.minutes and r.person_id in one_job
    }
    assert engine_months == {key: minutes for key, minutes in months.items() if key[0] in one_job}
    assert len(engine_months) > 2000


@pytest.mark.parametrize("limit", [1000, 2], ids=["ids-in-sql", "ids-matched-in-python"])
def test_a_scope_of_named_people_holds_exactly_them_with_their_own_records(database, monkeypatch, limit):
    from tracker.views import population

    monkeypatch.setattr(population, "MAX_IDS_IN_SQL", limit)
    people = [f.person(first=f"P{n}", staff_id=f"S{n}") for n in range(5)]
    for n, p in enumerate(people):
        f.trained(p, "SG-L1", date(2025, 1, n + 1))
        f.session(people[0] if n else people[1], p, date(2026, 10, n + 1), minutes=60 + n)
    chosen = people[1:4]

    records = load_records(date(2026, 11, 22), Scope(person_ids=frozenset(p.id for p in chosen)))

    assert sorted(r.staff_id for r in records) == ["S1", "S2", "S3"]
    for r in records:
        n = int(r.staff_id[1:])
        assert [c.completed_on for c in r.completions] == [date(2025, 1, n + 1)]
        assert [(a.date, a.minutes) for a in r.attendances] == [(date(2026, 10, n + 1), 60 + n)]
