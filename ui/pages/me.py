"""Staff: "My compliance": my status and why, courses, supervision, supervisors, policies, certificates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from tracker.access import Viewer
from tracker.dates import uk
from tracker.errors import PermissionDenied
from tracker.services import evidence, policies
from tracker.views.profile import PolicyView, Profile, profile
from tracker.views.training_events import EventSummary, upcoming_for
from ui import person_view
from ui.actions import Form, person, read, write
from ui.components import date_input, heading, muted, panel, text
from ui.file_field import FileField
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame

CERTIFICATE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")


def upload_form(page: Page, data: Profile, on_done: Callable[[], Awaitable[None]]) -> None:
    """Record a completion with its certificate; it counts once a lead or admin approves it."""
    form = Form()
    with panel():
        heading("Add a completed course or check with its certificate", 2)
        muted("PDF, JPEG or PNG, up to 5 MB. It counts once your operational lead approves it. For a registration "
              "or a DBS check, give the date it was checked or issued, its number, and any expiry printed on it.")
        with ui.row().classes("w-full gap-4 items-start"):
            course = ui.select(dict(data.courses), label="Course or check", with_input=True).classes(
                "min-w-[22rem]").mark("course")
            done_on = date_input("Completed, checked or issued on", page.today, required=True, latest=page.today)
            provider = ui.input("Provider or body (optional)").classes("min-w-[14rem]")
        with ui.row().classes("w-full gap-4 items-start"):
            reference = ui.input("Registration or certificate number (optional)").classes("min-w-[18rem]").mark(
                "reference")
            expires_on = date_input("Expiry printed on it (optional)")

        certificate = FileField(
            "Choose the certificate file", suffixes=CERTIFICATE_SUFFIXES, kinds="PDF, JPEG or PNG",
            max_bytes=evidence.MAX_BYTES,
        ).mark("certificate")

        async def send() -> None:
            def upload(who: Viewer) -> None:
                assert who.person_id is not None  # needs=person(...) let only this person through
                evidence.upload_certificate(
                    who, page.settings, who.person_id, course.value or "", done_on.value or "",
                    provider.value or "", certificate.content or b"",
                    reference=reference.value or "", expires_on=expires_on.value or None,
                )

            outcome = await write(
                upload,
                needs=person(page.viewer.person_id),
                success="Sent for approval. It will count once approved.",
                form=form,
            )
            if outcome.ok:
                certificate.reset()
                await on_done()

        form.guard(ui.button("Send for approval", on_click=send).props("unelevated no-caps").mark("send-certificate"))


def coming_training(coming: list[EventSummary]) -> None:
    """What is due next from the team: training events this person is invited to."""
    if not coming:
        return
    with panel().mark("coming-training"):
        heading("Due next: team training you are invited to", 2)
        with ui.element("ul").classes("list-disc pl-6 m-0"):
            for event in coming:
                with ui.element("li"):
                    ui.link(f"{uk(event.date)}: {event.course}", f"/training-events/{event.event_id}")
                    text("span", f" ({event.provider})")


def register() -> None:
    add_nav("/me", "My compliance", "verified_user", "My work", lambda v: v.person_id is not None,
            order=10, home_rank=30)

    @ui.page("/me", response_timeout=PAGE_BUILD_SECONDS)
    async def me() -> None:
        async with frame("My compliance") as page:
            person_id = page.viewer.person_id
            if person_id is None:
                raise PermissionDenied("your account is not linked to a person's record")
            content = ui.column().classes("w-full gap-4")

            async def acknowledge(policy: PolicyView) -> None:
                outcome = await write(
                    lambda who: policies.acknowledge(who.actor, person_id, policy.policy_id),
                    needs=person(person_id),
                    success=f"Thank you: you have acknowledged {policy.topic} version {policy.version}.",
                )
                if outcome.ok:
                    await show()

            async def show() -> None:
                data = await read(profile, person_id, page.as_of)
                coming = await read(upcoming_for, person_id, page.as_of)
                content.clear()
                with content:
                    coming_training(coming)
                    person_view.show(data, page.as_of, on_acknowledge=None if page.is_past else acknowledge)
                    if not page.is_past:
                        upload_form(page, data, show)

            await show()
