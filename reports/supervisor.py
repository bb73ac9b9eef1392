"""A supervisor's log: the sessions they gave in a period, with supervisees, kinds and minutes, and totals.

A4 portrait. Only what the session record says publicly: private notes are never read into the data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from reports.cover import figure_tiles, generated_line, page_frame
from reports.person import FORMATS, KINDS, MODES
from reports.style import PORTRAIT, render, styles, usable_width
from reports.tables import Grid, heading, key_value_table, make_table
from tracker.dates import uk
from tracker.views.report_data import SupervisorLogData

CHUNK = 300  # session rows per table


@dataclass(frozen=True)
class SupervisorLogTotals:
    sessions: int
    minutes: int
    by_kind: dict[str, tuple[int, int]]  # kind -> (sessions, minutes)
    by_format: dict[str, tuple[int, int]]
    by_supervisee: dict[tuple[str, str], tuple[int, int]]  # (name, staff id) -> (sessions, minutes)


def totals(data: SupervisorLogData) -> SupervisorLogTotals:
    def add(tally: dict, key: object, minutes: int) -> None:  # type: ignore[type-arg]
        sessions, total = tally.get(key, (0, 0))
        tally[key] = (sessions + 1, total + minutes)

    by_kind: dict[str, tuple[int, int]] = {}
    by_format: dict[str, tuple[int, int]] = {}
    by_person: dict[tuple[str, str], tuple[int, int]] = {}
    for session in data.sessions:
        add(by_kind, session.kind, session.minutes)
        add(by_format, session.format, session.minutes)
        for attendee in session.attendees:
            add(by_person, (attendee.name, attendee.staff_id), session.minutes)
    return SupervisorLogTotals(len(data.sessions), sum(s.minutes for s in data.sessions), by_kind, by_format, by_person)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def build_supervisor_pdf(data: SupervisorLogData) -> bytes:
    s = styles()
    width = usable_width(PORTRAIT)
    sums = totals(data)
    people = Counter[str]()
    for session in data.sessions:
        people.update(a.staff_id for a in session.attendees)
    story: list[Flowable] = [
        Paragraph("Supervisor's log", s.subtitle),
        Paragraph(_esc(data.name), s.title),
        key_value_table(
            [
                ("Staff id", data.staff_id),
                ("Period", f"{uk(data.period_from)} to {uk(data.period_to)}"),
                ("As at", uk(data.meta.as_of)),
                ("Generated", generated_line(data.meta)),
            ],
            (32 * mm, width - 32 * mm),
        ),
        *([Paragraph(_esc(data.scope_note), s.small)] if data.scope_note else []),
        *heading("Totals"),
        figure_tiles(
            [
                (str(sums.sessions), "sessions given"),
                (_hours(sums.minutes), f"hours of supervision ({sums.minutes:,} minutes)"),
                (str(len(people)), "different supervisees"),
            ],
            width,
        ),
    ]
    story += _breakdowns(sums, width)
    story += _sessions(data, width)
    story += _named(data)
    frame = page_frame(data.meta, f"Supervisor's log · {data.name}")
    return render(story, pagesize=PORTRAIT, frame=frame, title=f"Supervisor's log: {data.name}",
                  subject=f"Sessions {uk(data.period_from)} to {uk(data.period_to)}", author=data.meta.generated_by)


def _breakdowns(sums: SupervisorLogTotals, width: float) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [*heading("By kind and format")]
    grid = Grid(["", "Sessions", "Minutes"], [150, 70, 70])
    for kind, (count, minutes) in sorted(sums.by_kind.items()):
        grid.add([f"Kind: {KINDS.get(kind, kind)}", str(count), str(minutes)])
    for fmt, (count, minutes) in sorted(sums.by_format.items()):
        grid.add([f"Format: {FORMATS.get(fmt, fmt)}", str(count), str(minutes)])
    grid.add(["All sessions", str(sums.sessions), str(sums.minutes)])
    story.append(make_table(grid, align=[(1, "RIGHT"), (2, "RIGHT")]) if sums.sessions
                 else Paragraph("No sessions in the period.", s.body))
    if sums.by_supervisee:
        story += heading("By supervisee")
        grid = Grid(["Supervisee", "Staff id", "Sessions", "Minutes"], [190, 70, 70, 70])
        for (name, staff_id), (count, minutes) in sorted(sums.by_supervisee.items(), key=lambda kv: kv[0][0]):
            grid.add([Paragraph(_esc(name), s.cell), staff_id, str(count), str(minutes)])
        story.append(make_table(grid, align=[(2, "RIGHT"), (3, "RIGHT")]))
    return story


def _sessions(data: SupervisorLogData, width: float) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [*heading("Sessions given")]
    if not data.sessions:
        return story + [Paragraph("None in the period.", s.body)]
    widths = [52, 62, 55, 50, 40, width - 52 - 62 - 55 - 50 - 40]
    header = ["Date", "Kind", "Format", "Mode", "Minutes", "Supervisees (confirmation)"]
    grid = Grid(header, widths)
    for session in data.sessions:
        names = "<br/>".join(f"{_esc(a.name)} ({a.staff_id}, {a.confirmation})" for a in session.attendees)
        grid.add([uk(session.date), KINDS.get(session.kind, session.kind), FORMATS.get(session.format, session.format),
                  MODES.get(session.mode, session.mode), str(session.minutes), Paragraph(names or "none", s.cell)])
    for start in range(0, len(grid.rows), CHUNK):
        part = Grid(header, widths, grid.rows[start : start + CHUNK], grid.statuses[start : start + CHUNK])
        story.append(make_table(part, align=[(4, "RIGHT")]))
    return story


def _named(data: SupervisorLogData) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [*heading("Named supervisees")]
    grid = Grid(["Supervisee", "Staff id", "Kind", "First contact", "From", "To"], [150, 60, 80, 70, 60, 60])
    for a in data.supervisees:
        grid.add([Paragraph(_esc(a.name), s.cell), a.staff_id, KINDS.get(a.kind, a.kind),
                  "yes" if a.first_contact else "", uk(a.start), uk(a.end) or "current"])
    story.append(make_table(grid) if grid.rows else Paragraph("No named supervisees by the end of the period.",
                                                              s.body))
    story.append(Paragraph("Private supervision notes are never included in this log.", s.small))
    return story
