"""For a PCN report: the employers side by side, their figures, the rules and policies that differ."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from reports.style import fit, fonts, styles, usable_width
from reports.tables import Grid, heading, make_table
from tracker.compliance import review_overdue
from tracker.dates import uk
from tracker.views.policy_comparison import PolicyComparison, PolicyPosition
from tracker.views.report_data import EmployerColumn, ScopeReportData

PER_TABLE = 5  # employers side by side on one table
LABEL_WIDTH = 170.0
MAX_COLUMN = 190.0
KIND_NAMES = {
    "pcn": "PCN", "gp_practice": "GP practice", "vcse": "VCSE", "nhs_trust": "NHS trust",
    "local_authority": "Local authority", "other": "Other",
}


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chunks(count: int) -> list[range]:
    return [range(i, min(i + PER_TABLE, count)) for i in range(0, count, PER_TABLE)] or [range(0)]


def comparison_section(data: ScopeReportData, pagesize: tuple[float, float]) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [PageBreak(), Paragraph("Employers compared", s.h1)]
    if not data.employers:
        return story + [Paragraph("No employer has staff in this PCN on the date.", s.body)]
    story.append(Paragraph(
        "Figures for each employer's staff in this PCN as at the date; % compliant per course counts only the "
        "people who need the course.", s.small))
    width = usable_width(pagesize)
    for part in _chunks(len(data.employers)):
        story += [_figures(data, [data.employers[i] for i in part], width), Spacer(1, 4)]
    if data.policies is not None:
        story += _policies(data.policies, width, data.meta.as_of)
    return story


def _column(width: float, count: int) -> float:
    return min((width - LABEL_WIDTH) / max(count, 1), MAX_COLUMN)


def _figures(data: ScopeReportData, employers: Sequence[EmployerColumn], width: float) -> Flowable:
    s = styles()
    column = _column(width, len(employers))
    header = [Paragraph("<font color='white'>Measure</font>", s.cell_bold)] + [
        Paragraph(f"<font color='white'>{_esc(e.name)}</font>", s.cell_bold) for e in employers
    ]
    grid = Grid(header, [LABEL_WIDTH] + [column] * len(employers))
    every = range(1, len(employers) + 1)
    grid.add(["Type of organisation", *[KIND_NAMES.get(e.kind, e.kind) for e in employers]])
    grid.add(["People employed on the date", *[f"{e.summary.people:,}" for e in employers]])
    grid.add(["Fully compliant (green)",
              *[f"{e.summary.green:,} ({e.summary.fully_compliant_pct:.1f}%)" for e in employers]],
             [(i, "green") for i in every])
    grid.add(["Amber", *[f"{e.summary.amber:,}" for e in employers]], [(i, "amber") for i in every])
    grid.add(["Red", *[f"{e.summary.red:,}" for e in employers]], [(i, "red") for i in every])
    grid.add(["Met supervision last month",
              *[f"{e.summary.supervision_met_last_month_pct:.1f}%" for e in employers]])
    for code, name in data.courses:
        values = [e.summary.course_pct.get(code) for e in employers]
        label = fit(f"{code} {name}", fonts().regular, 7.5, LABEL_WIDTH - 5)
        grid.add([label, *["not required" if v is None else f"{v:.1f}%" for v in values]])
    return make_table(grid, font_size=7.5)


def _position(p: PolicyPosition | None, as_of: date) -> str:
    if p is None:
        return "<i>No policy recorded</i>"
    extra = f"version {_esc(p.version)}"
    if p.review_date and review_overdue(p.review_date, as_of):
        extra += f", <font color='#DA291C'><b>review overdue since {uk(p.review_date)}</b></font>"
    elif p.review_date:
        extra += f", review by {uk(p.review_date)}"
    if p.requires_acknowledgement:
        extra += ", staff must acknowledge"
    return f"{_esc(p.statement) or '<i>(no statement)</i>'}<br/><font size='6.5' color='#425563'>{extra}</font>"


def _policies(comparison: PolicyComparison, width: float, as_of: date) -> list[Flowable]:
    s = styles()
    names = comparison.employers
    differing = [t.topic for t in comparison.topics if t.differs] + [r.label for r in comparison.rules if r.differs]
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("Where employers' policies differ", s.h1),
        Paragraph(
            "Each employer's position on each policy topic, and the rules the compliance figures use. "
            "Rows marked <b>Differs</b> are where the employers do not say the same thing"
            + (f": {_esc(', '.join(differing))}." if differing else "; here none differ."),
            s.small,
        ),
    ]
    for part in _chunks(len(names)):
        column = _column(width, len(part))
        header = [Paragraph("<font color='white'>Topic</font>", s.cell_bold)] + [
            Paragraph(f"<font color='white'>{_esc(names[i])}</font>", s.cell_bold) for i in part
        ]
        grid = Grid(header, [LABEL_WIDTH] + [column] * len(part))
        for rule in comparison.rules:
            _add_row(grid, rule.label, rule.differs, [Paragraph(_esc(rule.values[i]), s.cell) for i in part])
        for topic in comparison.topics:
            _add_row(grid, topic.topic, topic.differs, [Paragraph(_position(topic.positions[i], as_of), s.cell)
                                                        for i in part])
        story += [make_table(grid, font_size=7.5), Spacer(1, 6)]
    if comparison.adaptations:
        story += heading("Agreed adaptations for joint working")
        grid = Grid(["Topic", "Employers", "Condition", "Agreed by", "Agreed", "Review"],
                    [110, 150, width - 110 - 150 - 100 - 55 - 55, 100, 55, 55])
        for a in comparison.adaptations:
            grid.add([Paragraph(_esc(a.topic), s.cell), Paragraph(_esc(", ".join(a.employers)), s.cell),
                      Paragraph(_esc(a.condition), s.cell), Paragraph(_esc(a.agreed_by), s.cell),
                      uk(a.agreed_on), _review(a.review_date, as_of)])
        story.append(make_table(grid, font_size=7.5))
    return story


def _review(review_date: date | None, as_of: date) -> object:
    if review_date is None:
        return ""
    if review_overdue(review_date, as_of):
        return Paragraph(f"<font color='#DA291C'><b>Overdue since {uk(review_date)}</b></font>", styles().cell)
    return uk(review_date)


def _add_row(grid: Grid, label: str, differs: bool, cells: list[object]) -> None:
    s = styles()
    flag = "<br/><b>Differs</b>" if differs else "<br/>Same"
    grid.add([Paragraph(f"{_esc(label)}{flag}", s.cell), *cells], [(0, "amber")] if differs else [])
