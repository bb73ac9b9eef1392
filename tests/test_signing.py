"""Signed tokens for email links, and the app's secret key file."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pytest

from tests.jobs_support import settings_for
from tracker.signing import KEY_FILE, BadToken, ExpiredToken, secret_key, sign, unsign

KEY = bytes(range(32))
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_a_signed_payload_comes_back_unchanged():
    token = sign("confirm-session", {"s": 12, "p": 7}, key=KEY, now=NOW)
    assert unsign("confirm-session", token, 3600, key=KEY, now=NOW) == {"s": 12, "p": 7}


def test_a_token_is_safe_in_a_url_path():
    token = sign("confirm-session", {"s": 12, "p": 7, "note": "a/b?c=d"}, key=KEY, now=NOW)
    assert all(ch.isalnum() or ch in "-_." for ch in token)


@pytest.mark.parametrize("position", [0, 10, -1])
def test_a_changed_character_anywhere_is_refused(position):
    token = sign("confirm-session", {"s": 12, "p": 7}, key=KEY, now=NOW)
    chars = list(token)
    chars[position] = "B" if chars[position] != "B" else "C"
    with pytest.raises(BadToken):
        unsign("confirm-session", "".join(chars), 3600, key=KEY, now=NOW)


def test_a_token_for_one_purpose_is_refused_for_another():
    token = sign("confirm-session", {"s": 12}, key=KEY, now=NOW)
    with pytest.raises(BadToken):
        unsign("reset-password", token, 3600, key=KEY, now=NOW)


def test_a_token_made_with_another_key_is_refused():
    token = sign("confirm-session", {"s": 12}, key=bytes(32), now=NOW)
    with pytest.raises(BadToken):
        unsign("confirm-session", token, 3600, key=KEY, now=NOW)


def test_an_old_token_has_expired():
    token = sign("confirm-session", {"s": 12}, key=KEY, now=NOW)
    assert unsign("confirm-session", token, 3600, key=KEY, now=NOW + timedelta(seconds=3600)) == {"s": 12}
    with pytest.raises(ExpiredToken, match="expired"):
        unsign("confirm-session", token, 3600, key=KEY, now=NOW + timedelta(seconds=3601))


@pytest.mark.parametrize("garbage", ["", ".", "abc", "abc.", ".abc", "a.b.c"])
def test_garbage_is_refused_with_a_clear_message(garbage):
    with pytest.raises(BadToken, match="not valid"):
        unsign("confirm-session", garbage, 3600, key=KEY, now=NOW)


def test_the_secret_key_is_made_once_owner_only_and_kept(tmp_path):
    settings = settings_for(None, tmp_path / "data")
    key = secret_key(settings)
    path = tmp_path / "data" / KEY_FILE
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(settings) == key
    assert bytes.fromhex(path.read_text().strip()) == key


def test_a_token_signed_with_the_settings_key_needs_that_key(tmp_path):
    key_one = secret_key(settings_for(None, tmp_path / "one"))
    key_two = secret_key(settings_for(None, tmp_path / "two"))
    assert key_one != key_two
    token = sign("confirm-session", {"s": 1}, key=key_one)
    assert unsign("confirm-session", token, 60, key=key_one) == {"s": 1}
    with pytest.raises(BadToken):
        unsign("confirm-session", token, 60, key=key_two)
