"""`/people/{id}`: one person's compliance for those allowed to see it (themselves, their supervisor, their
lead, an admin); anyone else gets a refusal.
"""

from __future__ import annotations

from nicegui import ui

from tracker.access import check_view_person, supervises
from tracker.ids import require_id
from tracker.views.access_facts import person_facts
from tracker.views.profile import profile
from ui import person_view
from ui.actions import read
from ui.layout import PAGE_BUILD_SECONDS, frame


def register() -> None:
    @ui.page("/people/{person_id}", response_timeout=PAGE_BUILD_SECONDS)
    async def person(person_id: str) -> None:
        async with frame("Person") as page:
            pid = require_id(person_id, "person")
            facts = await read(person_facts, pid, page.as_of)
            check_view_person(page.viewer, pid, facts)
            data = await read(profile, pid, page.as_of)
            page.retitle(data.header.name)
            if supervises(page.viewer, facts):
                ui.button(
                    f"Log a session with {data.header.name}", icon="edit_note",
                    on_click=lambda: ui.navigate.to(f"/supervision/log?with={pid}"),
                ).props("unelevated no-caps")
            if page.viewer.person_id == pid:
                ui.link("Acknowledge policies and add certificates on My compliance", "/me")
            person_view.show(data, page.as_of)
