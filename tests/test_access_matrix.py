"""The access-control matrix: every role (staff, supervisor, lead of one employer, lead of the PCN, admin,
signed out) against every page, download and API route the running app serves, and every write a page makes,
with the answer asserted on the server side (HTTP status, redirect, or the refusal the page sends).

The routes come from the app itself after main.py registered everything (tests/app_routes.py): a route with
no row in EXPECTED fails `test_every_route_of_the_app_is_in_the_matrix`, so no new page escapes it.

Private supervision notes (PRIVATE_MARKER, in a session of Grace with Asha) must reach only those two: every
response of the sweep is searched for it (inside ZIP and XLSX files too), and so are the API, the PDFs, the
calendar feeds and the audit trail (tests/test_access_leaks.py).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from nicegui.testing import User as Visitor
from pypdf import PdfReader

from tests import factories as f
from tests.app_routes import product_routes
from tests.factories_proof import PRIVATE_MARKER, ROLE_EMAILS, World, build_world
from tests.ui_fixtures import csrf_of, sign_in, ui_database  # noqa: F401
from tracker.models import Course, TrainingRecord
from tracker.services import inbox, tokens, training_events
from tracker.views import tokens as token_views

ROLES = ("signed_out", "staff", "supervisor", "lead_employer", "lead_pcn", "admin")
SIGNED_IN = frozenset(ROLES[1:])
PARTIES = frozenset({"staff", "supervisor"})  # Asha and Grace: the two parties to the noted session
LEADS = frozenset({"lead_employer", "lead_pcn"})
LEADS_AND_ADMIN = LEADS | {"admin"}
ADMIN = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()
OK, DENY, LOGIN, NOT_FOUND, NO_TOKEN = "ok", "deny", "login", "404", "401"
REFUSAL = "You may not open this page"
ASHAS_MESSAGE = "INBOX-FOR-ASHA-ONLY-51c2"  # in Asha's inbox: shown to no one else (the admins' audit trail aside)
PDF = b"%PDF-1.4\n%%EOF\n"


def to(path: str) -> str:
    return f"-> {path}"


def rule(allowed: frozenset[str], signed_out: str = LOGIN, denied: str = DENY) -> dict[str, str]:
    return {r: signed_out if r == "signed_out" else OK if r in allowed else denied for r in ROLES}


def same(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


@dataclass(frozen=True)
class Check:
    url: str
    expected: dict[str, str]
    page: bool = True  # a NiceGUI page refuses with a page that says so; a plain route with 403


@dataclass
class Fixtures:
    world: World
    asha_certificate: int
    cara_certificate: int
    asha_event: int = 0  # a team training event Asha attended (in the PCN)
    dan_event: int = 0  # one only Dan attended (outside the PCN): an admin's alone


def _certificate(w: World, person_id: int) -> int:
    folder = w.settings.data_dir / "uploads" / str(person_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cert.pdf").write_bytes(PDF)
    return TrainingRecord.create(person=person_id, course=Course.get(Course.code == "FIRE"), completed_on="2025-05-01",
                                 evidence_state="pending", certificate_path=f"{person_id}/cert.pdf").id


def expected_routes(x: Fixtures) -> dict[str, list[Check]]:
    """Route template -> the URLs tried and what each role gets."""
    w = x.world
    pages = {
        "/me": PARTIES, "/my-sessions": PARTIES, "/me/connections": SIGNED_IN,
        "/supervisees": {"supervisor"}, "/supervision/log": {"supervisor"}, "/supervision/sessions": {"supervisor"},
        "/team": LEADS_AND_ADMIN, "/team/matrix": LEADS_AND_ADMIN, "/team/supervision": LEADS_AND_ADMIN,
        "/evidence": LEADS_AND_ADMIN, "/policies": LEADS_AND_ADMIN, "/admin/audit": LEADS_AND_ADMIN,
        "/admin/people": ADMIN, "/admin/people/new": ADMIN, "/admin/employers": ADMIN, "/admin/roles": ADMIN,
        "/admin/courses": ADMIN, "/admin/rules": ADMIN, "/admin/users": ADMIN, "/admin/imports": ADMIN, "/admin/course-aliases": ADMIN,
        "/admin/jobs": ADMIN, "/admin/backup": ADMIN,
        "/roles": SIGNED_IN, "/team/directory": SIGNED_IN, "/training-events": SIGNED_IN,
        "/training-events/new": LEADS_AND_ADMIN,
    }
    table: dict[str, list[Check]] = {path: [Check(path, rule(frozenset(who)))] for path, who in pages.items()}
    home = {"signed_out": LOGIN, "staff": to("/me"), "supervisor": to("/supervisees"), "lead_employer": to("/team"),
            "lead_pcn": to("/team"), "admin": to("/team")}
    table.update({
        "/": [Check("/", home)],
        "/login": [Check("/login", {**same(to("/")), "signed_out": OK})],
        "/setup": [Check("/setup", same(to("/login")))],
        # A GET offers the sign-out button and signs no one out (every check after it still finds them signed in);
        # the POST that does is tried last, in test_signing_out_ends_the_session.
        "/logout": [Check("/logout", {**same(OK), "signed_out": to("/login")})],
        "/login/finish": [Check("/login/finish?ticket=guessed", same(to("/login")))],
        "/account/password": [Check("/account/password", rule(SIGNED_IN))],
        "/confirm/{token}": [Check("/confirm/not-a-real-token", same(OK))],
        "/people/{person_id}": [
            Check(f"/people/{w.asha.id}", rule(SIGNED_IN)),
            Check(f"/people/{w.cara.id}", rule(frozenset({"lead_pcn", "admin"}))),
            Check(f"/people/{w.dan.id}", rule(ADMIN)),
        ],
        "/admin/people/{person_id}": [Check(f"/admin/people/{w.asha.id}", rule(ADMIN))],
        "/roles/{code}": [Check("/roles/SPLW", rule(SIGNED_IN)), Check("/roles/CP", rule(SIGNED_IN))],
        "/training-events/{event_id:int}": [
            Check(f"/training-events/{x.asha_event}", rule(frozenset({"staff"}) | LEADS_AND_ADMIN)),
            Check(f"/training-events/{x.dan_event}", rule(ADMIN)),
        ],
        "/training-events/{event_id:int}/register.pdf": [
            Check(f"/training-events/{x.asha_event}/register.pdf", rule(LEADS_AND_ADMIN), page=False),
            Check(f"/training-events/{x.dan_event}/register.pdf", rule(ADMIN), page=False),
        ],
        "/files/certificates/{record_id}": [
            Check(f"/files/certificates/{x.asha_certificate}", rule(SIGNED_IN), page=False),
            Check(f"/files/certificates/{x.cara_certificate}", rule(frozenset({"lead_pcn", "admin"})), page=False),
        ],
        "/exports/my-data.zip": [Check("/exports/my-data.zip", rule(PARTIES), page=False)],
        "/exports/my-calendar.ics": [Check("/exports/my-calendar.ics", rule(SIGNED_IN), page=False)],
        "/exports/everything.zip": [Check("/exports/everything.zip", rule(ADMIN), page=False)],
        "/exports/{name}": [
            *[Check(f"/exports/{view}.{fmt}", rule(LEADS_AND_ADMIN), page=False)
              for view in ("matrix", "people", "training", "sessions", "absences") for fmt in ("csv", "xlsx")],
            Check("/exports/audit.csv", rule(ADMIN), page=False),
            Check(f"/exports/people.csv?employer={w.south.id}", rule(frozenset({"lead_pcn", "admin"})), page=False),
            Check(f"/exports/people.csv?pcn={w.pcn.id + 1}", rule(frozenset({"lead_employer", "admin"})), page=False),
        ],
        "/admin/backups/{name}": [Check("/admin/backups/tracker-none.db", rule(NOBODY) | {"admin": NOT_FOUND},
                                        page=False)],
        "/imports/templates/{name}": [Check("/imports/templates/people.csv", rule(ADMIN), page=False)],
        "/calendar/{token}.ics": [Check("/calendar/cal_not-a-token.ics", same(NOT_FOUND), page=False)],
        "/api/v1/openapi.json": [Check("/api/v1/openapi.json", same(OK), page=False)],
        "/api/v1/docs": [Check("/api/v1/docs", same(OK), page=False)],  # public like the schema: it holds no data
        "/inbox": [Check("/inbox", rule(SIGNED_IN))],
        "/reports": [Check("/reports", rule(SIGNED_IN))],
        "/reports/mine": [Check("/reports/mine", rule(SIGNED_IN))],
        "/reports/ready/{token}": [Check("/reports/ready/not-a-token", rule(NOBODY, denied=NOT_FOUND), page=False)],
        "/reports/pdf/{kind}": [
            Check(f"/reports/pdf/employer?name={w.north.name}", rule(frozenset({"lead_employer", "admin"})),
                  page=False),
            Check(f"/reports/pdf/pcn?name={w.pcn.name}", rule(frozenset({"lead_pcn", "admin"})), page=False),
            Check(f"/reports/pdf/person?name={w.asha.staff_id}", rule(SIGNED_IN), page=False),
            Check(f"/reports/pdf/person?name={w.cara.staff_id}", rule(frozenset({"lead_pcn", "admin"})), page=False),
            Check(f"/reports/pdf/supervisor?name={w.grace.staff_id}", rule(SIGNED_IN - {"staff"}), page=False),
        ],
        "/reports/evidence/{kind}": [  # the inspection evidence pack: the scope's lead and admins, never staff
            Check(f"/reports/evidence/employer?name={w.north.name}", rule(frozenset({"lead_employer", "admin"})),
                  page=False),
            Check(f"/reports/evidence/pcn?name={w.pcn.name}", rule(frozenset({"lead_pcn", "admin"})), page=False),
        ],
        "/reports/view/{kind}": [  # the reports' accessible twins: the same rights as the PDFs
            Check(f"/reports/view/employer?name={w.north.name}", rule(frozenset({"lead_employer", "admin"}))),
            Check(f"/reports/view/person?name={w.asha.staff_id}", rule(SIGNED_IN)),
            Check(f"/reports/view/person?name={w.cara.staff_id}", rule(frozenset({"lead_pcn", "admin"}))),
        ],
        # sign-in with an identity provider, which this test does not configure: nothing starts, nothing signs in
        "/auth/oidc/start": [Check("/auth/oidc/start", same(to("/login")), page=False)],
        "/auth/oidc/callback": [
            Check("/auth/oidc/callback?code=guessed&state=guessed", same(to("/login?oidc=state")), page=False)],
    })
    for path in ("/people", "/compliance", "/sessions"):  # a signed-in browser is not an API client
        table[f"/api/v1{path}"] = [Check(f"/api/v1{path}", same(NO_TOKEN), page=False)]
    for path in ("/people/{staff_id}", "/compliance/{staff_id}"):
        table[f"/api/v1{path}"] = [Check(f"/api/v1{path.replace('{staff_id}', w.asha.staff_id)}", same(NO_TOKEN),
                                         page=False)]
    return table


def outcome(response: httpx.Response, page: bool) -> str:
    if response.status_code in (302, 303, 307):
        location = response.headers["location"]
        return LOGIN if location.startswith("/login?redirect_to=") else to(location)
    if response.status_code == 200:
        return DENY if page and REFUSAL in response.text else OK
    return {403: DENY, 404: NOT_FOUND, 401: NO_TOKEN}.get(response.status_code, str(response.status_code))


def readable_text(body: bytes) -> str:
    """The body as text, with every member of a ZIP (and so of an XLSX) opened and added."""
    parts = [body.decode("utf-8", "replace")]
    if body.startswith(b"%PDF") and b"startxref" in body:  # a drawn PDF (a stored certificate may be a stub)
        parts += [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                inner = archive.read(name)
                parts.append(readable_text(inner) if inner.startswith(b"PK") else inner.decode("utf-8", "replace"))
    return "\n".join(parts)


def notes_may_appear(role: str, check: Check) -> bool:
    """Only the two parties, only on their own pages and in their own subject-access download."""
    return role in PARTIES and (check.page or check.url == "/exports/my-data.zip")


@pytest.fixture
def fixtures(ui_database: str, tmp_path: Path) -> Fixtures:  # noqa: F811
    w = build_world(tmp_path)  # its data folder is the app's (ui_database points the app at tmp_path/data)
    inbox.notify(w.users["staff"].id, ASHAS_MESSAGE, "Your fire safety training is due.")
    admin = w.viewer("admin")
    events = [training_events.record_event(admin, course="IG", on=w.today, provider="Trust", minutes=30,
                                           attendees=[who.id], today=w.today).event_id for who in (w.asha, w.dan)]
    return Fixtures(w, _certificate(w, w.asha.id), _certificate(w, w.cara.id), *events)


async def signed_in_visitors(create_user: Callable[[], Visitor]) -> dict[str, Visitor]:
    visitors = {"signed_out": create_user()}
    for role in ROLES[1:]:
        visitors[role] = create_user()
        await sign_in(visitors[role], ROLE_EMAILS[role])
    return visitors


def test_every_route_of_the_app_is_in_the_matrix(fixtures: Fixtures, user: Visitor) -> None:
    served = {r.path for r in product_routes()}
    listed = set(expected_routes(fixtures))
    assert not served - listed, f"routes with no row in tests/test_access_matrix.py: {sorted(served - listed)}"
    assert not listed - served, f"rows for routes the app no longer serves: {sorted(listed - served)}"


async def test_every_role_gets_exactly_what_the_matrix_says_and_no_one_else_sees_private_notes(
    fixtures: Fixtures, create_user: Callable[[], Visitor]
) -> None:
    visitors = await signed_in_visitors(create_user)
    wrong, leaks, tried = [], [], 0
    for checks in expected_routes(fixtures).values():
        for check in checks:
            for role in ROLES:
                response = await visitors[role].http_client.get(check.url, follow_redirects=False)
                tried += 1
                got = outcome(response, check.page)
                if got != check.expected[role]:
                    wrong.append(f"{role:<13} {check.url:<45} expected {check.expected[role]}, got {got}")
                text = readable_text(response.content)
                if PRIVATE_MARKER in text and not notes_may_appear(role, check):
                    leaks.append(f"{role} {check.url}")
                if ASHAS_MESSAGE in text and role != "staff" and not check.url.startswith(("/admin/audit", "/exports/audit")):
                    leaks.append(f"Asha's message to {role} {check.url}")
    assert wrong == [], "\n" + "\n".join(wrong)
    assert leaks == [], f"private notes reached: {leaks}"
    assert tried >= 6 * 65
    mine = await visitors["staff"].http_client.get("/my-sessions")
    assert PRIVATE_MARKER in mine.text  # the search can find the notes where they belong
    assert ASHAS_MESSAGE in (await visitors["staff"].http_client.get("/inbox")).text


async def test_signing_out_ends_the_session(fixtures: Fixtures, create_user: Callable[[], Visitor]) -> None:
    visitors = await signed_in_visitors(create_user)
    for role, visitor in visitors.items():
        token = ""
        if role != "signed_out":
            await visitor.open("/logout")
            token = csrf_of(visitor)
        response = await visitor.http_client.post(
            "/logout", data={"csrf": token}, headers={"origin": "http://test"}, follow_redirects=False
        )
        assert (response.status_code, response.headers["location"]) == (303, "/login?signed_out=1"), role
        after = await visitor.http_client.get("/me/connections", follow_redirects=False)
        assert outcome(after, True) == LOGIN, role


@pytest.mark.parametrize("role", ["lead_employer", "lead_pcn", "admin"])
async def test_pages_that_fill_in_after_loading_show_no_private_notes_to_others(
    fixtures: Fixtures, user: Visitor, role: str
) -> None:
    """The same search over the element tree of each page the role may open, after it has finished loading."""
    await sign_in(user, ROLE_EMAILS[role])
    allowed = [c.url for checks in expected_routes(fixtures).values() for c in checks
               if c.page and c.expected[role] == OK and not c.url.startswith(("/api/", "/login", "/confirm"))]
    assert len(allowed) >= 8
    for url in allowed:
        client = await user.open(url)
        seen = " ".join(f"{e.props} {getattr(e, 'text', '')}" for e in client.elements.values())
        assert PRIVATE_MARKER not in seen, url
        assert REFUSAL not in seen, url


# ---- the API with each role's own token ------------------------------------------------------------------


async def test_api_tokens_see_only_what_their_owner_may(fixtures: Fixtures, user: Visitor) -> None:
    w = fixtures.world
    f.person("Eve", "Elsewhere", employer=f.org("Far Away Trust"))
    secrets = {role: tokens.create(w.users[role].id, "api", role).secret for role in ROLES[1:]}
    names = {"staff": ["Asha"], "supervisor": ["Asha", "Ben", "Grace"], "lead_employer": ["Asha", "Ben", "Grace"],
             "lead_pcn": ["Asha", "Ben", "Cara", "Grace"], "admin": ["Asha", "Ben", "Cara", "Dan", "Eve", "Grace"]}
    cara = {"staff": 403, "supervisor": 403, "lead_employer": 403, "lead_pcn": 200, "admin": 200}
    for role, secret in secrets.items():
        headers = {"Authorization": f"Bearer {secret}"}
        listed = await user.http_client.get("/api/v1/people", headers=headers)
        assert sorted(p["first_name"] for p in listed.json()["people"]) == names[role], role
        for path in (f"/api/v1/people/{w.cara.staff_id}", f"/api/v1/compliance/{w.cara.staff_id}"):
            assert (await user.http_client.get(path, headers=headers)).status_code == cara[role], (role, path)
        sessions = await user.http_client.get("/api/v1/sessions", headers=headers)
        assert sessions.status_code == 200 and PRIVATE_MARKER not in sessions.text, role
    revoked = token_views.tokens_of(w.users["lead_pcn"].id)[0]
    tokens.revoke(revoked.id, w.users["admin"])
    gone = await user.http_client.get("/api/v1/people", headers={"Authorization": f"Bearer {secrets['lead_pcn']}"})
    assert gone.status_code == 401


async def test_a_leads_downloads_hold_only_their_people_whatever_the_address_asks(
    fixtures: Fixtures, create_user: Callable[[], Visitor]
) -> None:
    w = fixtures.world
    visitors = await signed_in_visitors(create_user)

    async def staff_ids(role: str, query: str = "") -> list[str]:
        response = await visitors[role].http_client.get(f"/exports/people.csv{query}")
        assert response.status_code == 200, (role, query, response.text)
        rows = response.content.decode("utf-8-sig").splitlines()[1:]
        return sorted(row.split(",")[0] for row in rows)

    ids = {p: getattr(w, p).staff_id for p in ("grace", "asha", "ben", "cara", "dan")}
    north = sorted([ids["grace"], ids["asha"], ids["ben"]])
    assert await staff_ids("lead_employer") == north
    assert await staff_ids("lead_pcn") == sorted([*north, ids["cara"]])
    assert await staff_ids("lead_pcn", f"?employer={w.south.id}") == [ids["cara"]]  # narrowed, never widened
    assert await staff_ids("admin") == sorted(ids.values())
