"""The employer or PCN compliance report: cover, headline figures and charts, training matrix, supervision
month by month, exceptions, and for a PCN the employers side by side. A4 landscape throughout."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from reports.charts import compliance_line, course_bars
from reports.comparison import comparison_section
from reports.cover import cover_page, figure_tiles, page_frame
from reports.sections import exceptions, matrix, supervision
from reports.style import LANDSCAPE, render, styles, usable_width
from tracker.dates import uk
from tracker.views.report_data import ScopeReportData


def build_scope_pdf(data: ScopeReportData) -> bytes:
    """The whole report as PDF bytes; pure: everything it shows is in `data`."""
    story: list[Flowable] = cover_page(data.meta, _contents(data), LANDSCAPE)
    story += _headline(data)
    story += matrix(data)
    story += supervision(data)
    story += exceptions(data)
    if data.kind == "pcn":
        story += comparison_section(data, LANDSCAPE)
    frame = page_frame(data.meta, f"{data.meta.title} · {data.scope_name}")
    return render(story, pagesize=LANDSCAPE, frame=frame, title=f"{data.meta.title}: {data.scope_name}",
                  subject=f"Compliance as at {uk(data.meta.as_of)}", author=data.meta.generated_by)


build_employer_pdf = build_scope_pdf
build_pcn_pdf = build_scope_pdf


def _contents(data: ScopeReportData) -> list[str]:
    sections = [
        "Headline figures and charts",
        "Training matrix: every person and every course they need",
        "Supervision month by month",
        "Exceptions: who is red, and why",
    ]
    if data.kind == "pcn":
        sections.append("Employers compared, and where their policies differ")
    return sections


def _headline(data: ScopeReportData) -> list[Flowable]:
    s = styles()
    width = usable_width(LANDSCAPE)
    summary = data.summary
    bars = course_bars(
        [(f"{code} {name}", summary.course_pct.get(code, 0.0)) for code, name in data.courses], width * 0.52
    )
    line = compliance_line([(p.day, p.pct_green) for p in data.trend], width * 0.46)
    charts = Table([[bars, line]], colWidths=[width * 0.53, width * 0.47], hAlign="LEFT")
    charts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    trend_note = ", ".join(f"{uk(p.day)}: {p.pct_green:.1f}% of {p.people}" for p in data.trend[-3:])
    return [
        PageBreak(),
        Paragraph("Headline figures", s.h1),
        figure_tiles(
            [
                (f"{summary.people:,}", "people employed on the date"),
                (f"{summary.fully_compliant_pct:.1f}%", f"fully compliant (green): {summary.green:,}"),
                (f"{summary.amber:,}", "amber: something due soon"),
                (f"{summary.red:,}", "red: expired, missing or supervision missed"),
                (f"{summary.supervision_met_last_month_pct:.1f}%", "met supervision last month"),
            ],
            width,
        ),
        Spacer(1, 5 * mm),
        charts,
        Paragraph(
            "Each month's point is a snapshot as at that month's last day (the as-at date for the current month),"
            f" computed by the same rules as the rest of the report. Latest points: {trend_note}.",
            s.small,
        ),
    ]
