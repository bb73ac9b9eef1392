"""The inspection evidence pack (CQC regulations 18 and 19): for an employer or a PCN as at a date, one ZIP holding
the compliance report, one statement per person, every approved certificate on file (named by person and item), a
supervision summary, and an index (CSV, and a PDF contents page) that says what each file is."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from reports.build import ReportRequest, gather, render
from reports.style import styles
from reports.tables import Grid, make_table
from tracker.dates import iso, uk
from tracker.models import Course, TrainingRecord
from tracker.views.report_data import ScopeReportData

INDEX_COLUMNS = ["file", "what", "staff_id", "name", "item", "date", "bytes", "sha256"]


@dataclass(frozen=True)
class PackEntry:
    file: str
    what: str
    staff_id: str
    name: str
    item: str
    on: date | None
    content: bytes


def _safe(text: str) -> str:
    """A file-name part: letters, digits, spaces, dots and dashes only (names keep their accents)."""
    return re.sub(r"[^\w .-]+", "_", text, flags=re.UNICODE).strip(" ._")[:80] or "_"


def build_pack(kind: str, name: str, as_of: date, uploads: Path, generated_by: str = "command line") -> bytes:
    """The ZIP's bytes. Only approved certificates recorded on or before as_of, of people in scope then."""
    data = gather(ReportRequest(kind, name, as_of, generated_by))
    assert isinstance(data, ScopeReportData)
    entries = [PackEntry("report.pdf", f"{kind} compliance report", "", data.scope_name, "", as_of, render(data))]
    for p in data.people:
        statement = render(gather(ReportRequest("person", p.staff_id, as_of, generated_by)))
        entries.append(PackEntry(f"statements/{_safe(p.staff_id)} {_safe(p.name)}.pdf", "compliance statement",
                                 p.staff_id, p.name, "", as_of, statement))
    entries += _certificates(data, as_of, uploads)
    entries.append(PackEntry("supervision-summary.csv", "supervision month by month", "", data.scope_name, "",
                             as_of, _supervision_csv(data)))
    index_csv = _index_csv(entries)
    index_pdf = _index_pdf(entries, data, as_of)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("index.csv", index_csv)
        pack.writestr("index.pdf", index_pdf)
        for e in entries:
            pack.writestr(e.file, e.content)
    return buffer.getvalue()


def _certificates(data: ScopeReportData, as_of: date, uploads: Path) -> list[PackEntry]:
    ids = {p.person_id: p for p in data.people}
    if not ids:
        return []
    query = (
        TrainingRecord.select(TrainingRecord.person, Course.code, Course.name, TrainingRecord.completed_on,
                              TrainingRecord.certificate_path)
        .join(Course)
        .where(TrainingRecord.person.in_(list(ids)) & (TrainingRecord.evidence_state == "approved")
               & TrainingRecord.certificate_path.is_null(False) & (TrainingRecord.completed_on <= as_of))
        .order_by(TrainingRecord.person, Course.code, TrainingRecord.completed_on)
        .tuples()
    )
    root = uploads.resolve()
    entries = []
    for person_id, code, item_name, done, stored in query:
        path = (root / stored).resolve()
        if root not in path.parents or not path.is_file():  # never outside the uploads folder
            continue
        p = ids[person_id]
        on = done if isinstance(done, date) else date.fromisoformat(str(done)[:10])
        entries.append(PackEntry(
            f"certificates/{_safe(p.staff_id)} {_safe(p.name)} - {_safe(code)} {on.isoformat()}{path.suffix}",
            f"certificate: {item_name}", p.staff_id, p.name, code, on, path.read_bytes(),
        ))
    return entries


def _supervision_csv(data: ScopeReportData) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["staff_id", "name", "month", "minutes", "status", "period_from", "period_to", "period_minutes",
                     "required"])
    for p in data.people:
        for m in p.months:
            writer.writerow([p.staff_id, p.name, f"{m.month:%Y-%m}", m.minutes, m.status, iso(m.period_start),
                             iso(m.period_end), m.period_total, m.required])
    return out.getvalue().encode("utf-8")


def _index_csv(entries: list[PackEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(INDEX_COLUMNS)
    for e in entries:
        writer.writerow([e.file, e.what, e.staff_id, e.name, e.item, iso(e.on), len(e.content),
                         hashlib.sha256(e.content).hexdigest()])
    return out.getvalue().encode("utf-8")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _index_pdf(entries: list[PackEntry], data: ScopeReportData, as_of: date) -> bytes:
    s = styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Evidence pack: {data.scope_name}", author="compliance tracker")
    grid = Grid(["File", "What", "Person", "Date"], [210, 150, 100, 55])
    for e in entries:
        grid.add([Paragraph(_esc(e.file), s.cell), Paragraph(_esc(e.what), s.cell),
                  Paragraph(_esc(e.name if e.staff_id else ""), s.cell), uk(e.on)])
    story = [
        Paragraph(f"Inspection evidence pack: {_esc(data.scope_name)}", s.h1),
        Paragraph(f"As at {uk(as_of)}. {len(entries)} files; index.csv lists the same with each file's size and "
                  "SHA-256. Private supervision notes are in none of them.", s.body),
        Spacer(1, 6),
        make_table(grid),
    ]
    doc.build(story)
    return buffer.getvalue()

