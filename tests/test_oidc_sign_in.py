"""Sign in with NHSmail against a real OpenID Connect provider (tests/oidc_provider.py) and the real app in a
subprocess, over HTTP as a browser goes: start, the provider's page, the callback, /login/finish.

A good ID token whose email (in any case) is an active login signs that login in, under a new session id; an
unknown or deactivated address, a token signed by another key, for another audience, with another nonce, or
expired, a forged state and a replayed code are each refused with their words and leave no session. The token
checks are also tried directly, with the time passed in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.browser.live import running_app
from tests.conftest import open_clean_database
from tests.oidc_provider import CLIENT_ID, Provider, running_provider
from tests.ui_fixtures import build_team
from tracker.errors import SettingsError
from tracker.models import User
from tracker.services import oidc
from tracker.settings import Settings


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as p:
        yield p


@pytest.fixture(scope="module")
def app_base(provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("oidc-app")
    url = open_clean_database("sqlite", folder)
    build_team()
    User.update(active=False).where(User.email == "ben@example.nhs.uk").execute()
    with running_app(url, folder, env=provider.env()) as base:
        provider.redirect_uri = base + oidc.CALLBACK_PATH
        yield base, folder / "tracker.db"


@pytest.fixture
def fresh(provider: Provider) -> Iterator[Provider]:
    provider.misbehave, provider.who = "", "asha@example.nhs.uk"
    yield provider
    provider.misbehave = ""


def _to_provider(client: httpx.Client, base: str, then: str = "/") -> httpx.Response:
    """Click "Sign in with NHSmail": the app sends the browser to the provider's page."""
    start = client.get(f"{base}{oidc.START_PATH}", params={"redirect_to": then})
    assert start.status_code == 303
    page = client.get(start.headers["location"])
    assert page.status_code == 200 and "Test NHSmail sign-in" in page.text, page.text
    return page


def _approve(client: httpx.Client, provider: Provider, page: httpx.Response, email: str) -> httpx.Response:
    """Press Continue on the provider's page, then follow the redirects back through the app."""
    form = {k: v[0] for k, v in parse_qs(urlsplit(str(page.url)).query).items()}
    form.update(login_hint=email, decision="allow")
    return client.post(f"{provider.issuer}/authorize", data=form, follow_redirects=True)


def _signed_in(client: httpx.Client, base: str) -> bool:
    return client.get(f"{base}/me", follow_redirects=False).status_code == 200


def _refusal(response: httpx.Response) -> str | None:
    path = urlsplit(str(response.url))
    return parse_qs(path.query).get("oidc", [None])[0] if path.path == "/login" else None


def test_the_login_page_offers_the_button(app_base: tuple[str, Path]) -> None:
    base, _ = app_base
    page = httpx.get(f"{base}/login")
    assert "Sign in with NHSmail" in page.text and oidc.START_PATH in page.text


@pytest.mark.parametrize("typed", ["asha@example.nhs.uk", "Asha@EXAMPLE.nhs.UK"])
def test_a_good_token_signs_in_the_login_with_that_email_under_a_new_session_id(
    typed: str, fresh: Provider, app_base: tuple[str, Path]
) -> None:
    base, database = app_base
    with httpx.Client() as client:
        page = _to_provider(client, base, then="/me")
        before = client.cookies.get("session")
        done = _approve(client, fresh, page, typed)
        assert done.status_code == 200 and urlsplit(str(done.url)).path == "/me"
        after = client.cookies.get("session")
        assert before and after and before != after  # the session id was rotated (no fixation)
        assert _signed_in(client, base)
        assert "Asha Patel" in client.get(f"{base}/me").text
        request = fresh.token_requests[-1]
        assert request["code_verifier"] and request["redirect_uri"] == base + oidc.CALLBACK_PATH
        with sqlite3.connect(database) as con:
            last = con.execute("SELECT actor, action, after FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
        assert last[0] == "asha@example.nhs.uk" and last[1] == "sign_in" and '"oidc"' in last[2]
        # Signing out ends it, as for a password sign-in.
        csrf_page = client.get(f"{base}/logout")
        assert csrf_page.status_code == 200


@pytest.mark.parametrize(
    ("misbehave", "email", "reason"),
    [
        ("", "nobody@example.nhs.uk", "unknown"),
        ("", "ben@example.nhs.uk", "unknown"),  # deactivated
        ("other_key", "asha@example.nhs.uk", "token"),
        ("audience", "asha@example.nhs.uk", "token"),
        ("nonce", "asha@example.nhs.uk", "token"),
        ("expired", "asha@example.nhs.uk", "expired"),
        ("no_email", "asha@example.nhs.uk", "no_email"),
    ],
)
def test_a_bad_answer_is_refused_with_its_words_and_no_session(
    misbehave: str, email: str, reason: str, fresh: Provider, app_base: tuple[str, Path]
) -> None:
    base, _ = app_base
    with httpx.Client() as client:
        page = _to_provider(client, base)
        fresh.misbehave = misbehave
        done = _approve(client, fresh, page, email)
        assert _refusal(done) == reason
        assert not _signed_in(client, base)


def test_a_forged_state_and_a_replayed_code_are_refused(fresh: Provider, app_base: tuple[str, Path]) -> None:
    base, _ = app_base
    with httpx.Client() as client:
        page = _to_provider(client, base)
        form = {k: v[0] for k, v in parse_qs(urlsplit(str(page.url)).query).items()}
        form.update(login_hint="asha@example.nhs.uk", decision="allow")
        back = client.post(f"{fresh.issuer}/authorize", data=form)
        callback = urlsplit(back.headers["location"])
        code = parse_qs(callback.query)["code"][0]
        forged = client.get(f"{base}{oidc.CALLBACK_PATH}", params={"code": code, "state": "forged"},
                            follow_redirects=True)
        assert _refusal(forged) == "state" and not _signed_in(client, base)
    # Another browser that got hold of a code and state (say from a log) has no pending sign-in to match.
    with httpx.Client() as thief:
        stolen = thief.get(back.headers["location"], follow_redirects=True)
        assert _refusal(stolen) == "state" and not _signed_in(thief, base)


def test_cancelling_at_the_provider_signs_no_one_in(fresh: Provider, app_base: tuple[str, Path]) -> None:
    base, _ = app_base
    with httpx.Client() as client:
        page = _to_provider(client, base)
        form = {k: v[0] for k, v in parse_qs(urlsplit(str(page.url)).query).items()}
        form.update(decision="deny")
        done = client.post(f"{fresh.issuer}/authorize", data=form, follow_redirects=True)
        assert _refusal(done) == "denied" and not _signed_in(client, base)


# ---- the token checks on their own, the time passed in --------------------------------------------------


def _settings(provider: Provider) -> Settings:
    return Settings(oidc_issuer=provider.issuer, oidc_client_id=CLIENT_ID, base_url="http://tracker.test")


T0 = datetime(2026, 12, 2, 9, 30)  # UTC, naive as tracker.clock.utc_now() gives


def _token(provider: Provider, nonce: str, misbehave: str = "") -> str:
    provider.misbehave = misbehave
    try:
        issued = int(T0.replace(tzinfo=UTC).timestamp())
        return provider.id_token({"email": "asha@example.nhs.uk", "nonce": nonce}, now=issued)
    finally:
        provider.misbehave = ""


def test_verify_accepts_a_good_token_and_names_its_email(provider: Provider) -> None:
    settings = _settings(provider)
    meta = oidc.discover(settings)
    claims = oidc.verify_id_token(settings, meta, _token(provider, "n-1"), "n-1", T0)
    assert oidc.email_of(claims) == "asha@example.nhs.uk" and claims["aud"] == CLIENT_ID


@pytest.mark.parametrize(("misbehave", "nonce", "reason"), [
    ("other_key", "n-1", "token"), ("audience", "n-1", "token"), ("", "n-2", "token"), ("expired", "n-1", "expired"),
])
def test_verify_refuses(provider: Provider, misbehave: str, nonce: str, reason: str) -> None:
    settings = _settings(provider)
    meta = oidc.discover(settings)
    with pytest.raises(oidc.OidcRefused) as refused:
        oidc.verify_id_token(settings, meta, _token(provider, "n-1", misbehave), nonce, T0)
    assert refused.value.reason == reason


def test_a_token_is_refused_once_its_time_is_past_the_allowed_skew(provider: Provider) -> None:
    settings = _settings(provider)
    meta = oidc.discover(settings)
    token = _token(provider, "n-1")  # valid for 300 s from the provider's now
    later = T0 + timedelta(seconds=300 + oidc.CLOCK_SKEW_SECONDS + 60)
    with pytest.raises(oidc.OidcRefused, match="had expired"):
        oidc.verify_id_token(settings, meta, token, "n-1", later)


@pytest.mark.parametrize(("env", "words"), [
    ({"TRACKER_OIDC_ISSUER": "http://login.example.com/tenant"}, "https://"),
    ({"TRACKER_OIDC_ISSUER": "https://login.microsoftonline.com/t/v2.0"}, "TRACKER_OIDC_CLIENT_ID"),
])
def test_bad_oidc_settings_stop_start_up(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env)


def test_the_label_defaults_to_nhsmail_and_can_be_changed() -> None:
    entra = {"TRACKER_OIDC_ISSUER": "https://login.microsoftonline.com/t/v2.0", "TRACKER_OIDC_CLIENT_ID": "c"}
    assert Settings.from_env(entra).oidc_label == "Sign in with NHSmail"
    assert Settings.from_env({**entra, "TRACKER_OIDC_LABEL": "Sign in with work account"}).oidc_label == (
        "Sign in with work account"
    )


@pytest.mark.parametrize(
    ("label", "named"),
    [("Sign in with NHSmail", "NHSmail"), ("Sign in with Contoso ID", "Contoso ID"), ("Staff login", "the single sign-on service")],
)
def test_refusals_name_the_provider_the_button_names(label: str, named: str) -> None:
    for reason in oidc.REFUSALS:
        words = oidc.refusal_words(reason, label)
        assert "{provider}" not in words and words[0].isupper()
        if reason != "throttled":
            assert named in words or named.capitalize() in words, (reason, words)
        if named != "NHSmail":
            assert "NHSmail" not in words, (reason, words)
