"""Choosing people by name: the reports page's pickers offer "Name (staff id, employer)" within the scope."""

from __future__ import annotations

from pathlib import Path

from tests.factories_proof import build_world
from tracker import clock
from tracker.views.people_picker import find_to_choose, people_to_choose


def test_a_lead_chooses_by_name_among_their_own_people_only(database: str, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    offered = people_to_choose(w.viewer("lead_employer"), clock.today())
    assert offered[w.asha.staff_id].startswith(f"{w.asha.name} ({w.asha.staff_id}, ")
    assert w.cara.staff_id not in offered
    everyone = people_to_choose(w.viewer("admin"), clock.today())
    assert {w.asha.staff_id, w.cara.staff_id} <= set(everyone)


def test_the_reports_search_finds_by_name_or_staff_id_within_the_scope_only(database: str, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    today = clock.today()
    lead, admin = w.viewer("lead_employer"), w.viewer("admin")
    assert find_to_choose(lead, today, "pa") == {w.asha.staff_id: people_to_choose(lead, today)[w.asha.staff_id]}
    assert find_to_choose(lead, today, w.asha.staff_id.lower()) == find_to_choose(lead, today, "Asha PATEL")
    assert find_to_choose(lead, today, w.cara.name) == {}  # not the lead's
    assert w.cara.staff_id in find_to_choose(admin, today, w.cara.name)
    assert find_to_choose(admin, today, "a") == {}  # two letters at least
    assert find_to_choose(admin, today, "  ") == {}
    everyone = people_to_choose(admin, today)
    some = {k: v for k, v in everyone.items() if "ra" in v.split(" (")[0].lower() or "ra" in k.lower()}
    assert len(some) >= 2
    assert find_to_choose(admin, today, "ra") == some  # the labels and order of the whole list
    assert list(find_to_choose(admin, today, "RA", limit=1)) == list(some)[:1]
