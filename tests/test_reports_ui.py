"""The reports page and its downloads: rights checked on the server, progress shown, the PDF handed over."""

from __future__ import annotations

import io

import pytest
from nicegui.testing import User as Visitor
from pypdf import PdfReader

from reports import handover
from tests import factories as f
from tests.ui_fixtures import build_team, sign_in, sign_out, ui_database  # noqa: F401
from tracker import clock

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
