"""`/people/{id}`: one person's compliance for those allowed to see it (themselves, their supervisor, their
lead, an admin); anyone else gets a refusal.
"""

from __future__ import annotations

from nicegui import ui

from tracker.access import check_view_person, person_facts, supervises
from tracker.services.profile import profile
from ui import person_view
from ui.actions import read
from ui.layout import PAGE_BUILD_SECONDS, frame


def register() -> None:
    @ui.page("/people/{person_id}", response_timeout=PAGE_BUILD_SECONDS)
    async def person(person_id: int) -> None:
        async with frame("Person") as page:
            facts = await read(person_facts, person_id, page.as_of)
            check_view_person(page.viewer, person_id, facts)
            data = await read(profile, person_id, page.as_of)
            page.retitle(data.header.name)
            if supervises(page.viewer, facts):
                ui.button(
                    f"Log a session with {data.header.name}", icon="edit_note",
                    on_click=lambda: ui.navigate.to(f"/supervision/log?with={person_id}"),
                ).props("unelevated no-caps")
            if page.viewer.person_id == person_id:
                ui.link("Acknowledge policies and add certificates on My compliance", "/me")
            person_view.show(data, page.as_of)
