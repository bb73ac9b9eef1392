"""The span of days the records cover: the earliest day worth viewing "as at" (read by the header's picker)."""

from __future__ import annotations

from datetime import date

from peewee import fn

from tracker.models import Employment, SupervisionSession, TrainingRecord
from tracker.views.team_cache import CACHE


def first_record_date() -> date | None:
    """The earliest employment start, course completion or supervision session held; None when there are none.

    Every page's header asks, and at 10,000 staff the three minimums take about 20 ms (a completion date has no
    index of its own), so the answer is kept until the data changes (the team cache's data marker)."""
    return CACHE.remembered("first record date", read_first_record_date)


def read_first_record_date() -> date | None:
    found = [
        model.select(fn.MIN(column)).scalar()
        for model, column in (
            (Employment, Employment.start_date),
            (TrainingRecord, TrainingRecord.completed_on),
            (SupervisionSession, SupervisionSession.date),
        )
    ]
    days = [d if isinstance(d, date) else date.fromisoformat(str(d)) for d in found if d is not None]
    return min(days) if days else None
