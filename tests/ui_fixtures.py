"""Fixtures and helpers for the page tests (NiceGUI's `user` fixture against a real database).

Import `ui_database` into a test module and list it BEFORE `user` (or mark the module with
`pytest.mark.usefixtures("ui_database")`): it points the app that `user` builds at the test's database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.conftest import open_clean_database
from tracker import db
from tracker.models import Organisation, Pcn, Person, SupervisorAssignment, User
from tracker.passwords import hash_password

PASSWORD = "Correct-Horse-42"
_HASH: dict[str, str] = {}


def _point_app_at(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRACKER_SCHEDULER", "off")
    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)


@pytest.fixture
def ui_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A clean SQLite database with the catalogues, which the app under test opens at start-up."""
    url = open_clean_database("sqlite", tmp_path)
    _point_app_at(url, tmp_path, monkeypatch)
    yield url
    db.close()


@pytest.fixture(params=["sqlite", "postgres"])
def ui_any_database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The same, on SQLite and on PostgreSQL (skipped where no PostgreSQL answers)."""
    url = open_clean_database(request.param, tmp_path)
    _point_app_at(url, tmp_path, monkeypatch)
    yield url
    db.close()


def login_user(
    email: str,
    roles: str = "staff",
    person: Person | None = None,
    lead_employer: Organisation | None = None,
    lead_pcn: Pcn | None = None,
    password: str = PASSWORD,
) -> User:
    if password not in _HASH:
        _HASH[password] = hash_password(password)
    return User.create(
        email=email, password_hash=_HASH[password], roles=roles, person=person,
        lead_employer=lead_employer, lead_pcn=lead_pcn,
    )


SIGN_IN_WAIT_RETRIES = 400  # 20 s in the user fixture's 0.05 s steps


async def sign_in(user: Visitor, email: str, password: str = PASSWORD, then: str | None = None) -> None:
    """Sign in through the real sign-in page, then (optionally) open a page."""
    await user.open("/login")
    user.find("Email address").type(email)
    user.find("Password").type(password)
    user.find(marker="sign-in").click()
    # The password check runs in a worker process; on a loaded 2-core machine it has taken more than 2 s.
    await user.should_not_see(marker="sign-in", retries=SIGN_IN_WAIT_RETRIES)
    if then:
        await user.open(then)


async def sign_out(user: Visitor) -> None:
    """Sign out as the menu's button does: POST /logout with the CSRF token of a page of the session."""
    await user.open("/logout")
    response = await user.http_client.post(
        "/logout", data={"csrf": csrf_of(user)}, headers={"origin": "http://test"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/login"), response.text


def csrf_of(user: Visitor) -> str:
    """The CSRF token in the sign-out form of the page the visitor has open."""
    with user:
        tokens = [str(e.props.get("value", "")) for e in user.find(marker="csrf").elements]
    assert tokens and tokens[0], "the page has no sign-out form"
    return tokens[0]


def visitor_from(address: str) -> Visitor:
    """Another browser, at another network address, on the app the `user` fixture started."""
    import httpx
    from nicegui import core

    transport = httpx.ASGITransport(core.app, client=(address, 40000))
    return Visitor(httpx.AsyncClient(transport=transport, base_url="http://test"))


@dataclass
class Team:
    """Two employers; Grace supervises Asha and Ben at North; Cara works at South; a lead for each; an admin."""

    north: Organisation
    south: Organisation
    grace: Person
    asha: Person
    ben: Person
    cara: Person


def build_team(start: date = date(2024, 1, 1)) -> Team:
    north = f.org("Northside Community Trust", "vcse")
    south = f.org("Southgate Practice", "gp_practice")
    grace = f.person("Grace", "Hopper", role="SC", employer=north, start=start, email="grace@example.nhs.uk")
    asha = f.person("Asha", "Patel", employer=north, start=start, email="asha@example.nhs.uk")
    ben = f.person("Ben", "Okafor", employer=north, start=start, email="ben@example.nhs.uk")
    cara = f.person("Cara", "Lewis", employer=south, start=start, email="cara@example.nhs.uk")
    for supervisee in (asha, ben):
        SupervisorAssignment.create(supervisor=grace, supervisee=supervisee, kind="clinical", start_date=start)
    login_user("grace@example.nhs.uk", "staff;supervisor", grace)
    login_user("asha@example.nhs.uk", "staff", asha)
    login_user("ben@example.nhs.uk", "staff", ben)
    login_user("cara@example.nhs.uk", "staff", cara)
    login_user("lead.north@example.nhs.uk", "lead", lead_employer=north)
    login_user("lead.south@example.nhs.uk", "lead", lead_employer=south)
    login_user("admin@example.nhs.uk", "admin")
    return Team(north, south, grace, asha, ben, cara)
