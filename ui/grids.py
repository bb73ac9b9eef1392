"""The big grids of the lead's pages (people × courses, people × months) as one HTML table each.

A page of 25 people × 16 courses is some 500 cells; as NiceGUI elements that costs most of the 300 ms a
page may take, as one escaped HTML string it costs a millisecond. Every value is escaped here, each cell
says its status in words (colour is never the only signal), and rows and cells carry data- attributes that
tests and scripts can read.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from tracker import compliance as c
from tracker import team_views as tv
from ui import theme
from ui.components import status_label, status_tone
from ui.lead_components import member_cell_text


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _tone_style(status: str) -> str:
    background, colour, _ = theme.TONES[status_tone(status)]
    return f"background:{background};color:{colour}"


def _chip(status: str) -> str:
    icon = theme.TONES[status_tone(status)][2]
    return (
        f'<span class="status-chip" style="{_tone_style(status)}" data-status="{_attr(status)}">'
        f'<i class="q-icon notranslate material-icons" aria-hidden="true">{icon}</i>'
        f"{escape(status_label(status))}</span>"
    )


def _name_cell(m: tv.Member, detail: str = "") -> str:
    more = f'<div class="detail">{escape(detail)}</div>' if detail else ""
    return (
        f'<th scope="row"><a href="/people/{m.person_id}" data-person-link="{m.person_id}">{escape(m.name)}</a>'
        f"{more}</th>"
    )


def _none(title: str) -> str:
    return f'<td class="cell-none" title="{_attr(title)}">—<span class="sr-only"> {escape(title)}</span></td>'


def matrix_html(result: tv.MatrixPage) -> str:
    head = "".join(
        f'<th scope="col" title="{_attr(col.label)}"><span aria-hidden="true">{escape(col.value)}</span>'
        f'<span class="sr-only">{escape(col.label)}</span></th>'
        for col in result.columns
    )
    rows = []
    for m in result.rows.items:
        cells = []
        for col in result.columns:
            status = m.courses.get(col.value)
            if status is None:
                cells.append(_none("not required"))
                continue
            words, when = member_cell_text(status)
            cells.append(
                f'<td class="cell" style="{_tone_style(status.status)}" data-course="{_attr(col.value)}" '
                f'data-status="{_attr(status.status)}">{escape(words)}'
                + (f'<br><span class="when">{escape(when)}</span>' if when else "")
                + "</td>"
            )
        rows.append(
            f'<tr data-person="{m.person_id}" data-rag="{_attr(m.rag)}">'
            f"{_name_cell(m, f'{m.role_name}, {m.employer_name}')}<td>{_chip(m.rag)}</td>{''.join(cells)}</tr>"
        )
    return (
        '<table class="grid-table"><caption class="sr-only">Training status of each person in each course they '
        'need</caption><thead><tr><th scope="col">Name, role and employer</th>'
        f'<th scope="col">Overall</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def legend_html(columns: Iterable[tv.Option]) -> str:
    items = "".join(f"<dt>{escape(c.value)}</dt><dd>{escape(c.label)}</dd>" for c in columns)
    return (
        '<details><summary class="cursor-pointer font-semibold">What the course codes stand for</summary>'
        f'<dl class="code-list">{items}</dl><p class="muted">A dash (—) means the course is not required of that '
        "person.</p></details>"
    )


def _month_cell(status: c.MonthStatus | None) -> str:
    if status is None:
        return _none("not employed")
    return (
        f'<td class="cell" style="{_tone_style(status.status)}" data-month="{status.month.isoformat()}" '
        f'data-status="{_attr(status.status)}">{escape(status_label(status.status))}<br>'
        f'<span class="when">{status.minutes}/{status.required} min</span></td>'
    )


def heatmap_html(result: tv.HeatmapPage) -> str:
    head = "".join(f'<th scope="col">{m.strftime("%b %Y")}</th>' for m in result.months)
    rows = []
    for m in result.rows.items:
        by_month = {s.month: s for s in m.result.months}
        cells = "".join(_month_cell(by_month.get(month)) for month in result.months)
        rows.append(
            f'<tr data-person="{m.person_id}">{_name_cell(m, f"{m.role_name}, {m.employer_name}")}'
            f"<td>{_chip(m.rag)}</td>{cells}</tr>"
        )
    totals = "".join(
        f'<td data-month="{t.month.isoformat()}">{t.pct:g}%<br>{t.met}/{t.counted}</td>'
        if t.counted
        else "<td>—</td>"
        for t in result.totals
    )
    return (
        '<table class="grid-table"><caption class="sr-only">Supervision each month: status and minutes done of '
        'those needed</caption><thead><tr><th scope="col">Name, role and employer</th><th scope="col">Overall</th>'
        f'{head}</tr></thead><tbody>{"".join(rows)}</tbody><tfoot><tr><th scope="row" colspan="2">'
        f"Met, of those due</th>{totals}</tr></tfoot></table>"
    )


def simple_table(
    caption: str, headers: list[tuple[str, bool]], rows: Iterable[tuple[dict[str, str], list[str]]]
) -> str:
    """A plain data table: headers as (label, numeric); rows as (data- attributes, cells whose first is the row
    header). Cell values are HTML already escaped by the caller (use `text_cell` or `link_cell`)."""
    right = ' class="text-right"'
    head = "".join(
        f'<th scope="col"{right if numeric else ""}>{escape(label)}</th>' for label, numeric in headers
    )
    body = []
    for data, cells in rows:
        attrs = "".join(f' data-{k}="{_attr(v)}"' for k, v in data.items())
        parts = []
        for i, cell in enumerate(cells):
            numeric = headers[i][1] if i < len(headers) else False
            css = right if numeric else ""
            parts.append(f'<th scope="row"{css}>{cell}</th>' if i == 0 else f"<td{css}>{cell}</td>")
        body.append(f"<tr{attrs}>{''.join(parts)}</tr>")
    return (
        f'<table class="data-table"><caption class="sr-only">{escape(caption)}</caption><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table>"
    )


def text_cell(value: str) -> str:
    return escape(value)


def link_cell(words: str, href: str) -> str:
    return f'<a href="{_attr(href)}">{escape(words)}</a>'


def chip_cell(status: str) -> str:
    return _chip(status)


def bar_cell(pct: float) -> str:
    return (
        f'<div class="bar-track" aria-hidden="true"><div class="bar-fill" style="width:{max(0.0, min(pct, 100.0))}%">'
        "</div></div>"
    )
