"""One person's compliance statement, for appraisal or inspection: everything their status rests on.

A4 portrait. Supervision sessions are listed by date, supervisor, kind and minutes; private notes never appear.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from reports.cover import generated_line, page_frame
from reports.style import PORTRAIT, look, render, styles, usable_width
from reports.tables import Grid, heading, key_value_table, make_table
from tracker.dates import uk
from tracker.views.report_data import PersonStatementData

KINDS = {"clinical": "Clinical", "educational": "Educational", "practice": "Practice"}
FORMATS = {"one_to_one": "One to one", "group": "Group"}
MODES = {"in_person": "In person", "video": "Video", "phone": "Phone"}


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_person_pdf(data: PersonStatementData) -> bytes:
    story = _summary(data) + _training(data) + _supervision(data) + _policies(data)
    frame = page_frame(data.meta, f"Compliance statement · {data.name}")
    return render(story, pagesize=PORTRAIT, frame=frame, title=f"Compliance statement: {data.name}",
                  subject=f"Compliance as at {uk(data.meta.as_of)}", author=data.meta.generated_by)


def _summary(data: PersonStatementData) -> list[Flowable]:
    s = styles()
    width = usable_width(PORTRAIT)
    result = data.compliance
    job = result.employment
    rag = look(result.rag)
    facts: list[tuple[str, object]] = [
        ("Staff id", data.staff_id),
        ("Email", data.email or "not recorded"),
        ("Role", f"{job.role_name} at {job.employer_name}" if job else "not employed on this date"),
        ("As at", uk(data.meta.as_of)),
        ("Generated", generated_line(data.meta)),
    ]
    if data.profession:
        facts.insert(2, ("Profession", data.profession))
    status = Paragraph(
        f"<font color='#{rag.ink.hexval()[2:]}'><b>Overall status: {rag.label}</b></font>",
        s.h2,
    )
    story: list[Flowable] = [
        Paragraph("Compliance statement", s.subtitle),
        Paragraph(_esc(data.name), s.title),
        key_value_table(facts, (32 * mm, width - 32 * mm)),
        status,
    ]
    if result.reasons:
        story += [Paragraph("• " + _esc(reason), s.body) for reason in result.reasons]
    else:
        story.append(Paragraph("Every required course is in date and supervision is up to date.", s.body))
    story += heading("Employment")
    grid = Grid(["Role", "Employer", "PCN", "Band", "FTE", "From", "To"], [110, 130, 95, 35, 30, 55, 55])
    for e in data.employments:
        grid.add([Paragraph(_esc(e.role), s.cell), Paragraph(_esc(e.employer + (" (secondment)" if e.secondment
                                                                                 else "")), s.cell),
                  Paragraph(_esc(e.pcn or ""), s.cell), e.band or "", f"{e.fte:g}", uk(e.start), uk(e.end) or "current"])
    story.append(make_table(grid) if grid.rows else Paragraph("No employment recorded by this date.", s.body))
    if data.absences:
        story += heading("Absences (supervision is paused in a month mostly away)")
        grid = Grid(["From", "To", "Reason"], [70, 70, 150])
        for a in data.absences:
            grid.add([uk(a.start), uk(a.end), a.reason.replace("_", " ").capitalize()])
        story.append(make_table(grid))
    return story


def _training(data: PersonStatementData) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [*heading("Training required on this date")]
    grid = Grid(["Course", "Code", "Status", "Completed", "Counts via", "Expires", "Due by", "Renewal"],
                [143, 50, 52, 50, 52, 50, 50, 50])
    for t in data.compliance.training:
        renewal = "never" if t.renewal_months == 0 else f"{t.renewal_months} months"
        via = t.satisfied_by if t.satisfied_by and t.satisfied_by != t.course else ""
        grid.add([Paragraph(_esc(t.name), s.cell), t.course, look(t.status).label, uk(t.completed_on),
                  via, uk(t.expires_on) if t.completed_on else "", uk(t.due_by), renewal], [(2, t.status)])
    story.append(make_table(grid) if grid.rows else Paragraph("No course is required on this date.", s.body))
    story += heading("Training records up to the date")
    grid = Grid(["Completed", "Course or check", "Provider or body", "Number", "Printed expiry", "Evidence"],
                [55, 170, 110, 70, 55, 76])
    for r in data.training:
        evidence = "approved" if r.evidence_state == "approved" else f"{r.evidence_state}: does not count"
        grid.add([uk(r.completed_on), Paragraph(f"{_esc(r.course)} ({r.course_code})", s.cell),
                  Paragraph(_esc(r.provider), s.cell), Paragraph(_esc(r.reference), s.cell), uk(r.expires_on),
                  evidence])
    story.append(make_table(grid) if grid.rows else Paragraph("No training recorded by this date.", s.body))
    return story


def _supervision(data: PersonStatementData) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [*heading("Named supervisors")]
    grid = Grid(["Supervisor", "Staff id", "Kind", "First contact", "From", "To"], [150, 60, 80, 70, 60, 60])
    for a in data.supervisors:
        grid.add([Paragraph(_esc(a.name), s.cell), a.staff_id, KINDS.get(a.kind, a.kind),
                  "yes" if a.first_contact else "", uk(a.start), uk(a.end) or "current"])
    story.append(make_table(grid) if grid.rows else Paragraph("No named supervisor by this date.", s.body))
    story += heading("Supervision month by month")
    grid = Grid(["Month", "Minutes that count", "Minimum", "Status", "Period (minutes in it)"], [90, 90, 70, 90, 170])
    for m in data.compliance.months:
        period = "the month" if m.period_months == 1 else f"{m.period_label} ({m.period_total})"
        grid.add([m.month.strftime("%B %Y"), str(m.minutes), str(m.required), look(m.status).label, period],
                 [(3, m.status)])
    story.append(make_table(grid, align=[(1, "RIGHT"), (2, "RIGHT")]) if grid.rows
                 else Paragraph("Not employed in the last 12 months.", s.body))
    story += heading("Supervision sessions attended (last 12 months)")
    grid = Grid(["Date", "Supervisor", "Kind", "Format", "Mode", "Minutes", "Confirmed"],
                [55, 140, 65, 60, 55, 45, 60])
    for a in data.sessions:
        grid.add([uk(a.date), Paragraph(_esc(a.supervisor), s.cell), KINDS.get(a.kind, a.kind),
                  FORMATS.get(a.format, a.format), MODES.get(a.mode, a.mode), str(a.minutes), a.confirmation])
    story.append(make_table(grid, align=[(5, "RIGHT")]) if grid.rows
                 else Paragraph("No sessions in the last 12 months.", s.body))
    return story


def _policies(data: PersonStatementData) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [*heading("Policies to acknowledge")]
    grid = Grid(["Policy", "Current version", "Status"], [250, 90, 120])
    for p in data.compliance.policies:
        grid.add([Paragraph(_esc(p.topic), s.cell), p.version, "Acknowledged" if p.acknowledged else "Not yet"],
                 [(2, "green" if p.acknowledged else "amber")])
    story.append(make_table(grid) if grid.rows
                 else Paragraph("The employer asks for no policy to be acknowledged.", s.body))
    if data.acknowledgements:
        story += heading("Acknowledgements recorded")
        grid = Grid(["Policy", "Employer", "Version", "Acknowledged"], [170, 170, 60, 70])
        for a in data.acknowledgements:
            grid.add([Paragraph(_esc(a.topic), s.cell), Paragraph(_esc(a.employer), s.cell), a.version,
                      uk(a.acknowledged_on)])
        story.append(make_table(grid))
    story += [Spacer(1, 6 * mm), Paragraph(
        "Statuses are worked out by the tracker's rules from the records as they stood on the as-at date; "
        "training completed or sessions held after it are not counted. Private supervision notes are never "
        "included.", s.small)]
    return story
