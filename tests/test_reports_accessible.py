"""Reports everyone can read, read back from the PDFs (pypdf, pikepdf, poppler's pdffonts): document language,
title, author (the app and who asked), subject, an outline with every section and every person listed, and
every font it names embedded. reportlab cannot write a structure tree (tagged PDF): the test says so by checking
that none is claimed, and the HTML twin (tests/test_report_html.py) is the accessible form."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf
import pypdf
import pytest

from reports.employer import build_scope_pdf
from reports.person import build_person_pdf
from reports.supervisor import build_supervisor_pdf
from tests.factories_reports import AS_OF, build_team
from tracker.views.report_data import person_statement_data, scope_report_data, supervisor_log_data

GENERATED_AT = datetime(2026, 11, 22, 9, 30, tzinfo=ZoneInfo("Europe/London"))
ASKED_BY = "jo.lead@example.nhs.uk"


def _outline(pdf: bytes) -> list[tuple[int, str]]:
    reader = pypdf.PdfReader(BytesIO(pdf))
    found: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(reader.outline, 0)
    return found


def _fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, bool]]:
    """(name, embedded) of every font named in the PDF, as poppler's pdffonts lists them."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    header = lines[0]
    emb = header.index("emb")
    return [(line.split()[0], line[emb:emb + 3].strip() == "yes") for line in lines[2:]]


def _employer() -> bytes:
    return build_scope_pdf(scope_report_data("employer", "Northside Community Trust", AS_OF, ASKED_BY, GENERATED_AT))


def _pcn() -> bytes:
    return build_scope_pdf(scope_report_data("pcn", "Riverside PCN", AS_OF, ASKED_BY, GENERATED_AT))


def _person() -> bytes:
    return build_person_pdf(person_statement_data("E1002", AS_OF, ASKED_BY, GENERATED_AT))


def _supervisor() -> bytes:
    return build_supervisor_pdf(
        supervisor_log_data("S0001", AS_OF, date(2026, 1, 1), AS_OF, ASKED_BY, GENERATED_AT)
    )


REPORTS: dict[str, Callable[[], bytes]] = {
    "employer": _employer, "pcn": _pcn, "person": _person, "supervisor": _supervisor,
}


@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_every_report_says_its_language_title_author_subject_and_embeds_its_fonts(
    kind: str, sqlite_database: str, tmp_path: Path
) -> None:
    build_team()
    pdf = REPORTS[kind]()
    with pikepdf.open(BytesIO(pdf)) as doc:
        assert str(doc.Root.Lang) == "en-GB"
        assert str(doc.Root.PageMode) == "/UseOutlines"  # opens with the bookmarks showing
        assert "/StructTreeRoot" not in doc.Root  # reportlab writes no tags; we claim none (README)
    info = pypdf.PdfReader(BytesIO(pdf)).metadata
    assert info is not None and info.title and info.subject
    assert info.author == f"Compliance tracker, for {ASKED_BY}"
    assert "command line" not in (info.author or "")
    assert "22/11/2026" in info.subject
    fonts = _fonts(pdf, tmp_path)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert not any("Helvetica" in name for name, _ in fonts), fonts
    assert all("DejaVuSans" in name for name, _ in fonts), fonts
    outline = _outline(pdf)
    assert outline and outline[0][0] == 0


def test_the_employer_reports_outline_lists_each_section_and_each_person_in_exceptions(
    sqlite_database: str,
) -> None:
    build_team()
    outline = _outline(_employer())
    top = [title for depth, title in outline if depth == 0]
    for heading in ("Headline figures", "Training matrix", "Supervision month by month",
                    "Exceptions: who is red, and why"):
        assert any(t.startswith(heading) for t in top), top
    exceptions = outline.index((0, "Exceptions: who is red, and why"))
    under = [title for depth, title in outline[exceptions + 1:] if depth == 1]
    assert under and under[0].startswith("Bob Jones (")  # the red person, by name and staff id


def test_each_outline_entry_takes_the_reader_to_its_own_page(sqlite_database: str) -> None:
    build_team()
    pdf = _employer()
    reader = pypdf.PdfReader(BytesIO(pdf))
    pages_text = [page.extract_text() for page in reader.pages]

    def flat(items: list) -> list:
        return [x for i in items for x in (flat(i) if isinstance(i, list) else [i])]

    entries = flat(reader.outline)
    pages = [reader.get_destination_page_number(entry) for entry in entries]
    assert pages == sorted(pages) and pages[-1] > 0  # in reading order, not all on the cover
    for entry, page in zip(entries[1:], pages[1:], strict=True):
        words = entry.title.split(" (")[0]
        assert page > 0 and words in pages_text[page], (entry.title, page)  # the cover's contents name them too


def test_a_report_from_the_command_line_names_who_ran_it_not_the_words_command_line(
    sqlite_database: str, tmp_path: Path
) -> None:
    from reports.command import _command_line_user

    assert _command_line_user().endswith("(command line)") and _command_line_user() != "command line"
