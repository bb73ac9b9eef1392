"""A real OpenID Connect provider for the tests, on a free local port: discovery, an authorize page a person
clicks through, a token endpoint that checks the client's secret, the code (one use), the redirect URI and the
PKCE verifier, and a JWKS; ID tokens are RS256 JWTs signed with a key made for the run (joserfc).

`Provider.misbehave` makes the next tokens wrong in one way each (signed by another key, for another audience,
with another nonce, already expired), as a broken or hostile provider would; `who` is whom the page signs in.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.browser.live import free_port

CLIENT_ID = "tracker-test-client"
CLIENT_SECRET = "s3cret-for-the-test-only"


@dataclass
class Provider:
    issuer: str
    redirect_uri: str = ""  # the one redirect URI registered for the client (set once the app's port is known)
    who: str = "asha@example.nhs.uk"
    misbehave: str = ""  # "", "other_key", "audience", "nonce", "expired", "no_email"
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test-1"}))
    other_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test-1"}))
    codes: dict[str, dict] = field(default_factory=dict)
    token_requests: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def env(self) -> dict[str, str]:
        return {"TRACKER_OIDC_ISSUER": self.issuer, "TRACKER_OIDC_CLIENT_ID": CLIENT_ID,
                "TRACKER_OIDC_CLIENT_SECRET": CLIENT_SECRET}

    def id_token(self, grant: dict, now: int | None = None) -> str:
        """Issued at `now` (seconds), else at the provider's own clock (the app checks it against its own)."""
        now = int(time.time()) if now is None else now
        claims = {
            "iss": self.issuer, "sub": hashlib.sha256(grant["email"].encode()).hexdigest()[:20],
            "aud": "someone-else" if self.misbehave == "audience" else CLIENT_ID,
            "nonce": "not-the-nonce-sent" if self.misbehave == "nonce" else grant["nonce"],
            "iat": now - (3600 if self.misbehave == "expired" else 0),
            "exp": now + (-1800 if self.misbehave == "expired" else 300),
            "name": "Test User",
        }
        if self.misbehave != "no_email":
            claims["email"] = grant["email"]
        key = self.other_key if self.misbehave == "other_key" else self.key
        return jwt.encode({"alg": "RS256", "kid": "test-1"}, claims, key)

    # ---- the endpoints --------------------------------------------------------------------------------------

    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        })

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request) -> Response:
        asked = dict(request.query_params) if request.method == "GET" else dict(await request.form())
        problem = self._check_authorize(asked)
        if problem:
            return PlainTextResponse(problem, status_code=400)
        if request.method == "GET":
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in asked.items()
            )
            return HTMLResponse(
                "<!doctype html><html lang='en-GB'><head><title>Test NHSmail</title></head><body><main>"
                "<h1>Test NHSmail sign-in</h1><form method='post' action='/authorize'>"
                f"<label>Email <input name='login_hint' value='{html.escape(self.who)}'></label>{hidden}"
                "<button type='submit' name='decision' value='allow'>Continue</button>"
                "<button type='submit' name='decision' value='deny'>Cancel</button></form></main></body></html>"
            )
        if asked.get("decision") != "allow":
            return RedirectResponse(f"{asked['redirect_uri']}?{urlencode({'error': 'access_denied', 'state': asked['state']})}", 302)
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {
                "email": asked.get("login_hint") or self.who, "nonce": asked["nonce"],
                "challenge": asked["code_challenge"], "redirect_uri": asked["redirect_uri"],
            }
        return RedirectResponse(f"{asked['redirect_uri']}?{urlencode({'code': code, 'state': asked['state']})}", 302)

    def _check_authorize(self, asked: dict) -> str:
        if asked.get("client_id") != CLIENT_ID:
            return "unknown client"
        if asked.get("redirect_uri") != self.redirect_uri:
            return f"redirect_uri {asked.get('redirect_uri')!r} is not registered"
        if asked.get("response_type") != "code" or "openid" not in asked.get("scope", "").split():
            return "only the authorization code flow with scope openid"
        if asked.get("code_challenge_method") != "S256" or not asked.get("code_challenge"):
            return "PKCE with S256 is required"
        if not asked.get("state") or not asked.get("nonce"):
            return "state and nonce are required"
        return ""

    async def token(self, request: Request) -> Response:
        form = dict(await request.form())
        self.token_requests.append(form)
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        with self.lock:
            grant = self.codes.pop(str(form.get("code", "")), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant", "error_description": "redirect_uri"}, status_code=400)
        verifier = str(form.get("code_verifier", ""))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or challenge != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, status_code=400)
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                             "id_token": self.id_token(grant)})


@contextmanager
def running_provider() -> Iterator[Provider]:
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}")
    app = Starlette(routes=[
        Route("/.well-known/openid-configuration", provider.discovery),
        Route("/jwks", provider.jwks),
        Route("/authorize", provider.authorize, methods=["GET", "POST"]),
        Route("/token", provider.token, methods=["POST"]),
    ])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise AssertionError("the test OIDC provider did not start")
        time.sleep(0.05)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)
