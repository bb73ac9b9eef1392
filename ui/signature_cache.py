"""NiceGUI asks `inspect.signature` of a bound method three times for every element it makes (its classes,
style and props each register their `_update` as a change handler and ask whether it takes arguments). That
was the largest single cost of a page under load: 61% of building the 1,162-element supervision log, about
19 µs a call. The answer depends only on the method's function, never on the instance, so it is worked out
once per function and remembered; any other callable (a lambda, a partial, a class) is asked every time, as
NiceGUI does.
"""

from __future__ import annotations

import types
import weakref
from collections.abc import Callable
from typing import Any

from nicegui import helpers

_asked: Callable[[Callable[..., Any]], bool] = helpers.expects_arguments  # NiceGUI's own
_by_function: weakref.WeakKeyDictionary[types.FunctionType, bool] = weakref.WeakKeyDictionary()


def expects_arguments(func: Callable[..., Any]) -> bool:
    """NiceGUI's answer: does `func` take an argument without a default?"""
    if type(func) is types.MethodType and type(func.__func__) is types.FunctionType:
        inner = func.__func__
        known = _by_function.get(inner)
        if known is None:
            known = _by_function[inner] = _asked(func)
        return known
    return _asked(func)


def install() -> None:
    """Every NiceGUI module calls it as `helpers.expects_arguments`, so replacing it there is enough."""
    helpers.expects_arguments = expects_arguments  # type: ignore[assignment]
