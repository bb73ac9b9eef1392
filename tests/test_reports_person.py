"""One-person statements and supervisors' logs, read back from the PDF."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reports.person import build_person_pdf
from reports.style import look
from reports.supervisor import build_supervisor_pdf
from tests.factories_reports import AS_OF, PRIVATE_NOTE, build_team, line_with, pdf_pages, qpdf_check
from tracker.dates import uk
from tracker.errors import NotFound, ValidationError
from tracker.models import SessionAttendee, SupervisionSession
from tracker.views.population import person_compliance
from tracker.views.report_data import person_statement_data, supervisor_log_data


def test_statement_lists_everything_the_persons_status_rests_on(database: str, tmp_path: Path):
    team = build_team()
    pdf = build_person_pdf(person_statement_data("E1002", AS_OF, "Jo Lead"))
    pages = pdf_pages(pdf, tmp_path)
    text = "\n".join(pages)
    engine = person_compliance(team.asha.id, AS_OF)

    assert engine is not None and engine.rag == "amber"
    assert "Compliance statement\n\n Asha Patel\n" in text and "Overall status: Amber" in text
    assert all(reason in text for reason in engine.reasons)
    assert "Fire Safety expires on 15/12/2026" in text
    for course in engine.training:
        assert line_with(pages, f" {course.course} ", look(course.status).label, uk(course.completed_on),
                         uk(course.expires_on))
    for month in engine.months:
        row = line_with(pages, month.month.strftime("%B %Y"))
        assert look(month.status).label in row and f"{month.minutes}" in row
    assert "Social Prescribing Link Worker" in text and "Riverside PCN" in text and "01/01/2024" in text
    assert line_with(pages, "Grace Okafor", "S0001", "Clinical")  # the named supervisor
    assert line_with(pages, "15/09/2026", "Grace Okafor", "Educational", "Group", "90")
    assert "25/11/2026" not in text  # a session after the date
    assert line_with(pages, "Home visits", "2", "Not yet")
    assert PRIVATE_NOTE not in text
    assert qpdf_check(pdf, tmp_path).returncode == 0


def test_statement_as_at_a_past_date_shows_only_what_was_recorded_by_then(sqlite_database: str, tmp_path: Path):
    build_team()
    generated_at = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Europe/London"))  # the footer prints it
    text = "\n".join(
        pdf_pages(build_person_pdf(person_statement_data("E1003", AS_OF, generated_at=generated_at)), tmp_path)
    )
    assert "01/12/2026" not in text  # Bob's renewal after the date is neither counted nor listed
    assert "Safeguarding Adults and Children Level 2 expired on 01/06/2026" in text

    later = "\n".join(pdf_pages(build_person_pdf(person_statement_data("E1003", date(2026, 12, 5))), tmp_path))
    assert "01/12/2026" in later and "01/12/2029" in later


def test_statement_draws_names_beyond_ascii_and_shows_acknowledged_policies(sqlite_database: str, tmp_path: Path):
    build_team()
    pages = pdf_pages(build_person_pdf(person_statement_data("E1001", AS_OF)), tmp_path)
    text = "\n".join(pages)
    assert "Compliance statement\n\n Żaneta Kowalczyk\n" in text and "Overall status: Green" in text
    assert line_with(pages, "Home visits", "Acknowledged")
    assert line_with(pages, "Home visits", "Northside Community Trust", "01/02/2026")


def test_supervisors_log_totals_the_sessions_given_in_the_period_without_private_notes(database: str,
                                                                                        tmp_path: Path):
    team = build_team()
    data = supervisor_log_data("S0001", AS_OF, generated_by="Jo Lead")
    pdf = build_supervisor_pdf(data)
    pages = pdf_pages(pdf, tmp_path)
    text = "\n".join(pages)
    given = list(SupervisionSession.select().where(
        (SupervisionSession.supervisor == team.grace.id)
        & (SupervisionSession.date >= date(2025, 11, 23)) & (SupervisionSession.date <= AS_OF)))

    assert (data.period_from, data.period_to) == (date(2025, 11, 23), AS_OF)
    assert len(data.sessions) == len(given) == 12 * 4 - 2 + 1
    minutes = sum(s.minutes for s in given)
    assert f"{minutes:,} minutes" in text and f"{minutes / 60:.1f}" in text
    assert line_with(pages, "All sessions", str(len(given)), str(minutes))
    assert line_with(pages, "Kind: Educational", "1", "90")
    for person in (team.zaneta, team.asha, team.bob, team.tom):
        attended = [s for s in given if SessionAttendee.get_or_none(session=s, person=person)]
        assert line_with(pages, person.name, person.staff_id, str(len(attended)), str(sum(s.minutes for s in attended)))
    lines = text.splitlines()
    group = lines.index(line_with(pages, "15/09/2026", "Educational", "Group", "90"))
    assert "Żaneta Kowalczyk (E1001, pending)" in lines[group - 1] and "Asha Patel (E1002, pending)" in lines[group + 1]
    assert "25/11/2026" not in text
    assert PRIVATE_NOTE not in text
    assert "23/11/2025 to 22/11/2026" in text
    assert qpdf_check(pdf, tmp_path).returncode == 0


def test_supervisors_log_for_a_chosen_period(sqlite_database: str, tmp_path: Path):
    build_team()
    data = supervisor_log_data("S0001", AS_OF, date(2026, 9, 1), date(2026, 9, 30))
    assert [s.date for s in data.sessions] == [date(2026, 9, 10)] * 4 + [date(2026, 9, 15)]
    text = "\n".join(pdf_pages(build_supervisor_pdf(data), tmp_path))
    assert "01/09/2026 to 30/09/2026" in text and "10/08/2026" not in text


def test_supervisors_log_never_runs_past_the_as_at_date(sqlite_database: str):
    build_team()
    data = supervisor_log_data("S0001", AS_OF, date(2026, 11, 1), date(2026, 11, 30))
    assert data.period_to == AS_OF
    assert all(s.date <= AS_OF for s in data.sessions)


def test_supervisors_log_refuses_a_period_that_ends_before_it_starts(sqlite_database: str):
    build_team()
    with pytest.raises(ValidationError, match="starts .* after it ends"):
        supervisor_log_data("S0001", AS_OF, date(2026, 10, 1), date(2026, 9, 1))


def test_unknown_staff_id_is_named_in_the_error(sqlite_database: str):
    with pytest.raises(NotFound, match="No person with staff id 'X999'"):
        person_statement_data("X999", AS_OF)
    with pytest.raises(NotFound, match="No person with staff id 'X999'"):
        supervisor_log_data("X999", AS_OF)
