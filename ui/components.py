"""Small pieces every page uses: headings, status chips (text and colour), dates, month strips, panels."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement
from nicegui.events import GenericEventArguments

from tracker import compliance as c
from tracker.dates import parse_optional_date, uk
from ui import theme
from ui.attrs import attrs

# status -> (words on screen, tone)
STATUSES: dict[str, tuple[str, str]] = {
    c.RED: ("Red", "red"),
    c.AMBER: ("Amber", "amber"),
    c.GREEN: ("Green", "green"),
    c.COMPLIANT: ("Compliant", "green"),
    c.DUE_SOON: ("Due soon", "amber"),
    c.EXPIRED: ("Expired", "red"),
    c.MISSING: ("Missing", "red"),
    c.DUE: ("Due (new starter)", "amber"),
    c.MET: ("Met", "green"),
    c.MISSED: ("Missed", "red"),
    c.PAUSED: ("Paused", "grey"),
    c.IN_PROGRESS: ("In progress", "blue"),
    "approved": ("Approved", "green"),
    "pending": ("Pending", "amber"),
    "rejected": ("Rejected", "red"),
    "confirmed": ("Confirmed", "green"),
    "queried": ("Queried", "amber"),
    "awaiting": ("Awaiting confirmation", "blue"),
    "acknowledged": ("Acknowledged", "green"),
    "not_acknowledged": ("To acknowledge", "amber"),
    "review_overdue": ("Review overdue", "red"),
    "no_certificate": ("No certificate attached", "amber"),
}

KIND_LABELS = {"clinical": "Clinical", "educational": "Educational", "practice": "Practice (day to day)"}
FORMAT_LABELS = {"one_to_one": "One-to-one", "group": "Group"}
MODE_LABELS = {"in_person": "In person", "video": "Video", "phone": "Phone"}


def status_label(status: str) -> str:
    return STATUSES.get(status, (status.replace("_", " ").capitalize(), "grey"))[0]


def status_tone(status: str) -> str:
    return STATUSES.get(status, ("", "grey"))[1]


# A chip's classes by tone: the tone's colours are the theme's CSS (tone-*), not a style parsed per chip
CHIP_CLASSES = {tone: f"status-chip words-first tone-{tone}" for tone in theme.TONES}


def status_chip(status: str, label: str | None = None) -> ui.element:
    """A chip that says the status in words, with the tone's colour (theme.CSS) and icon."""
    words = label or status_label(status)
    tone = status_tone(status)
    # The words are the chip's own text and the icon its one child, drawn first by the CSS (words-first): two
    # elements a chip, not three, on pages that show a hundred of them.
    chip = attrs(TextElement(tag="span", text=words).classes(CHIP_CLASSES[tone]), data_status=status)
    with chip:  # the icon as Quasar draws it, without a component of its own for each chip
        TextElement(tag="i", text=theme.TONES[tone][2]).classes("q-icon notranslate material-icons").props(
            "aria-hidden=true"
        )
    return chip


def review_words(words: str, review_date: date | None, as_of: date) -> tuple[str, str | None]:
    """A policy's details line with its review date ("· review by 01/10/2026"), and, once that date has passed
    on the as-at date, the words of a red chip to go beside it ("Review overdue since 01/10/2026")."""
    if review_date is not None and c.review_overdue(review_date, as_of):
        return words, f"Review overdue since {uk(review_date)}"
    return words + (f" · review by {uk(review_date)}" if review_date else ""), None


def review_line(words: str, review_date: date | None, as_of: date) -> None:
    line, overdue = review_words(words, review_date, as_of)
    if overdue is not None:
        with ui.row().classes("items-center gap-2"):
            muted(line)
            status_chip("review_overdue", overdue).mark("review-overdue")
    else:
        muted(line)


def heading(text: str, level: int = 1) -> TextElement:
    css = "page-title" if level == 1 else "section-title"
    return TextElement(tag=f"h{level}", text=text).classes(css)


def text(tag: str, words: str) -> TextElement:
    return TextElement(tag=tag, text=words)


def panel() -> ui.element:
    return ui.element("section").classes("panel")


def muted(words: str) -> ui.label:
    return ui.label(words).classes("muted")


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 session', '2 sessions'."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def days_ago(days: int) -> str:
    return "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"


def uk_date(d: date | None, empty: str = "—") -> str:
    return uk(d) if d else empty


def month_name(d: date) -> str:
    return d.strftime("%b %Y")


def date_picker(value: date | None = None, *, earliest: date | None = None, latest: date | None = None) -> ui.date:
    """Every calendar in the app: UK style, dd/mm/yyyy, and only the days from `earliest` to `latest` can be picked
    (and navigated to), by mouse or by keyboard."""
    picker = ui.date(value=uk(value) if value else None, mask="DD/MM/YYYY")
    # Quasar's date picker speaks US English unless told otherwise ("Tue, Dec 1", weeks from Sunday). Code, not
    # data: the en-GB names, weeks from Monday and a header that reads "Tue 1 Dec", as a JavaScript object literal.
    picker.props[":locale"] = (
        "{days: ['Sunday','Monday','Tuesday','Wednesday','Thursday','Friday','Saturday'],"
        " daysShort: ['Sun','Mon','Tue','Wed','Thu','Fri','Sat'],"
        " months: ['January','February','March','April','May','June','July','August','September','October',"
        "'November','December'],"
        " monthsShort: ['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'],"
        " firstDayOfWeek: 1, format24h: true, pluralDay: 'days',"
        " headerTitle: (d, m) => ['Sun','Mon','Tue','Wed','Thu','Fri','Sat'][d.getDay()] + ' ' + m.day + ' '"
        " + ['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'][m.month - 1]}"
    )
    # code, not data: the limits are dates we format ourselves, written as JavaScript strings by json.dumps
    if earliest is not None:
        picker.props["navigation-min-year-month"] = earliest.strftime("%Y/%m")
    if latest is not None:
        picker.props["navigation-max-year-month"] = latest.strftime("%Y/%m")
    if earliest is not None and latest is not None:
        picker.props[":options"] = (
            "d => d >= " + json.dumps(earliest.strftime("%Y/%m/%d"))
            + " && d <= " + json.dumps(latest.strftime("%Y/%m/%d"))
        )
    elif earliest is not None:
        picker.props[":options"] = "d => d >= " + json.dumps(earliest.strftime("%Y/%m/%d"))
    elif latest is not None:
        picker.props[":options"] = "d => d <= " + json.dumps(latest.strftime("%Y/%m/%d"))
    return picker


def date_input(
    label: str,
    value: date | None = None,
    *,
    required: bool = False,
    earliest: date | None = None,
    latest: date | None = None,
    calendar_when_opened: bool = False,
) -> ui.input:
    """A text box for dd/mm/yyyy with a calendar to pick from; type or pick. `latest` keeps future days out of the
    calendar (a session's date); what is typed is still checked by the service, with a message at the field.
    `calendar_when_opened`: the calendar is made when its button is first pressed, not with the page (a page of
    many date boxes, most never picked from)."""
    field = ui.input(label, value=uk(value) if value else "", placeholder="dd/mm/yyyy")
    attrs(field.props('inputmode="numeric" autocomplete="off"'), aria_required="true" if required else None)
    with field.add_slot("append"):
        button = attrs(ui.button(icon="event").props("flat round dense"), aria_label=f"Choose the {label.lower()}")

    def calendar() -> ui.menu:
        with button, ui.menu() as menu:
            date_picker(value, earliest=earliest, latest=latest).bind_value(field).on_value_change(menu.close)
        if calendar_when_opened:  # opened by the button's handler only, not toggled by the browser too
            menu.props("no-parent-event")
        return menu

    if not calendar_when_opened:
        calendar()
    else:
        made: list[ui.menu] = []

        def open_calendar() -> None:
            if not made:
                made.append(calendar())
            made[0].open()

        button.on_click(open_calendar)
    return field


def whole_number_input(label: str, value: int | None, low: int, high: int, *, unit: str = "") -> ui.input:
    """A whole number from `low` to `high`, typed as text: never rounded or clamped. Anything else is refused with a
    message at the field (and the service refuses it again, with the same words at the field, before any write)."""
    field = ui.input(label, value="" if value is None else str(value),
                     validation=lambda v: whole_number_problem(v, low, high, unit))
    field.props('inputmode="numeric" autocomplete="off"')
    return field


def whole_number_problem(raw: object, low: int, high: int, unit: str = "") -> str | None:
    """What is wrong with `raw` as a whole number from low to high, in words; None when nothing is."""
    words = str(raw if raw is not None else "").strip()
    span = f"from {low} to {high}" + (f" {unit}" if unit else "")
    if not words:
        return f"Enter a whole number {span}."
    if not re.fullmatch(r"[+-]?\d+", words):
        return f"Enter a whole number {span}: '{words}' is not one." if len(words) <= 20 else f"Enter a whole number {span}."
    if not low <= int(words) <= high:
        return f"Enter a whole number {span}: {int(words)} is out of range."
    return None


def read_date(field: ui.input, name: str, *, required: bool = False) -> date | None:
    """The date typed in a date_input, checked (ValidationError names the field)."""
    value = parse_optional_date(field.value, name)
    if value is None and required:
        from tracker.errors import ValidationError

        raise ValidationError(f"{name}: a date is required (dd/mm/yyyy)", name)
    return value


def empty_state(words: str) -> ui.label:
    return ui.label(words).classes("muted italic")


def definition_list(pairs: Iterable[tuple[str, str]]) -> ui.element:
    with ui.element("dl").classes("grid gap-x-6 gap-y-1").style("grid-template-columns: fit-content(50%) minmax(0, 1fr)") as dl:
        for term, detail in pairs:
            TextElement(tag="dt", text=term).classes("muted")
            TextElement(tag="dd", text=detail or "—").classes("m-0")
    return dl


SEARCH_HINT = "Type 2 or more letters of a name or staff ID"
TYPED_AT_LEAST = 2  # tracker.views.people_picker.MIN_TYPED


class SearchSelect(ui.select):
    """A select whose options the server replaces as the user types. NiceGUI sends a choice as the index of an
    option in the list the browser had, which may be an older list than the server's (a new search's answer
    still on its way, or the browser's own filtering of the old list): so a choice counts only when its label
    is the label of an option the server holds now; otherwise the choice is ignored and the browser shown the
    value the server holds, never a different person's."""

    def _event_args_to_value(self, e: GenericEventArguments) -> Any:
        args = e.args
        if self.multiple or not isinstance(args, dict):
            return super()._event_args_to_value(e)
        index, label = args.get("value"), args.get("label")
        if isinstance(index, int) and 0 <= index < len(self._labels) and self._labels[index] == label:
            return self._values[index]
        same = [value for value, shown in zip(self._values, self._labels, strict=True) if shown == label]
        if len(same) == 1:
            return same[0]
        self.update()  # the browser shows a choice the server does not hold: show it what it holds
        return self.value


def search_select(
    label: str,
    find: Callable[[str], Awaitable[Mapping[Any, str] | None]],
    *,
    value: Any = None,
    shown: str | None = None,
    hint: str = SEARCH_HINT,
) -> ui.select:
    """A select of people searched on the server as the user types (an administrator's is everyone: ten
    thousand options would be sent with the page and redrawn on every change). It offers nothing but what is
    chosen (`value`, shown as `shown`) until 2 letters are typed; then `find(typed)` gives the matches (the
    first few, from a view that keeps to the user's scope). What is chosen is checked again when the form is
    saved: the service refuses someone out of scope by then. Style it with .classes()/.props() as any select."""
    select = SearchSelect({value: shown or str(value)} if value is not None else {}, value=value, label=label,
                          with_input=True).props("input-debounce=300")
    attrs(select, hint=hint, aria_description=hint)  # the hint is read out by screen readers
    asked = {"last": ""}

    async def typed(event: GenericEventArguments) -> None:
        words = str(event.args or "").strip()
        asked["last"] = words
        if words and words in select._labels:  # the browser fills the input with a label just chosen
            return
        found = await find(words) if len(words) >= TYPED_AT_LEAST else {}
        if asked["last"] != words or select.is_deleted:  # a later search has been asked for meanwhile
            return
        chosen = {select.value: select.options[select.value]} if select.value in select.options else {}
        select.set_options({**chosen, **(found or {})})

    select.on("input-value", typed)
    return select
