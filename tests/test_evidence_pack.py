"""The inspection evidence pack: built for an employer as at a date, read back, every file what its index says."""

from __future__ import annotations

import csv
import hashlib
import io
import time
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from cli import main
from tests import factories as f
from tracker.access import Viewer
from tracker.services import evidence
from tracker.settings import Settings

TODAY = date(2026, 11, 22)
PDF = b"%PDF-1.7\n% a DBS certificate\n%%EOF\n"


def test_the_pack_holds_the_report_a_statement_each_the_approved_certificates_and_an_index(database, tmp_path):
    from reports.evidence_pack import build_pack

    settings = replace(Settings(), data_dir=tmp_path / "data")
    trust = f.org("Northside Community Trust")
    other = f.org("Riverside Surgery", "gp_practice")
    asha = f.person("Asha", "Patel", employer=trust, staff_id="E1001")
    f.person("Bob", "Jones", employer=trust, staff_id="E1002")
    tom = f.person("Tom", "Hughes", employer=other, staff_id="E2001")
    lead = Viewer(2, "lead@example.nhs.uk", None, frozenset({"lead"}), lead_employer_id=trust.id)
    admin = Viewer(3, "admin@example.nhs.uk", None, frozenset({"admin"}))
    dbs = evidence.upload_certificate(admin, settings, asha.id, "DBS-ENH", date(2025, 3, 1), "DBS", PDF,
                                      reference="001234567890", today=TODAY)
    evidence.approve(lead, dbs.id, today=TODAY)
    evidence.upload_certificate(admin, settings, asha.id, "FIRE", date(2026, 11, 1), "", PDF + b"pending",
                                today=TODAY)  # pending: not evidence yet
    theirs = evidence.upload_certificate(admin, settings, tom.id, "DBS-ENH", date(2025, 3, 1), "", PDF + b"x",
                                         today=TODAY)
    evidence.approve(admin, theirs.id, today=TODAY)  # another employer's: not in this pack

    started = time.perf_counter()
    pack = build_pack("employer", "Northside Community Trust", TODAY, evidence.uploads_dir(settings))
    assert time.perf_counter() - started < 10
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        names = set(z.namelist())
        index = list(csv.DictReader(io.StringIO(z.read("index.csv").decode("utf-8"))))
        assert {row["file"] for row in index} | {"index.csv", "index.pdf"} == names
        for row in index:
            content = z.read(row["file"])
            assert (len(content), hashlib.sha256(content).hexdigest()) == (int(row["bytes"]), row["sha256"])
        assert z.read("report.pdf").startswith(b"%PDF") and z.read("index.pdf").startswith(b"%PDF")
        certificate = "certificates/E1001 Asha Patel - DBS-ENH 2025-03-01.pdf"
        assert z.read(certificate) == PDF
        assert {r["file"] for r in index if r["what"] == "compliance statement"} == {
            "statements/E1001 Asha Patel.pdf", "statements/E1002 Bob Jones.pdf"}
        assert [r["file"] for r in index if r["file"].startswith("certificates/")] == [certificate]
        summary = z.read("supervision-summary.csv").decode("utf-8")
        assert "E1001" in summary and "E2001" not in summary and "Tom Hughes" not in summary


def test_the_command_writes_the_zip_and_refuses_a_wrong_shape(database, tmp_path, capsys):
    f.person("Asha", "Patel", staff_id="E1001")
    out = tmp_path / "pack.zip"
    args = ["report", "evidence", "employer", "Northside Community Trust", "--as-of", "22/11/2026", "--out", str(out),
            "--database", database]
    assert main(args) == 0
    assert "Wrote the evidence pack for Northside Community Trust as at 22/11/2026" in capsys.readouterr().out
    assert zipfile.ZipFile(out).testzip() is None
    assert main(args[:-4] + ["--out", str(tmp_path / "pack.pdf"), "--database", database]) == 1
    assert "the evidence pack is a ZIP file" in capsys.readouterr().err
    assert not Path(tmp_path / "pack.pdf").exists()
