"""Python's cycle collector, set for a server that holds big caches.

Under load, py-spy and gc's own callbacks showed full collections costing as much as building the pages: every
few pages a full collection walked every object the process holds (the imported code, every open page's
elements, and the cached 10,000-staff snapshots, hundreds of thousands to millions of objects), each walk a
pause of 0.5-1 s on the event loop for everyone. Two settings, applied once the server has started:
- what is loaded by then (modules, functions, the app's routes) is frozen: it lives as long as the process
  and is never walked again;
- a full collection waits for FULL_AFTER younger collections instead of Python's 10. Young cycles (a page's
  handlers and its elements) are still collected as often as before; only the walk over the long-lived heap
  is rarer (under 20 sessions about once a minute instead of every few pages).
On the load bench (20 sessions, 30 s, the same noisy machine, one run after the other): page p50 853 -> 145 ms,
p95 3,252 -> 617 ms; the resident memory at the end 377 -> 494 MiB (garbage waits longer), the peak unchanged.
"""

from __future__ import annotations

import gc

YOUNG = 700  # Python's default: allocations between young collections
MIDDLE = 10  # Python's default
FULL_AFTER = 1000  # Python's default is 10


def settle() -> None:
    """Once, when the server has started (not under the test fixture, whose process runs many apps)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, FULL_AFTER)
