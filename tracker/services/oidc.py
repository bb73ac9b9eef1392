"""OpenID Connect sign-in (NHSmail is Microsoft Entra ID): authorization code with PKCE, state and nonce.

The provider is found by discovery (ISSUER/.well-known/openid-configuration); its keys come from its JWKS. The
ID token must be signed by one of those keys (RS256 or another asymmetric algorithm the provider names), name
our client as its audience and the issuer as its issuer, carry the nonce we sent, and be within its times. Its
`email` claim (falling back to `preferred_username`, which Entra ID fills with the user's address) is what signs
in: tracker.services.auth.sign_in_with_identity matches it to an active login, case-insensitively.

PKCE and state come from authlib; the JOSE checks from joserfc (authlib's own JOSE module defers to it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import errors as jose_errors
from joserfc import jwt
from joserfc.jwk import KeySet

from tracker.errors import TrackerError
from tracker.services.auth import NO_ACCOUNT, THROTTLED
from tracker.settings import Settings

CALLBACK_PATH = "/auth/oidc/callback"
START_PATH = "/auth/oidc/start"
TIMEOUT_SECONDS = 10
METADATA_LIFETIME_SECONDS = 3600
ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
CLOCK_SKEW_SECONDS = 120


class OidcRefused(TrackerError):
    """The provider's answer did not sign anyone in; `reason` is one of REFUSALS' keys."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(refusal_words(reason, "Sign in with NHSmail"))
        self.reason, self.detail = reason, detail


# What the sign-in page says for each refusal: fixed words, never text from the provider or the request; the
# provider is named as the administrator's TRACKER_OIDC_LABEL names it ("Sign in with NHSmail": NHSmail).
REFUSALS = {
    "unknown": NO_ACCOUNT,
    "token": "Sign-in with {provider} was refused: the answer from {provider} could not be verified (its signature, "
    "audience or nonce was wrong). You are not signed in. Please try again.",
    "expired": "Sign-in with {provider} was refused: the answer from {provider} had expired. You are not signed in. "
    "Please try again.",
    "state": "Sign-in with {provider} did not finish: it took too long, or was started in another window. You are "
    "not signed in. Please try again.",
    "denied": "Sign-in with {provider} was cancelled or refused by {provider}. You are not signed in.",
    "unreachable": "{provider} could not be reached to finish signing in. You are not signed in. Please try again "
    "in a few minutes, or sign in with your password.",
    "no_email": "{provider} did not say which email address you signed in with, so no account could be matched. "
    "Ask an administrator to check the tracker's {provider} settings.",
    "throttled": THROTTLED,
}
_LABEL_START = "sign in with "


def provider_name(label: str) -> str:
    """The provider as the sign-in button names it: "Sign in with NHSmail" is NHSmail."""
    name = label[len(_LABEL_START):] if label.lower().startswith(_LABEL_START) else ""
    return name.strip() or "the single sign-on service"


def refusal_words(reason: str, label: str) -> str:
    words = REFUSALS[reason].replace("{provider}", provider_name(label))
    return words[0].upper() + words[1:]


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None


@dataclass(frozen=True)
class AuthorizationRequest:
    """What the browser is sent to, and what this browser's session keeps until the provider sends it back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


def redirect_uri(settings: Settings) -> str:
    return settings.base_url + CALLBACK_PATH


_metadata: dict[str, tuple[float, Provider]] = {}


def discover(settings: Settings) -> Provider:
    """The provider's endpoints from its discovery document (kept for an hour); OidcRefused('unreachable')."""
    issuer = settings.oidc_issuer or ""
    cached = _metadata.get(issuer)
    if cached is not None and time.monotonic() - cached[0] < METADATA_LIFETIME_SECONDS:
        return cached[1]
    document = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    try:
        provider = Provider(
            issuer=str(document["issuer"]),
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            end_session_endpoint=document.get("end_session_endpoint"),
        )
    except (KeyError, TypeError) as exc:
        raise OidcRefused("unreachable", f"discovery document lacks {exc}") from exc
    if provider.issuer.rstrip("/") != issuer.rstrip("/"):
        raise OidcRefused("unreachable", f"discovery names issuer {provider.issuer!r}, not {issuer!r}")
    _metadata[issuer] = (time.monotonic(), provider)
    return provider


def authorization_request(settings: Settings, provider: Provider) -> AuthorizationRequest:
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url = prepare_grant_uri(
        provider.authorization_endpoint, settings.oidc_client_id, "code", redirect_uri(settings),
        scope="openid email profile", state=state, nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256",
    )
    return AuthorizationRequest(url, state, nonce, verifier)


def exchange_code(settings: Settings, provider: Provider, code: str, code_verifier: str) -> str:
    """The ID token the provider gives for this code (with our secret, if any, and the PKCE verifier)."""
    form = {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri(settings),
        "client_id": settings.oidc_client_id or "", "code_verifier": code_verifier,
    }
    auth = (settings.oidc_client_id or "", settings.oidc_client_secret) if settings.oidc_client_secret else None
    try:
        response = httpx.post(provider.token_endpoint, data=form, auth=auth, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise OidcRefused("unreachable", f"token endpoint: {exc}") from exc
    if response.status_code != 200:
        raise OidcRefused("token", f"token endpoint said {response.status_code}: {response.text[:200]}")
    try:
        return str(response.json()["id_token"])
    except (ValueError, KeyError) as exc:
        raise OidcRefused("token", "the token endpoint gave no ID token") from exc


def verify_id_token(
    settings: Settings, provider: Provider, id_token: str, nonce: str, now: datetime, keys: dict | None = None
) -> dict[str, Any]:
    """The token's claims, once its signature, issuer, audience, nonce and times are checked; else OidcRefused."""
    key_set = KeySet.import_key_set(keys if keys is not None else _get_json(provider.jwks_uri))  # type: ignore[arg-type]
    try:
        token = jwt.decode(id_token, key_set, algorithms=ASYMMETRIC)
    except (jose_errors.JoseError, ValueError) as exc:
        raise OidcRefused("token", f"signature: {exc}") from exc
    at = int(now.replace(tzinfo=UTC).timestamp()) if now.tzinfo is None else int(now.timestamp())
    registry = jwt.JWTClaimsRegistry(
        now=at, leeway=CLOCK_SKEW_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": settings.oidc_client_id or ""},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
    )
    claims = dict(token.claims)
    try:
        registry.validate(claims)
    except jose_errors.ExpiredTokenError as exc:
        raise OidcRefused("expired", str(exc)) from exc
    except jose_errors.JoseError as exc:
        raise OidcRefused("token", str(exc)) from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.oidc_client_id:
        raise OidcRefused("token", "several audiences and azp is not this client")
    return claims


def email_of(claims: dict[str, Any]) -> str:
    """The signed-in address: `email`, else Entra ID's `preferred_username` when it is an address."""
    for name in ("email", "preferred_username"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip()
    raise OidcRefused("no_email", "no email claim")


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcRefused("unreachable", f"{url}: {exc}") from exc
    if not isinstance(document, dict):
        raise OidcRefused("unreachable", f"{url}: not a JSON object")
    return document
