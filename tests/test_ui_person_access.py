"""Operational leads and administrators on the person pages: in scope, out of scope, signed out."""

from __future__ import annotations

from datetime import date

import pytest
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.ui_fixtures import PASSWORD, build_team, login_user, sign_in, sign_out, ui_any_database  # noqa: F401
from tracker.models import Employment, Pcn

pytestmark = pytest.mark.usefixtures("ui_any_database")


async def test_a_lead_sees_the_people_of_their_employer_only(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "lead.north@example.nhs.uk", then=f"/people/{team.asha.id}")
    await user.should_see("Asha Patel")
    await user.should_see("Training")
    await user.open(f"/people/{team.cara.id}")
    await user.should_see("Not allowed")
    await user.should_not_see("Cara Lewis")


async def test_a_pcn_lead_sees_everyone_employed_in_their_pcn(user: Visitor) -> None:
    team = build_team()
    pcn = Pcn.create(name="Riverside PCN")
    Employment.update(pcn=pcn).where(Employment.person == team.cara.id).execute()
    login_user("pcn.lead@example.nhs.uk", "lead", lead_pcn=pcn)
    await sign_in(user, "pcn.lead@example.nhs.uk", then=f"/people/{team.cara.id}")
    await user.should_see("Cara Lewis")
    await user.open(f"/people/{team.asha.id}")
    await user.should_see("Not allowed")


async def test_a_lead_does_not_see_someone_who_has_left_their_employer(user: Visitor) -> None:
    team = build_team()
    leaver = f.person("Dan", "Moved", employer=team.north, start=date(2020, 1, 1), end=date(2021, 1, 1))
    await sign_in(user, "lead.north@example.nhs.uk", then=f"/people/{leaver.id}")
    await user.should_see("Not allowed")
    await user.open(f"/people/{team.asha.id}")
    await user.should_see("Asha Patel")


async def test_an_admin_sees_anyone_but_has_no_compliance_of_their_own(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "admin@example.nhs.uk", then=f"/people/{team.cara.id}")
    await user.should_see("Cara Lewis")
    await user.open("/me")
    await user.should_see("not linked to a person")


async def test_a_missing_person_is_not_found_for_an_admin_and_not_allowed_for_others(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/people/99999")
    await user.should_see("Not found")
    await sign_out(user)
    await sign_in(user, "lead.north@example.nhs.uk", then="/people/99999")
    await user.should_see("Not allowed")


async def test_signed_out_visitors_are_sent_to_sign_in_and_back_again(user: Visitor) -> None:
    team = build_team()
    download = await user.http_client.get("/files/certificates/1", follow_redirects=False)
    assert download.status_code == 303 and download.headers["location"].startswith("/login")
    await user.open(f"/people/{team.asha.id}")
    await user.should_see("Email address")
    await user.should_not_see("Asha Patel")
    user.find("Email address").type("grace@example.nhs.uk")
    user.find("Password").type(PASSWORD)
    user.find(marker="sign-in").click()
    await user.should_see("Log a session with Asha Patel", retries=40)  # back on the page asked for
