"""Charts (ECharts) in the NHS palette, each with its figures also given as a table for screen readers and
anyone who prefers numbers."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from tracker.views.team_views import TrendSeries
from ui import theme
from ui.components import text
from ui.data_table import data_table
from ui.grids import simple_table, text_cell


def trend_options(series: TrendSeries) -> dict[str, Any]:
    line = {"type": "line", "symbolSize": 8, "lineStyle": {"width": 3}}
    return {
        "aria": {"enabled": True},
        "animation": False,
        "color": [theme.NHS_GREEN, theme.NHS_BLUE],
        "tooltip": {"trigger": "axis", ":valueFormatter": "(v) => v + '%'"},
        "legend": {"top": 0, "textStyle": {"color": theme.NHS_TEXT, "fontSize": 13}},
        "grid": {"left": 48, "right": 16, "top": 40, "bottom": 32},
        "xAxis": {"type": "category", "data": series.labels, "axisLabel": {"color": theme.NHS_TEXT}},
        "yAxis": {
            "type": "value",
            "min": 0,
            "max": 100,
            "axisLabel": {"formatter": "{value}%", "color": theme.NHS_TEXT},
        },
        "series": [
            {**line, "name": "Fully compliant", "data": series.fully_compliant, "symbol": "circle"},
            {
                **line,
                "name": "Supervision met (previous month)",
                "data": series.supervision_met,
                "symbol": "rect",
                "lineStyle": {"width": 3, "type": "dashed"},
            },
        ],
    }


def trend_chart(series: TrendSeries) -> ui.echart:
    chart = ui.echart(trend_options(series)).classes("w-full").style("height: 280px").mark("trend-chart")
    chart.props(
        'role="img" aria-label="Line chart of the last 12 months; the figures are in the table below it"'
    )
    return chart


def trend_table(series: TrendSeries) -> None:
    rows = [
        (
            {"month": label},
            [text_cell(label), text_cell(f"{people:,}"), text_cell(f"{green:g}%"), text_cell(f"{met:g}%")],
        )
        for label, people, green, met in zip(
            series.labels, series.people, series.fully_compliant, series.supervision_met, strict=True
        )
    ]
    headers = [
        ("Month end", False),
        ("People", True),
        ("Fully compliant", True),
        ("Supervision met (previous month)", True),
    ]
    with ui.element("details").classes("w-full"):
        text("summary", "The figures behind the chart").classes("cursor-pointer font-semibold")
        data_table(simple_table("Fully compliant and supervision met, month by month", headers, rows)).mark(
            "trend-table")
