"""The not-found and server-error pages are the app's own: its frame, plain English, a way home, the right status,
and never a traceback or an exception's text."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User as Visitor

from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401
from ui import theme
from ui.layout import frame
from ui.pages import errors

pytestmark = pytest.mark.usefixtures("ui_database")

SECRET = "password=hunter2 at /srv/tracker/secret.py"


async def test_an_unknown_address_is_a_404_inside_the_frame(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk")
    response = await user.http_client.get("/no/such/page", follow_redirects=False)
    assert response.status_code == 404
    for words in (errors.NOT_FOUND_TITLE, errors.HOME_LINK, theme.PRODUCT_NAME, "Sign out", "Administration"):
        assert words in response.text, words
    assert "HTTPException" not in response.text and "doesn't exist" not in response.text


async def test_a_downloads_404_stays_plain_and_a_bad_id_still_answers_not_found(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk")
    assert (await user.http_client.get("/files/certificates/99999999999999999999")).status_code == 404
    page = await user.http_client.get("/people/99999999999999999999")
    assert "Not found" in page.text and "there is no person" in page.text


async def test_a_page_that_fails_is_a_500_with_the_plain_message_and_no_details(
    user: Visitor, caplog: pytest.LogCaptureFixture
) -> None:
    build_team()

    @ui.page("/test-only/fails")
    async def fails() -> None:
        async with frame("Fails"):
            raise RuntimeError(SECRET)

    await sign_in(user, "asha@example.nhs.uk")
    response = await user.http_client.get("/test-only/fails", follow_redirects=False)
    assert response.status_code == 500
    for words in (errors.ERROR_TEXT, errors.HOME_LINK, theme.PRODUCT_NAME, "Sign out"):
        assert words in response.text, words
    for leak in (SECRET, "RuntimeError", "Traceback", "secret.py", "Server error"):
        assert leak not in response.text, leak
    assert any(SECRET in (r.exc_text or "") or SECRET in r.getMessage() for r in caplog.records)  # it is logged
    caplog.clear()  # the failure's ERROR log is this test's point, not a fault of the fixture
