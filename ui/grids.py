"""The big grids of the lead's pages (people × courses, people × months) and the short figure tables, as specs
for ui/data_table.js.

A page of 25 people × 16 courses is some 500 cells; as NiceGUI elements that costs most of the 300 ms a page
may take, as one element with its data it costs a millisecond. The data never becomes markup: the browser
makes every value a text node or an attribute value. Each cell says its status in words (colour is never the
only signal), and rows and cells carry data- attributes that tests and scripts can read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tracker import compliance as c
from tracker.views import team_views as tv
from ui import theme
from ui.components import status_label, status_tone
from ui.data_table import Spec
from ui.lead_components import member_cell_text

Cell = dict[str, Any]
Part = dict[str, Any]
TONES = {name: list(tone) for name, tone in theme.TONES.items()}


def text_cell(value: str) -> Part:
    return {"text": value}


def link_cell(words: str, href: str, **data: object) -> Part:
    return {"link": words, "href": href, "data": {k.replace("_", "-"): str(v) for k, v in data.items()}}


def chip_cell(status: str) -> Part:
    return {"chip": status_label(status), "status": status, "tone": status_tone(status)}


def bar_cell(pct: float) -> Part:
    return {"bar": pct}


def table_spec(cls: str, caption: str, head: list[Cell], rows: list[dict[str, Any]], **more: Any) -> Spec:
    return {"cls": cls, "caption": caption, "tones": TONES, "head": head, "rows": rows, **more}


def _name_cell(m: tv.Member) -> Cell:
    return {
        "header": True,
        "parts": [link_cell(m.name, f"/people/{m.person_id}", person_link=m.person_id),
                  {"detail": f"{m.role_name}, {m.employer_name}"}],
    }


def _none(title: str) -> Cell:
    return {"cls": "cell-none", "title": title, "parts": [{"text": "—"}, {"sr": f" {title}"}]}


def _first_columns() -> list[Cell]:
    return [{"parts": [text_cell("Name, role and employer")]}, {"parts": [text_cell("Overall")]}]


def _overall_cell(m: tv.Member) -> Cell:
    """The person's status and, for red or amber, why (the engine's reasons, the first few)."""
    why = m.why()
    if not why:
        return {"parts": [chip_cell(m.rag)]}
    return {
        "cls": "why-cell", "title": "; ".join(m.result.reasons), "data": {"why": "yes"},
        "parts": [chip_cell(m.rag), {"detail": f"Why: {why}"}],
    }


def _supervision_cell(m: tv.Member) -> Cell:
    """The latest month's supervision: status in words and colour, with the minutes."""
    status = m.supervision
    if status is None:
        return _none("no supervision this month")
    cell = _month_cell(status)
    cell["data"] = {"supervision": status.status}
    return cell


def matrix_table(result: tv.MatrixPage) -> Spec:
    month = result.rows.items[0].result.as_of if result.rows.items else None
    supervision = f"Supervision {month:%b %Y}" if month else "Supervision"
    head = [
        {"parts": [text_cell("Name, role and employer")]},
        {"parts": [text_cell("Overall, and why")]},
        {"parts": [text_cell(supervision)]},
    ] + [{"title": col.label, "parts": [{"hidden": col.value}, {"sr": col.label}]} for col in result.columns]
    rows = []
    not_required = _none("not required")  # one cell for every course someone does not need (never changed)
    for m in result.rows.items:
        cells = [_name_cell(m), _overall_cell(m), _supervision_cell(m)]
        for col in result.columns:
            status = m.courses.get(col.value)
            if status is None:
                cells.append(not_required)
                continue
            words, when = member_cell_text(status)
            cells.append({
                "cls": "cell", "tone": status_tone(status.status),
                "data": {"course": col.value, "status": status.status},
                "parts": [text_cell(words)] + ([{"when": when}] if when else []),
            })
        rows.append({"data": {"person": m.person_id, "rag": m.rag}, "cells": cells})
    return table_spec("grid-table", "Training status of each person in each course they need", head, rows)


def legend(columns: Iterable[tv.Option]) -> list[tuple[str, str]]:
    """The course codes of the matrix and what they stand for."""
    return [(col.value, col.label) for col in columns]


def _month_cell(status: c.MonthStatus | None) -> Cell:
    if status is None:
        return _none("not employed")
    return {
        "cls": "cell", "tone": status_tone(status.status),
        "data": {"month": status.month.isoformat(), "status": status.status},
        "parts": [text_cell(status_label(status.status)), {"when": _minutes(status)}],
    }


def _minutes(status: c.MonthStatus) -> str:
    """A month's minutes against the minimum; in a longer period, the period's total decides (shown with it)."""
    if status.period_months == 1:
        return f"{status.minutes}/{status.required} min"
    return f"{status.minutes} min ({status.period_total}/{status.required} this {status.period_months}-month period)"


def heatmap_table(result: tv.HeatmapPage) -> Spec:
    head = _first_columns() + [{"parts": [text_cell(m.strftime("%b %Y"))]} for m in result.months]
    rows = []
    for m in result.rows.items:
        by_month = {s.month: s for s in m.result.months}
        cells = [_name_cell(m), {"parts": [chip_cell(m.rag)]}]
        cells += [_month_cell(by_month.get(month)) for month in result.months]
        rows.append({"data": {"person": m.person_id}, "cells": cells})
    totals: list[Cell] = [{"header": True, "colspan": 2, "parts": [text_cell("Met, of those due")]}]
    totals += [
        {"data": {"month": t.month.isoformat()}, "parts": [text_cell(f"{t.pct:g}%"), {"when": f"{t.met}/{t.counted}"}]}
        if t.counted
        else {"parts": [text_cell("—")]}
        for t in result.totals
    ]
    return table_spec(
        "grid-table", "Supervision each month: status and minutes done of those needed", head, rows,
        foot=[{"cells": totals}], scrollEnd=True,
    )


def simple_table(
    caption: str, headers: list[tuple[str, bool]], rows: Iterable[tuple[dict[str, str], Sequence[Part | list[Part]]]]
) -> Spec:
    """A plain data table: headers as (label, numeric); rows as (data- attributes, each cell's part or parts
    (a status chip and why), the first cell being the row's header). On a phone each row becomes a card, each
    cell labelled with its column's header (its data-label, a header of ours, never data; theme.CSS shows it)."""
    right = "text-right"
    head = [{"cls": right if numeric else None, "parts": [text_cell(label)]} for label, numeric in headers]
    body = []
    for data, parts in rows:
        cells = [
            {
                "header": i == 0,
                "cls": right if i < len(headers) and headers[i][1] else None,
                "data": {"label": headers[i][0]} if 0 < i < len(headers) else {},
                "parts": part if isinstance(part, list) else [part],
            }
            for i, part in enumerate(parts)
        ]
        body.append({"data": data, "cells": cells})
    return table_spec("data-table cards", caption, head, body)


def new_tab_link_cell(words: str, href: str, label: str) -> Part:
    """A link opening in a new tab, named `label` to a screen reader (the words alone, "Open", say too little)."""
    return {"tab": words, "href": href, "label": label}


def months_table(months: Iterable[c.MonthStatus]) -> Spec:
    """One person's supervision month by month, as a row of the heat-map: each month's status in words and
    colour, with its minutes (the newest months in view on a narrow screen)."""
    shown = list(months)
    head = [{"parts": [text_cell("Month")]}] + [{"parts": [text_cell(m.month.strftime("%b %Y"))]} for m in shown]
    row = {"cells": [{"header": True, "parts": [text_cell("Status and minutes")]}] + [_month_cell(m) for m in shown]}
    return table_spec("grid-table", "Supervision month by month: status and minutes done of those needed", head, [row],
                  scrollEnd=True)


def worded_chip_cell(status: str, words: str) -> Part:
    """A status chip saying more than the status's name ("Acknowledged 01/10/2026")."""
    return chip_cell(status) | {"chip": words}


def web_link_cell(words: str, href: str) -> Part:
    """A link to an address from data (checked by ui.attrs.safe_href first: a path here or http(s)), opened in a
    new tab."""
    return {"tab": words, "href": href} if href.startswith("/") else {"web": words, "href": href}
