"""The rules of issue 14 (PRODUCT.md, rules of compliance), as tables of dates: items of several kinds, the expiry
printed on a record, the adults and children strands with the pair rule, and supervision periods. Pure: no
database, no clock."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.compliance import (
    AbsenceSpan,
    Attendance,
    Completion,
    CourseInfo,
    EmploymentSpan,
    PersonRecords,
    RequirementRule,
    Rules,
    SupervisionRuleSpec,
    assess,
    course_statuses,
    period_start,
    supervision_months,
)

D = date
ROLE, EMPLOYER = "SCP", 1

ITEMS = {
    i.code: i
    for i in (
        CourseInfo("SG-L1", "Safeguarding Adults and Children Level 1", "safeguarding", 1, 36),
        CourseInfo("SG-L2", "Safeguarding Adults and Children Level 2", "safeguarding", 2, 36),
        CourseInfo("SG-L3", "Safeguarding Adults and Children Level 3", "safeguarding", 3, 36),
        CourseInfo("SGA-L2", "Safeguarding Adults Level 2", "safeguarding-adults", 2, 36),
        CourseInfo("SGA-L3", "Safeguarding Adults Level 3", "safeguarding-adults", 3, 36),
        CourseInfo("SGC-L2", "Safeguarding Children Level 2", "safeguarding-children", 2, 36),
        CourseInfo("SGC-L3", "Safeguarding Children Level 3", "safeguarding-children", 3, 36),
        CourseInfo("REG-GPHC", "GPhC registration", None, None, 12, "registration"),
        CourseInfo("DBS-ENH", "Enhanced DBS check", None, None, 0, "check"),
        CourseInfo("APPRAISAL", "Annual appraisal", None, None, 12, "appraisal"),
    )
}


# ---- tiny builders ------------------------------------------------------------------------------------------


def record(item: str, on: date, printed: date | None = None) -> Completion:
    return Completion(item, on, printed)


def person(
    *records: Completion,
    start: date = D(2020, 1, 1),
    sessions: tuple[Attendance, ...] = (),
    away: tuple[tuple[date, date], ...] = (),
) -> PersonRecords:
    return PersonRecords(
        1, "S0001", "Sam Okafor", [EmploymentSpan(ROLE, EMPLOYER, start)], list(records), list(sessions),
        [AbsenceSpan(s, e) for s, e in away],
    )


def requiring(*items: str, period: int = 1, minutes: int = 60) -> Rules:
    return Rules(
        courses=ITEMS,
        requirements=[RequirementRule(i, "role", ROLE) for i in items],
        supervision=[SupervisionRuleSpec("role", ROLE, minutes, period_months=period)],
    )


def status(item: str, of: PersonRecords, rules: Rules, on: date):  # type: ignore[no-untyped-def]
    return next(s for s in course_statuses(of, rules, on) if s.course == item)


def met(on: date, minutes: int = 60) -> Attendance:
    return Attendance(on, minutes, "clinical")


def month(of: PersonRecords, rules: Rules, on: date, first: date):  # type: ignore[no-untyped-def]
    return next(m for m in supervision_months(of, rules, on) if m.month == first)


# ---- items of several kinds ---------------------------------------------------------------------------------


def test_a_registration_check_and_appraisal_are_computed_like_courses_and_carry_their_kind():
    rules = requiring("REG-GPHC", "DBS-ENH", "APPRAISAL")
    sam = person(record("REG-GPHC", D(2025, 6, 1)), record("DBS-ENH", D(2019, 3, 1)))
    on = D(2026, 7, 1)
    got = {s.course: (s.kind, s.status, s.expires_on) for s in course_statuses(sam, rules, on)}
    assert got == {
        "REG-GPHC": ("registration", "expired", D(2026, 6, 1)),  # verified every 12 months
        "DBS-ENH": ("check", "compliant", None),  # no national re-check interval
        "APPRAISAL": ("appraisal", "missing", None),
    }


# ---- the expiry printed on a record -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "expires", "on_2026_05_01"),
    [
        (None, D(2026, 6, 1), "due_soon"),  # the rule's 12 months alone
        (D(2026, 4, 30), D(2026, 4, 30), "expired"),  # the register's renewal date is earlier: it counts
        (D(2026, 5, 1), D(2026, 5, 1), "expired"),  # expired from the printed day on
        (D(2026, 5, 2), D(2026, 5, 2), "due_soon"),
        (D(2026, 6, 1), D(2026, 6, 1), "due_soon"),  # the same day either way
        (D(2027, 1, 31), D(2026, 6, 1), "due_soon"),  # printed later than the rule's: the rule's counts
    ],
)
def test_a_records_expiry_is_the_earlier_of_the_rules_and_the_printed_one(printed, expires, on_2026_05_01):
    sam = person(record("REG-GPHC", D(2025, 6, 1), printed))
    got = status("REG-GPHC", sam, requiring("REG-GPHC"), D(2026, 5, 1))
    assert (got.expires_on, got.status) == (expires, on_2026_05_01)


def test_a_printed_expiry_gives_a_date_to_an_item_that_never_expires_by_rule():
    sam = person(record("DBS-ENH", D(2023, 1, 10), D(2026, 1, 10)))
    rules = requiring("DBS-ENH")
    assert status("DBS-ENH", sam, rules, D(2026, 1, 9)).status == "due_soon"
    assert status("DBS-ENH", sam, rules, D(2026, 1, 10)).status == "expired"


def test_the_latest_record_counts_even_when_an_older_one_has_a_later_printed_expiry():
    sam = person(record("REG-GPHC", D(2025, 1, 1), D(2027, 1, 1)), record("REG-GPHC", D(2025, 3, 1), D(2025, 9, 1)))
    got = status("REG-GPHC", sam, requiring("REG-GPHC"), D(2025, 10, 1))
    assert (got.completed_on, got.expires_on, got.status) == (D(2025, 3, 1), D(2025, 9, 1), "expired")


def test_on_a_tie_of_dates_the_later_expiry_counts():
    """A Level 3 and a Level 2 record of the same day: the one whose printed expiry is later counts."""
    sam = person(record("SG-L3", D(2025, 1, 1), D(2025, 6, 1)), record("SG-L2", D(2025, 1, 1)))
    got = status("SG-L2", sam, requiring("SG-L2"), D(2025, 7, 1))
    assert (got.satisfied_by, got.expires_on, got.status) == ("SG-L2", D(2028, 1, 1), "compliant")


# ---- adults and children strands, and the pair rule -----------------------------------------------------------

AS_OF = D(2026, 11, 22)


@pytest.mark.parametrize(
    ("records", "wanted", "expected"),
    [
        # ESR and e-learning record adults and children as two subjects: together they meet the combined item
        ((record("SGA-L3", D(2024, 3, 1)), record("SGC-L3", D(2024, 5, 1))), "SG-L2",
         ("compliant", D(2024, 3, 1), D(2027, 3, 1), ("SGA-L3", "SGC-L3"))),
        ((record("SGA-L3", D(2024, 3, 1)), record("SGC-L3", D(2024, 5, 1))), "SG-L1",
         ("compliant", D(2024, 3, 1), D(2027, 3, 1), ("SGA-L3", "SGC-L3"))),
        # one side alone is not enough
        ((record("SGA-L3", D(2024, 3, 1)),), "SG-L2", ("missing", None, None, ())),
        # one side expired: the pair's expiry is the earlier of the two
        ((record("SGA-L3", D(2023, 11, 1)), record("SGC-L3", D(2025, 5, 1))), "SG-L2",
         ("expired", D(2023, 11, 1), D(2026, 11, 1), ("SGA-L3", "SGC-L3"))),
        # the earlier expiry is a printed one
        ((record("SGA-L2", D(2025, 1, 1)), record("SGC-L2", D(2025, 2, 1), D(2026, 12, 31))), "SG-L2",
         ("due_soon", D(2025, 1, 1), D(2026, 12, 31), ("SGA-L2", "SGC-L2"))),
        # a pair below the required level does not count
        ((record("SGA-L2", D(2025, 1, 1)), record("SGC-L2", D(2025, 1, 1))), "SG-L3", ("missing", None, None, ())),
        # a later combined record beats the pair
        ((record("SGA-L3", D(2024, 3, 1)), record("SGC-L3", D(2024, 5, 1)), record("SG-L2", D(2025, 1, 1))),
         "SG-L2", ("compliant", D(2025, 1, 1), D(2028, 1, 1), ("SG-L2",))),
        # a pair completed later than the combined record beats it
        ((record("SG-L2", D(2023, 1, 1)), record("SGA-L3", D(2025, 3, 1)), record("SGC-L3", D(2025, 4, 1))),
         "SG-L2", ("compliant", D(2025, 3, 1), D(2028, 3, 1), ("SGA-L3", "SGC-L3"))),
        # a combined record covers either strand, at its level and below
        ((record("SG-L3", D(2025, 1, 1)),), "SGA-L2", ("compliant", D(2025, 1, 1), D(2028, 1, 1), ("SG-L3",))),
        ((record("SG-L3", D(2025, 1, 1)),), "SGC-L3", ("compliant", D(2025, 1, 1), D(2028, 1, 1), ("SG-L3",))),
        ((record("SG-L2", D(2025, 1, 1)),), "SGC-L3", ("missing", None, None, ())),
        # a single strand never covers the other
        ((record("SGA-L3", D(2025, 1, 1)),), "SGC-L2", ("missing", None, None, ())),
    ],
    ids=[
        "pair-meets-L2", "pair-meets-L1", "one-side-alone", "one-side-expired", "printed-expiry-in-a-pair",
        "pair-below-level", "later-combined-wins", "later-pair-wins", "combined-covers-adults",
        "combined-covers-children", "combined-below-level", "adults-never-covers-children",
    ],
)
def test_safeguarding_strands(records, wanted, expected):
    sam = person(*records, start=D(2020, 1, 1))
    got = status(wanted, sam, requiring(wanted), AS_OF)
    assert (got.status, got.completed_on, got.expires_on, got.met_by) == expected


def test_a_care_coordinator_with_adults_and_children_level_3_is_not_missing_level_1_or_2():
    """The case of the issue: two subjects in ESR, and the combined items they must meet."""
    cara = person(record("SGA-L3", D(2025, 2, 1)), record("SGC-L3", D(2025, 2, 3)))
    got = {s.course: s.status for s in course_statuses(cara, requiring("SG-L1", "SG-L2"), AS_OF)}
    assert got == {"SG-L1": "compliant", "SG-L2": "compliant"}


# ---- supervision periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "first"),
    [
        (D(2026, 2, 14), 3, D(2026, 1, 1)),
        (D(2026, 12, 31), 3, D(2026, 10, 1)),
        (D(2026, 5, 1), 4, D(2026, 5, 1)),
        (D(2026, 6, 30), 6, D(2026, 1, 1)),
        (D(2026, 7, 1), 6, D(2026, 7, 1)),
        (D(2026, 11, 30), 12, D(2026, 1, 1)),
        (D(2026, 4, 9), 2, D(2026, 3, 1)),
        (D(2026, 4, 9), 1, D(2026, 4, 1)),
    ],
)
def test_periods_are_aligned_to_the_calendar_year(day, months, first):
    assert period_start(day, months) == first


def test_a_quarters_months_share_its_status_and_keep_their_own_minutes():
    sam = person(sessions=(met(D(2026, 8, 20)),))
    rules = requiring(period=3)
    on = D(2026, 11, 22)
    got = {m.month: (m.status, m.minutes, m.period_total) for m in supervision_months(sam, rules, on)}
    assert [got[D(2026, m, 1)] for m in (7, 8, 9)] == [("met", 0, 60), ("met", 60, 60), ("met", 0, 60)]
    assert [got[D(2026, m, 1)] for m in (10, 11)] == [("in_progress", 0, 0), ("in_progress", 0, 0)]
    assert [got[D(2026, m, 1)][0] for m in (4, 5, 6)] == ["missed"] * 3


def test_a_quarter_across_the_year_end():
    """As at 15 January 2027, October-December 2026 is the previous quarter: met by one session in November."""
    rules = requiring(period=3)
    on = D(2027, 1, 15)
    sam = person(sessions=(met(D(2026, 11, 3)),))
    assert month(sam, rules, on, D(2026, 12, 1)).status == "met"
    assert month(sam, rules, on, D(2027, 1, 1)).status == "in_progress"
    assert assess(sam, rules, on).rag == "green"
    nobody = person(sessions=(met(D(2026, 9, 30)),))  # the quarter before: too early
    result = assess(nobody, rules, on)
    assert result.rag == "red"
    assert "Supervision missed in October to December 2026 (0 of 60 minutes)" in result.reasons


def test_a_quarter_counts_sessions_before_the_twelve_months_shown():
    """As at 10 January 2027 the window starts in February 2026; January's session met the first quarter."""
    sam = person(sessions=(met(D(2026, 1, 20)),))
    got = month(sam, requiring(period=3), D(2027, 1, 10), D(2026, 2, 1))
    assert (got.status, got.minutes, got.period_total) == ("met", 0, 60)


def test_with_a_quarterly_rule_a_missed_month_is_not_red_while_the_quarter_runs():
    """The issue's case: a senior clinical pharmacist seen in October is fine in November and December."""
    sam = person(sessions=(met(D(2026, 7, 5)), met(D(2026, 10, 5))))
    assert assess(sam, requiring(period=3), D(2026, 12, 15)).rag == "green"
    assert assess(sam, requiring(period=1), D(2026, 12, 15)).rag == "red"  # monthly: November missed


@pytest.mark.parametrize(
    ("on", "amber"),
    [(D(2026, 12, 21), False), (D(2026, 12, 22), True), (D(2026, 12, 31), True), (D(2026, 11, 30), False)],
)
def test_amber_when_ten_days_or_fewer_of_the_quarter_are_left_short_of_the_minimum(on, amber):
    sam = person(sessions=(met(D(2026, 9, 5)), met(D(2026, 10, 5), 30)))
    result = assess(sam, requiring(period=3), on)
    assert result.rag == ("amber" if amber else "green")
    if amber:
        assert any(r.startswith("Supervision this period (October to December 2026): 30 of 60 minutes") for r in result.reasons)


@pytest.mark.parametrize(
    ("start", "status"),
    [
        (D(2026, 2, 14), "missed"),  # not employed on 44 of January-March's 90 days: under half
        (D(2026, 2, 15), "missed"),  # 45 of 90: exactly half is not more than half
        (D(2026, 2, 16), "paused"),  # 46 of 90: more than half
        (D(2026, 3, 31), "paused"),
    ],
)
def test_a_new_starter_mid_quarter(start, status):
    sam = person(start=start)
    assert month(sam, requiring(period=3), D(2026, 5, 10), D(2026, 3, 1)).status == status


def test_an_absence_covering_most_of_a_quarter_pauses_it_and_half_does_not():
    rules = requiring(period=3)
    on = D(2026, 11, 10)
    most = person(away=((D(2026, 7, 1), D(2026, 8, 31)),))  # 62 of 92 days
    half = person(away=((D(2026, 7, 1), D(2026, 8, 15)),))  # 46 of 92 days: exactly half
    assert month(most, rules, on, D(2026, 9, 1)).status == "paused"
    assert month(half, rules, on, D(2026, 9, 1)).status == "missed"
    assert assess(most, rules, on).rag == "green"
    assert assess(half, rules, on).rag == "red"


def test_a_six_monthly_rule_met_once_a_half_year():
    sam = person(sessions=(met(D(2026, 2, 1), 30), met(D(2026, 6, 30), 30)))
    rules = requiring(period=6)
    assert month(sam, rules, D(2026, 11, 1), D(2026, 1, 1)).status == "met"
    assert month(sam, rules, D(2026, 11, 1), D(2026, 8, 1)).status == "in_progress"
    assert assess(sam, rules, D(2026, 11, 1)).rag == "green"


# ---- who may supervise ----------------------------------------------------------------------------------------

ACCEPTED = {"SPLW": ("gp", "nurse", "physiotherapist"), "CP": ("pharmacist", "gp")}


@pytest.mark.parametrize(
    ("role", "profession", "warned"),
    [
        ("SPLW", "GP", None),
        ("SPLW", "Mental health nurse", None),  # a nurse, by word
        ("SPLW", "physiotherapist", None),
        ("CP", "pharmacist", None),
        ("CP", "Physiotherapist", "a Physiotherapist is not a kind of clinical supervisor a Clinical Pharmacist "
                                  "expects (a pharmacist or gp)"),
        ("CP", "", "the supervisor's profession is not recorded; a Clinical Pharmacist's clinical supervisor "
                   "should be a pharmacist or gp"),
        ("CP", "pharmacy technician", "a pharmacy technician is not a kind of clinical supervisor a Clinical "
                                      "Pharmacist expects (a pharmacist or gp)"),  # not a pharmacist
        ("OPM", "anyone", None),  # a role that names no kind
    ],
)
def test_a_supervisor_of_another_kind_than_the_role_names_is_warned(role, profession, warned):
    from tracker.compliance import supervisor_mismatch

    name = {"SPLW": "Social Prescribing Link Worker", "CP": "Clinical Pharmacist"}.get(role, role)
    assert supervisor_mismatch(role, name, profession, ACCEPTED) == warned
