"""Supervisor: my own log of sessions given, filterable by dates, supervisee and kind, with totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from nicegui import ui

from tracker.access import SUPERVISOR, require
from tracker.dates import add_months, month_start
from tracker.errors import TrackerError
from tracker.views.caseload import LogTotals, SessionView, people_supervised, supervisor_log
from ui.actions import read
from ui.components import KIND_LABELS, date_input, empty_state, heading, muted, panel, plural, read_date, text
from ui.data_table import data_table
from ui.layout import PAGE_BUILD_SECONDS, add_nav, frame
from ui.session_table import sessions_table

PAGE_SIZE = 25  # rows drawn at once: a year of a busy supervisor's sessions is hundreds, each with its notes opened


@dataclass
class Shown:
    views: list[SessionView] = field(default_factory=list)
    totals: LogTotals = field(default_factory=lambda: LogTotals(0, 0, 0, {}))
    limit: int = PAGE_SIZE
    asked: tuple[date, date, int | None, str | None] = (date.min, date.min, None, None)  # the filters shown


def register() -> None:
    add_nav("/supervision/sessions", "My supervision log", "history", "Supervision", lambda v: v.is_supervisor,
            order=30)

    @ui.page("/supervision/sessions", response_timeout=PAGE_BUILD_SECONDS)
    async def supervision_log() -> None:
        async with frame("My supervision log", breadcrumbs=[("My supervisees", "/supervisees")]) as page:
            require(page.viewer, SUPERVISOR)
            supervisor_id = page.viewer.person_id
            assert supervisor_id is not None
            people = dict(await read(people_supervised, supervisor_id))
            with panel(), ui.row().classes("items-end gap-4 w-full"):
                first = date_input("From", add_months(month_start(page.as_of), -11)).mark("from")
                last = date_input("To", page.as_of).mark("to")
                who = ui.select({0: "Everyone", **people}, value=0, label="Supervisee").classes("min-w-[14rem]")
                kind = ui.select({"": "Every kind", **KIND_LABELS}, value="", label="Kind").classes("min-w-[12rem]").mark("kind")
                apply = ui.button("Show", icon="filter_alt").props("unelevated no-caps").mark("apply")
            results = ui.column().classes("w-full gap-4")
            shown = Shown()

            def render() -> None:
                views, totals, limit = shown.views, shown.totals, shown.limit
                results.clear()
                with results, panel():
                    heading("Sessions", 2)
                    with ui.row().classes("gap-6").props('role="status"').mark("totals"):
                        text("strong", plural(totals.sessions, "session"))
                        text("strong", f"{plural(totals.minutes, 'minute')} ({totals.hours})")
                        text("strong", plural(totals.people, "person", "people"))
                        for k, m in sorted(totals.by_kind.items()):
                            muted(f"{KIND_LABELS.get(k, k)}: {m} min")
                    if not views:
                        empty_state("No sessions match these filters.")
                        return
                    data_table(sessions_table(views)).classes("w-full").mark("sessions")
                    if totals.sessions > limit:
                        muted(f"Showing the newest {limit} of {totals.sessions} sessions.")
                        ui.button(f"Show {min(PAGE_SIZE, totals.sessions - limit)} more", on_click=show_more).props(
                            "outline no-caps"
                        ).mark("more")

            async def show_more() -> None:  # more of what was last shown, whatever the fields say since
                await load(*shown.asked, shown.limit + PAGE_SIZE)

            async def load(start: date, end: date, person: int | None, session_kind: str | None, limit: int) -> None:
                views, totals = await read(
                    supervisor_log, supervisor_id, start, end, person, session_kind,
                    notes_key=page.notes_key, limit=limit,  # only the rows drawn: their notes opened, no others
                )
                shown.views, shown.totals, shown.limit = views, totals, limit
                shown.asked = (start, end, person, session_kind)
                render()

            async def show() -> None:
                try:
                    start = read_date(first, "From", required=True)
                    end = read_date(last, "To", required=True)
                except TrackerError as exc:
                    ui.notify(exc.message, type="negative")
                    return
                assert start is not None and end is not None
                await load(start, end, int(who.value) or None, kind.value or None, PAGE_SIZE)

            apply.on_click(show)
            await show()
