"""The NHS palette and the few styles every page shares."""

from __future__ import annotations

from nicegui import ui

PRODUCT_NAME = "Primary care compliance tracker"

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_TEXT = "#212B32"
NHS_SECONDARY_TEXT = "#4C6272"
NHS_PALE_GREY = "#F0F4F5"
NHS_BORDER = "#D8DDE0"
NHS_GREEN = "#007F3B"
NHS_RED = "#D5281B"
NHS_WARM_YELLOW = "#FFB81C"
NHS_FOCUS = "#FFEB3B"

# Status tones: background, text colour and icon. Every pair meets WCAG AA contrast for normal text,
# and every chip carries its status in words, so colour is never the only signal.
TONES: dict[str, tuple[str, str, str]] = {
    "green": (NHS_GREEN, "#FFFFFF", "check_circle"),
    "amber": (NHS_WARM_YELLOW, NHS_TEXT, "warning"),
    "red": (NHS_RED, "#FFFFFF", "error"),
    "blue": (NHS_BLUE, "#FFFFFF", "schedule"),
    "grey": (NHS_SECONDARY_TEXT, "#FFFFFF", "pause_circle"),
}

CSS = f"""
body {{ color: {NHS_TEXT}; background: {NHS_PALE_GREY}; font-size: 16px; }}
.nicegui-content {{ padding: 1.25rem 1.5rem 2rem; max-width: 1280px; }}
a {{ color: {NHS_BLUE}; }}
a:visited {{ color: #330072; }}
a:hover {{ color: {NHS_DARK_BLUE}; }}
*:focus-visible {{ outline: 3px solid {NHS_FOCUS} !important; box-shadow: 0 4px 0 {NHS_TEXT}; }}
.skip-link {{ position: absolute; left: -9999px; top: 0.5rem; z-index: 7000; background: {NHS_FOCUS};
  color: {NHS_TEXT} !important; padding: 0.5rem 1rem; font-weight: 600; }}
.skip-link:focus {{ left: 0.5rem; }}
.app-header {{ background: {NHS_BLUE}; color: #FFFFFF; }}
.app-header a, .app-header a:visited {{ color: #FFFFFF; text-decoration: none; }}
.app-nav a {{ display: flex; align-items: center; gap: 0.6rem; padding: 0.55rem 1rem; color: {NHS_TEXT};
  text-decoration: none; border-left: 4px solid transparent; }}
.app-nav a:hover {{ background: {NHS_PALE_GREY}; }}
.app-nav a[aria-current="page"] {{ border-left-color: {NHS_BLUE}; background: #E8F1FA; font-weight: 600; }}
.app-nav .nav-section {{ font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em;
  color: {NHS_SECONDARY_TEXT}; padding: 1rem 1rem 0.25rem; }}
.crumbs {{ font-size: 0.9rem; color: {NHS_SECONDARY_TEXT}; }}
.crumbs ol {{ display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; margin: 0; padding: 0; }}
.crumbs li + li::before {{ content: "›"; margin-right: 0.25rem; }}
h1.page-title {{ font-size: 1.9rem; font-weight: 700; line-height: 1.2; margin: 0.25rem 0 0.5rem; }}
.nicegui-content h3 {{ font-size: 1.1rem; line-height: 1.4; font-weight: 600; letter-spacing: normal;
  margin: 0.75rem 0 0.25rem; }}
h2.section-title {{ font-size: 1.3rem; font-weight: 600; margin: 0 0 0.5rem; }}
.panel {{ background: #FFFFFF; border: 1px solid {NHS_BORDER}; border-radius: 4px; padding: 1rem 1.25rem;
  width: 100%; }}
.muted {{ color: {NHS_SECONDARY_TEXT}; }}
.status-chip {{ display: inline-flex; align-items: center; gap: 0.3rem; border-radius: 999px;
  padding: 0.1rem 0.6rem; font-size: 0.85rem; font-weight: 600; white-space: nowrap; }}
.status-chip.words-first {{ flex-direction: row-reverse; }}
.status-chip > i.q-icon {{ font-size: 1rem; }}
.status-chip.tone-green {{ background: {NHS_GREEN}; color: #FFFFFF; }}
.status-chip.tone-amber {{ background: {NHS_WARM_YELLOW}; color: {NHS_TEXT}; }}
.status-chip.tone-red {{ background: {NHS_RED}; color: #FFFFFF; }}
.status-chip.tone-blue {{ background: {NHS_BLUE}; color: #FFFFFF; }}
.status-chip.tone-grey {{ background: {NHS_SECONDARY_TEXT}; color: #FFFFFF; }}
.as-at-banner {{ background: {NHS_WARM_YELLOW}; color: {NHS_TEXT}; padding: 0.5rem 1rem; font-weight: 600; }}
.problem-summary {{ background: #FFFFFF; border: 4px solid {NHS_RED}; color: {NHS_TEXT}; }}
.problem-summary .problem-link {{ text-decoration: underline; font-weight: 600; text-align: left; min-height: 24px; }}
details.fold > summary {{ cursor: pointer; min-height: 24px; padding: 2px 0; display: list-item;
  color: {NHS_BLUE}; text-decoration: underline; }}
.part-line {{ display: flex; flex-wrap: nowrap; align-items: center; gap: 0.5rem; }}
.target-link, .part-line > a {{ display: inline-flex; align-items: center; min-height: 24px; min-width: 24px; padding: 2px 0; }}
.part-line > a {{ text-decoration: underline; }}
.session-log td.details-cell {{ min-width: 16rem; }}  /* opened notes stay readable on a phone (the table scrolls) */
.flash-banner {{ background: #E6F2EB; border-left: 6px solid {NHS_GREEN}; color: {NHS_TEXT};
  padding: 0.6rem 1rem; font-weight: 600; }}
.month-cell {{ min-width: 4.6rem; text-align: center; border-radius: 4px; padding: 0.35rem 0.25rem;
  font-size: 0.8rem; line-height: 1.2; }}
.data-table {{ width: 100%; border-collapse: collapse; font-size: 0.95rem; }}
.data-table th, .data-table td {{ text-align: left; padding: 0.5rem 0.6rem; border-bottom: 1px solid {NHS_BORDER};
  vertical-align: top; }}
.data-table thead th {{ font-weight: 600; border-bottom: 2px solid {NHS_TEXT}; white-space: nowrap; }}
.data-table tbody tr:hover {{ background: #F7F9FA; }}
.data-table tfoot td, .data-table tfoot th {{ font-weight: 600; border-top: 2px solid {NHS_TEXT}; }}
.data-table .detail {{ font-size: 0.875rem; color: {NHS_SECONDARY_TEXT}; }}
.data-table a.row-action {{ display: inline-flex; align-items: center; min-height: 2rem; padding: 0 0.5rem;
  border: 1px solid currentColor; border-radius: 4px; color: {NHS_BLUE}; text-decoration: none; font-weight: 500;
  white-space: nowrap; }}
.data-table a.row-action:hover {{ background: #E8F1FA; }}
.q-table th {{ font-weight: 600; font-size: 0.85rem; color: {NHS_TEXT}; }}
.q-field__label {{ color: {NHS_SECONDARY_TEXT}; }}
.app-header .as-at-short {{ display: none; }}
.app-header .q-btn__content {{ flex-wrap: nowrap; }}
.panel {{ min-width: 0; max-width: 100%; }}
.table-scroll {{ min-width: 0; max-width: 100%; overflow-x: auto; scrollbar-width: auto; scrollbar-color: {NHS_SECONDARY_TEXT} {NHS_PALE_GREY};
  padding-bottom: 0.25rem; }}
@media (max-width: 600px) {{
  .app-header {{ flex-wrap: nowrap !important; gap: 0.25rem !important; padding: 0.25rem 0.5rem !important; }}
  .app-header .header-product {{ font-size: 1rem; line-height: 1.2; min-width: 0; flex: 1 1 auto; overflow: hidden;
    text-overflow: ellipsis; white-space: nowrap; }}
  .app-header .q-space {{ display: none; }}
  .app-header .header-name, .app-header .as-at-long {{ display: none; }}
  .app-header .as-at-short {{ display: inline; }}
  .app-header .q-btn {{ padding: 4px 6px; }}
  .nicegui-content {{ padding: 0.75rem 0.5rem 1.5rem; }}
  .panel {{ padding: 0.75rem; }}
  h1.page-title {{ font-size: 1.5rem; }}
}}
@media (max-width: 600px) {{
  .data-table.cards, .data-table.cards tbody, .data-table.cards tfoot, .data-table.cards tr,
  .data-table.cards th, .data-table.cards td {{ display: block; width: 100%; }}
  .data-table.cards thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0, 0, 0, 0); }}
  .data-table.cards tr {{ background: #FFFFFF; border: 1px solid {NHS_BORDER}; border-radius: 4px;
    margin: 0 0 0.5rem; padding: 0.35rem 0.75rem; }}
  .data-table.cards th, .data-table.cards td {{ border-bottom: none; padding: 0.2rem 0; }}
  .data-table.cards td {{ display: flex; justify-content: space-between; align-items: center; gap: 1rem;
    text-align: right; }}
  .data-table.cards td[data-label]::before {{ content: attr(data-label); font-weight: 600; text-align: left;
    color: {NHS_TEXT}; }}
  .data-table.cards .bar-track {{ min-width: 6rem; flex: 1 1 auto; max-width: 12rem; }}
}}
.file-field-carrier {{ position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }}
.file-field-button {{ background: #FFFFFF !important; color: {NHS_BLUE} !important; border: 2px solid {NHS_BLUE};
  font-weight: 600; }}
.file-field-error {{ color: {NHS_RED}; font-weight: 600; }}
"""


def apply() -> None:
    """Colours and styles for the current page."""
    ui.colors(
        primary=NHS_BLUE,
        secondary=NHS_DARK_BLUE,
        accent=NHS_DARK_BLUE,
        positive=NHS_GREEN,
        negative=NHS_RED,
        warning=NHS_WARM_YELLOW,
        info=NHS_BLUE,
    )
    ui.add_css(CSS, shared=False)
