"""Employer and PCN reports, read back from the PDF and checked against the rules engine."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from reportlab.pdfgen.canvas import Canvas

from reports.employer import build_scope_pdf
from reports.grid import Ink
from reports.sections import course_groups
from reports.style import BLACK, fonts, load_fonts, look
from tests import factories as f
from tests.factories_reports import (
    AS_OF,
    NORTHSIDE_HOME_VISITS,
    PRIVATE_NOTE,
    RIVERSIDE_HOME_VISITS,
    build_team,
    grid_row,
    line_with,
    pdf_pages,
    pypdf_pages,
    qpdf_check,
)
from tracker import compliance as c
from tracker.access import Scope
from tracker.dates import uk
from tracker.errors import NotFound
from tracker.models import EmployerPolicy
from tracker.views.population import snapshot
from tracker.views.report_data import scope_report_data, trend_days

GENERATED_AT = datetime(2026, 11, 22, 9, 30, tzinfo=ZoneInfo("Europe/London"))


def in_order(line: str, items: list[str]) -> bool:
    return re.search(".*".join(re.escape(i) for i in items), line) is not None


def section(pages: list[str], title: str) -> list[str]:
    """The pages of a section (the cover's contents list names them all, so it is left out)."""
    return [p for p in pages[1:] if title in p]


def test_employer_report_shows_each_persons_statuses_and_the_figures_of_the_engine(database: str, tmp_path: Path):
    team = build_team()
    data = scope_report_data("employer", "Northside Community Trust", AS_OF, "Jo Lead", GENERATED_AT)
    pdf = build_scope_pdf(data)
    pages = pdf_pages(pdf, tmp_path)
    engine = snapshot(AS_OF, Scope(employer_id=team.northside.id))
    summary = c.summarise(engine, AS_OF)

    assert {p.name for p in engine} == {"Żaneta Kowalczyk", "Asha Patel", "Bob Jones"}
    assert {p.name: p.rag for p in engine} == {"Żaneta Kowalczyk": "green", "Asha Patel": "amber", "Bob Jones": "red"}
    cover = pages[0]
    assert "Employer: Northside Community Trust" in cover
    assert "22/11/2026" in cover and "09:30 (GMT) by Jo Lead" in cover

    headline = section(pages, "Headline figures")[0]
    assert f"{summary.fully_compliant_pct:.1f}%" in headline
    assert f"{summary.supervision_met_last_month_pct:.1f}%" in headline
    for code, pct in summary.course_pct.items():
        assert code in headline and f"{pct:.1f}%" in headline

    groups = course_groups(data.courses)  # courses and checks together are more than one page's width
    assert len(groups) > 1 and sum(map(len, groups)) == len(data.courses)
    supervision = section(pages, "Supervision month by month")
    for person in engine:
        required = {t.course: t for t in person.training}
        for number, group in enumerate(groups, start=1):
            matrix = section(pages, f"Training matrix (part {number} of {len(groups)})")
            first, middle, last = grid_row(matrix, person.name)
            assert in_order(first, [person.name] + [look(required[code].status).label
                                                    for code, _ in group if code in required])
            assert look(person.rag).label in middle
            assert middle.count("–") == len(group) - sum(code in required for code, _ in group)
            assert in_order(last, [person.staff_id] + [uk(t.expires_on) if t.expires_on else "No expiry"
                                                       for code, _ in group if (t := required.get(code))])
        first, _, last = grid_row(supervision, person.name)
        assert in_order(first, [person.name] + [look(m.status).label for m in person.months])
        assert in_order(last, [person.staff_id] + [f"{m.minutes}/{m.required} min" for m in person.months])

    exceptions = "\n".join(section(pages, "who is red, and why"))
    bob = next(p for p in engine if p.name == "Bob Jones")
    assert bob.reasons and all(reason in exceptions for reason in bob.reasons)
    assert "Safeguarding Adults and Children Level 2 expired on 01/06/2026" in exceptions
    assert "Asha Patel" not in exceptions  # amber is not an exception

    everything = "\n".join(pages)
    assert "Riverside Surgery" not in everything and "Tom Hughes" not in everything
    assert PRIVATE_NOTE not in everything
    total = len(pages)
    assert [f"Page {n} of {total}" in page for n, page in enumerate(pypdf_pages(pdf), start=1)] == [True] * total
    assert all("Employer compliance report · Employer: Northside Community Trust · as at 22/11/2026" in p
               for p in pages)
    assert qpdf_check(pdf, tmp_path).returncode == 0


def test_report_as_at_a_past_date_ignores_training_sessions_and_staff_that_came_after(database: str, tmp_path: Path):
    team = build_team()
    f.person("Nina", "Late", role="SPLW", employer=team.northside, start=date(2026, 12, 1), staff_id="E2001")
    then = build_scope_pdf(scope_report_data("employer", "Northside Community Trust", AS_OF))
    pages = pdf_pages(then, tmp_path)
    matrix = section(pages, "Training matrix")
    text = "\n".join(pages)

    assert "Nina Late" not in text
    assert "01/12/2029" not in text  # Bob's renewal on 01/12/2026 is after the date
    sg2 = [code for code, _ in scope_report_data("employer", "Northside Community Trust", AS_OF).courses].index("SG-L2")
    first, middle, last = grid_row(matrix, "Bob Jones")
    assert in_order(first, ["Compliant"] * sg2 + ["Expired"]) and "Red" in middle
    assert in_order(last, ["E1003"] + ["01/03/2029"] * sg2 + ["01/06/2026"])
    asha = next(p for p in snapshot(AS_OF, Scope(employer_id=team.northside.id)) if p.name == "Asha Patel")
    assert asha.month(date(2026, 11, 1)).minutes == 0  # the session on 25/11/2026 is after the date
    supervision = section(pages, "Supervision month by month")
    first, _, last = grid_row(supervision, "Asha Patel")
    assert first.rstrip().endswith("In progress") and last.rstrip().endswith("0/60 min")

    later = pdf_pages(build_scope_pdf(scope_report_data("employer", "Northside Community Trust", date(2026, 12, 5))),
                      tmp_path)
    assert "01/12/2029" in "\n".join(later)
    assert "Nina Late" in "\n".join(later)


def test_pcn_report_puts_employers_side_by_side_and_shows_where_policies_differ(sqlite_database: str,
                                                                                tmp_path: Path):
    team = build_team()
    data = scope_report_data("pcn", "Riverside PCN", AS_OF)
    pages = pdf_pages(build_scope_pdf(data), tmp_path)
    compared = "\n".join(section(pages, "Employers compared"))
    differ = "\n".join(section(pages, "Where employers' policies differ"))

    assert [e.name for e in data.employers] == ["Northside Community Trust", "Riverside Surgery"]
    assert "Valley Mental Health Trust" not in compared  # the supervisor's employer is outside the PCN
    northside = snapshot(AS_OF, Scope(employer_id=team.northside.id))
    riverside = [p for p in snapshot(AS_OF, Scope(pcn_id=team.pcn.id)) if p.employment.employer_id == team.riverside.id]
    green = line_with([compared], "Fully compliant (green)")
    assert in_order(green, [f"{c.summarise(northside, AS_OF).fully_compliant_pct:.1f}%",
                            f"{c.summarise(riverside, AS_OF).fully_compliant_pct:.1f}%"])
    assert in_order(line_with([compared], "People employed on the date"), [str(len(northside)), str(len(riverside))])
    assert "VCSE" in compared and "GP practice" in compared

    flat = " ".join(differ.split())
    assert "do not say the same thing: Home visits." in flat
    lines = differ.splitlines()
    home = lines.index(line_with([differ], "Home visits", RIVERSIDE_HOME_VISITS))
    assert "Differs" in lines[home + 2] and "Same" in lines[lines.index(line_with([differ], "Lone working")) + 1]
    assert NORTHSIDE_HOME_VISITS in differ
    assert "version 2, review by 01/04/2027" in differ
    assert "A home visit is allowed when an NHS colleague goes too." in flat
    assert "Tom Hughes" in "\n".join(section(pages, "Training matrix"))


def test_the_pcn_report_flags_a_policy_past_its_review_date_as_at_the_reports_date(sqlite_database: str,
                                                                                  tmp_path: Path):
    build_team()
    EmployerPolicy.update(review_date=date(2026, 11, 21)).where(EmployerPolicy.version == "2").execute()
    overdue = "\n".join(section(pdf_pages(build_scope_pdf(scope_report_data("pcn", "Riverside PCN", AS_OF)), tmp_path),
                                "Where employers' policies differ"))
    assert "review overdue since 21/11/2026" in overdue and "review by 21/11/2026" not in overdue
    on_the_day = scope_report_data("pcn", "Riverside PCN", date(2026, 11, 21))
    text = "\n".join(section(pdf_pages(build_scope_pdf(on_the_day), tmp_path), "Where employers' policies differ"))
    assert "review by 21/11/2026" in text and "overdue" not in text


def test_trend_is_a_snapshot_at_each_month_end_and_at_the_as_at_date(sqlite_database: str):
    team = build_team()
    data = scope_report_data("employer", "Northside Community Trust", AS_OF)
    days = [p.day for p in data.trend]

    assert days == trend_days(AS_OF)
    assert days[0] == date(2025, 12, 31) and days[-2] == date(2026, 10, 31) and days[-1] == AS_OF
    for point in data.trend:
        engine = snapshot(point.day, Scope(employer_id=team.northside.id))
        assert (point.people, point.pct_green) == (len(engine), c.summarise(engine, point.day).fully_compliant_pct)


def test_matrix_repeats_its_header_on_every_page_and_never_splits_a_person(sqlite_database: str, tmp_path: Path):
    employer = f.org("Big Practice", "gp_practice")
    for n in range(70):
        person = f.person(f"Person{n:02d}", f"Surname{n:02d}", role="CC", employer=employer, staff_id=f"B{n:03d}")
        f.trained(person, "SG-L1", date(2026, 1, 5))
    pages = pdf_pages(build_scope_pdf(scope_report_data("employer", "Big Practice", AS_OF)), tmp_path)
    matrix = section(pages, "Training matrix")

    assert len(matrix) >= 3
    seen: list[str] = []
    for page in matrix:
        assert "Overall" in page and "SG-L1" in page and "Staff id" in page
        ids = re.findall(r"\bB\d{3}\b", page)
        names = re.findall(r"Person(\d{2})", page)
        assert sorted(ids) == sorted(f"B0{n}" for n in names)  # each row's two lines on the same page
        seen += ids
    assert sorted(seen) == [f"B{n:03d}" for n in range(70)]


def test_an_unknown_employer_or_pcn_is_named_in_the_error(sqlite_database: str):
    with pytest.raises(NotFound, match="No employer called 'Nowhere Trust'"):
        scope_report_data("employer", "Nowhere Trust", AS_OF)
    with pytest.raises(NotFound, match="No PCN called 'Nowhere PCN'"):
        scope_report_data("pcn", "Nowhere PCN", AS_OF)


def test_employer_names_match_whatever_their_case(sqlite_database: str):
    f.org("Northside Community Trust")
    assert scope_report_data("employer", "northside community trust", AS_OF).scope_name == "Northside Community Trust"


def test_fonts_fall_back_to_helvetica_with_a_warning_when_dejavu_is_missing(tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING, logger="reports.style"):
        chosen = load_fonts(tmp_path)
    assert chosen.regular == "Helvetica" and chosen.bold == "Helvetica-Bold"
    assert "fonts-dejavu-core" in caplog.text



def test_grid_text_is_written_in_truetype_and_in_the_standard_fonts_alike(tmp_path: Path):
    buffer = BytesIO()
    canvas = Canvas(buffer)
    ink = Ink(canvas)
    ink.text(fonts().regular, 9, BLACK, [(72, 700, "Żaneta (DejaVu)"), (72, 680, "Expired 01/06/2026")])
    ink.text("Helvetica", 9, BLACK, [(72, 660, "Plain Helvetica")])
    ink.done()
    canvas.save()
    text = pdf_pages(buffer.getvalue(), tmp_path)[0]
    assert "Żaneta (DejaVu)" in text and "Expired 01/06/2026" in text and "Plain Helvetica" in text
    assert qpdf_check(buffer.getvalue(), tmp_path).returncode == 0


def test_the_report_read_as_a_page_keeps_its_scopes_snapshot_and_equals_the_report_afresh(database: str):
    """The report's web page (keep) makes the scope's snapshot and keeps it, as the dashboard does: the next
    reading is served from it, the same report as one worked out from the records, and still current after a
    write."""
    from tracker.views.team_cache import TeamCache

    team = build_team()
    cache = TeamCache()
    scope = Scope(employer_id=team.northside.id)
    fresh = scope_report_data("employer", "Northside Community Trust", AS_OF, "Jo Lead", GENERATED_AT)
    read = scope_report_data("employer", "Northside Community Trust", AS_OF, "Jo Lead", GENERATED_AT, cache=cache,
                             keep=True)
    assert read == fresh and len(fresh.people) >= 3
    assert cache.kept_snapshot(scope, AS_OF) is not None  # kept for the next reading
    built = cache.snapshot_counts
    again = scope_report_data("employer", "Northside Community Trust", AS_OF, "Jo Lead", GENERATED_AT, cache=cache,
                              keep=True)
    assert again == fresh and cache.snapshot_counts == built  # served from the one kept
    f.trained(team.bob, "SG-L2", date(2026, 11, 1))
    after = scope_report_data("employer", "Northside Community Trust", AS_OF, "Jo Lead", GENERATED_AT, cache=cache,
                              keep=True)
    assert after == scope_report_data("employer", "Northside Community Trust", AS_OF, "Jo Lead", GENERATED_AT)
    assert after != fresh  # the write shows


def test_the_apps_report_from_the_team_cache_equals_the_report_worked_out_afresh(database: str):
    """reports.rights.gather_for reads the employer and PCN reports through the team cache: the same people,
    figures and trend as the report worked out from the records, still current after a write; the cache's
    snapshot of the scope is used when it keeps one, and a report makes none."""
    from tracker.views.team_cache import TeamCache

    team = build_team()
    cache = TeamCache()
    for kind, name, scope in (("employer", "Northside Community Trust", Scope(employer_id=team.northside.id)),
                              ("pcn", "Riverside PCN", Scope(pcn_id=team.pcn.id))):
        fresh = scope_report_data(kind, name, AS_OF, "Jo Lead", GENERATED_AT)
        assert scope_report_data(kind, name, AS_OF, "Jo Lead", GENERATED_AT, cache=cache) == fresh
        assert cache.kept_snapshot(scope, AS_OF) is None  # the report made no snapshot
        cache.snapshot(scope, AS_OF)  # the lead's team page makes one
        built = cache.snapshot_counts
        cached = scope_report_data(kind, name, AS_OF, "Jo Lead", GENERATED_AT, cache=cache)
        assert cached == fresh and len(fresh.people) >= 3 and len(fresh.trend) == len(trend_days(AS_OF))
        assert cache.snapshot_counts == built  # read from the one kept
    before = {p.name: p.rag for p in scope_report_data("pcn", "Riverside PCN", AS_OF, cache=cache).people}
    f.trained(team.bob, "SG-L2", date(2026, 11, 1))  # Bob's expired course done again before the as-at date
    fresh = scope_report_data("pcn", "Riverside PCN", AS_OF, "Jo Lead", GENERATED_AT)
    built, refreshed = cache.snapshot_counts
    cached = scope_report_data("pcn", "Riverside PCN", AS_OF, "Jo Lead", GENERATED_AT, cache=cache)
    assert cache.snapshot_counts[0] + cache.snapshot_counts[1] == built + refreshed + 1  # the kept one, updated
    assert cached.people == fresh.people and cached.summary == fresh.summary
    assert cached.trend[-1] == fresh.trend[-1]
    bob = next(p for p in cached.people if p.name == "Bob Jones")
    assert {t.course: t.status for t in bob.training}["SG-L2"] == c.COMPLIANT and before["Bob Jones"] == "red"
