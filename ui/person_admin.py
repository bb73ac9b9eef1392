"""The sections of an administrator's page for one person. Every form carries the record version it was
drawn from, so a change made meanwhile by someone else is refused with a message instead of overwritten."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from tracker.access import ADMIN
from tracker.dates import parse_optional_date, uk
from tracker.errors import TrackerError
from tracker.services import absences, assignments, people
from tracker.views import admin_views as av
from tracker.views.people_picker import find_supervisors, people_chosen
from tracker.vocabulary import ABSENCE_REASONS, SUPERVISION_KINDS
from ui.actions import as_actor, error_text, read, read_as, sentence, write
from ui.attrs import attrs
from ui.components import (
    KIND_LABELS,
    date_input,
    empty_state,
    heading,
    muted,
    panel,
    read_date,
    search_select,
    text,
)
from ui.confirm import confirm
from ui.form_problems import FormProblems
from ui.layout import Page
from ui.tables import Column, table

Reload = Callable[[], Awaitable[None]]
LEAVING_LABELS = {"end_date": "Last day"}  # the leaving form's words for the services' field
REASONS = {r: r.replace("_", " ").capitalize() for r in ABSENCE_REASONS}


def details(page: Page, r: av.PersonRecord, reload: Reload) -> None:
    with panel():
        heading("Details", 2)
        problems = FormProblems()
        with ui.row().classes("w-full gap-4"):
            first = ui.input("First name", value=r.first_name).props("outlined").mark("edit-first")
            last = ui.input("Last name", value=r.last_name).props("outlined").mark("edit-last")
            email = ui.input("Email", value=r.email or "").props("outlined").mark("edit-email")
            profession = ui.input("Profession", value=r.profession or "").props("outlined")
        for name, field in (("first_name", first), ("last_name", last), ("email", email), ("profession", profession)):
            problems.field(name, field)

        async def save() -> None:
            problems.clear()
            outcome = await write(
                as_actor(
                    people.update_person,
                    r.person_id,
                    r.version,
                    first.value or "",
                    last.value or "",
                    email.value or None,
                    profession.value or None,
                ),
                needs=ADMIN,
                success="Saved the details.",
                labels=problems.labels,
                quiet=True,
            )
            if outcome.ok:
                await reload()
            else:
                problems.show(outcome.problems)

        ui.button("Save the details", on_click=save).props("unelevated no-caps").mark("edit-save")


def jobs(page: Page, r: av.PersonRecord, found: av.Choices, reload: Reload) -> None:
    with panel():
        heading("Employment", 2)
        columns = [
            Column("Role"),
            Column("Employer"),
            Column("PCN"),
            Column("Band"),
            Column("FTE", numeric=True),
            Column("From"),
            Column("To"),
        ]
        with table("Jobs, newest first", columns) as cells:
            for j in r.jobs:
                with cells.row():
                    cells.cell(j.role, header=True)
                    for value in (
                        j.employer,
                        j.pcn or "—",
                        j.band or "—",
                        f"{j.fte:g}",
                        uk(j.start),
                        uk(j.end) if j.end else "Now",
                    ):
                        cells.cell(value)
        if r.archived or page.is_past:
            return
        current = r.jobs[0] if r.jobs else None
        text("h3", "Change of role, employer, PCN, band or hours").classes("font-semibold mt-3")
        muted("A new role or employer starts on the date given; the current job ends the day before.")
        with ui.row().classes("w-full gap-4 items-end"):
            role = (
                ui.select(
                    found.roles, label="Role", value=current.role_code if current else None, with_input=True
                )
                .classes("min-w-[16rem]")
                .props("outlined")
                .mark("job-role")
            )
            employer = (
                ui.select(
                    found.employers,
                    label="Employer",
                    value=current.employer if current else None,
                    with_input=True,
                    new_value_mode="add-unique",
                )
                .classes("min-w-[16rem]")
                .props("outlined")
                .mark("job-employer")
            )
            pcn = (
                ui.select(
                    found.pcns,
                    label="PCN",
                    value=(current.pcn or None) if current else None,
                    with_input=True,
                    new_value_mode="add-unique",
                )
                .classes("min-w-[12rem]")
                .props("outlined clearable")
            )
            band = ui.input("Band", value=current.band if current else "").props("outlined").classes("w-24")
            fte = (
                ui.input("FTE", value=f"{current.fte:g}" if current else "1")
                .props("outlined")
                .classes("w-24")
            )
            start = date_input("From", page.today, required=True)

        async def change() -> None:
            outcome = await write(
                as_actor(
                    people.change_employment,
                    r.person_id,
                    role.value or "",
                    employer.value or "",
                    start.value or "",
                    version=r.version,
                    pcn=pcn.value or None,
                    band=band.value or None,
                    fte=fte.value or None,
                ),
                needs=ADMIN,
                success="Saved the change of job.",
            )
            if outcome.ok:
                await reload()

        ui.button("Save the change of job", on_click=change).props("outline no-caps").mark("job-save")


def leaving(page: Page, r: av.PersonRecord, reload: Reload) -> None:
    if page.is_past:
        return
    with panel():
        heading("Leaving and archiving", 2)
        if r.open_job is not None:
            with ui.row().classes("items-end gap-4"):
                end = date_input("Last day", page.today, required=True).mark("leaver-date")

                async def leave() -> None:
                    outcome = await write(
                        as_actor(people.record_leaver, r.person_id, end.value or "", r.version),
                        needs=ADMIN,
                        success=f"Recorded {r.name} as a leaver.",
                        labels=LEAVING_LABELS,
                    )
                    if outcome.ok:
                        await reload()

                def ask_leave() -> None:
                    try:
                        last = read_date(end, "Last day", required=True)
                    except TrackerError as exc:
                        ui.notify(sentence(exc.message), type="negative")
                        return
                    assert last is not None
                    when = "" if last <= page.today else f" That is {(last - page.today).days} days from today."
                    confirm(
                        f"Record {r.name} as a leaver?",
                        [f"Their last day will be {uk(last)}: every job they hold ends that day.{when}",
                         "From the next day they no longer count in the team's figures or get reminders.",
                         "You can correct the last day or undo this afterwards; every change is in the audit trail."],
                        "Record as a leaver", leave,
                    )

                ui.button("Record as a leaver", on_click=ask_leave).props("outline no-caps").mark("leaver-save")
        elif r.jobs and not r.archived:
            last_day = max(j.end for j in r.jobs if j.end is not None)
            ui.label(f"{r.name} left: their last day was {uk(last_day)}.").mark("leaver-last-day")
            with ui.row().classes("items-end gap-4"):
                corrected = date_input("Correct the last day", last_day, required=True).mark("leaver-correct-date")

                async def correct(new_end: str | None) -> None:
                    outcome = await write(
                        as_actor(people.correct_leaving, r.person_id, new_end, r.version),
                        needs=ADMIN,
                        success=f"{r.name}'s last day is changed." if new_end else f"{r.name} has not left after all.",
                        labels=LEAVING_LABELS,
                    )
                    if outcome.ok:
                        await reload()

                def ask_correct() -> None:
                    value = corrected.value or ""
                    confirm(f"Change {r.name}'s last day?",
                            [f"Their last day will be {value} instead of {uk(last_day)}."],
                            "Change the last day", lambda: correct(value))

                def ask_undo() -> None:
                    confirm(f"Undo {r.name}'s leaving?",
                            [f"The jobs that ended on {uk(last_day)} are open again, as if they had not left.",
                             "They count in the team's figures again."],
                            "Undo leaving", lambda: correct(None))

                ui.button("Change the last day", on_click=ask_correct).props("outline no-caps").mark("leaver-correct")
                ui.button("Undo leaving", on_click=ask_undo).props("flat no-caps").mark("leaver-undo")
        muted("People are never deleted. Archiving a leaver hides them from lists; their history stays.")

        async def archive() -> None:
            outcome = await write(
                as_actor(people.restore_person if r.archived else people.archive_person, r.person_id, r.version),
                needs=ADMIN,
                success="Restored." if r.archived else "Archived.",
            )
            if outcome.ok:
                await reload()

        def ask_archive() -> None:
            if r.archived:
                confirm(f"Restore {r.name}?", [f"{r.name} shows in lists and searches again."], "Restore", archive)
            else:
                confirm(f"Archive {r.name}?",
                        [f"{r.name} is hidden from lists, searches and the team's figures.",
                         "Nothing is deleted: their history stays, and they can be restored at any time."],
                        "Archive", archive, danger=True)

        archiving = ui.button("Restore" if r.archived else "Archive", on_click=ask_archive).props("outline no-caps")
        attrs(archiving, color=None if r.archived else "negative").mark("archive")


def absence_list(page: Page, r: av.PersonRecord, reload: Reload) -> None:
    with panel():
        heading("Long absences", 2)
        muted(
            "Maternity leave, long-term sickness and career breaks pause supervision; training still expires."
        )
        if r.absences:
            with table("Absences, newest first", [Column("From"), Column("To"), Column("Reason")]) as cells:
                for a in r.absences:
                    with cells.row(absence=str(a.absence_id)):
                        cells.cell(uk(a.start), header=True)
                        cells.cell(uk(a.end))
                        cells.cell(REASONS.get(a.reason, a.reason))
        else:
            empty_state("No absence recorded.")
        if page.is_past:
            return
        with ui.row().classes("items-end gap-4"):
            start = date_input("Absent from", None, required=True)
            end = date_input("Absent to", None, required=True)
            reason = (
                ui.select(REASONS, value="sickness", label="Reason")
                .props("outlined")
                .classes("min-w-[12rem]")
            )

            async def add() -> None:
                outcome = await write(
                    as_actor(
                        absences.add_absence,
                        r.person_id,
                        start.value or "",
                        end.value or "",
                        reason.value or "other",
                    ),
                    needs=ADMIN,
                    success="Recorded the absence.",
                )
                if outcome.ok:
                    await reload()

            ui.button("Record the absence", on_click=add).props("outline no-caps").mark("absence-save")


def current_named(page: Page, r: av.PersonRecord) -> dict[str, int]:
    """Who is named today as the person's supervisor of each kind (or "first_contact"): the one a new choice of
    that kind would replace, shown as the picker's chosen value."""
    named: dict[str, int] = {}
    for s in r.supervisors:
        if s.start <= page.today and (s.end is None or s.end >= page.today):
            named.setdefault("first_contact" if s.first_contact else s.kind, s.other_id)
    return named


def supervisors(page: Page, r: av.PersonRecord, named: dict[str, int], labels: dict[int, str],
                reload: Reload) -> None:
    with panel():
        heading("Supervisors and first point of contact", 2)
        current = [s for s in r.supervisors if s.end is None or s.end >= page.today]
        if current:
            columns = [Column("Who"), Column("As"), Column("Since"), Column("")]
            with table("Current supervisors", columns) as cells:
                for s in current:
                    with cells.row(assignment=str(s.assignment_id)):
                        cells.cell(s.other, header=True)
                        cells.cell(
                            "First point of contact" if s.first_contact else KIND_LABELS.get(s.kind, s.kind)
                        )
                        cells.cell(uk(s.start))
                        with cells.cell():
                            if not page.is_past:
                                end = ui.button("End today", on_click=lambda s=s: end_link(page, s, reload))
                                attrs(end.props("flat dense no-caps"),
                                      aria_label=f"End today: {s.other} as supervisor").mark(f"end-{s.assignment_id}")
        else:
            empty_state("No supervisor is named.")
        if page.is_past or r.archived:
            return

        async def find(words: str) -> dict[int, str] | None:
            """Anyone active but the person themself (the service checks it again when they are named)."""
            return await read_as(lambda who: find_supervisors(words, r.person_id), needs=ADMIN)

        value = named.get("clinical")
        shown = labels.get(value) if value is not None else None
        with ui.row().classes("items-end gap-4"):
            who = search_select("Supervisor", find, value=value, shown=shown).classes("min-w-[22rem]").props(
                "outlined").mark("assign-who")
            kind = (
                ui.select(
                    {
                        **{k: KIND_LABELS.get(k, k) for k in SUPERVISION_KINDS},
                        "first_contact": "First point of contact",
                    },
                    value="clinical",
                    label="As",
                )
                .props("outlined")
                .classes("min-w-[14rem]")
                .mark("assign-kind")
            )
            start = date_input("From", page.today, required=True)

            def show_named() -> None:  # who is named as that now, or nobody: never the last kind's choice
                pid = named.get(str(kind.value))
                who.set_options({pid: labels[pid]} if pid in labels else {}, value=pid if pid in labels else None)

            kind.on_value_change(show_named)

            async def assign() -> None:
                if who.value is None:
                    ui.notify("Supervisor: choose who supervises", type="negative")
                    return
                first_contact = kind.value == "first_contact"
                try:
                    day = parse_optional_date(start.value, "start_date")
                except TrackerError as exc:
                    ui.notify(error_text(exc), type="negative")
                    return
                outcome = await write(
                    as_actor(
                        assignments.assign_supervisor,
                        r.person_id,
                        int(who.value),
                        "practice" if first_contact else kind.value,
                        day,
                        first_contact,
                    ),
                    needs=ADMIN,
                    success="Saved.",
                )
                if outcome.ok:
                    warning = outcome.value.warning if outcome.value is not None else None
                    if warning:
                        ui.notify(f"Saved, but note: {warning}", type="warning", multi_line=True)
                    await reload()

            ui.button("Name them", on_click=assign).props("outline no-caps").mark("assign-save")


async def end_link(page: Page, link: av.LinkRow, reload: Reload) -> None:
    outcome = await write(
        as_actor(assignments.end_assignment, link.assignment_id, page.today),
        needs=ADMIN,
        success=f"{link.other} no longer supervises from today.",
    )
    if outcome.ok:
        await reload()


async def person_sections(page: Page, person_id: int) -> None:
    holder = ui.column().classes("w-full gap-4")

    async def reload() -> None:
        record = await read(av.person_record, person_id)
        found = await read(av.choices)  # the people are searched as the supervisor is typed
        if record is None or found is None:
            return
        named = current_named(page, record)
        labels = await read(people_chosen, sorted(set(named.values())))
        holder.clear()
        with holder:
            details(page, record, reload)
            jobs(page, record, found, reload)
            leaving(page, record, reload)
            absence_list(page, record, reload)
            supervisors(page, record, named, labels, reload)

    await reload()
