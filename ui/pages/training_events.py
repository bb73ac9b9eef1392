"""Team training events. `/training-events`: the events the viewer may see (a lead's team's, an admin's all,
anyone's own). `/training-events/new` (leads and admins): record a held event, giving every attendee the record
at once, or plan one. `/training-events/{id}`: the event, its attendees and what each got, corrections, the
attendance register PDF."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from nicegui import app, ui

from reports.training_register import build_register_pdf
from tracker import clock
from tracker.access import ADMIN, LEAD, Viewer, require
from tracker.dates import uk
from tracker.errors import NotFound, PermissionDenied
from tracker.services import training_events
from tracker.services.training_events import EventOutcome
from tracker.views import directory
from tracker.views import training_events as events
from tracker.views.training_events import EventDetail, EventSummary
from ui import threads
from ui.actions import read, read_as, sentence, write
from ui.app_settings import settings_of
from ui.attrs import attrs
from ui.components import (
    date_input,
    definition_list,
    empty_state,
    heading,
    muted,
    panel,
    plural,
    search_select,
    status_chip,
)
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, flash, forbidden, frame
from ui.tables import Column, table

PATH = "/training-events"


def status_words(event: EventSummary) -> str:
    return "Planned" if event.planned else "Held"


def told(outcome: EventOutcome, course: str) -> str:
    words = f"{course}: recorded for {plural(len(outcome.recorded), 'person', 'people')}."
    if outcome.already_held:
        words += " Already held on that date, so not recorded again: " + ", ".join(outcome.already_held) + "."
    return words


def events_table(found: list[EventSummary]) -> None:
    if not found:
        empty_state("No team training event yet.")
        return
    with table("Team training events", [Column("Date"), Column("Course"), Column("Provider or trainer"),
                                         Column("Attendees", numeric=True), Column("Status")]) as rows:
        for event in found:
            with rows.row(event=str(event.event_id)):
                rows.cell(uk(event.date), header=True)
                with rows.cell():
                    ui.link(event.course, f"{PATH}/{event.event_id}")
                rows.cell(event.provider)
                rows.cell(str(event.attendees))
                with rows.cell():
                    status_chip("pending" if event.planned else "compliant", status_words(event))


NAME_HINT = "Type 2 or more letters of a name"
PICKER_ROWS = 50  # shown at once: an administrator's team is everyone, thousands of checkboxes


def _label(person: directory.Colleague) -> str:
    return f"{person.name} ({', '.join(dict.fromkeys(j.employer for j in person.jobs))})"


async def attendee_picker(page: Page) -> Callable[[], list[int]]:
    """Checkboxes of the team by name (with employer), narrowed by a search box; returns the chosen ids. The
    first 50 who match are shown (found in SQL as the user types: an administrator's team is everyone), and
    whoever is ticked stays shown; typing more of a name finds the others."""
    search = ui.input("Find by name").props("outlined clearable debounce=300").mark("attendee-search")
    ticked: dict[int, directory.Colleague] = {}
    more = muted("").mark("attendee-more")
    holder = ui.column().classes("gap-0 max-h-[24rem] overflow-y-auto w-full").mark("attendee-list")
    asked = {"last": ""}

    def in_order(people: dict[int, directory.Colleague]) -> list[directory.Colleague]:
        return sorted(people.values(), key=lambda p: (p.name.lower(), p.person_id))

    def tick(person: directory.Colleague, on: bool) -> None:
        if on:
            ticked[person.person_id] = person
        else:
            ticked.pop(person.person_id, None)

    async def draw() -> None:
        words = (search.value or "").strip()
        asked["last"] = words
        found = await read_as(lambda who: directory.find_in_team(who, page.today, words, PICKER_ROWS),
                              needs=(LEAD, ADMIN))
        if asked["last"] != words or holder.is_deleted:  # a later search has been asked for meanwhile
            return
        found = found or directory.Found((), 0)
        holder.clear()
        with holder:
            for person in in_order({**{p.person_id: p for p in found.people}, **ticked}):
                ui.checkbox(_label(person), value=person.person_id in ticked,
                            on_change=lambda e, person=person: tick(person, bool(e.value))).mark(
                    f"attendee-{person.person_id}")
        more.set_text(
            f"Showing the first {PICKER_ROWS} of {found.matching:,} who match: type more of a name to find the "
            "others." if found.matching > PICKER_ROWS else ""
        )

    search.on_value_change(draw)
    await draw()
    return lambda: [p.person_id for p in in_order(ticked)]


async def new_event(page: Page) -> None:
    require(page.viewer, LEAD, ADMIN)
    courses = dict(await read(events.course_choices))
    with panel():
        heading("The event", 2)
        with ui.row().classes("items-end gap-4 w-full"):
            course = ui.select(courses, label="Course (required)", with_input=True).classes("min-w-[22rem]").props(
                "outlined").mark("event-course")
            on = date_input("Date", page.today, required=True).classes("w-44").mark("event-date")
        with ui.row().classes("items-end gap-4 w-full"):
            provider = ui.input("Provider or trainer (required)").classes("min-w-[22rem]").props("outlined").mark(
                "event-provider")
            minutes = ui.input("Duration in minutes").classes("w-44").props('outlined inputmode="numeric"').mark(
                "event-minutes")
        planned = ui.checkbox("Planned: not held yet (invite the people, record nothing)").mark("event-planned")
    with panel():
        heading("Attendees", 2)
        muted("Everyone in your team, from every employer. Choose who attended (or is invited).")
        chosen = await attendee_picker(page)
    fields = {"course": course, "date": on, "provider": provider, "minutes": minutes}

    async def save() -> None:
        for field in fields.values():
            field.error = None
        ids, course_code, is_planned = chosen(), course.value, bool(planned.value)
        outcome = await write(
            lambda who: training_events.record_event(
                who, course=course_code, on=on.value, provider=provider.value, minutes=minutes.value or None,
                attendees=ids, today=clock.today(page.settings.timezone), planned=is_planned),
            needs=(LEAD, ADMIN),
        )
        if outcome.ok:
            name = courses.get(str(course_code), "")
            flash(f"{name}: planned for {plural(len(ids), 'person', 'people')}." if is_planned
                  else told(outcome.value, name))
            ui.navigate.to(f"{PATH}/{outcome.value.event_id}")
        elif outcome.field in fields:
            fields[outcome.field].error = outcome.message

    ui.button("Save the event", icon="save", on_click=save).props("no-caps").mark("save-event")


def attendees_table(page: Page, detail: EventDetail, redraw) -> None:  # type: ignore[no-untyped-def]
    event = detail.summary
    if not detail.attendees:
        empty_state("Nobody is on this event.")
        return
    columns = [Column("Name"), Column("Employer"), Column("Training record")]
    if detail.may_correct:
        columns.append(Column("Correct"))
    with table("Attendees", columns) as rows:
        for person in detail.attendees:
            with rows.row(person=str(person.person_id)):
                rows.cell(person.name, header=True)
                rows.cell(", ".join(person.employers) or "—")
                rows.cell("Invited" if event.planned else
                          "Already held on that date (not recorded again)" if person.already_held
                          else "Recorded by this event")
                if detail.may_correct:
                    with rows.cell():
                        async def remove(person_id: int = person.person_id, name: str = person.name) -> None:
                            outcome = await write(
                                lambda who: training_events.remove_attendee(who, event.event_id, person_id,
                                                                            clock.today(page.settings.timezone)),
                                needs=(LEAD, ADMIN), success=f"{name} is no longer on this event.")
                            if outcome.ok:
                                await redraw()

                        button = ui.button("Remove", icon="person_remove", on_click=remove).props("flat dense no-caps")
                        attrs(button, aria_label=f"Remove {person.name} from this event").mark(
                            f"remove-{person.person_id}")


async def corrections(page: Page, detail: EventDetail, redraw) -> None:  # type: ignore[no-untyped-def]
    event = detail.summary
    on_it = {a.person_id for a in detail.attendees}

    async def find(words: str) -> dict[int, str] | None:
        found = await read_as(
            lambda who: directory.find_in_team(who, page.today, words, PICKER_ROWS, leave_out=sorted(on_it)),
            needs=(LEAD, ADMIN))
        return None if found is None else {p.person_id: _label(p) for p in found.people}

    with ui.row().classes("items-end gap-4"):
        person = search_select("Add someone", find, hint=NAME_HINT).classes("min-w-[18rem]").props(
            "outlined").mark("add-attendee")

        async def add() -> None:
            chosen = person.value
            outcome = await write(
                lambda who: training_events.add_attendee(who, event.event_id, chosen, clock.today(page.settings.timezone)),
                needs=(LEAD, ADMIN), success="Added to the event.")
            if outcome.ok:
                await redraw()

        ui.button("Add", icon="person_add", on_click=add).props("no-caps").mark("add-attendee-button")
        if event.planned:
            async def held() -> None:
                outcome = await write(
                    lambda who: training_events.mark_held(who, event.event_id, clock.today(page.settings.timezone)),
                    needs=(LEAD, ADMIN))
                if outcome.ok:
                    ui.notify(told(outcome.value, event.course), type="positive", multi_line=True)
                    await redraw()

            ui.button("Mark as held", icon="task_alt", on_click=held).props("no-caps").mark("mark-held")


def register_pdf(viewer: Viewer, event_id: int, zone: str) -> bytes:
    today = clock.today(zone)
    detail = events.register(viewer, event_id, today)
    return build_register_pdf(detail, viewer.display_name, uk(today))


def register() -> None:
    add_nav(PATH, "Team training", "groups", "Team", lambda v: v.user_id > 0, order=58)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def events_page() -> None:
        async with frame("Team training events", breadcrumbs=[("Team", None)]) as page:
            muted("Training held for the team, whichever organisation employs each person.")
            if page.viewer.is_lead or page.viewer.is_admin:
                ui.button("Record or plan an event", icon="add", on_click=lambda: ui.navigate.to(PATH + "/new")).props(
                    "no-caps").mark("new-event")
            found = await read(events.visible_events, page.viewer, page.as_of)
            with panel():
                events_table(found or [])

    @ui.page(PATH + "/new", response_timeout=PAGE_BUILD_SECONDS)
    async def new_event_page() -> None:
        async with frame("Record a team training event", breadcrumbs=[("Team training", PATH)],
                         nav_path=PATH) as page:
            await new_event(page)

    @ui.page(PATH + "/{event_id:int}", response_timeout=PAGE_BUILD_SECONDS)
    async def event_page(event_id: int) -> None:
        async with frame("Training event", breadcrumbs=[("Team training", PATH)], nav_path=PATH) as page:
            holder = ui.column().classes("w-full gap-4")

            async def draw() -> None:
                detail = await read(events.event_detail, page.viewer, event_id, page.as_of)
                holder.clear()
                with holder:
                    await event_body(page, detail, draw)

            await draw()

    @app.get(PATH + "/{event_id:int}/register.pdf", include_in_schema=False)
    async def register_download(request: Request, event_id: int) -> Response:
        from ui.auth import viewer_of

        viewer = viewer_of(request)
        if viewer is None:
            return forbidden()
        try:
            pdf = await threads.io_bound(register_pdf, viewer, event_id, settings_of(request).timezone)
        except PermissionDenied as exc:
            return forbidden(sentence(exc.message))
        except NotFound as exc:
            return PlainTextResponse(sentence(exc.message), status_code=404)
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="register-{event_id}.pdf"',
            "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        })


async def event_body(page: Page, detail: EventDetail, redraw) -> None:  # type: ignore[no-untyped-def]
    event = detail.summary
    page.retitle(f"{event.course} on {uk(event.date)}")
    with panel():
        definition_list([
            ("Course", event.course),
            ("Date", uk(event.date)),
            ("Status", status_words(event)),
            ("Provider or trainer", event.provider),
            ("Duration", f"{event.minutes} minutes" if event.minutes else "Not recorded"),
            ("Attendees", f"{len(detail.attendees)} from {plural(len(detail.employers), 'employer')}"),
            ("Recorded by", event.created_by),
        ])
        if page.viewer.is_lead or page.viewer.is_admin:
            link = ui.link("Download the attendance register (PDF)", f"{PATH}/{event.event_id}/register.pdf")
            link.mark("register-pdf")
    with panel():
        heading("Attendees", 2)
        attendees_table(page, detail, redraw)
        if detail.may_correct:
            await corrections(page, detail, redraw)
