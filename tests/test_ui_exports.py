"""Export downloads within the user's rights, and the calendar, API and my-data page."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from icalendar import Calendar
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401
from tracker import clock
from tracker.models import ApiToken
from tracker.services import tokens

pytestmark = pytest.mark.usefixtures("ui_database")


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


async def test_a_leads_matrix_export_holds_their_team_only(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "lead.north@example.nhs.uk")
    answer = await user.http_client.get("/exports/matrix.csv")
    assert answer.status_code == 200
    names = {r[1] for r in rows(answer.content)[1:]}
    assert names == {"Grace Hopper", "Asha Patel", "Ben Okafor"}
    assert (await user.http_client.get(f"/exports/people.csv?employer={team.south.id}")).status_code == 403
    searched = await user.http_client.get("/exports/people.xlsx?q=okafor")
    assert searched.status_code == 200 and searched.content[:2] == b"PK"


async def test_staff_cannot_export_the_team_and_only_admins_export_the_audit(user: Visitor) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk")
    assert (await user.http_client.get("/exports/matrix.csv")).status_code == 403
    assert (await user.http_client.get("/exports/audit.csv")).status_code == 403
    assert (await user.http_client.get("/exports/everything.zip")).status_code == 403
    assert (await user.http_client.get("/exports/payroll.csv")).status_code == 404


async def test_an_admin_exports_the_audit_and_everything(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk")
    audit = await user.http_client.get("/exports/audit.csv")
    assert rows(audit.content)[0][:3] == ["at", "actor", "action"]
    everything = await user.http_client.get("/exports/everything.zip?format=xlsx")
    names = zipfile.ZipFile(io.BytesIO(everything.content)).namelist()
    assert "01-people-1.xlsx" in names and "README.txt" in names
    assert (await user.http_client.get("/exports/matrix.csv?as_of=31/02/2026")).status_code == 400


async def test_my_data_and_my_calendar_download_for_the_signed_in_person(user: Visitor) -> None:
    team = build_team()
    f.session(team.grace, team.asha, clock.today())
    await sign_in(user, "asha@example.nhs.uk")
    data = await user.http_client.get("/exports/my-data.zip")
    record = json.loads(zipfile.ZipFile(io.BytesIO(data.content)).read("data.json"))
    assert record["person"]["first_name"] == "Asha"
    ics = await user.http_client.get("/exports/my-calendar.ics")
    summaries = {str(e["summary"]) for e in Calendar.from_ical(ics.content).walk("VEVENT")}
    assert "Supervision with Grace Hopper" in summaries


async def test_a_user_makes_and_revokes_a_calendar_feed(user: Visitor) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk", then="/me/connections")
    user.find(marker="new-feed").click()
    await user.should_see("Your calendar feed address", retries=40)
    [token] = ApiToken.select()
    assert token.purpose == "calendar"
    user.find(marker=f"revoke-{token.id}").click()
    await user.should_see("Revoked.", retries=40)
    assert ApiToken.get_by_id(token.id).revoked_at is not None


async def test_an_admin_revokes_someone_elses_api_token(user: Visitor) -> None:
    team = build_team()
    from tracker.models import User

    asha = User.get(User.person == team.asha.id)
    issued = tokens.create(asha.id, "api", "Power BI")
    await sign_in(user, "admin@example.nhs.uk", then="/me/connections")
    await user.should_see("asha@example.nhs.uk")
    user.find(marker=f"revoke-{issued.token_id}").click()
    await user.should_see("Revoked.", retries=40)
    assert tokens.verify(issued.secret, "api") is None


async def test_the_api_and_the_calendar_feed_answer_in_the_running_app_without_a_sign_in(user: Visitor) -> None:
    team = build_team()
    from tracker.models import User

    lead = User.get(User.email == "lead.north@example.nhs.uk")
    api = tokens.create(lead.id, "api")
    feed = tokens.create(User.get(User.person == team.asha.id).id, "calendar")
    await user.open("/login")  # the app is up; nobody is signed in
    answer = await user.http_client.get("/api/v1/people", headers={"Authorization": f"Bearer {api.secret}"})
    assert answer.status_code == 200
    assert sorted(p["first_name"] for p in answer.json()["people"]) == ["Asha", "Ben", "Grace"]
    assert (await user.http_client.get("/api/v1/people")).status_code == 401
    docs = await user.http_client.get("/api/v1/docs")  # public: it holds no data
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "/api/v1/people" in docs.text and "<script" not in docs.text
    assert (await user.http_client.get(f"/calendar/{feed.secret}.ics")).status_code == 200
    assert (await user.http_client.get("/calendar/nonsense.ics")).status_code == 404
