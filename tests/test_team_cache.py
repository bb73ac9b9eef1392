"""After any sequence of writes, the cached team snapshot equals one worked out afresh, and a write through the
services refreshes only the people it touched (everyone only when rules, catalogue or imports change)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from tests import factories_data as fd
from tracker import compliance as c
from tracker.access import Scope
from tracker.errors import TrackerError
from tracker.models import Course, EmployerPolicy, Person, PolicyTopic, SessionAttendee
from tracker.services import absences, audit, people, policies, rules, supervision, training
from tracker.views import changes
from tracker.views.population import trend_summaries
from tracker.views.team_cache import TeamCache, build_snapshot, data_marker
from tracker.views.team_views import TeamSnapshot, trend_days

AS_OF = date(2026, 11, 30)
ACTOR = "test"


class Writer:
    """Random writes through the services, as people using the app make them."""

    def __init__(self, rng: random.Random, team: fd.Team) -> None:
        self.rng, self.team = rng, team
        self.courses = [c.code for c in Course.select(Course.code)]
        topic = PolicyTopic.create(name="Cache test topic")
        self.policy = EmployerPolicy.create(employer=team.charity, topic=topic, requires_acknowledgement=True)
        self.new_people = 0

    def someone(self) -> int:
        return int(self.rng.choice([p.id for p in Person.select(Person.id)]))

    def day(self, back: int = 800) -> date:
        return AS_OF - timedelta(days=self.rng.randint(0, back))

    def training(self) -> None:
        training.add_training(ACTOR, self.someone(), self.rng.choice(self.courses), self.day(), today=AS_OF)

    def session(self) -> None:
        supervisees = self.rng.sample([self.team.asha.id, self.team.ben.id, self.team.carol.id], self.rng.randint(1, 2))
        supervision.log_session(ACTOR, self.team.gp.id, self.day(90), self.rng.choice([30, 60, 90]), "clinical",
                                None, "in_person", supervisees, today=AS_OF, repeat_ok=True)

    def confirm(self) -> None:
        row = self.rng.choice(list(SessionAttendee.select()) or [None])
        if row is not None:
            supervision.confirm_attendance(ACTOR, row.session_id, row.person_id)

    def absence(self) -> None:
        start = self.day(200)
        absences.add_absence(ACTOR, self.someone(), start, start + timedelta(days=self.rng.randint(1, 60)), "sickness")

    def leaver(self) -> None:
        people.record_leaver(ACTOR, self.someone(), self.day(60))

    def new_job(self) -> None:
        employer = self.rng.choice([self.team.charity.name, self.team.practice.name])
        people.change_employment(ACTOR, self.someone(), self.rng.choice(["SPLW", "CP", "HWC"]), employer, self.day(30))

    def new_person(self) -> None:
        self.new_people += 1
        people.create_person(ACTOR, f"N{self.new_people:04d}", "New", f"Starter {self.new_people}", "SPLW",
                             self.team.charity.name, self.day(400))

    def acknowledge(self) -> None:
        policies.acknowledge(ACTOR, self.someone(), self.policy.id, today=AS_OF)

    def sign_in(self) -> None:
        audit.record("asha@example.org", "sign_in", "user", 1)

    def rule_change(self) -> None:
        rules.set_requirement(ACTOR, "role", "SPLW", self.rng.choice(self.courses), self.rng.randint(1, 36))

    def kinds(self) -> list[Callable[[], None]]:
        touching_few = [self.training, self.session, self.confirm, self.absence, self.leaver, self.new_job,
                        self.new_person, self.acknowledge, self.sign_in]
        return touching_few * 4 + [self.rule_change]


SCOPES = ("everyone", "charity", "practice")


def _figures(snapshot: TeamSnapshot) -> tuple[object, ...]:
    """What the dashboard and heat-map show beside the members (worked out from the tally when refreshed)."""
    return snapshot.course_figures, snapshot.employer_figures, snapshot.month_totals, snapshot.needs_attention


def _scope(name: str, team: fd.Team) -> Scope:
    return {"everyone": Scope(), "charity": Scope(employer_id=team.charity.id),
            "practice": Scope(employer_id=team.practice.id)}[name]


def test_after_random_writes_the_cached_snapshot_equals_a_fresh_one(database):
    team = fd.team()
    writer = Writer(random.Random(15), team)
    for _ in range(6):
        writer.new_person()
    cache = TeamCache()
    scopes = [_scope(name, team) for name in SCOPES]
    for scope in scopes:
        cache.snapshot(scope, AS_OF)
    kinds = writer.kinds()
    done = 0
    for step in range(40):
        write = writer.rng.choice(kinds)
        try:
            write()
            done += 1
        except TrackerError:
            pass  # refused, nothing written: the cache must still agree
        for scope in scopes:
            cached, fresh = cache.snapshot(scope, AS_OF), build_snapshot(AS_OF, scope)
            assert cached == fresh, (step, write.__name__, scope)
            assert _figures(cached) == _figures(fresh), (step, write.__name__, scope)
    built, refreshed = cache.snapshot_counts
    assert done >= 25
    assert refreshed >= 2 * (built - len(scopes)), cache.snapshot_counts  # most writes refreshed a few people


def test_a_training_record_touches_its_person_and_a_sign_in_no_one(database):
    team = fd.team()
    before = data_marker()
    training.add_training(ACTOR, team.ben.id, "FIRE", date(2026, 11, 2), today=AS_OF)
    assert changes.people_touched(before, data_marker()) == {team.ben.id}
    before = data_marker()
    audit.record("asha@example.org", "sign_in", "user", 1)
    assert changes.people_touched(before, data_marker()) == frozenset()


def test_a_session_touches_its_attendees(database):
    team = fd.team()
    before = data_marker()
    supervision.log_session(ACTOR, team.gp.id, date(2026, 11, 20), 60, "clinical", None, "in_person",
                            [team.asha.id, team.carol.id], today=AS_OF)
    assert changes.people_touched(before, data_marker()) == {team.asha.id, team.carol.id}


def test_a_rule_change_or_an_unexplained_row_touches_everyone(database):
    team = fd.team()
    before = data_marker()
    rules.set_requirement(ACTOR, "role", "SPLW", "FIRE", renewal_months=7)
    assert changes.people_touched(before, data_marker()) is None
    before = data_marker()
    from tests import factories as f

    f.trained(team.ben, "FIRE", date(2026, 1, 5))  # a row written without an audit event
    audit.record("asha@example.org", "sign_in", "user", 1)  # ... beside an event that does not explain it
    assert changes.people_touched(before, data_marker()) is None


def test_only_the_touched_person_is_worked_out_again(database):
    team = fd.team()
    cache = TeamCache()
    scope = Scope(employer_id=team.charity.id)
    held = cache.snapshot(scope, AS_OF)
    training.add_training(ACTOR, team.ben.id, "FIRE", date(2026, 11, 2), today=AS_OF)
    after = cache.snapshot(scope, AS_OF)
    assert cache.snapshot_counts == (1, 1)
    unchanged = [m for m in after.members if m.person_id != team.ben.id]
    assert all(any(m is h for h in held.members) for m in unchanged)  # the very objects kept, not worked out
    assert after == build_snapshot(AS_OF, scope)


def test_a_write_still_committing_behind_a_later_one_is_taken_in_when_it_lands(database):
    """On PostgreSQL an audit id is handed out at insert but seen at commit: a write can land after a later one,
    below the highest id, and change no highest id (an update). The cache must not step over it."""
    from tests import factories as f
    from tracker.models import AuditEvent, TrainingRecord

    team = fd.team()
    needed = next(m for m in build_snapshot(AS_OF, Scope()).members if m.person_id == team.carol.id).result.training
    course = needed[0].course
    pending = f.trained(team.carol, course, date(2026, 10, 1), state="pending")
    cache = TeamCache()
    scope = Scope()
    cache.snapshot(scope, AS_OF)
    training.add_training(ACTOR, team.ben.id, "FIRE", date(2026, 11, 2), today=AS_OF)  # the later write ...
    later = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    in_flight = later.id
    AuditEvent.update(id=in_flight + 1).where(AuditEvent.id == in_flight).execute()  # ... seen before the earlier
    seen_first = cache.snapshot(scope, AS_OF)
    assert seen_first == build_snapshot(AS_OF, scope)
    # The earlier write lands: an approval (an update, no new row) with the id it was given.
    TrainingRecord.update(evidence_state="approved").where(TrainingRecord.id == pending.id).execute()
    AuditEvent.insert(id=in_flight, actor=ACTOR, action="approve_certificate", entity="training_record",
                      entity_id=str(pending.id)).execute()
    assert cache.snapshot(scope, AS_OF) == build_snapshot(AS_OF, scope)
    def carol_in(snapshot: TeamSnapshot) -> c.CourseStatus:
        return next(m for m in snapshot.members if m.person_id == team.carol.id).courses[course]

    assert carol_in(cache.snapshot(scope, AS_OF)).completed_on == date(2026, 10, 1)  # the approval is seen
    assert carol_in(seen_first).completed_on != date(2026, 10, 1)
    assert cache.snapshot_counts[0] == 1  # never worked out whole again: refreshed each time


def test_a_gap_left_by_a_rolled_back_write_is_not_waited_for(database):
    from tracker.models import AuditEvent
    from tracker.views.changes import STILL_COMMITTING, settled

    team = fd.team()
    training.add_training(ACTOR, team.ben.id, "FIRE", date(2026, 11, 2), today=AS_OF)
    last = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    AuditEvent.update(id=last.id + 1).where(AuditEvent.id == last.id).execute()  # id last.id was never committed
    marker = data_marker()
    held_back = settled(marker)
    assert held_back != marker  # a moment after: it may still be committing
    assert settled(marker, now=last.at + STILL_COMMITTING + timedelta(seconds=1)) == marker  # later: never will


def test_the_earliest_record_day_follows_a_write_at_once(database):
    from tracker.views.record_span import first_record_date, read_first_record_date

    team = fd.team()
    kept = first_record_date()
    assert kept == read_first_record_date()
    earlier = (kept or AS_OF) - timedelta(days=400)
    training.add_training(ACTOR, team.ben.id, "FIRE", earlier, today=AS_OF)
    assert first_record_date() == earlier == read_first_record_date()


def _collections_during(work: Callable[[], object]) -> int:
    """How many cycle collections start while `work` runs, with the collector set to run at every allocation."""
    import gc

    started = []

    def count(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            started.append(1)

    thresholds = gc.get_threshold()
    gc.callbacks.append(count)
    gc.set_threshold(1, 1, 1)
    try:
        work()
    finally:
        gc.set_threshold(*thresholds)
        gc.callbacks.remove(count)
    return len(started)


def test_building_a_snapshot_and_a_trend_leaves_the_collector_alone_until_done(database):
    """Assembling the members beside a heap of results made a collection every few allocations (1,671 for this
    team, each walking the whole heap); now only the few allocations before the pause and after it may."""
    fd.team()
    assert _collections_during(lambda: [[] for _ in range(100)]) >= 10  # the count sees collections
    assert _collections_during(lambda: build_snapshot(AS_OF, Scope())) <= 10
    assert _collections_during(lambda: trend_summaries(trend_days(AS_OF)[:-1], Scope())) <= 10
