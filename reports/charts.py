"""Charts drawn with reportlab.graphics: compliance per course, and overall compliance over 12 months."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker

from reports.style import NHS_BLUE, NHS_DARK_GREY, NHS_PALE_GREY, fit, fonts

BAR_PITCH = 15  # points per course
LABEL_WIDTH = 170


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 11, text, fontName=fonts().bold, fontSize=10, fillColor=NHS_DARK_GREY))


def _percent_scale(axis: Any, font_name: str) -> None:
    """Both charts read against the same 0-100 % scale, with a pale grid every 20 %."""
    axis.valueMin, axis.valueMax, axis.valueStep = 0, 100, 20
    axis.labels.fontName = font_name
    axis.labels.fontSize = 7.5
    axis.labelTextFormat = "%d%%"
    axis.visibleGrid = True
    axis.gridStrokeColor = NHS_PALE_GREY
    axis.strokeColor = NHS_DARK_GREY


def course_bars(courses: Sequence[tuple[str, float]], width: float) -> Drawing:
    """courses: (label, % compliant) in reading order, drawn top to bottom."""
    f = fonts()
    plot_height = max(BAR_PITCH * len(courses), BAR_PITCH)
    drawing = Drawing(width, plot_height + 48, initialFontName=fonts().regular)  # not reportlab's Helvetica
    _title(drawing, "Compliant with each course (% of those who need it)")
    chart = HorizontalBarChart()
    chart.x, chart.y = LABEL_WIDTH, 22
    chart.width, chart.height = width - LABEL_WIDTH - 30, plot_height
    # reportlab draws the first category at the bottom: reverse so the list reads top down
    labels = [fit(label, f.regular, 7.5, LABEL_WIDTH - 8) for label, _ in courses][::-1]
    chart.data = [[value for _, value in courses][::-1] or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = f.regular
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = NHS_DARK_GREY
    _percent_scale(chart.valueAxis, f.regular)
    chart.bars[0].fillColor = NHS_BLUE
    chart.bars[0].strokeColor = None
    chart.barWidth = 9
    chart.groupSpacing = BAR_PITCH - 9
    chart.barLabelFormat = "%.1f%%"
    chart.barLabels.fontName = f.regular
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def compliance_line(points: Sequence[tuple[date, float]], width: float, height: float = 190) -> Drawing:
    """points: (day, % green), oldest first; one per month."""
    f = fonts()
    drawing = Drawing(width, height, initialFontName=fonts().regular)
    _title(drawing, "Staff fully compliant (green), month by month (%)")
    chart = HorizontalLineChart()
    chart.x, chart.y = 34, 30
    chart.width, chart.height = width - 50, height - 62
    chart.data = [[value for _, value in points] or [0]]
    chart.categoryAxis.categoryNames = [day.strftime("%b\n%Y") for day, _ in points] or [""]
    chart.categoryAxis.labels.fontName = f.regular
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 0
    chart.categoryAxis.strokeColor = NHS_DARK_GREY
    _percent_scale(chart.valueAxis, f.regular)
    chart.lines[0].strokeColor = NHS_BLUE
    chart.lines[0].strokeWidth = 2
    chart.lines[0].symbol = makeMarker("FilledCircle", size=4, fillColor=NHS_BLUE, strokeColor=NHS_BLUE)
    chart.lineLabelFormat = "%.0f"
    chart.lineLabels.fontName = f.regular
    chart.lineLabels.fontSize = 6.5
    chart.lineLabels.dy = 7
    chart.lineLabels.fillColor = NHS_DARK_GREY
    drawing.add(chart)
    return drawing
