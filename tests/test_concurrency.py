"""Two people editing the same record: the second save, made from a stale copy, is refused with a message that
says what happened and what to do; the first save is kept, never silently overwritten."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.factories_proof import build_world
from tests.ui_fixtures import sign_in, ui_database  # noqa: F401
from tracker import clock, db
from tracker.errors import ConflictError
from tracker.models import AuditEvent, Employment, Person
from tracker.services import people

STALE = "changed by someone else"


def test_a_save_from_a_stale_copy_is_refused_and_the_first_save_is_kept(database: str) -> None:
    asha = f.person("Asha", "Patel")
    seen_by_both = Person.get_by_id(asha.id).version
    people.update_person("first@example.nhs.uk", asha.id, seen_by_both, "Asha", "Patel-Jones", None)
    events = AuditEvent.select().count()
    with pytest.raises(ConflictError) as refused:
        people.update_person("second@example.nhs.uk", asha.id, seen_by_both, "Asha", "Smith", None)
    assert STALE in refused.value.message and "reload" in refused.value.message
    kept = Person.get_by_id(asha.id)
    assert (kept.last_name, kept.version) == ("Patel-Jones", seen_by_both + 1)
    assert AuditEvent.select().count() == events


@pytest.mark.parametrize(
    "stale_write",
    [
        lambda pid, v: people.change_employment("second", pid, "HWBC", "Northside Community Trust",
                                                clock.today(), version=v),
        lambda pid, v: people.record_leaver("second", pid, clock.today(), version=v),
        lambda pid, v: people.update_person("second", pid, v, "Asha", "Smith", None),
    ],
    ids=["change of job", "leaver", "details"],
)
def test_every_versioned_write_refuses_a_stale_copy(database: str, stale_write: Callable[[int, int], object]) -> None:
    asha = f.person("Asha", "Patel")
    seen = Person.get_by_id(asha.id).version
    people.update_person("first", asha.id, seen, "Asha", "Patel-Jones", None)
    jobs = [(j.role_id, j.end_date) for j in Employment.select().where(Employment.person == asha.id)]
    with pytest.raises(ConflictError, match=STALE):
        stale_write(asha.id, seen)
    assert [(j.role_id, j.end_date) for j in Employment.select().where(Employment.person == asha.id)] == jobs
    assert Person.get_by_id(asha.id).last_name == "Patel-Jones"


def test_two_saves_at_the_same_moment_one_wins_and_the_other_is_told(database: str) -> None:
    """Both read version 1 and save at once (each thread its own connection): exactly one lands."""
    asha = f.person("Asha", "Patel")
    version = Person.get_by_id(asha.id).version
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(name: str) -> None:
        try:
            start.wait()
            people.update_person(name, asha.id, version, "Asha", name, None)
            outcomes[name] = "saved"
        except ConflictError as exc:
            outcomes[name] = exc.message
        finally:
            db.close()

    threads = [threading.Thread(target=save, args=(name,)) for name in ("Alpha", "Bravo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["Alpha", "Bravo"]
    winners = [n for n, o in outcomes.items() if o == "saved"]
    assert len(winners) == 1, outcomes
    loser = "Bravo" if winners == ["Alpha"] else "Alpha"
    assert STALE in outcomes[loser]
    kept = Person.get_by_id(asha.id)
    assert (kept.last_name, kept.version) == (winners[0], version + 1)
    assert AuditEvent.select().where(AuditEvent.entity == "person", AuditEvent.action == "update").count() == 1


@pytest.mark.usefixtures("ui_database")
async def test_two_administrators_on_one_record_the_second_is_told_to_reload(
    create_user: Callable[[], Visitor], tmp_path: Path
) -> None:
    w = build_world(tmp_path)
    from tests.ui_fixtures import login_user

    login_user("admin2@example.nhs.uk", "admin")
    first, second = create_user(), create_user()
    page = f"/admin/people/{w.ben.id}"
    await sign_in(first, w.users["admin"].email, then=page)
    await sign_in(second, "admin2@example.nhs.uk", then=page)
    first.find(marker="edit-last").clear().type("Okafor-Smith")
    second.find(marker="edit-last").clear().type("Okafor-Jones")
    first.find(marker="edit-save").click()
    await first.should_see("Saved the details.", retries=40)
    second.find(marker="edit-save").click()
    await second.should_see(STALE, retries=40)
    assert Person.get_by_id(w.ben.id).last_name == "Okafor-Smith"


def test_many_people_saving_at_once_on_sqlite_all_succeed(sqlite_database: str) -> None:
    """Writers that read first and then write (every service does) must queue for SQLite's write lock, not fail
    with 'database is locked' when another writer committed in between (BEGIN IMMEDIATE)."""
    from datetime import date, timedelta

    from tracker.models import SupervisionSession, SupervisorAssignment
    from tracker.services import supervision

    boss = f.person("Grace", "Hopper", role="SC")
    people_ = [f.person("Team", f"Member {n}") for n in range(8)]
    for p in people_:
        SupervisorAssignment.create(supervisor=boss, supervisee=p, kind="clinical", start_date=date(2024, 1, 1))
    start = threading.Barrier(len(people_))
    failures: list[str] = []

    def save(n: int) -> None:
        try:
            start.wait()
            for round_ in range(5):
                supervision.log_session("load", boss.id, clock.today() - timedelta(days=round_ + 1), 30, "clinical",
                                        None, "video", [people_[n].id], f"round {round_}")
        except Exception as exc:  # any failure of a save is the bug
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            db.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(people_))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    assert SupervisionSession.select().count() == len(people_) * 5
