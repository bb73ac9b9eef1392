"""The project's benchmarks: named sections run by `python -m bench [name ...]` (no name runs them all).

A section is a function taking a `Bench` context, registered with `@section("name", "what it measures")` in
any module of this package (each module is imported by `python -m bench`). The context gives the database URL
of the synthetic population (already connected), the as-at date, how many repeats to take, and `timed()` /
`report()` helpers so every section prints the same way:

    from bench import Bench, section

    @section("dashboard", "the dashboard's query for one employer")
    def dashboard(b: Bench) -> None:
        seconds = b.timed(lambda: build_dashboard(b.as_of, employer_id=1))
        b.report("dashboard page data", seconds, target=0.3)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class Bench:
    url: str
    as_of: date
    repeats: int = 5
    backend: str = "sqlite"
    results: dict[str, float] = field(default_factory=dict)

    def timed(self, action: Callable[[], Any], repeats: int | None = None, warmup: int = 1) -> float:
        """The median wall time of `action` in seconds, after `warmup` untimed runs."""
        for _ in range(warmup):
            action()
        times = []
        for _ in range(repeats or self.repeats):
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    def report(self, label: str, seconds: float, target: float | None = None, unit: str = "s") -> None:
        """Print one figure (and remember it under `label` for later sections in the same run)."""
        self.results[label] = seconds
        shown = f"{seconds * 1000:9.1f} ms" if unit == "ms" else f"{seconds:9.3f} s "
        verdict = ""
        if target is not None:
            verdict = f"  target <= {target:g} {unit}: " + ("ok" if seconds <= target else "MISSED")
        print(f"  {label:<44}{shown}{verdict}", flush=True)

    def note(self, text: str) -> None:
        print(f"  {text}", flush=True)


@dataclass(frozen=True)
class Section:
    name: str
    description: str
    run: Callable[[Bench], None]
    by_default: bool = True  # False: run only when named (`python -m bench national`)


SECTIONS: dict[str, Section] = {}


def section(
    name: str, description: str = "", by_default: bool = True
) -> Callable[[Callable[[Bench], None]], Callable[[Bench], None]]:
    """Register a benchmark section under `name` (run in registration order when no name is given, unless
    `by_default` is False: then only when named)."""

    def register(fn: Callable[[Bench], None]) -> Callable[[Bench], None]:
        if name in SECTIONS and SECTIONS[name].run is not fn:
            raise ValueError(f"two bench sections are called {name!r}")
        SECTIONS[name] = Section(
            name, description or (fn.__doc__ or "").strip().splitlines()[0], fn, by_default
        )
        return fn

    return register
