"""A closed page's elements are freed by reference counting when NiceGUI deletes its client (ui/page_memory.py),
not left for a full cycle collection, which ui/collector.py makes rare."""

from __future__ import annotations

import gc
import weakref

import pytest
from nicegui.testing import User as Visitor

from tests.joint_team import build_joint_team
from tests.ui_fixtures import sign_in, ui_database  # noqa: F401

pytestmark = pytest.mark.usefixtures("ui_database")


async def test_a_deleted_page_leaves_no_cycles_of_its_elements(user: Visitor) -> None:
    build_joint_team()
    # a page of many elements: their own compliance, each course a row of elements
    await sign_in(user, "member01@example.nhs.uk", then="/me")
    await user.should_see("My compliance", retries=20)
    page = user.client
    assert page is not None
    collections = [weakref.ref(c) for e in page.elements.values() for c in (e._classes, e._style, e._props)]
    assert len(collections) > 300
    gc.collect()
    gc.disable()  # only reference counting may free them from here on
    try:
        page.delete()
        alive = sum(1 for ref in collections if ref() is not None)
    finally:
        gc.enable()
    # What stays is held by the Client object this test keeps (its layout and content) and the simulated
    # user; without ui/page_memory every one of them (some 1,000 here) would wait for a full collection.
    assert alive < len(collections) // 10
