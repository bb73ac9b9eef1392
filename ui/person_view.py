"""One person's compliance, shown the same way on "My compliance" and on the drill-down page of a person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from nicegui import ui

from tracker import compliance as c
from tracker.dates import uk
from tracker.views.profile import PolicyView, Profile
from ui.attrs import attrs, safe_link
from ui.components import (
    KIND_LABELS,
    days_ago,
    definition_list,
    empty_state,
    heading,
    month_strip,
    muted,
    panel,
    review_line,
    status_chip,
    text,
    uk_date,
)
from ui.tables import Column, table


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


def training(result: c.PersonCompliance) -> None:
    with panel():
        heading("Training and checks", 2)
        if not result.training:
            empty_state("No course or check is required of this role and employer.")
            return
        columns = [
            Column("Course or check"), Column("Kind"), Column("Status"), Column("Completed"), Column("Expires"),
            Column("Met by"), Column("Next step"),
        ]
        with table("Required courses and checks, their status and what to do next", columns) as rows:
            for course in result.training:
                with rows.row():
                    rows.cell(course.name)
                    rows.cell(KIND_NAMES.get(course.kind, course.kind))
                    with rows.cell():
                        status_chip(course.status)
                    rows.cell(uk_date(course.completed_on))
                    rows.cell(uk_date(course.expires_on, "Never" if course.completed_on else "—"))
                    rows.cell(" and ".join(course.met_by) or "—")
                    rows.cell(next_step(course))


def supervision(result: c.PersonCompliance, as_of: date) -> None:
    with panel():
        heading("Supervision, last 12 months", 2)
        if result.last_session:
            muted(f"Last session {uk(result.last_session)} ({days_ago((as_of - result.last_session).days)}).")
        else:
            muted("No supervision session in the last 12 months.")
        month_strip(result.months)


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
        for policy in profile.policies:
            with attrs(ui.element("article").classes("border-t py-3 w-full"), data_policy=policy.policy_id):
                with ui.row().classes("items-center gap-2"):
                    text("h3", policy.topic).classes("font-semibold text-base m-0")
                    if policy.requires_acknowledgement:
                        if policy.acknowledged_on:
                            status_chip("acknowledged", f"Acknowledged {uk(policy.acknowledged_on)}")
                        else:
                            status_chip("not_acknowledged")
                review_line(f"{policy.employer} · version {policy.version}", policy.review_date, as_of)
                if policy.statement:
                    ui.label(policy.statement)
                if policy.document_url:
                    safe_link(f"Read the {policy.topic.lower()} policy", policy.document_url, new_tab=True)
                for adaptation in policy.adaptations:
                    ui.label(f"Agreed adaptation for the joint team: {adaptation}").classes("italic")
                if on_acknowledge and policy.requires_acknowledgement and not policy.acknowledged_on:
                    ui.button(
                        f"I have read version {policy.version}",
                        on_click=lambda p=policy: on_acknowledge(p),
                    ).props("outline no-caps").mark(f"ack-{policy.policy_id}")


def records(profile: Profile) -> None:
    with panel():
        heading("Training records and certificates", 2)
        if not profile.records:
            empty_state("No training has been recorded yet.")
            return
        columns = [Column("Course or check"), Column("Completed"), Column("Provider or body"), Column("Number"),
                   Column("Printed expiry"), Column("Evidence"), Column("Certificate")]
        with table("Recorded completions, newest first", columns) as rows:
            for r in profile.records:
                with rows.row():
                    rows.cell(r.course)
                    rows.cell(uk(r.completed_on))
                    rows.cell(r.provider or "—")
                    rows.cell(r.reference_shown or "—")
                    rows.cell(uk(r.expires_on) if r.expires_on else "—")
                    with rows.cell():
                        status_chip(r.evidence_state, "Waiting for approval" if r.evidence_state == "pending" else None)
                        if r.rejected_because:
                            ui.label(f"Why: {r.rejected_because}").classes("text-sm")
                    with rows.cell():
                        if r.has_certificate:
                            attrs(ui.link("Open", f"/files/certificates/{r.record_id}", new_tab=True),
                                  aria_label=f"Open the certificate for {r.course}")
                        else:
                            ui.label("—")


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
