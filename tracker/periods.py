"""What "active on a day" means for a dated row (an employment, a supervisor assignment), as SQL: one definition.

A row runs from its start_date to its end_date, both included; no end date means it has not ended.
"""

from __future__ import annotations

from datetime import date
from typing import Any


def active_on(model: Any, day: date, *, since: date | None = None) -> Any:
    """The row's period covers `day`; with `since`, it covers some day from `since` to `day`."""
    return (model.start_date <= day) & (model.end_date.is_null() | (model.end_date >= (since or day)))
