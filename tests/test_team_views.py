"""The lead's read models (filters, search, pages, totals, trend dates), the snapshot cache and its
invalidation, and the effect preview of a rule change."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from tests import factories as f
from tracker import compliance as c
from tracker.access import Scope
from tracker.dates import add_months
from tracker.errors import ValidationError
from tracker.models import Pcn
from tracker.services import training
from tracker.services.catalogue import default_role_items
from tracker.views import rule_preview
from tracker.views import team_views as tv
from tracker.views.population import load_records, load_rules
from tracker.views.team_cache import TeamCache, data_marker

AS_OF = date(2026, 11, 20)
COURSES = {"FIRE": "Fire Safety", "IG": "Information Governance"}


def result(
    pid: int,
    name: str,
    rag: str,
    employer: int = 1,
    role: str = "SPLW",
    courses: tuple[tuple[str, str], ...] = (),
    months: tuple[c.MonthStatus, ...] = (),
) -> c.PersonCompliance:
    job = c.EmploymentSpan(role, employer, date(2024, 1, 1), None, role.title(), f"Employer {employer}")
    training = tuple(c.CourseStatus(code, COURSES[code], status) for code, status in courses)
    return c.PersonCompliance(pid, f"S{pid}", name, AS_OF, rag, (), training, months, None, (), job)


def snapshot(*results: c.PersonCompliance, pcns: dict[int, int | None] | None = None) -> tv.TeamSnapshot:
    return tv.assemble(AS_OF, results, COURSES, pcns or {}, {1: "North PCN", 2: "South PCN"})


TEAM = snapshot(
    result(1, "Asha Patel", c.RED, courses=(("FIRE", c.EXPIRED), ("IG", c.COMPLIANT))),
    result(2, "Ben Okafor", c.GREEN, courses=(("FIRE", c.COMPLIANT),)),
    result(3, "Cara Lewis", c.AMBER, employer=2, role="CC", courses=(("IG", c.DUE_SOON),)),
    result(4, "Dev Shah", c.RED, employer=2, role="CC"),
    pcns={1: 1, 2: 1, 3: 2, 4: None},
)


def names(members: list[tv.Member] | tuple[tv.Member, ...]) -> list[str]:
    return [m.name.split()[0] for m in members]


# ---- filters, search, order, pages -----------------------------------------------------------------------


def test_members_are_in_name_order_and_the_options_come_from_the_team() -> None:
    assert names(TEAM.members) == ["Asha", "Ben", "Cara", "Dev"]
    assert [o.label for o in TEAM.employers] == ["Employer 1", "Employer 2"]
    assert [o.value for o in TEAM.roles] == ["CC", "SPLW"]
    assert [o.label for o in TEAM.pcns] == ["North PCN", "South PCN"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Asha", "Ben", "Cara", "Dev"]),
        ({"employer": "2"}, ["Cara", "Dev"]),
        ({"role": "SPLW"}, ["Asha", "Ben"]),
        ({"pcn": "1"}, ["Asha", "Ben"]),
        ({"status": "red"}, ["Asha", "Dev"]),
        ({"q": "lewis"}, ["Cara"]),
        ({"q": "S4"}, ["Dev"]),  # staff id
        ({"q": "patel asha"}, ["Asha"]),  # every word, in any order
        ({"employer": "2", "status": "amber"}, ["Cara"]),
        ({"sort": "status"}, ["Asha", "Dev", "Cara", "Ben"]),
        ({"employer": "x", "status": "purple", "sort": "nonsense"}, ["Asha", "Ben", "Cara", "Dev"]),
    ],
)
def test_filters_and_search_choose_the_members(params: dict[str, str], expected: list[str]) -> None:
    assert names(tv.select(TEAM, tv.Filters.from_params(params))) == expected


def test_filters_round_trip_through_the_address() -> None:
    filters = tv.Filters(employer_id=2, role="CC", pcn_id=1, status="red", search="lew", sort="status")
    assert tv.Filters.from_params(filters.to_params()) == filters
    assert tv.Filters().to_params() == {} and not tv.Filters().active


def test_pages_clamp_to_the_range_and_say_what_they_show() -> None:
    items = list(range(53))
    second = tv.paginate(items, 2, 25)
    assert (second.items[0], second.first, second.last, second.pages) == (25, 26, 50, 3)
    beyond = tv.paginate(items, 9, 25)
    assert (beyond.page, beyond.first, beyond.last) == (3, 51, 53)
    assert tv.paginate(items, 1, 7).size == tv.DEFAULT_PAGE_SIZE  # a size not offered
    empty = tv.paginate([], 1)
    assert (empty.first, empty.last, empty.pages) == (0, 0, 1)


def test_the_matrix_has_a_column_for_each_course_anyone_listed_needs() -> None:
    page = tv.matrix(TEAM, tv.Filters(employer_id=1))
    assert [o.value for o in page.columns] == ["FIRE", "IG"]
    assert page.counts == {"red": 1, "amber": 0, "green": 1}
    assert [o.value for o in tv.matrix(TEAM, tv.Filters(role="CC")).columns] == ["IG"]


@pytest.mark.parametrize("sort", ["name", "status", "employer", "role"])
def test_the_unfiltered_matrix_has_the_whole_teams_columns_and_counts_in_any_order(sort: str) -> None:
    """With no filter the columns and counts are the snapshot's own (worked out once), the same as counted
    member by member; the order still follows the sort, and the counts handed out are a copy."""
    page = tv.matrix(TEAM, tv.Filters(sort=sort), 1, 10)
    assert page.columns == tv.course_columns(TEAM, TEAM.members) and [o.value for o in page.columns] == ["FIRE", "IG"]
    assert page.counts == tv.tally(TEAM.members) == {"red": 2, "amber": 1, "green": 1}
    assert names(page.rows.items) == names(tv.select(TEAM, tv.Filters(sort=sort)))
    assert page.rows.total == 4
    page.counts["red"] = 99
    assert tv.matrix(TEAM, tv.Filters(sort=sort)).counts["red"] == 2
    fewer = tv.with_members(AS_OF, TEAM.members[1:], COURSES, {1: "North PCN", 2: "South PCN"})
    assert tv.matrix(fewer, tv.Filters(sort=sort)).counts == {"red": 1, "amber": 1, "green": 1}
    assert names(tv.matrix(fewer, tv.Filters(sort=sort)).rows.items) == names(tv.select(fewer, tv.Filters(sort=sort)))


def test_the_column_chooser_keeps_the_chosen_courses_and_ignores_unknown_codes() -> None:
    assert tv.chosen_courses(" IG,FIRE,,IG ") == ("IG", "FIRE")
    assert tv.chosen_courses(None) == ()
    page = tv.matrix(TEAM, tv.Filters(), courses=tv.chosen_courses("IG,NOPE"))
    assert [o.value for o in page.columns] == ["IG"] and page.choosing
    assert [o.value for o in page.available] == ["FIRE", "IG"] and page.ignored == ("NOPE",)
    every = tv.matrix(TEAM, tv.Filters(), courses=("NOPE", "<b>"))  # nothing known is left: every column shows
    assert [o.value for o in every.columns] == ["FIRE", "IG"] and not every.choosing
    assert every.ignored == ("NOPE", "<b>")
    assert tv.matrix(TEAM, tv.Filters(role="CC"), courses=("FIRE",)).ignored == ("FIRE",)  # no one listed needs it


def test_a_person_red_only_for_supervision_says_why_in_the_engines_words() -> None:
    person = records(1, "SPLW", ("FIRE",))
    person.attendances = [a for a in person.attendances if a.date.month != 10]  # October missed
    result = c.assess(person, rules(), AS_OF)
    assert result.rag == c.RED and all(s.status == c.COMPLIANT for s in result.training)
    member = tv.member_of(result, None)
    assert member.why() == "Supervision missed in October 2026 (0 of 60 minutes)"
    latest = member.supervision
    assert latest is not None and (latest.month, latest.status) == (date(2026, 11, 1), c.MET)
    green = tv.member_of(c.assess(records(2, "SPLW", ("FIRE",)), rules(), AS_OF), None)
    assert green.rag == c.GREEN and green.why() == ""


def test_the_why_lists_the_first_reasons_red_first_and_counts_the_rest() -> None:
    person = records(1, "SPLW", ())
    person.attendances = [a for a in person.attendances if a.date.month != 10]
    many = c.Rules(
        rules().courses,
        requirements=[c.RequirementRule(code, "role", "SPLW") for code in ("FIRE", "BLS")],
        policies=[c.PolicyItem(7, 1, "Lone working", "2")],
    )
    member = tv.member_of(c.assess(person, many, AS_OF), None)
    assert len(member.result.reasons) == 4
    why = member.why()
    assert why.endswith(" (and 2 more)") and why.count("; ") == 1 and "has not been done" in why
    assert "Policy 'Lone working' version 2 not yet acknowledged" in member.why(limit=4)


def test_course_figures_count_due_soon_as_in_date_and_list_the_weakest_first() -> None:
    figures = {f.code: (f.compliant, f.required) for f in TEAM.course_figures}
    assert figures == {"FIRE": (1, 2), "IG": (2, 2)}
    assert TEAM.course_figures[0].code == "FIRE"


def test_employer_figures_and_who_needs_attention() -> None:
    by_name = {f.name: (f.people, f.counts) for f in TEAM.employer_figures}
    assert by_name["Employer 2"] == (2, {"red": 1, "amber": 1, "green": 0})
    assert names(tv.needs_attention(TEAM)) == ["Asha", "Dev", "Cara"]


def test_month_totals_count_met_of_those_met_or_missed() -> None:
    october, november = date(2026, 10, 1), date(2026, 11, 1)
    team = snapshot(
        result(
            1,
            "A",
            c.GREEN,
            months=(c.MonthStatus(october, 60, 60, c.MET), c.MonthStatus(november, 0, 60, c.IN_PROGRESS)),
        ),
        result(2, "B", c.RED, months=(c.MonthStatus(october, 30, 60, c.MISSED),)),
        result(3, "C", c.GREEN, months=(c.MonthStatus(october, 0, 60, c.PAUSED),)),
    )
    totals = {t.month: (t.met, t.counted, t.pct) for t in tv.heatmap(team, tv.Filters()).totals}
    assert totals[october] == (1, 2, 50.0)
    assert totals[november] == (0, 0, 0.0)
    assert len(totals) == 12
    filtered = {t.month: t.met for t in tv.heatmap(team, tv.Filters(status="red")).totals}
    assert filtered[october] == 0


@pytest.mark.parametrize(
    ("as_of", "first", "before_last"),
    [
        (date(2026, 11, 20), date(2025, 12, 31), date(2026, 10, 31)),
        (date(2024, 3, 1), date(2023, 4, 30), date(2024, 2, 29)),
    ],
)
def test_the_trend_is_month_ends_then_the_as_at_date(as_of: date, first: date, before_last: date) -> None:
    days = tv.trend_days(as_of)
    assert len(days) == 12
    assert (days[0], days[-2], days[-1]) == (first, before_last, as_of)


# ---- the cache -------------------------------------------------------------------------------------------


def test_a_write_changes_the_marker_and_the_snapshot_is_worked_out_again(database: str) -> None:
    north = f.org("North")
    asha = f.person("Asha", employer=north, start=date(2024, 1, 1))
    cache = TeamCache()
    on = date(2025, 6, 1)
    first = cache.snapshot(Scope(), on)
    assert cache.snapshot(Scope(), on) is first  # no change, no work
    before = data_marker()
    training.add_training("test", asha.id, "FIRE", date(2025, 5, 1), today=on)
    assert data_marker() != before
    second = cache.snapshot(Scope(), on)
    assert second is not first
    fire = second.members[0].courses["FIRE"]
    assert (fire.status, fire.completed_on) == (c.COMPLIANT, date(2025, 5, 1))


def test_the_snapshot_knows_each_persons_pcn_and_keeps_scopes_apart(database: str) -> None:
    north, south = f.org("North"), f.org("South", "gp_practice")
    pcn = Pcn.create(name="River PCN")
    asha = f.person("Asha", employer=north)
    from tracker.models import Employment

    Employment.update(pcn=pcn).where(Employment.person == asha.id).execute()
    f.person("Cara", employer=south)
    cache = TeamCache()
    on = date(2025, 6, 1)
    north_team = cache.snapshot(Scope(employer_id=north.id), on)
    assert [(m.name, m.pcn_id) for m in north_team.members] == [("Asha Patel", pcn.id)]
    assert [o.label for o in north_team.pcns] == ["River PCN"]
    assert len(cache.snapshot(Scope(), on).members) == 2


def test_concurrent_requests_for_one_key_share_one_computation(database: str) -> None:
    f.person("Asha", employer=f.org("North"))
    cache = TeamCache()
    built: list[int] = []
    from tracker.views import team_cache

    real = team_cache.build_snapshot

    def counting(as_of: date, scope: Scope) -> tv.TeamSnapshot:
        built.append(1)
        return real(as_of, scope)

    results: list[tv.TeamSnapshot] = []
    team_cache.build_snapshot = counting  # type: ignore[assignment]
    try:
        threads = [
            threading.Thread(target=lambda: results.append(cache.snapshot(Scope(), date(2025, 6, 1))))
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        team_cache.build_snapshot = real  # type: ignore[assignment]
    assert len(built) == 1 and len({id(r) for r in results}) == 1


def test_the_trend_uses_the_engine_at_each_month_end(database: str) -> None:
    north = f.org("North")
    f.person("Asha", employer=north, start=date(2025, 3, 15))
    points = TeamCache().trend(Scope(), date(2025, 6, 10))
    assert [p.day for p in points][-4:] == [
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
        date(2025, 6, 10),
    ]
    assert [p.summary.people for p in points][-5:] == [0, 1, 1, 1, 1]


def test_past_month_ends_are_reused_for_a_while_but_the_as_at_date_is_current(database: str) -> None:
    north = f.org("North")
    asha = f.person("Asha", employer=north, start=date(2024, 1, 1))
    cache = TeamCache()
    on = date(2025, 6, 10)
    before = cache.trend(Scope(), on)
    training.add_training("test", asha.id, "FIRE", date(2025, 2, 1), today=on)  # changes the past too
    after = cache.trend(Scope(), on)
    assert after[-2].summary is before[-2].summary  # May's figures: reused within the grace period
    assert after[-1].summary.course_pct["FIRE"] == 100.0 and before[-1].summary.course_pct["FIRE"] == 0.0


# ---- the effect preview ----------------------------------------------------------------------------------


def records(pid: int, role: str, done: tuple[str, ...]) -> c.PersonRecords:
    person = c.PersonRecords(pid, f"S{pid}", f"Person {pid}")
    person.employments.append(c.EmploymentSpan(role, 1, date(2020, 1, 1)))
    person.completions.extend(c.Completion(code, AS_OF - timedelta(days=30)) for code in done)
    for back in range(0, 12):  # supervision met in every month
        person.attendances.append(c.Attendance(add_months(date(2026, 11, 5), -back), 60, "clinical"))
    return person


def rules() -> c.Rules:
    courses = {
        "FIRE": c.CourseInfo("FIRE", "Fire Safety", default_renewal_months=12),
        "BLS": c.CourseInfo("BLS", "Basic Life Support", default_renewal_months=12),
    }
    return c.Rules(courses, requirements=[c.RequirementRule("FIRE", "role", "SPLW")])


def test_requiring_a_course_not_done_makes_those_people_non_compliant() -> None:
    people = [records(1, "SPLW", ("FIRE",)), records(2, "SPLW", ("FIRE", "BLS")), records(3, "CC", ())]
    change = rule_preview.Change("role", "SPLW", "role SPLW", "BLS", c.RequirementRule("BLS", "role", "SPLW"))
    effect = rule_preview.compare(people, rules(), rule_preview.apply_change(rules(), change), AS_OF)
    assert effect.made_red == ("Person 1",) and effect.made_not_red == ()
    assert effect.sentence == "This change makes 1 person non-compliant."


def test_removing_a_requirement_makes_people_compliant_again() -> None:
    people = [records(1, "SPLW", ()), records(2, "SPLW", ())]
    change = rule_preview.Change("role", "SPLW", "role SPLW", "FIRE", remove=True)
    after = rule_preview.apply_change(rules(), change)
    assert after.requirements == [] and len(rules().requirements) == 1  # the original is untouched
    effect = rule_preview.compare(people, rules(), after, AS_OF)
    assert effect.made_not_red == ("Person 1", "Person 2")
    assert effect.sentence == "This change makes 0 people non-compliant and makes 2 people compliant again."


def test_a_stricter_supervision_rule_is_previewed_from_the_database(database: str) -> None:
    north = f.org("North")
    asha = f.person("Asha", employer=north, start=date(2024, 1, 1))
    for course in default_role_items("SPLW"):  # every course and check a link worker needs
        f.trained(asha, course, date(2025, 1, 10))
    f.person("Cara", role="CC", employer=north, start=date(2024, 1, 1))
    grace = f.person("Grace", role="SC", employer=north)
    f.session(grace, asha, date(2025, 5, 10), minutes=60)
    on = date(2025, 6, 1)
    now = c.assess(next(p for p in load_records(on) if p.person_id == asha.id), load_rules(), on)
    assert now.rag != c.RED  # May met with 60 minutes
    raw = {
        "scope": "role",
        "name": "SPLW",
        "min_minutes_per_month": "90",
        "kinds": "clinical",
        "group_counts": "yes",
    }
    effect = rule_preview.preview(rule_preview.supervision_change(raw), on)
    assert effect.assessed == 1  # only the link worker could be touched
    assert effect.made_red == ("Asha Patel",)
    assert effect.sentence == "This change makes 1 person non-compliant."


def test_a_preview_of_bad_input_names_the_field(database: str) -> None:
    with pytest.raises(ValidationError) as bad:
        rule_preview.requirement_change({"scope": "role", "name": "Astronaut", "course": "FIRE"})
    assert bad.value.field == "name"
