"""The report command (called by `python main.py report ...`) and the monthly reports for leads."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest

from reports.build import ReportRequest, filename
from reports.command import run_report
from reports.monthly import build_lead_reports
from tests.factories_reports import AS_OF, build_team, pdf_pages, qpdf_check
from tracker.models import User


def args(kind: str, name: str, out: Path, **extra: object) -> argparse.Namespace:
    values: dict[str, object] = {"as_of": AS_OF, "from_date": None, "to_date": None}
    values.update(extra)
    return argparse.Namespace(kind=kind, name=name, out=out, **values)


@pytest.mark.parametrize(
    ("kind", "name", "expect"),
    [
        ("employer", "Northside Community Trust", "Employer: Northside Community Trust"),
        ("pcn", "Riverside PCN", "Primary Care Network: Riverside PCN"),
        ("person", "E1001", "Żaneta Kowalczyk"),
        ("supervisor", "S0001", "Grace Okafor"),
    ],
)
def test_report_command_writes_a_valid_pdf_of_each_kind(sqlite_database: str, tmp_path: Path, capsys, kind, name,
                                                        expect):
    build_team()
    out = tmp_path / f"{kind}.pdf"
    assert run_report(args(kind, name, out)) == 0
    pdf = out.read_bytes()
    text = "\n".join(pdf_pages(pdf, tmp_path))
    assert expect in text and "as at 22/11/2026" in text and "(command line)" in text and "by command line" not in text
    assert qpdf_check(pdf, tmp_path).returncode == 0
    assert f"as at 22/11/2026 to {out}" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_report_command_names_an_unknown_employer_on_stderr_and_writes_nothing(sqlite_database: str,
                                                                               tmp_path: Path, capsys):
    out = tmp_path / "report.pdf"
    assert run_report(args("employer", "Nowhere Trust", out)) == 1
    assert "No employer called 'Nowhere Trust'" in capsys.readouterr().err
    assert not out.exists()


def test_report_command_refuses_a_folder_that_does_not_exist(sqlite_database: str, tmp_path: Path, capsys):
    build_team()
    assert run_report(args("person", "E1001", tmp_path / "missing" / "x.pdf")) == 1
    assert "does not exist" in capsys.readouterr().err


def test_report_command_takes_the_supervisors_period(sqlite_database: str, tmp_path: Path):
    build_team()
    out = tmp_path / "log.pdf"
    assert run_report(args("supervisor", "S0001", out, from_date=date(2026, 9, 1), to_date=date(2026, 9, 30))) == 0
    assert "01/09/2026 to 30/09/2026" in "\n".join(pdf_pages(out.read_bytes(), tmp_path))


def test_report_command_refuses_a_backwards_period(sqlite_database: str, tmp_path: Path, capsys):
    build_team()
    out = tmp_path / "log.pdf"
    assert run_report(args("supervisor", "S0001", out, from_date=date(2026, 9, 30), to_date=date(2026, 9, 1))) == 1
    assert "after it ends" in capsys.readouterr().err and not out.exists()


def test_each_lead_gets_the_report_of_the_employer_or_pcn_they_lead(sqlite_database: str, tmp_path: Path):
    team = build_team()
    User.create(email="emp.lead@example.org", password_hash="x", roles="staff;lead", lead_employer=team.northside)
    User.create(email="pcn.lead@example.org", password_hash="x", roles="lead", lead_pcn=team.pcn)
    User.create(email="gone.lead@example.org", password_hash="x", roles="lead", lead_pcn=team.pcn, active=False)
    User.create(email="staff@example.org", password_hash="x", roles="staff", lead_employer=team.northside)

    built = build_lead_reports(AS_OF)

    assert [(email, name) for email, name, _ in built] == [
        ("emp.lead@example.org", "compliance-employer-northside-community-trust-2026-11-22.pdf"),
        ("pcn.lead@example.org", "compliance-pcn-riverside-pcn-2026-11-22.pdf"),
    ]
    employer_text = "\n".join(pdf_pages(built[0][2], tmp_path))
    pcn_text = "\n".join(pdf_pages(built[1][2], tmp_path))
    assert "Employer: Northside Community Trust" in employer_text and "by monthly report job" in employer_text
    assert "Primary Care Network: Riverside PCN" in pcn_text and "Employers compared" in pcn_text


def test_file_names_are_safe_and_dated():
    request = ReportRequest("person", "E/10 01", date(2026, 1, 31))
    assert filename(request) == "statement-e-10-01-2026-01-31.pdf"
    with pytest.raises(ValueError, match="unknown report kind"):
        ReportRequest("payroll", "x", date(2026, 1, 31))
