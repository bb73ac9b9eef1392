"""`/admin/audit`: the audit trail, newest first, filtered by who, entity, action and dates, 50 to a page.

Administrators see every event; an operational lead sees the events about the people they lead. The filters
live in the address (?who=&entity=&action=&from=&to=&page=), so a filtered view can be shared or bookmarked.
Values are shown as text (never as HTML), and private notes were never written into the trail.
"""

from __future__ import annotations

from urllib.parse import urlencode

from nicegui import ui

from tracker.dates import parse_optional_date, uk
from tracker.errors import TrackerError
from tracker.views.audit_trail import AuditFilters, AuditPage, AuditRow, choices, search
from tracker.views.audit_words import sentences, shown_changes
from ui.actions import read
from ui.components import date_input, empty_state, muted, panel, text
from ui.layout import PAGE_BUILD_SECONDS, Page, add_nav, frame
from ui.tables import Column, table

PATH = "/admin/audit"
MAX_CHANGES = 8
MAX_TEXT = 120


def _filters(page: Page, problems: list[str]) -> AuditFilters:
    days = {}
    for name, label in (("from", "From"), ("to", "To")):
        try:
            days[name] = parse_optional_date(page.param(name), label)
        except TrackerError as exc:
            problems.append(f"{label}: {exc.message}")
            days[name] = None
    return AuditFilters(
        who=(page.param("who") or "")[:200],
        entity=(page.param("entity") or "")[:100],
        action=(page.param("action") or "")[:100],
        date_from=days["from"],
        date_to=days["to"],
    )


def _page_number(page: Page) -> int:
    raw = page.param("page") or "1"
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 7 else 1  # "²" is a digit to isdigit()


def url_for(filters: AuditFilters, number: int = 1) -> str:
    query = {
        "who": filters.who, "entity": filters.entity, "action": filters.action,
        "from": uk(filters.date_from), "to": uk(filters.date_to), "page": str(number) if number > 1 else "",
    }
    kept = {k: v for k, v in query.items() if v}
    return PATH + ("?" + urlencode(kept) if kept else "")


def _short(value: str) -> str:
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"


def _changes(row: AuditRow) -> None:
    changes = shown_changes(row)
    if not changes:
        muted("No field changed")
        return
    with ui.element("ul").classes("m-0 pl-4"):
        for field, before, after in changes[:MAX_CHANGES]:
            words = f"{field}: {_short(after)}" if before == "—" else f"{field}: {_short(before)} → {_short(after)}"
            text("li", words).classes("text-sm")
        if len(changes) > MAX_CHANGES:
            text("li", f"and {len(changes) - MAX_CHANGES} more").classes("text-sm muted")


def _results(result: AuditPage, filters: AuditFilters, words: list[str], raw: bool) -> None:
    muted(f"{result.total} events match; page {result.page} of {result.pages}.").props('role="status"').mark("count")
    if not result.rows:
        empty_state("No audit event matches these filters.")
        return
    columns = [Column("When"), Column("What happened")]
    with table("Audit events, newest first", columns) as cells:
        for row, said in zip(result.rows, words, strict=True):
            with cells.row(event=str(row.id)):
                cells.cell(row.at.strftime("%d/%m/%Y %H:%M"), header=True)
                with cells.cell():
                    text("span", said).mark("audit-sentence")
                    if raw:  # the recorded detail, folded away
                        with ui.element("details").classes("text-sm"):
                            text("summary", "Details")
                            muted(f"{row.actor} · {row.action} · {row.entity} {row.entity_id or ''}".strip())
                            _changes(row)
    with ui.element("nav").classes("row items-center gap-4").props('aria-label="Pages"'):
        if result.page > 1:
            ui.link("Newer events", url_for(filters, result.page - 1)).mark("newer")
        if result.page < result.pages:
            ui.link("Older events", url_for(filters, result.page + 1)).mark("older")


def register() -> None:
    add_nav(PATH, "Audit trail", "history_edu", "Administration", lambda v: v.is_admin or v.is_lead, order=90)

    @ui.page(PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def audit_trail() -> None:
        async with frame("Audit trail", breadcrumbs=[("Administration", None)]) as page:
            problems: list[str] = []
            filters = _filters(page, problems)
            entities, actions = await read(choices, page.viewer)
            if not page.viewer.is_admin:
                muted("You see the events about the people you lead.")
            with panel(), ui.row().classes("items-end gap-4 w-full"):
                who = ui.input("Who (name or email)", value=filters.who).classes("min-w-[14rem]").mark("who")
                entity = ui.select({"": "Every record type", **{e: e for e in entities}}, value=filters.entity
                                   if filters.entity in entities else "", label="Record").classes("min-w-[12rem]")
                action = ui.select({"": "Every action", **{a: a for a in actions}}, value=filters.action
                                   if filters.action in actions else "", label="Action").classes("min-w-[12rem]")
                first = date_input("From", filters.date_from).mark("from")
                last = date_input("To", filters.date_to).mark("to")

                def show() -> None:
                    chosen = AuditFilters(who.value or "", entity.value or "", action.value or "")
                    try:
                        chosen = AuditFilters(
                            chosen.who, chosen.entity, chosen.action,
                            parse_optional_date(first.value, "From"), parse_optional_date(last.value, "To"),
                        )
                    except TrackerError as exc:
                        ui.notify(exc.message, type="negative")
                        return
                    ui.navigate.to(url_for(chosen))

                ui.button("Show", icon="filter_alt", on_click=show).props("unelevated no-caps").mark("apply")
            for problem in problems:
                ui.label(problem).props('role="alert"').classes("text-negative")
            result = await read(
                search, page.viewer, filters, page.today, _page_number(page), zone=page.settings.timezone
            )
            words = await read(sentences, result.rows)
            with panel():
                _results(result, filters, words, True)
