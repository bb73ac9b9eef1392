"""The frame every signed-in page shares, and the navigation that page modules add themselves to.

A page module's `register()` calls `add_nav(...)` for its menu entry and defines its `@ui.page`, whose body is

    async with frame("Title", breadcrumbs=[("Home", "/")]) as page:
        require(page.viewer, LEAD, ADMIN)      # PermissionDenied -> a "not allowed" page
        rows = await threads.io_bound(load, page.as_of)
        ...

`page.viewer` is the signed-in user, `page.settings` the settings the app was started with, `page.as_of` the date being viewed (today, or a past date chosen in the
header or with ?as_of=dd/mm/yyyy), kept in app.storage.user while the user moves between pages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import cast
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import PlainTextResponse
from nicegui import app, ui
from nicegui.elements.mixins.text_element import TextElement

from tracker import clock
from tracker.access import Viewer
from tracker.dates import iso, parse_date, uk
from tracker.errors import NotFound, PermissionDenied, TrackerError
from tracker.services import inbox
from tracker.settings import Settings
from tracker.views.record_span import first_record_date
from ui import auth, theme, threads
from ui.app_settings import notes_key_of_app, settings_of_app
from ui.attrs import attrs
from ui.components import date_picker, heading, text

SECTIONS = ("My work", "Supervision", "Team", "Administration")
# How long a page may take to build before NiceGUI gives up (its default is 3 s): on a saturated server a slow
# page is better than an error page.
PAGE_BUILD_SECONDS = 20.0


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    icon: str
    section: str
    allowed: Callable[[Viewer], bool]
    order: int = 100
    home_rank: int | None = None  # the allowed item with the lowest rank is the user's home page


_nav: dict[str, NavItem] = {}


def add_nav(
    path: str,
    label: str,
    icon: str,
    section: str,
    allowed: Callable[[Viewer], bool],
    *,
    order: int = 100,
    home_rank: int | None = None,
) -> None:
    """Add (or replace) a menu entry; shown only to viewers for whom `allowed(viewer)` is true."""
    if section not in SECTIONS:
        raise ValueError(f"unknown navigation section {section!r}; use one of {SECTIONS}")
    _nav[path] = NavItem(path, label, icon, section, allowed, order, home_rank)


def nav_for(viewer: Viewer) -> list[NavItem]:
    if viewer.must_change_password:
        return []  # nothing is open to them until they choose their own password
    items = [item for item in _nav.values() if item.allowed(viewer)]
    return sorted(items, key=lambda i: (SECTIONS.index(i.section), i.order, i.label))


def home_path(viewer: Viewer) -> str | None:
    ranked = [i for i in nav_for(viewer) if i.home_rank is not None]
    return min(ranked, key=lambda i: i.home_rank or 0).path if ranked else None


@dataclass
class Page:
    """What a page body needs: who is looking, at which date, the app's settings and the request's query parameters."""

    viewer: Viewer
    as_of: date
    today: date
    settings: Settings
    request: Request | None = None
    first_day: date | None = None  # the earliest record held: the as-at picker offers days from then to today
    notices: list[str] = field(default_factory=list)
    titles: list[TextElement] = field(default_factory=list)  # the heading and the last breadcrumb

    @property
    def is_past(self) -> bool:
        return self.as_of < self.today

    @property
    def notes_key(self) -> bytes:
        """The key that seals and opens supervision notes, handed over with the settings by the composition root."""
        return notes_key_of_app(app)

    def param(self, name: str) -> str | None:
        return self.request.query_params.get(name) if self.request is not None else None

    def retitle(self, title: str) -> None:
        """Change the page's heading, breadcrumb and window title once the page knows what it shows."""
        for element in self.titles:
            element.text = title
        ui.page_title(f"{title} · {theme.PRODUCT_NAME}")


FLASH = "flash"


def flash(message: str) -> None:
    """A confirmation to show at the top of the next page this user opens (after ui.navigate.to)."""
    auth.page_storage()[FLASH] = message


def forbidden(message: str = "You may not open this.") -> PlainTextResponse:
    """For downloads and other plain routes: a refusal with HTTP 403."""
    return PlainTextResponse(message, status_code=403)


def _request() -> Request | None:
    try:
        return ui.context.client.request
    except (AttributeError, RuntimeError):
        return None


def _as_of(request: Request | None, today: date, notices: list[str]) -> date:
    """?as_of= (or 'today') changes the remembered as-at date; the remembered one is used otherwise."""
    storage = app.storage.user
    asked = request.query_params.get("as_of") if request is not None else None
    if asked is not None:
        if asked.strip().lower() in ("", "today"):
            storage.pop(auth.AS_OF, None)
        else:
            try:
                storage[auth.AS_OF] = iso(parse_date(asked, "as_of"))
            except TrackerError as exc:
                notices.append(f"The as-at date was not changed: {exc.message}")
    kept = storage.get(auth.AS_OF)
    as_of = date.fromisoformat(kept) if kept else today
    if as_of > today:
        storage.pop(auth.AS_OF, None)
        notices.append("The as-at date cannot be in the future; showing today.")
        as_of = today
    return as_of


def _url_with(request: Request | None, **params: str) -> str:
    if request is None:
        return "/"
    query = {k: v for k, v in request.query_params.items() if k not in params}
    query.update(params)
    return request.url.path + ("?" + urlencode(query) if query else "")


def _header_facts(user_id: int) -> tuple[int, date | None]:
    """The unread count and the earliest record held, in one trip to a worker thread."""
    return inbox.unread_count(user_id), first_record_date()


def sign_out_form(button_classes: str = "") -> None:
    """Sign-out is a POST with the session's CSRF token (a GET signs no one out): a form, not a link."""
    with ui.element("form").props('method=post action=/logout').classes("m-0"):
        token = ui.element("input").mark("csrf")
        token.props.update(type="hidden", name="csrf", value=auth.csrf_token())
        this_page = ui.element("input")  # the page the form is on goes by the form's answer; the others are ended
        this_page.props.update(type="hidden", name="page", value=ui.context.client.id)
        ui.button("Sign out", icon="logout").props("type=submit flat no-caps align=left").classes(
            button_classes
        ).mark("sign-out")


def _header(page: Page, unread: int | None, drawer: ui.left_drawer) -> None:
    with ui.header(elevated=False).classes("app-header items-center gap-3 px-4 py-2"):
        ui.link("Skip to main content", "#main").classes("skip-link")
        ui.button(icon="menu", on_click=drawer.toggle).props(
            'flat round color=white aria-label="Show or hide the menu"'
        )
        ui.link(theme.PRODUCT_NAME, "/").classes("text-lg font-bold header-product")
        ui.space()
        as_at = ui.button(icon="event").props("flat no-caps color=white").classes("as-at-button")
        with attrs(as_at, aria_label=f"Viewing as at {uk(page.as_of)}; change the date"):
            text("span", f"As at {uk(page.as_of)}").classes("ml-1 as-at-long")
            text("span", uk(page.as_of)).classes("ml-1 as-at-short")  # a phone's header has room for the date only
            with ui.menu(), ui.column().classes("gap-1 p-2 items-stretch"):
                earliest = min(page.first_day or page.today, page.as_of)
                picker = date_picker(page.as_of, earliest=earliest, latest=page.today).mark("as-at-picker")
                picker.on_value_change(
                    lambda e: ui.navigate.to(_url_with(page.request, as_of=str(e.value or "today")))
                )
                ui.button("Back to today", on_click=lambda: ui.navigate.to(_url_with(page.request, as_of="today"))).props(
                    "flat no-caps")
        if unread is not None:
            bell = ui.button(icon="notifications", on_click=lambda: ui.navigate.to("/inbox")).props("flat round color=white")
            with attrs(bell, aria_label=f"Inbox: {unread} unread"):
                if unread:
                    ui.badge(str(unread), color="red").props("floating")
        account = ui.button(icon="account_circle").props("flat no-caps color=white")
        with attrs(account, aria_label=f"Signed in as {page.viewer.display_name}"):
            text("span", page.viewer.display_name).classes("ml-1 header-name")
            with ui.menu():
                ui.menu_item(page.viewer.email).props("disable")
                ui.menu_item("Change your password", on_click=lambda: ui.navigate.to(auth.PASSWORD_PAGE)).mark(
                    "change-password"
                )
                sign_out_form("w-full")


def _navigation(page: Page, current: str | None, drawer: ui.left_drawer) -> None:
    with drawer, ui.element("nav").classes("app-nav w-full").props('aria-label="Main"'):
        section = None
        for item in nav_for(page.viewer):
            if item.section != section:
                section = item.section
                text("div", section).classes("nav-section")
            with ui.link(target=item.path) as link:
                ui.icon(item.icon, size="1.25rem").props('aria-hidden="true"')
                text("span", item.label)
            if item.path == current:
                link.props('aria-current="page"')


def _breadcrumbs(crumbs: Sequence[tuple[str, str | None]], title: str) -> TextElement:
    with ui.element("nav").classes("crumbs").props('aria-label="Breadcrumb"'), ui.element("ol"):
        for label, target in [("Home", "/"), *crumbs] if title != "Home" else crumbs:
            with ui.element("li"):
                if target:
                    ui.link(label, target)
                else:
                    text("span", label)
        with ui.element("li"):
            return text("span", title).props('aria-current="page"')


def refusal(message: str, *, title: str = "Not allowed") -> None:
    with ui.element("section").classes("panel").props('role="alert"'):
        heading(title, 2)
        ui.label(message)
        ui.link("Go to your home page", "/")


@asynccontextmanager
async def frame(
    title: str,
    breadcrumbs: Sequence[tuple[str, str | None]] = (),
    *,
    nav_path: str | None = None,
) -> AsyncIterator[Page]:
    """The shared frame. PermissionDenied or NotFound inside the block replaces the content with a refusal."""
    page = _new_page(title)
    unread = None
    if page.viewer.user_id:
        unread, page.first_day = cast(tuple[int, date | None], await threads.io_bound(_header_facts, page.viewer.user_id))
    with _drawn(page, title, breadcrumbs, unread, nav_path) as body:
        try:
            yield page
        except PermissionDenied as exc:
            body.clear()
            with body:
                refusal(f"You may not open this page: {exc.message}.")
        except NotFound as exc:
            body.clear()
            with body:
                refusal(exc.message, title="Not found")


def _new_page(title: str) -> Page:
    request = _request()
    viewer = auth.viewer_of(request) if request is not None else None
    viewer = viewer or Viewer(user_id=0, email="", person_id=None, roles=frozenset())
    settings = settings_of_app(app)
    today = clock.today(settings.timezone)
    notices: list[str] = []
    page = Page(viewer, _as_of(request, today, notices), today, settings, request, notices=notices)
    theme.apply()
    ui.page_title(f"{title} · {theme.PRODUCT_NAME}")
    return page


@contextmanager
def plain_frame(title: str) -> Iterator[Page]:
    """The frame without a trip to the database (no inbox count): for the error pages, which are drawn
    synchronously and must not fail themselves."""
    page = _new_page(title)
    with _drawn(page, title, (), None, None):
        yield page


@contextmanager
def _drawn(
    page: Page, title: str, breadcrumbs: Sequence[tuple[str, str | None]], unread: int | None, nav_path: str | None
) -> Iterator[ui.column]:
    request = page.request
    drawer = ui.left_drawer(value=False, bordered=True).props("show-if-above width=250 breakpoint=1100").classes("bg-white p-0")
    _header(page, unread, drawer)
    _navigation(page, nav_path or (request.url.path if request else None), drawer)
    if page.is_past:
        with ui.row().classes("as-at-banner w-full items-center").props('role="status"'):
            ui.label(f"You are viewing records as at {uk(page.as_of)}, a past date.")
            ui.link("Back to today", _url_with(request, as_of="today"))
    ui.link_target("main")
    page.titles.extend([_breadcrumbs(breadcrumbs, title), heading(title)])
    for notice in page.notices:
        ui.label(notice).classes("as-at-banner w-full").props('role="status"')
    done = app.storage.user.pop(FLASH, None)
    if done:
        with ui.row().classes("flash-banner w-full items-center gap-2").props('role="status"').mark("flash"):
            ui.icon("check_circle").props('aria-hidden="true"')
            ui.label(str(done))
    with ui.column().classes("w-full gap-4") as body:
        yield body
