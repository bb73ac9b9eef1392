"""One person's compliance, shown the same way on "My compliance" and on the drill-down page of a person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from nicegui import ui

from tracker import compliance as c
from tracker.dates import uk
from tracker.views.profile import PolicyView, Profile, RecordView
from ui.attrs import safe_href
from ui.components import (
    KIND_LABELS,
    days_ago,
    definition_list,
    empty_state,
    heading,
    muted,
    panel,
    status_chip,
    text,
    uk_date,
)
from ui.data_table import data_table
from ui.grids import (
    Part,
    chip_cell,
    months_table,
    new_tab_link_cell,
    simple_table,
    text_cell,
    web_link_cell,
    worded_chip_cell,
)


def next_step(course: c.CourseStatus) -> str:
    """What the person should do about a course, in words."""
    if course.status == c.EXPIRED:
        return f"Overdue since {uk(course.expires_on)}: complete it now"
    if course.status == c.MISSING:
        return f"Overdue (was due by {uk(course.due_by)}): complete it now"
    if course.status == c.DUE:
        return f"Complete by {uk(course.due_by)}"
    if course.status == c.DUE_SOON:
        return f"Book a renewal before {uk(course.expires_on)}"
    if course.expires_on is None:
        return "Nothing to do: this course does not expire"
    return f"Nothing to do until {uk(course.expires_on)}"


def summary(profile: Profile) -> None:
    h = profile.header
    result = profile.compliance
    with panel():
        with ui.row().classes("items-center gap-3 w-full"):
            heading(h.name, 2).classes("m-0")
            if result is not None:
                status_chip(result.rag).mark("rag")
            elif h.archived:
                status_chip("paused", "Archived")
            else:
                status_chip("paused", "Not employed on this date")
        definition_list(
            [
                ("Staff id", h.staff_id),
                ("Role", h.role),
                ("Employer", h.employer),
                ("PCN", h.pcn),
                ("Started", uk_date(h.started)),
            ]
        )
        if result is None:
            return
        text("h3", "Why" if result.reasons else "All up to date").classes("font-semibold mt-3")
        if result.reasons:
            with ui.element("ul").classes("list-disc pl-6"):
                for reason in result.reasons:
                    text("li", reason)
        else:
            muted("Every required course is in date and supervision is on track.")


KIND_NAMES = {"course": "Course", "registration": "Registration", "check": "Check", "appraisal": "Appraisal"}
TRAINING_COLUMNS = [(label, False) for label in
                    ("Course or check", "Kind", "Status", "Completed", "Expires", "Met by", "Next step")]
POLICY_COLUMNS = [(label, False) for label in
                  ("Policy", "Employer and version", "Review by", "Acknowledgement", "Statement", "Document")]
RECORD_COLUMNS = [(label, False) for label in ("Course or check", "Completed", "Provider or body", "Number",
                                               "Printed expiry", "Evidence", "Certificate")]


def training(result: c.PersonCompliance) -> None:
    with panel():
        heading("Training and checks", 2)
        if not result.training:
            empty_state("No course or check is required of this role and employer.")
            return
        rows = [
            ({"course": course.course, "status": course.status}, [
                [text_cell(course.name)],
                [text_cell(KIND_NAMES.get(course.kind, course.kind))],
                [chip_cell(course.status)],
                [text_cell(uk_date(course.completed_on))],
                [text_cell(uk_date(course.expires_on, "Never" if course.completed_on else "—"))],
                [text_cell(" and ".join(course.met_by) or "—")],
                [text_cell(next_step(course))],
            ])
            for course in result.training
        ]
        data_table(simple_table("Required courses and checks, their status and what to do next", TRAINING_COLUMNS,
                               rows)).classes("w-full").mark("training")


def supervision(result: c.PersonCompliance, as_of: date) -> None:
    with panel():
        heading("Supervision, last 12 months", 2)
        if result.last_session:
            muted(f"Last session {uk(result.last_session)} ({days_ago((as_of - result.last_session).days)}).")
        else:
            muted("No supervision session in the last 12 months.")
        data_table(months_table(result.months)).classes("w-full").mark("months")


def supervisors(profile: Profile) -> None:
    with panel():
        heading("Supervisors and first point of contact", 2)
        if not profile.supervisors:
            empty_state("No supervisor is named. Ask your operational lead to name one.")
            return
        with ui.element("ul").classes("list-none p-0 m-0 flex flex-col gap-1"):
            for link in profile.supervisors:
                role = "First point of contact" if link.first_contact else f"{KIND_LABELS.get(link.kind, link.kind)} supervisor"
                text("li", f"{role}: {link.name} (since {uk(link.since)})")


def policies(
    profile: Profile, on_acknowledge: Callable[[PolicyView], Awaitable[None]] | None, as_of: date
) -> None:
    with panel():
        heading("Policies of my employer" if on_acknowledge else "Policies of their employer", 2)
        if not profile.policies:
            empty_state("The employer has recorded no policies yet.")
            return
        rows = [({"policy": str(policy.policy_id)}, _policy_cells(policy, as_of)) for policy in profile.policies]
        caption = "Each policy: its employer and version, review date, acknowledgement and statement"
        data_table(simple_table(caption, POLICY_COLUMNS, rows)).classes("w-full").mark("policies")
        if on_acknowledge is None:
            return
        waiting = [p for p in profile.policies if p.requires_acknowledgement and not p.acknowledged_on]
        if waiting:
            text("h3", "To acknowledge").classes("font-semibold mt-3")
            with ui.row().classes("gap-2"):
                for policy in waiting:
                    ui.button(
                        f"I have read version {policy.version} of the {policy.topic.lower()} policy",
                        on_click=lambda p=policy: on_acknowledge(p),
                    ).props("outline no-caps").mark(f"ack-{policy.policy_id}")


def _policy_cells(policy: PolicyView, as_of: date) -> list[list[Part]]:
    """A policy as one row, an overdue review and the acknowledgement as chips that say it in words."""
    if policy.review_date is not None and c.review_overdue(policy.review_date, as_of):
        review = worded_chip_cell("review_overdue", f"Review overdue since {uk(policy.review_date)}")
    else:
        review = text_cell(uk_date(policy.review_date))
    if not policy.requires_acknowledgement:
        acknowledgement = text_cell("Not asked for")
    elif policy.acknowledged_on:
        acknowledgement = worded_chip_cell("acknowledged", f"Acknowledged {uk(policy.acknowledged_on)}")
    else:
        acknowledgement = chip_cell("not_acknowledged")
    statement: list[Part] = [text_cell(policy.statement or "—")]
    statement += [{"detail": f"Agreed adaptation for the joint team: {a}"} for a in policy.adaptations]
    href = safe_href(policy.document_url)
    words = f"Read the {policy.topic.lower()} policy"
    document = web_link_cell(words, href) if href else text_cell(words if policy.document_url else "—")
    return [[text_cell(policy.topic)], [text_cell(f"{policy.employer} · version {policy.version}")], [review],
            [acknowledgement], statement, [document]]


def records(profile: Profile) -> None:
    with panel():
        heading("Training records and certificates", 2)
        if not profile.records:
            empty_state("No training has been recorded yet.")
            return
        rows = [
            ({"record": str(r.record_id), "evidence": r.evidence_state}, [
                [text_cell(r.course)],
                [text_cell(uk(r.completed_on))],
                [text_cell(r.provider or "—")],
                [text_cell(r.reference_shown or "—")],
                [text_cell(uk(r.expires_on) if r.expires_on else "—")],
                [_evidence_chip(r)] + ([{"detail": f"Why: {r.rejected_because}"}] if r.rejected_because else []),
                [new_tab_link_cell("Open", f"/files/certificates/{r.record_id}", f"Open the certificate for {r.course}")
                 if r.has_certificate else text_cell("—")],
            ])
            for r in profile.records
        ]
        data_table(simple_table("Recorded completions, newest first", RECORD_COLUMNS, rows)).classes("w-full").mark(
            "records"
        )


def _evidence_chip(r: RecordView) -> Part:
    if r.evidence_state == "pending":
        return worded_chip_cell("pending", "Waiting for approval")
    return chip_cell(r.evidence_state)


def show(
    profile: Profile,
    as_of: date,
    *,
    on_acknowledge: Callable[[PolicyView], Awaitable[None]] | None = None,
) -> None:
    summary(profile)
    if profile.compliance is not None:
        training(profile.compliance)
        supervision(profile.compliance, as_of)
    supervisors(profile)
    policies(profile, on_acknowledge, as_of)
    records(profile)
