"""The demo data set: a believable team whose statuses come from the one rules engine."""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import database_urls, open_clean_database
from tracker import compliance as c
from tracker import db
from tracker.demo import DemoSummary, load_demo
from tracker.errors import ValidationError
from tracker.models import (
    ALL_MODELS,
    AuditEvent,
    EmployerPolicy,
    Employment,
    Organisation,
    Pcn,
    Person,
    PolicyAdaptation,
    SessionAttendee,
    SupervisionSession,
    SupervisorAssignment,
    User,
)
from tracker.passwords import verify_password
from tracker.views.population import load_rules, snapshot

TODAY = date(2026, 11, 22)
NOTES_KEY = bytes(range(32))  # the demo's notes are sealed and opened with the key they are given


@pytest.fixture(scope="module", params=database_urls())
def loaded_demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, DemoSummary]]:
    """One load per database for the module (hashing five passwords dominates a load); tests only read."""
    url = open_clean_database(request.param, Path(tmp_path_factory.mktemp("demo")))
    yield url, load_demo(TODAY, notes_key=NOTES_KEY)
    db.close()


@pytest.fixture
def demo(loaded_demo: tuple[str, DemoSummary]) -> DemoSummary:
    url, summary = loaded_demo
    db.close()
    db.connect(url)
    return summary


def by_name(as_of: date = TODAY, rules: c.Rules | None = None) -> dict[str, c.PersonCompliance]:
    return {p.name: p for p in snapshot(as_of, rules=rules)}


def course(person: c.PersonCompliance, code: str) -> c.CourseStatus:
    return next(t for t in person.training if t.course == code)


def test_demo_is_a_team_of_about_forty_across_four_kinds_of_employer(demo: DemoSummary) -> None:
    people = snapshot(TODAY)
    assert 36 <= len(people) <= 44
    assert demo.people == Person.select().count() >= len(people)
    employer_ids = {p.employment.employer_id for p in people if p.employment}
    kinds = {o.kind for o in Organisation.select().where(Organisation.id.in_(list(employer_ids)))}
    assert len(employer_ids) == 4 and demo.employers == 4
    assert kinds == {"gp_practice", "vcse", "local_authority", "nhs_trust"}
    assert any(not p.name.isascii() for p in people), "at least one name with non-ASCII letters"
    seconded = Employment.select().where(Employment.secondment == True).count()  # noqa: E712
    assert seconded >= 3


def test_demo_mixes_red_amber_and_green(demo: DemoSummary) -> None:
    rags = Counter(p.rag for p in snapshot(TODAY))
    assert rags[c.RED] >= 2 and rags[c.AMBER] >= 2 and rags[c.GREEN] >= 2
    assert rags[c.GREEN] > rags[c.RED] + rags[c.AMBER], "most of the team is compliant"


def test_demo_has_missed_and_paused_months(demo: DemoSummary) -> None:
    statuses = Counter(m.status for p in snapshot(TODAY) for m in p.months)
    assert statuses[c.MISSED] >= 1 and statuses[c.PAUSED] >= 1
    assert statuses[c.MET] > 10 * statuses[c.MISSED], "gaps are the exception"


def test_leavers_are_kept_but_not_in_the_snapshot(demo: DemoSummary) -> None:
    ended = {e.person_id: e.end_date for e in Employment.select().where(Employment.end_date < TODAY)}
    still_employed = {e.person_id for e in Employment.select().where(Employment.end_date.is_null())}
    leavers = set(ended) - still_employed
    assert len(leavers) >= 2
    in_snapshot = {p.person_id for p in snapshot(TODAY)}
    assert not leavers & in_snapshot
    leaver = min(leavers)
    assert leaver in {p.person_id for p in snapshot(ended[leaver])}, (
        "a leaver is kept, and shows on past dates"
    )


def test_role_change_ends_one_job_and_starts_the_next(demo: DemoSummary) -> None:
    tomasz = by_name()["Tomasz Wiśniewski"]
    jobs = list(
        Employment.select().where(Employment.person == tomasz.person_id).order_by(Employment.start_date)
    )
    assert [j.role.code for j in jobs] == ["HWBC", "SPLW"]
    assert (jobs[1].start_date - jobs[0].end_date).days == 1
    assert tomasz.employment is not None and tomasz.employment.role == "SPLW"
    assert course(tomasz, "VCSE-INTRO").status == c.COMPLIANT


def test_demo_users_have_the_right_roles_and_working_passwords(demo: DemoSummary) -> None:
    assert len(demo.users) == 5 == User.select().count()
    users = {u.email: u for u in User.select()}
    for email, roles, password in demo.users:
        assert users[email].roles == roles
        assert verify_password(users[email].password_hash, password)
    email, _, password = demo.users[0]
    assert not verify_password(users[email].password_hash, password + "x")
    role_sets = [users[email].role_set for email, _, _ in demo.users]
    assert {"admin"} in role_sets and {"staff"} in role_sets and {"staff", "supervisor"} in role_sets
    leads = [u for u in users.values() if "lead" in u.role_set]
    assert {u.lead_employer.kind for u in leads if u.lead_employer} == {"vcse"}
    assert [u.lead_pcn.name for u in leads if u.lead_pcn] == ["Riverside North PCN"]
    supervisor = next(u for u in users.values() if "supervisor" in u.role_set)
    staff = next(u for u in users.values() if u.role_set == {"staff"})
    assert (
        SupervisorAssignment.select()
        .where(
            (SupervisorAssignment.supervisor == supervisor.person)
            & (SupervisorAssignment.supervisee == staff.person)
        )
        .exists()
    )


def test_second_load_is_refused_and_writes_nothing(demo: DemoSummary) -> None:
    before = {m.__name__: m.select().count() for m in ALL_MODELS}
    with pytest.raises(ValidationError, match="already holds people"):
        load_demo(TODAY, notes_key=NOTES_KEY)
    assert {m.__name__: m.select().count() for m in ALL_MODELS} == before


def test_a_failure_part_way_leaves_nothing_behind(
    sqlite_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_users(*args: object) -> None:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr("tracker.demo._users", broken_users)
    with pytest.raises(RuntimeError):
        load_demo(TODAY, notes_key=NOTES_KEY)
    for model in (Person, Organisation, Employment, SupervisionSession, EmployerPolicy, User, AuditEvent):
        assert model.select().count() == 0, model.__name__


def test_a_clashing_pcn_name_is_refused_with_a_clear_message(sqlite_database: str) -> None:
    Pcn.create(name="Riverside North PCN")
    with pytest.raises(ValidationError, match="Riverside North PCN"):
        load_demo(TODAY, notes_key=NOTES_KEY)
    assert Person.select().count() == 0


def test_loading_is_one_audit_event_with_the_counts(demo: DemoSummary) -> None:
    events = list(AuditEvent.select().where(AuditEvent.action == "demo data loaded"))
    assert len(events) == 1
    counts = json.loads(events[0].after)
    assert (
        counts["people"] == demo.people
        and counts["sessions"] == demo.sessions == SupervisionSession.select().count()
    )


def test_the_charitys_shorter_renewal_changes_an_expiry(demo: DemoSummary) -> None:
    rules = load_rules()
    role_only = c.Rules(
        courses=rules.courses,
        requirements=[r for r in rules.requirements if r.scope != "employer"],
        supervision=rules.supervision,
        policies=rules.policies,
    )
    with_override, without = by_name(rules=rules), by_name(rules=role_only)
    zaneta, zaneta_by_role = with_override["Żaneta Kowalczyk"], without["Żaneta Kowalczyk"]
    assert (
        course(zaneta, "SG-L2").renewal_months == 12 and course(zaneta_by_role, "SG-L2").renewal_months == 36
    )
    assert course(zaneta, "SG-L2").expires_on < course(zaneta_by_role, "SG-L2").expires_on
    assert (course(zaneta, "SG-L2").status, course(zaneta_by_role, "SG-L2").status) == (
        c.EXPIRED,
        c.COMPLIANT,
    )
    assert (zaneta.rag, zaneta_by_role.rag) == (c.RED, c.GREEN)


def test_hand_checked_people(demo: DemoSummary) -> None:
    people = by_name()
    sian, priya, zaneta = people["Siân Pritchard"], people["Priya Raman"], people["Żaneta Kowalczyk"]
    assert sian.rag == c.GREEN and sian.reasons == ()
    assert course(sian, "SG-L2").expires_on == date(2027, 6, 22)
    assert all(m.status == c.MET and m.required == 90 for m in sian.months)
    assert priya.rag == c.AMBER
    # her GPhC registration was checked in August, but the register's renewal date is 12/12/2026 (issue 14)
    assert priya.reasons == (
        "GPhC registration expires on 12/12/2026",
        "Resuscitation (Basic Life Support) expires on 17/12/2026",
        "Policy 'Information sharing and record access' version 5 not yet acknowledged",  # the staff user's to do
    )
    assert zaneta.rag == c.RED
    assert zaneta.reasons == ("Safeguarding Adults and Children Level 2 expired on 22/09/2026",)


def test_hand_checked_people_whose_status_the_workforce_rules_change(demo: DemoSummary) -> None:
    """Three people the rules of issue 14 move (checked by hand against PRODUCT.md, as at 22/11/2026)."""
    people = by_name()
    sophie, priya, chidi = people["Sophie Bennett"], people["Priya Raman"], people["Chidi Eze"]
    # Safeguarding recorded as two subjects (adults and children Level 3): the pair meets SG-L1 and SG-L2, from
    # the earlier of the two dates; before, both were missing and she was red.
    for code in ("SG-L1", "SG-L2"):
        met = course(sophie, code)
        assert (met.status, met.met_by) == (c.COMPLIANT, ("SGA-L3", "SGC-L3"))
    assert sophie.rag == c.GREEN, sophie.reasons
    # The expiry printed on the register (20 days away) counts before the 12-month re-check (in August 2027).
    registration = course(priya, "REG-GPHC")
    assert (registration.kind, registration.status) == ("registration", c.DUE_SOON)
    assert registration.expires_on == date(2026, 12, 12)
    assert registration.completed_on == date(2026, 8, 22)
    # A senior clinical pharmacist is supervised every 3 months: October's gap is no miss while the quarter runs.
    october = chidi.month(date(2026, 10, 1))
    assert october is not None and october.period_months == 3 and october.status in (c.MET, c.IN_PROGRESS)
    assert chidi.rag == c.GREEN, chidi.reasons
    rules = load_rules()
    monthly = c.Rules(
        courses=rules.courses,
        requirements=rules.requirements,
        supervision=[dataclasses.replace(s, period_months=1) for s in rules.supervision],
        policies=rules.policies,
    )
    chidi_monthly = by_name(rules=monthly)["Chidi Eze"]
    assert chidi_monthly.rag == c.RED
    assert chidi_monthly.reasons[0].startswith("Supervision missed in October 2026")


def test_group_session_alone_does_not_meet_the_charitys_rule(demo: DemoSummary) -> None:
    oluwaseun = by_name()["Oluwaseun Adeyemi"]
    october = oluwaseun.month(date(2026, 10, 1))
    assert october is not None and (october.status, october.minutes, october.required) == (c.MISSED, 0, 90)
    groups = (
        SessionAttendee.select()
        .join(SupervisionSession)
        .where(
            (SessionAttendee.person == oluwaseun.person_id)
            & (SupervisionSession.format == "group")
            & (SupervisionSession.date.between(date(2026, 10, 1), date(2026, 10, 31)))
        )
    )
    assert groups.count() == 1
    assert oluwaseun.rag == c.RED


def test_new_starter_and_level_3_covering_level_2(demo: DemoSummary) -> None:
    people = by_name()
    amir = people["Amir Hassan"]
    assert amir.rag == c.AMBER
    assert {t.status for t in amir.training} == {c.COMPLIANT, c.DUE}
    kieran = people["Kieran Doyle"]
    assert (course(kieran, "SG-L2").status, course(kieran, "SG-L2").satisfied_by) == (c.COMPLIANT, "SG-L3")
    assert course(kieran, "SG-L1").satisfied_by == "SG-L3"


def test_policies_differ_by_employer_with_a_home_visit_adaptation(demo: DemoSummary) -> None:
    employers_per_topic = Counter(p.topic.name for p in EmployerPolicy.select())
    assert employers_per_topic["Home visits"] == 4 and len(employers_per_topic) >= 6
    assert EmployerPolicy.select().where(EmployerPolicy.review_date < TODAY).exists()
    adaptation = PolicyAdaptation.get()
    kinds = {Organisation.get_by_id(int(i)).kind for i in adaptation.employers.split(";")}
    assert adaptation.topic.name == "Home visits" and kinds == {"vcse", "nhs_trust"}
    ffion = by_name()["Ffion Davies"]
    assert ffion.rag == c.AMBER and [p.acknowledged for p in ffion.policies] == [False]


def test_session_confirmations_are_mostly_confirmed(demo: DemoSummary) -> None:
    states = Counter(a.confirmation for a in SessionAttendee.select())
    assert states["confirmed"] > 5 * states["pending"] > 0
    kinds = Counter(s.kind for s in SupervisionSession.select())
    assert kinds["practice"] > 0 and kinds["educational"] > 0
    sizes = Counter(
        a.session_id
        for a in SessionAttendee.select().join(SupervisionSession).where(SupervisionSession.format == "group")
    )
    assert sizes and all(3 <= n <= 5 for n in sizes.values())


@pytest.mark.parametrize("today", [date(2026, 11, 1), date(2026, 12, 31), date(2028, 2, 29)])
def test_the_mix_holds_whatever_the_day(sqlite_database: str, today: date) -> None:
    started = time.perf_counter()
    load_demo(today, notes_key=NOTES_KEY)
    assert time.perf_counter() - started < 10, "the demo loads in seconds"
    rags = Counter(p.rag for p in snapshot(today))
    assert rags[c.RED] >= 2 and rags[c.AMBER] >= 2 and rags[c.GREEN] >= 2


def _month_ends(last: date, count: int = 12) -> list[date]:
    from tracker.dates import add_months, month_end

    return [month_end(add_months(last, -n)) for n in range(count - 1, 0, -1)] + [last]


@pytest.mark.parametrize("scope_of", ["everyone", "charity", "pcn"])
def test_a_trend_of_snapshots_read_once_equals_a_snapshot_at_each_date(demo: DemoSummary, scope_of: str) -> None:
    from tracker.access import Scope
    from tracker.models import Pcn
    from tracker.views.population import snapshots

    charity = Organisation.get(Organisation.kind == "vcse")
    scope = {
        "everyone": Scope(),
        "charity": Scope(employer_id=charity.id),
        "pcn": Scope(pcn_id=Pcn.select().first().id),
    }[scope_of]
    days = _month_ends(TODAY)
    trend = snapshots(days, scope)
    for day in days:
        assert trend[day] == snapshot(day, scope), day
    assert len({len(trend[d]) for d in days}) > 1 or scope_of == "everyone"


def test_demo_has_a_past_team_event_with_records_and_a_planned_one(demo: DemoSummary) -> None:
    from tracker.models import TrainingEvent, TrainingEventAttendee
    from tracker.views.access_facts import viewer_for_user
    from tracker.views.roles import role_page

    past, planned = sorted(TrainingEvent.select(), key=lambda e: e.date)
    assert (past.planned, planned.planned) == (False, True)
    past_people = list(TrainingEventAttendee.select().where(TrainingEventAttendee.event == past.id))
    assert len(past_people) == 16 and all(a.record_id is not None for a in past_people)
    assert TrainingEventAttendee.select().where(
        (TrainingEventAttendee.event == planned.id) & TrainingEventAttendee.record.is_null(False)).count() == 0
    admin = viewer_for_user(User.get(User.roles.contains("admin")).id)
    assert admin is not None
    link_workers = role_page(admin, "SPLW", TODAY)
    assert link_workers.holders.total and "what matters to you" in link_workers.text.summary


def test_the_demo_staff_user_has_a_policy_to_acknowledge_and_a_session_to_confirm(demo: DemoSummary) -> None:
    from tracker.views.caseload import sessions_attended
    from tracker.views.profile import policies_for

    staff = User.get(User.email == "staff@demo.example")
    person = staff.person_id
    assert person is not None and "staff" in staff.roles
    to_acknowledge = [p for p in policies_for(person, TODAY) if p.requires_acknowledgement and not p.acknowledged_on]
    assert len(to_acknowledge) >= 1
    pending = [v for v in sessions_attended(person, TODAY, notes_key=NOTES_KEY)
               if (a := v.attendee(person)) is not None and a.confirmation == "pending"]
    assert len(pending) >= 1
    assert pending[0].on == max(v.on for v in sessions_attended(person, TODAY, notes_key=NOTES_KEY))  # her latest session
    assert SessionAttendee.select().where(SessionAttendee.confirmation == "queried").count() == 1
