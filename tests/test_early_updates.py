"""Changes made to elements while a page is built are not recorded for the socket (the page's HTML carries them,
and NiceGUI would clear the record unsent); changes after the page is built still are (ui/early_updates.py)."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.element import Element
from nicegui.outbox import Outbox
from nicegui.testing import User as Visitor

from tests.joint_team import build_joint_team
from tests.ui_fixtures import sign_in, ui_database  # noqa: F401
from ui import early_updates

pytestmark = pytest.mark.usefixtures("ui_database")


async def test_only_changes_after_the_page_is_built_are_recorded(user: Visitor, monkeypatch) -> None:
    build_joint_team()
    await sign_in(user, "member01@example.nhs.uk", then="/team/directory")
    recorded: list[tuple[bool, int]] = []
    original = early_updates._enqueue_update

    def counting(outbox: Outbox, element: Element) -> None:
        recorded.append((getattr(outbox.client, "_response_built", False), element.id))
        original(outbox, element)

    monkeypatch.setattr(early_updates, "_enqueue_update", counting)
    await user.open("/team/directory")
    await user.should_see("Matching: 16 people of 16 in your team.", retries=20)
    page = user.client
    assert page is not None and len(page.elements) > 50
    assert all(built for built, _ in recorded), "a change made while the page was built was recorded"
    with user:
        label = next(e for e in page.elements.values() if isinstance(e, ui.label))
        label.text = "changed after the page was built"
    assert (True, label.id) in recorded
    assert label.id in page.outbox.updates
