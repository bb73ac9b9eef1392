"""`/evidence` (leads and admins): certificates uploaded by staff wait here until a lead of the person or an
admin approves them (setting the completion date, after which they count) or rejects them with a reason."""

from __future__ import annotations

from nicegui import ui

from tracker.access import ADMIN, LEAD, require
from tracker.dates import uk
from tracker.services import evidence
from tracker.views.evidence_queue import EVIDENCE_PAGE_SIZE, Waiting, waiting_page
from ui.actions import as_viewer, read, write
from ui.attrs import attrs
from ui.components import date_input, empty_state, heading, muted, panel, status_chip, text
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame
from ui.lead_components import count_of, pager

PATH = "/evidence"
EVIDENCE_PAGE_SIZES = (EVIDENCE_PAGE_SIZE, 25)


def item(page: Page, w: Waiting, on_done) -> None:  # type: ignore[no-untyped-def]
    """A waiting certificate; its decision (a date, a reason, two buttons) is drawn when asked for: a page of
    ten forms cost more to build than all else on the page, and a lead decides them one at a time."""
    with attrs(ui.element("article").classes("panel flex flex-col gap-2"), data_record=w.record_id) as article:
        with ui.row().classes("items-baseline gap-3"):
            text("h3", w.course).classes("font-semibold text-lg m-0")
            ui.link(f"{w.name} ({w.staff_id})", f"/people/{w.person_id}")
        muted(
            f"Completed on {uk(w.completed_on)} (as the person says)"
            + (f" · provider {w.provider}" if w.provider else "")
            + (f" · sent {w.uploaded_at:%d/%m/%Y}" if w.uploaded_at else "")
        )
        if w.has_certificate:
            ui.link("Open the certificate (new tab)", f"/files/certificates/{w.record_id}", new_tab=True)
        else:
            with ui.row().classes("items-center gap-2"):
                status_chip("no_certificate", evidence.NO_CERTIFICATE).mark(f"no-certificate-{w.record_id}")
                muted("Approve it only if you have checked the completion another way, and say how.")

        def open_decision() -> None:
            decide.delete()
            with article:
                decision(w, on_done)

        decide = attrs(ui.button("Approve or reject", icon="rule", on_click=open_decision),
                       aria_label=f"Approve or reject {w.course} for {w.name}").props("outline no-caps").mark(
            f"decide-{w.record_id}")


def decision(w: Waiting, on_done) -> None:  # type: ignore[no-untyped-def]
    with ui.row().classes("items-end gap-4 w-full"):
        done_on = attrs(date_input("Completion date", w.completed_on, required=True, calendar_when_opened=True),
                        aria_label=f"Completion date of {w.course} for {w.name}").mark(f"date-{w.record_id}")
        checked = None
        if not w.has_certificate:
            checked = attrs(ui.input("How you checked it without a certificate").classes("min-w-[24rem]"),
                            aria_label=f"How you checked {w.course} for {w.name} without a certificate").mark(
                f"without-certificate-{w.record_id}")

        async def approve() -> None:
            outcome = await write(
                as_viewer(evidence.approve, w.record_id, done_on.value or "",
                          without_certificate=(checked.value or "") if checked is not None else ""),
                needs=(LEAD, ADMIN),
                success=f"Approved: {w.course} for {w.name} now counts"
                        + ("." if w.has_certificate else " (approved without a certificate)."),
            )
            if outcome.ok:
                await on_done()

        ui.button("Approve", icon="check", on_click=approve).props(
            "unelevated no-caps color=positive"
        ).mark(f"approve-{w.record_id}")
    with ui.row().classes("items-end gap-4 w-full"):
        reason = attrs(ui.input("Reason for rejecting").classes("min-w-[24rem]"),
                       aria_label=f"Reason for rejecting {w.course} for {w.name}").mark(f"reason-{w.record_id}")

        async def reject() -> None:
            outcome = await write(
                as_viewer(evidence.reject, w.record_id, reason.value or ""),
                needs=(LEAD, ADMIN),
                success=f"Rejected: {w.name} will see why.",
            )
            if outcome.ok:
                await on_done()

        ui.button("Reject", icon="close", on_click=reject).props("outline no-caps color=negative").mark(
            f"reject-{w.record_id}"
        )
    done_on.run_method("focus")  # the box the lead types in first, where the pressed button was


def register() -> None:
    add_nav(PATH, "Evidence to approve", "task", "Team", lambda v: v.is_lead or v.is_admin, order=40)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def evidence_page() -> None:
        async with frame("Evidence to approve", breadcrumbs=[("Team", "/team")]) as page:
            require(page.viewer, LEAD, ADMIN)
            muted(
                "Certificates sent by staff count only once approved. Check the certificate, set the date it "
                "shows, and approve; or reject it with a reason the person will see. You cannot decide your own."
            )
            content = ui.column().classes("w-full gap-3")
            at = {"page": 1, "size": EVIDENCE_PAGE_SIZE}

            async def show(number: int | None = None, size: int | None = None) -> None:
                at["page"], at["size"] = number or at["page"], size or at["size"]
                waiting = await read(waiting_page, page.viewer, page.today, at["page"], at["size"])
                if waiting is None:
                    return
                at["page"] = waiting.page  # past the end after the last ones were decided: the last page
                content.clear()
                with content:
                    heading(f"Waiting: {count_of(waiting.total, 'certificate', 'certificates')}", 2).mark(
                        "waiting"
                    )
                    if not waiting.total:
                        with panel():
                            empty_state("Nothing is waiting for a decision.")
                    if waiting.total > EVIDENCE_PAGE_SIZE:
                        muted("Oldest first.")
                        pager(waiting, show, noun="certificates", sizes=EVIDENCE_PAGE_SIZES)
                    for w in waiting.items:
                        item(page, w, show)

            await show()
