"""Ids no record can have, sent as an attacker would, to every route and query that takes one: too large for the
database (SQLite cannot bind past 2**63 - 1, PostgreSQL's integer ends at 2**31 - 1), negative, zero, written
oddly ("+1", "01", "１", "²"). Each is answered "not found" (a 404, or the app's not-found page), on SQLite and
PostgreSQL; never a 500, and never the record that "+1" or "01" might be read as.
"""

from __future__ import annotations

import re

import httpx
import pytest
from nicegui.testing import User as Visitor

from tests.app_routes import product_routes
from tests.ui_fixtures import build_team, sign_in, ui_any_database  # noqa: F401
from tracker.errors import NotFound
from tracker.ids import MAX_ID, optional_id, parse_id, require_id
from tracker.models import User
from tracker.services import tokens

pytestmark = pytest.mark.usefixtures("ui_any_database")

TOO_LARGE = ["99999999999999999999", str(2**63), str(2**63 - 1), str(2**31), "9" * 5000]
ODD = ["-1", "0", "+1", "01", "1e3", "1.5", "abc", "%20", "%EF%BC%91", "%C2%B2", "0x10"]  # %EF%BC%91 is "１"
BAD_IDS = TOO_LARGE + ODD
ID_ROUTES = {  # each route that takes a record id in its path
    "/people/{person_id}": "page",
    "/admin/people/{person_id}": "page",
    "/files/certificates/{record_id}": "download",
}
ID_QUERIES = [  # each page or download that takes a record id in its query string: (path, parameter, kind)
    ("/exports/people.csv", "employer", "download"),
    ("/exports/matrix.xlsx", "pcn", "download"),
    ("/exports/training.csv", "employer", "download"),
]
LENIENT_QUERIES = [  # filters that leave out what they cannot read, and must still answer
    ("/team", "employer"), ("/team/matrix", "pcn"), ("/team/supervision", "employer"), ("/supervision/log", "with"),
    ("/admin/audit", "page"), ("/team/matrix", "page"), ("/team/matrix", "size"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (7, 7), (str(MAX_ID + 1), None), ("+1", None), ("01", None),
     ("１", None), ("²", None), (" 1", None), ("1 ", None), ("", None), (None, None), (0, None), (-1, None),
     (2**63, None), (True, None), ("٣", None)],
)
def test_an_id_is_plain_ascii_digits_within_the_databases_integer(text: str | int | None, expected: int | None) -> None:
    assert parse_id(text) == expected


def test_an_impossible_id_is_not_found_and_an_absent_filter_is_none() -> None:
    with pytest.raises(NotFound, match="there is no person with the id '99999999999999999999'"):
        require_id("99999999999999999999", "person")
    assert optional_id("", "employer") is None and optional_id(None) is None and optional_id("3") == 3
    with pytest.raises(NotFound):
        optional_id("-1", "employer")


def not_found(response: httpx.Response, kind: str) -> bool:
    if kind == "download":
        return response.status_code == 404
    return response.status_code == 200 and "Not found" in response.text and "there is no person" in response.text


async def test_every_route_that_takes_an_id_answers_not_found_for_ids_no_record_can_have(user: Visitor) -> None:
    team = build_team()
    taking_ids = sorted(r.path for r in product_routes() if re.search(r"\{\w+_id\}", r.path) and "staff_id" not in r.path)
    assert taking_ids == sorted(ID_ROUTES)  # a new route with an id in its path must join this sweep
    await sign_in(user, "admin@example.nhs.uk")
    wrong, tried = [], 0
    for path, kind in ID_ROUTES.items():
        for bad in BAD_IDS:
            url = re.sub(r"\{\w+\}", bad, path)
            response = await user.http_client.get(url, follow_redirects=False)
            tried += 1
            if not not_found(response, kind):
                wrong.append(f"{url[:60]}: {response.status_code}")
    for path, name, kind in ID_QUERIES:
        for bad in BAD_IDS:
            response = await user.http_client.get(f"{path}?{name}={bad}", follow_redirects=False)
            tried += 1
            if not not_found(response, kind):
                wrong.append(f"{path}?{name}={bad[:40]}: {response.status_code}")
    for path, name in LENIENT_QUERIES:
        for bad in BAD_IDS:
            response = await user.http_client.get(f"{path}?{name}={bad}", follow_redirects=False)
            tried += 1
            if response.status_code != 200:
                wrong.append(f"{path}?{name}={bad[:40]}: {response.status_code}")
    print(f"bad ids: {tried} requests, {len(wrong)} wrong")
    assert wrong == [], "\n" + "\n".join(wrong)
    # the real ones still answer, and the odd spellings of a real id are not read as it
    asha = await user.http_client.get(f"/people/{team.asha.id}")
    assert "Asha Patel" in asha.text
    assert "Asha Patel" not in (await user.http_client.get(f"/people/+{team.asha.id}")).text
    assert "Asha Patel" not in (await user.http_client.get(f"/people/0{team.asha.id}")).text


async def test_the_api_answers_404_for_staff_ids_and_422_for_counts_it_cannot_hold(user: Visitor) -> None:
    build_team()
    admin = User.get(User.email == "admin@example.nhs.uk")
    headers = {"Authorization": f"Bearer {tokens.create(admin.id, 'api', 'sweep').secret}"}
    for bad in BAD_IDS:
        for url in (f"/api/v1/people/{bad}", f"/api/v1/compliance/{bad}", f"/api/v1/sessions?staff_id={bad}"):
            response = await user.http_client.get(url, headers=headers)
            expected = 422 if "staff_id=" in url and len(bad) > 64 else 404  # the query's documented length limit
            assert response.status_code == expected, (url[:60], response.status_code)
        for url in (f"/api/v1/people?offset={bad}", f"/api/v1/people?limit={bad}"):
            response = await user.http_client.get(url, headers=headers)
            assert response.status_code in (200, 422), (url[:60], response.status_code)
