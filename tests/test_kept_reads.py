"""Reads kept until the data changes (team_cache.remembered), on SQLite and PostgreSQL: a supervisor's caseload
(a session logged, an assignment ended shows on the next read) and the policy matrix (a position or an
adaptation saved); and the supervision log drawn a page at a time with totals over every session."""

from __future__ import annotations

from datetime import date

from tests import factories as f
from tracker.models import SupervisorAssignment
from tracker.services import assignments, supervision
from tracker.views.caseload import MISSED_LAST_MONTH, caseload
from tracker.views.team_cache import CACHE

TODAY = date(2026, 11, 20)


def test_the_kept_caseload_follows_every_write(database: str) -> None:
    CACHE.clear()
    north = f.org("North Trust")
    grace = f.person("Grace", "Hopper", role="SC", employer=north)
    asha = f.person("Asha", "Patel", employer=north)
    ben = f.person("Ben", "Okafor", employer=north)
    SupervisorAssignment.create(supervisor=grace, supervisee=asha, start_date=date(2026, 1, 1))
    link = SupervisorAssignment.create(supervisor=grace, supervisee=ben, start_date=date(2026, 1, 1))
    first = caseload(grace.id, TODAY)
    assert [(r.name, r.state, r.last_session) for r in first] == [
        ("Asha Patel", MISSED_LAST_MONTH, None), ("Ben Okafor", MISSED_LAST_MONTH, None)]
    assert caseload(grace.id, TODAY) == first  # kept: the same answer
    first.clear()  # a caller's list is its own
    assert len(caseload(grace.id, TODAY)) == 2

    supervision.log_session("grace@example.nhs.uk", grace.id, date(2026, 11, 10), 90, "clinical", "one_to_one",
                            "in_person", [asha.id], today=TODAY)
    after_session = {r.name: r for r in caseload(grace.id, TODAY)}
    asha_now = after_session["Asha Patel"]
    assert (asha_now.last_session, asha_now.days_since) == (date(2026, 11, 10), 10)
    assert asha_now.this_month is not None and asha_now.this_month.minutes == 90
    assert after_session["Ben Okafor"].last_session is None
    assert [r.name for r in caseload(grace.id, TODAY)][0] == "Ben Okafor"  # now the more urgent: no session

    assignments.end_assignment("admin@example.nhs.uk", link.id, TODAY - date.resolution * 5)
    assert [r.name for r in caseload(grace.id, TODAY)] == ["Asha Patel"]
    assert [r.name for r in caseload(grace.id, date(2026, 11, 1))] == ["Asha Patel", "Ben Okafor"]  # before it ended


def test_the_log_with_a_limit_draws_the_newest_and_totals_everything(database: str) -> None:
    from datetime import timedelta

    from tracker.views.caseload import supervisor_log

    north = f.org("North Trust")
    grace = f.person("Grace", "Hopper", role="SC", employer=north)
    asha = f.person("Asha", "Patel", employer=north)
    ben = f.person("Ben", "Okafor", employer=north)
    for n in range(7):
        f.session(grace, [asha, ben] if n == 0 else asha, date(2026, 3, 1) + timedelta(days=n * 9), minutes=30 + n,
                  kind="educational" if n % 3 == 0 else "clinical")
    f.session(ben, asha, date(2026, 4, 2), minutes=60)  # given by someone else
    key = b"k" * 32
    every, totals = supervisor_log(grace.id, date(2026, 1, 1), TODAY, notes_key=key)
    newest, limited = supervisor_log(grace.id, date(2026, 1, 1), TODAY, notes_key=key, limit=3)
    assert limited == totals
    assert (totals.sessions, totals.minutes, totals.people) == (7, sum(30 + n for n in range(7)), 2)
    assert totals.by_kind == {"educational": 30 + 33 + 36, "clinical": 31 + 32 + 34 + 35}
    assert newest == every[:3] and [v.on for v in newest] == sorted((v.on for v in every), reverse=True)[:3]
    only_ben, ben_totals = supervisor_log(grace.id, date(2026, 1, 1), TODAY, ben.id, notes_key=key, limit=3)
    assert [v.minutes for v in only_ben] == [30] and (ben_totals.sessions, ben_totals.people) == (1, 2)
    assert supervisor_log(grace.id, date(2025, 1, 1), date(2025, 2, 1), notes_key=key, limit=3)[1].sessions == 0


def test_the_kept_policy_matrix_follows_every_policy_write(database: str) -> None:
    from tracker.access import Viewer
    from tracker.models import PolicyTopic
    from tracker.services import policies
    from tracker.views.policy_matrix import kept_policy_matrix, policy_matrix

    CACHE.clear()
    admin = Viewer(user_id=1, email="admin@example.nhs.uk", person_id=None, roles=frozenset({"admin"}))
    north, south = f.org("North Trust"), f.org("South Charity")
    topic = PolicyTopic.get(PolicyTopic.name == "Lone working")
    before = kept_policy_matrix()
    assert kept_policy_matrix() is before  # kept while nothing changes
    policies.set_position(admin, north.id, topic.id, statement="Check in every hour", version="1")
    after = kept_policy_matrix()
    assert after == policy_matrix()
    row = next(t for t in after.topics if t.topic_id == topic.id)
    assert row.positions[north.id].statement == "Check in every hour" and south.id not in row.positions
    policies.set_position(admin, north.id, topic.id, statement="Check in every two hours", version="2")
    row = next(t for t in kept_policy_matrix().topics if t.topic_id == topic.id)
    assert (row.positions[north.id].statement, row.positions[north.id].version) == ("Check in every two hours", "2")
    policies.save_adaptation(admin, topic.id, [north.id, south.id], "Joint visits", agreed_on=TODAY)
    assert kept_policy_matrix() == policy_matrix()
    assert [a.condition for a in next(t for t in kept_policy_matrix().topics if t.topic_id == topic.id).adaptations] == [
        "Joint visits"]


def test_the_kept_team_directory_follows_every_write(database: str) -> None:
    from tracker.access import Viewer
    from tracker.models import Person
    from tracker.services import people
    from tracker.views.directory import directory

    CACHE.clear()
    admin = Viewer(user_id=1, email="admin@example.nhs.uk", person_id=None, roles=frozenset({"admin"}))
    north = f.org("North Trust")
    asha = f.person("Asha", "Patel", employer=north, start=date(2026, 1, 1))
    ben = f.person("Ben", "Okafor", employer=north, start=date(2026, 1, 1))

    def shown(**filters: object) -> list[str]:
        return [c.name for c in directory(admin, TODAY, **filters).people]  # type: ignore[arg-type]

    first = directory(admin, TODAY)
    assert [c.name for c in first.people] == ["Asha Patel", "Ben Okafor"] and first.everyone == 2
    assert directory(admin, TODAY) == first  # kept: the same answer
    people.update_person("admin", ben.id, Person.get_by_id(ben.id).version, "Aaron", "Okafor", None)
    assert shown() == ["Aaron Okafor", "Asha Patel"]  # renamed: the order follows the new name
    people.create_person("admin", "N-9", "Zoe", "Quinn", "SPLW", "North Trust", date(2026, 2, 1))
    assert shown() == ["Aaron Okafor", "Asha Patel", "Zoe Quinn"] and directory(admin, TODAY).everyone == 3
    assert shown(search="zoe") == ["Zoe Quinn"]
    people.record_leaver("admin", asha.id, date(2026, 10, 31))
    assert shown() == ["Aaron Okafor", "Zoe Quinn"] and directory(admin, TODAY, size=10, page=2).shown.page == 1
    assert [name for _, name in directory(admin, TODAY).employers] == ["North Trust"]


def test_a_persons_page_follows_a_rule_change_though_the_rules_are_kept(database: str) -> None:
    from tracker.services import rules
    from tracker.views.profile import profile

    CACHE.clear()
    north = f.org("North Trust")
    asha = f.person("Asha", "Patel", employer=north)
    before = profile(asha.id, TODAY)
    assert before.compliance is not None
    required = {course.course for course in before.compliance.training}
    extra = next(code for code, _name in before.courses if code not in required)
    assert CACHE.rules() is CACHE.rules()  # kept while nothing is written

    added = rules.set_requirement("admin@example.nhs.uk", "employer", north.name, extra, 12)
    after = profile(asha.id, TODAY)
    assert after.compliance is not None
    assert extra in {course.course for course in after.compliance.training}

    rules.remove_requirement("admin@example.nhs.uk", added.id)
    removed = profile(asha.id, TODAY)
    assert removed.compliance is not None
    assert extra not in {course.course for course in removed.compliance.training}
