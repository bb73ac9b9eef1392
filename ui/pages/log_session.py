"""Supervisor: log a session in under a minute: today by default, the usual values chosen, one or a group."""

from __future__ import annotations

from nicegui import ui

from tracker.access import SUPERVISOR, require
from tracker.ids import parse_id
from tracker.services.supervision import MAX_MINUTES, log_own_session
from tracker.views.caseload import supervisee_choices
from ui.actions import Form, as_viewer, read, write
from ui.components import (
    FORMAT_LABELS,
    KIND_LABELS,
    MODE_LABELS,
    date_input,
    empty_state,
    muted,
    panel,
    whole_number_input,
    whole_number_problem,
)
from ui.form_problems import FormProblems
from ui.layout import PAGE_BUILD_SECONDS, add_nav, flash, frame

QUICK_MINUTES = (30, 45, 60, 90)
MIN_MINUTES = 1


def _preselected(raw: str | None, choices: dict[int, str]) -> list[int]:
    wanted = parse_id(raw)
    return [wanted] if wanted in choices else []


def register() -> None:
    add_nav("/supervision/log", "Log a session", "edit_note", "Supervision", lambda v: v.is_supervisor, order=20)

    @ui.page("/supervision/log", response_timeout=PAGE_BUILD_SECONDS)
    async def log_session() -> None:
        async with frame("Log a session", breadcrumbs=[("My supervisees", "/supervisees")]) as page:
            require(page.viewer, SUPERVISOR)
            assert page.viewer.person_id is not None
            choices = dict(await read(supervisee_choices, page.viewer.person_id, page.today))
            if not choices:
                empty_state("No one is named as your supervisee today, so there is no one to log a session with.")
                return
            with panel(), ui.column().classes("w-full gap-3 max-w-3xl"):
                problems = FormProblems()
                who = ui.select(
                    choices, multiple=True, label="Supervisee(s)", with_input=True,
                    value=_preselected(page.param("with"), choices),
                ).props("use-chips").classes("w-full").mark("supervisees")
                with ui.row().classes("gap-4 items-start w-full"):
                    on = date_input("Date", page.today, required=True, latest=page.today).classes("w-44").mark(
                        "date")
                    minutes = whole_number_input("Minutes", 60, MIN_MINUTES, MAX_MINUTES, unit="minutes").classes(
                        "w-40"
                    ).mark("minutes")
                    with ui.row().classes("gap-2 items-center pt-4"):
                        for m in QUICK_MINUTES:
                            ui.button(f"{m} min", on_click=lambda m=m: minutes.set_value(str(m))).props(
                                "outline no-caps size=sm"
                            )
                with ui.row().classes("gap-6 items-center w-full"):
                    kind = ui.select(KIND_LABELS, value="clinical", label="Kind").classes("min-w-[14rem]")
                    with ui.column().classes("gap-0"):
                        muted("Format").classes("text-sm")
                        fmt = ui.toggle(FORMAT_LABELS, value="one_to_one").props('no-caps aria-label="Format"').mark("format")
                    with ui.column().classes("gap-0"):
                        muted("Mode").classes("text-sm")
                        mode = ui.toggle(MODE_LABELS, value="in_person").props('no-caps aria-label="Mode"')
                who.on_value_change(lambda e: fmt.set_value("group" if len(e.value or []) > 1 else "one_to_one"))
                topics = ui.textarea("Topics discussed").props("autogrow").classes("w-full").mark("topics")
                actions = ui.textarea("Agreed actions").props("autogrow").classes("w-full")
                next_date = date_input("Next session (optional)").classes("w-56")
                notes_box = ui.column().classes("w-full gap-2")
                typed: dict[str, str] = {}

                def draw_notes() -> None:
                    people = [int(i) for i in (who.value or [])]
                    notes_box.clear()
                    with notes_box:
                        if fmt.value == "group":
                            ui.textarea("Group summary (shared)", value=typed.get("summary", ""),
                                        on_change=lambda e: typed.__setitem__("summary", e.value or "")).props(
                                "autogrow").classes("w-full").mark("group-summary")
                            muted("Everyone at the session can read the group summary. Never in reports or exports.")
                        for pid in people if fmt.value == "group" else people[:1]:
                            name = choices.get(pid, "")
                            ui.textarea(f"Private note with {name}", value=typed.get(str(pid), ""),
                                        on_change=lambda e, pid=pid: typed.__setitem__(str(pid), e.value or "")
                                        ).props("autogrow").classes("w-full").mark(
                                "notes" if fmt.value != "group" else f"note-{pid}")
                            muted(f"Only you and {name} can read this note: not the others at a group session, "
                                  "not an administrator. Never in reports or exports.")

                for name, field in (("supervisee_staff_ids", who), ("date", on), ("minutes", minutes),
                                    ("kind", kind), ("topics", topics), ("actions", actions),
                                    ("next_date", next_date)):
                    problems.field(name, field)
                who.on_value_change(lambda e: draw_notes())
                fmt.on_value_change(lambda e: draw_notes())
                draw_notes()

                form = Form()

                async def save(repeat_ok: bool = False) -> None:
                    problems.clear()
                    people = [int(i) for i in (who.value or [])]
                    # every field goes to the service, which refuses all that is wrong at once (nothing is written).
                    # Minutes typed wrong go as none at all (refused whatever else the service might read in "45.0")
                    # and keep the words the field says while typing.
                    typed_wrong = whole_number_problem(minutes.value, MIN_MINUTES, MAX_MINUTES, "minutes")
                    length: int | str = "" if typed_wrong else int(str(minutes.value).strip())
                    names = ", ".join(choices.get(i, "") for i in people)
                    group = fmt.value == "group"
                    private = {pid: typed.get(str(pid), "") for pid in (people if group else people[:1])}
                    outcome = await write(
                        as_viewer(
                            log_own_session, on.value or "", length,
                            kind.value, fmt.value, mode.value, people, topics.value or "", actions.value or "",
                            next_date.value or None, {pid: n for pid, n in private.items() if n},
                            typed.get("summary", "") if group else "", today=page.today, repeat_ok=repeat_ok,
                            notes_key=page.notes_key,
                        ),
                        needs=SUPERVISOR, form=form, labels=problems.labels, quiet=True,
                    )
                    if outcome.problems:
                        problems.show(outcome.problems, {"minutes": typed_wrong} if typed_wrong else None)
                    if outcome.question:
                        ask_repeat(outcome.question)
                    elif outcome.ok:
                        flash(f"Session logged with {names}. They will be asked to confirm it.")
                        ui.navigate.to("/supervisees")

                def ask_repeat(question: str) -> None:
                    with ui.dialog() as dialog, ui.card().classes("max-w-lg").props('role="alertdialog"'):
                        ui.label(question).classes("text-lg").mark("repeat-question")
                        with ui.row().classes("gap-2"):
                            async def another() -> None:
                                dialog.close()
                                await save(repeat_ok=True)

                            ui.button("Save another", on_click=another).props("unelevated no-caps").mark(
                                "save-another")
                            ui.button("Do not save", on_click=dialog.close).props("flat no-caps").mark("no-repeat")
                    dialog.open()

                saving = ui.button("Save the session", icon="save", on_click=lambda: save()).props(
                    "unelevated no-caps").mark("save")
                form.guard(saving)
