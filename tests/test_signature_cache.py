"""ui.signature_cache answers NiceGUI's "does this handler take an argument?" exactly as NiceGUI does, remembering
the answer per method's function (never per instance), and the app installs it."""

from __future__ import annotations

import functools

from nicegui import helpers, ui
from nicegui.helpers.functions import expects_arguments as asked

from ui import signature_cache


class Handlers:
    def plain(self) -> None: ...

    def with_event(self, event: object) -> None: ...

    def with_default(self, event: object = None) -> None: ...

    def with_rest(self, *args: object, **kwargs: object) -> None: ...


def test_each_kind_of_handler_gets_the_answer_nicegui_gives():
    first, second = Handlers(), Handlers()
    handlers = [
        first.plain, second.plain, first.with_event, second.with_event, first.with_default, first.with_rest,
        lambda: None, lambda e: None, functools.partial(lambda a, b: None, 1), Handlers, print,
    ]
    for handler in handlers * 2:  # the second round from what was remembered
        assert signature_cache.expects_arguments(handler) is asked(handler), handler
    assert signature_cache.expects_arguments(first.with_event) is True
    assert signature_cache.expects_arguments(second.plain) is False


def test_the_answer_is_remembered_for_the_method_not_for_each_instance():
    signature_cache._by_function.clear()
    for _ in range(3):
        signature_cache.expects_arguments(Handlers().with_event)
    assert set(signature_cache._by_function) == {Handlers.with_event}


async def test_the_app_installs_it_and_elements_still_update(user):
    assert helpers.expects_arguments is signature_cache.expects_arguments
    await user.open("/login")
    with user:
        label = ui.label("before").classes("one").style("color: red").props("data-x=1")
        label.classes(replace="two")
        label.props["data-x"] = "2"
    assert label.classes == ["two"] and label.props["data-x"] == "2" and label.style["color"] == "red"
