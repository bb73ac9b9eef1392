"""Choosing people by name: the reports page's pickers offer "Name (staff id, employer)" within the scope."""

from __future__ import annotations

from pathlib import Path

from tests.factories_proof import build_world
from tracker import clock
from tracker.views.people_picker import people_to_choose


def test_a_lead_chooses_by_name_among_their_own_people_only(database: str, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    offered = people_to_choose(w.viewer("lead_employer"), clock.today())
    assert offered[w.asha.staff_id].startswith(f"{w.asha.name} ({w.asha.staff_id}, ")
    assert w.cara.staff_id not in offered
    everyone = people_to_choose(w.viewer("admin"), clock.today())
    assert {w.asha.staff_id, w.cara.staff_id} <= set(everyone)
