"""ui.collector: once the server has started, what it loaded is frozen and full collections are rarer, while
young cycles are still collected."""

from __future__ import annotations

import gc
import weakref

import pytest

from ui import collector


@pytest.fixture
def restored_collector():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_settling_freezes_what_is_loaded_and_spaces_out_full_collections(restored_collector):
    collector.settle()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (collector.YOUNG, collector.MIDDLE, collector.FULL_AFTER)


def test_a_cycle_made_after_settling_is_still_collected(restored_collector):
    collector.settle()

    class Node:
        other: object = None

    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    gc.collect(1)  # a young collection: no full walk needed
    assert gone() is None
