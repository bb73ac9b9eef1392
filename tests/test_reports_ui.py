"""The reports page and its downloads: rights checked on the server, progress shown, the PDF handed over."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import timedelta

import pytest
from nicegui.testing import User as Visitor
from pypdf import PdfReader

from reports import handover
from tests import factories as f
from tests.ui_fixtures import build_team, sign_in, sign_out, ui_database  # noqa: F401
from tracker import clock
from tracker.access import Viewer
from tracker.models import User
from tracker.services import evidence, users
from tracker.settings import Settings
from ui import session_end
from ui.pages.reports import ZIP, pack_still_allowed

pytestmark = pytest.mark.usefixtures("ui_database")


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


async def test_a_lead_downloads_their_employers_report_and_no_other(user: Visitor) -> None:
    build_team()
    await sign_in(user, "lead.north@example.nhs.uk")
    answer = await user.http_client.get("/reports/pdf/employer?name=Northside Community Trust")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    text = text_of(answer.content)
    assert "Employer: Northside Community Trust" in text and "Asha Patel" in text and "Cara Lewis" not in text
    assert f"as at {clock.today():%d/%m/%Y}" in text
    refused = await user.http_client.get("/reports/pdf/employer?name=Southgate Practice")
    assert refused.status_code == 403
    assert (await user.http_client.get("/reports/pdf/person?name=T99999")).status_code == 404
    assert (await user.http_client.get("/reports/pdf/payroll?name=x")).status_code == 404
    assert (await user.http_client.get("/reports/pdf/employer?name=Northside Community Trust&as_of=01/01/2099"))\
        .status_code == 400


async def test_staff_have_their_own_statement_only(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "asha@example.nhs.uk")
    own = await user.http_client.get(f"/reports/pdf/person?name={team.asha.staff_id}")
    assert own.status_code == 200 and "Asha Patel" in text_of(own.content)
    assert (await user.http_client.get(f"/reports/pdf/person?name={team.ben.staff_id}")).status_code == 403
    assert (await user.http_client.get(f"/reports/pdf/supervisor?name={team.grace.staff_id}")).status_code == 403
    assert (await user.http_client.get("/reports/pdf/employer?name=Northside Community Trust")).status_code == 403


async def test_a_supervisor_has_their_own_log_and_their_supervisees_statements(user: Visitor) -> None:
    team = build_team()
    f.session(team.grace, team.asha, clock.today())
    await sign_in(user, "grace@example.nhs.uk")
    log = await user.http_client.get(f"/reports/pdf/supervisor?name={team.grace.staff_id}")
    assert log.status_code == 200 and "Asha Patel (" in text_of(log.content)
    assert (await user.http_client.get(f"/reports/pdf/person?name={team.asha.staff_id}")).status_code == 200
    assert (await user.http_client.get(f"/reports/pdf/person?name={team.cara.staff_id}")).status_code == 403


async def test_an_admin_has_every_report(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "admin@example.nhs.uk")
    for path in ("employer?name=Southgate Practice", f"person?name={team.cara.staff_id}",
                 f"supervisor?name={team.grace.staff_id}"):
        assert (await user.http_client.get(f"/reports/pdf/{path}")).status_code == 200, path


async def test_the_page_makes_a_report_with_progress_and_hands_it_only_to_its_user(user: Visitor) -> None:
    build_team()
    handover.forget_all()
    await sign_in(user, "lead.north@example.nhs.uk", then="/reports")
    await user.should_see("Employer compliance report")
    user.find(marker="make-employer").click()
    await user.should_see("Ready: compliance-employer-northside-community-trust", retries=100)
    [(token, prepared)] = handover.waiting().items()
    answer = await user.http_client.get(f"/reports/ready/{token}")
    assert answer.status_code == 200 and "Northside Community Trust" in text_of(answer.content)
    assert prepared.user_id != 0

    await sign_out(user)
    await sign_in(user, "lead.south@example.nhs.uk")
    assert (await user.http_client.get(f"/reports/ready/{token}")).status_code == 404


async def test_staff_see_only_their_own_reports_on_the_page(user: Visitor) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk", then="/reports/mine")
    await user.should_see("My compliance statement")
    await user.should_not_see("Employer compliance report")
    await user.should_not_see(marker="statement-staff-id")
    user.find(marker="make-own-statement").click()
    await user.should_see("Ready: statement-", retries=100)


CERTIFICATE = b"%PDF-1.7\n% a DBS certificate\n%%EOF\n"


@pytest.fixture
def pages_not_taken_away(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hold off the ending of open pages, to try what an open page can still do by itself."""
    monkeypatch.setattr(session_end, "SWEEP_SECONDS", 3600.0)
    monkeypatch.setattr(session_end, "sweep_soon", lambda: None)
    monkeypatch.setattr(session_end, "end_pages", lambda clients: None)
    yield


def approved_certificate(person_id: int, on_file: bytes) -> None:
    admin = Viewer(User.get(User.email == "admin@example.nhs.uk").id, "admin@example.nhs.uk", None,
                   frozenset({"admin"}))
    today = clock.today()
    record = evidence.upload_certificate(admin, Settings.from_env(), person_id, "DBS-ENH", today - timedelta(days=30),
                                         "DBS", on_file, reference="001234567890", today=today)
    evidence.approve(admin, record.id, today=today)


def index_of(pack: bytes) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        return list(csv.DictReader(io.StringIO(z.read("index.csv").decode("utf-8"))))


async def test_a_lead_makes_the_evidence_pack_of_their_people_only_and_downloads_it(user: Visitor) -> None:
    team = build_team()
    approved_certificate(team.asha.id, CERTIFICATE)
    approved_certificate(team.cara.id, CERTIFICATE + b"South")  # another employer's: never in North's pack
    handover.forget_all()
    await sign_in(user, "lead.north@example.nhs.uk", then="/reports")
    await user.should_see("Inspection evidence pack")
    user.find(marker="make-evidence").click()
    await user.should_see("Ready: evidence-employer-northside-community-trust-", retries=200)
    [(token, prepared)] = handover.waiting().items()
    assert prepared.media_type == ZIP and prepared.still_allowed is not None
    answer = await user.http_client.get(f"/reports/ready/{token}")
    assert answer.status_code == 200 and answer.headers["content-type"] == ZIP
    assert answer.headers["content-disposition"].startswith('attachment; filename="evidence-employer-')
    index = index_of(answer.content)
    assert {r["name"] for r in index if r["what"] == "compliance statement"} == {
        "Grace Hopper", "Asha Patel", "Ben Okafor"}
    assert [r["name"] for r in index if r["file"].startswith("certificates/")] == ["Asha Patel"]
    assert "Cara Lewis" not in {r["name"] for r in index}
    with zipfile.ZipFile(io.BytesIO(answer.content)) as z:
        assert "Northside Community Trust" in text_of(z.read("report.pdf"))

    await sign_out(user)
    await sign_in(user, "lead.south@example.nhs.uk")
    assert (await user.http_client.get(f"/reports/ready/{token}")).status_code == 404


async def test_staff_and_supervisors_see_no_pack_button_and_are_refused_a_direct_request(user: Visitor) -> None:
    build_team()
    for email in ("asha@example.nhs.uk", "grace@example.nhs.uk"):
        await sign_in(user, email, then="/reports/mine")
        await user.should_see("My compliance statement")
        await user.should_not_see("Inspection evidence pack")
        await user.should_not_see(marker="make-evidence")
        refused = await user.http_client.get("/reports/evidence/employer?name=Northside Community Trust")
        assert refused.status_code == 403 and refused.headers["content-type"] != ZIP
        await sign_out(user)
    await sign_in(user, "lead.north@example.nhs.uk")
    assert (await user.http_client.get("/reports/evidence/employer?name=Southgate Practice")).status_code == 403
    assert (await user.http_client.get("/reports/evidence/person?name=x")).status_code == 404
    await sign_out(user)
    await sign_in(user, "admin@example.nhs.uk")
    direct = await user.http_client.get("/reports/evidence/employer?name=Southgate Practice")
    assert direct.status_code == 200 and direct.headers["content-type"] == ZIP
    assert {r["name"] for r in index_of(direct.content) if r["what"] == "compliance statement"} == {"Cara Lewis"}


@pytest.mark.usefixtures("pages_not_taken_away")
async def test_a_lead_who_loses_the_role_while_the_page_is_open_gets_no_pack(user: Visitor) -> None:
    build_team()
    handover.forget_all()
    await sign_in(user, "lead.north@example.nhs.uk", then="/reports")
    await user.should_see(marker="make-evidence")
    lead = User.get(User.email == "lead.north@example.nhs.uk")
    users.set_roles("admin@example.nhs.uk", lead.id, "lead", employer_name="Southgate Practice")
    user.find(marker="make-evidence").click()
    await user.should_see("Your session has ended", retries=40)
    assert handover.waiting() == {}


async def test_the_download_checks_the_packs_scope_again(user: Visitor) -> None:
    build_team()
    await sign_in(user, "lead.north@example.nhs.uk")
    lead = User.get(User.email == "lead.north@example.nhs.uk")
    mine = handover.remember(lead.id, "evidence.zip", b"PK", ZIP,
                             pack_still_allowed("employer", "Northside Community Trust", clock.today()))
    theirs = handover.remember(lead.id, "evidence.zip", b"PK", ZIP,
                               pack_still_allowed("employer", "Southgate Practice", clock.today()))
    assert (await user.http_client.get(f"/reports/ready/{mine}")).status_code == 200
    assert (await user.http_client.get(f"/reports/ready/{theirs}")).status_code == 403
