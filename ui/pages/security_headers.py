"""Security headers on every HTTP response the app sends: pages, downloads, the API, redirects and errors.

A plain ASGI middleware (not BaseHTTPMiddleware, so file downloads stream and the websocket passes untouched)
that adds a header only where the route has not set its own (certificate downloads keep their `sandbox` CSP).

The Content-Security-Policy is in ui/csp.py: NiceGUI's pages get a fresh nonce for their own inline scripts
(the middleware writes it into each <script> tag of the page and into the policy), so no other inline script,
event handler or `javascript:` address runs; every other response gets the same policy with no inline script
at all. Framing is refused (clickjacking), and HSTS is sent only when TRACKER_BASE_URL is https (behind TLS).

NiceGUI checks an upload's size only in the browser; here an upload must say its length (411 otherwise) and
be no bigger than UPLOAD_LIMIT (413), so no one can fill the disk by posting to an upload address directly.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from nicegui import app

from ui.app_settings import settings_of_scope
from ui.csp import content_security_policy, new_nonce, with_nonce

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HSTS = "max-age=31536000; includeSubDomains"
UPLOAD_LIMIT = 21 * 1024 * 1024  # the largest file anyone may upload (an import, 20 MB) and the form around it
UPLOAD_PATH = re.compile(r"^/_nicegui/client/[^/]+/upload/[^/]+$")


def security_headers(host: str, https: bool, nonce: str | None = None) -> dict[str, str]:
    """The headers every response carries (names in lower case, as ASGI sends them)."""
    headers = {
        "content-security-policy": content_security_policy(host, https, nonce),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "cross-origin-opener-policy": "same-origin",
    }
    if https:
        headers["strict-transport-security"] = HSTS
    return headers


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


def upload_refusal(scope: Scope) -> tuple[int, str] | None:
    """(status, message) when an upload must be refused before it is read; None to let it through."""
    if scope.get("method") != "POST" or not UPLOAD_PATH.match(scope.get("path", "")):
        return None
    length = (_header(scope, b"content-length") or "").strip()
    if not length.isdigit():
        return 411, "An upload must give its length."
    if int(length) > UPLOAD_LIMIT:
        return 413, f"The file is too large: the limit is {UPLOAD_LIMIT // 2**20 - 1} MB."
    return None


def _host(scope: Scope) -> str:
    for name, value in scope.get("headers") or ():
        if name == b"host":
            text = value.decode("latin-1").strip()
            # only a plain host[:port] goes into the policy (never quotes, spaces or semicolons)
            return text if text and all(ch.isalnum() or ch in ".-:[]" for ch in text) else ""
    return ""


def _with_headers(start: Message, wanted: dict[str, str]) -> Message:
    """The response's start with each wanted header the route has not set itself."""
    present = {name.lower() for name, _ in start.get("headers") or ()}
    extra = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in wanted.items()
        if name.encode("latin-1") not in present
    ]
    start["headers"] = list(start.get("headers") or ()) + extra
    return start


def _is_page(start: Message) -> bool:
    """A page NiceGUI built from its template (it marks them), with no policy of the route's own."""
    headers = {name.lower(): value for name, value in start.get("headers") or ()}
    return headers.get(b"x-nicegui-content") == b"page" and b"content-security-policy" not in headers


def _nonced_page(messages: list[Message], host: str, https: bool) -> list[Message]:
    """A held page again, with a fresh nonce on its script tags and in its policy."""
    nonce = new_nonce()
    start, bodies = messages[0], messages[1:]
    body = with_nonce(b"".join(m.get("body", b"") for m in bodies), nonce)
    headers = [(k, v) for k, v in start.get("headers") or () if k.lower() != b"content-length"]
    start["headers"] = headers + [(b"content-length", str(len(body)).encode("latin-1"))]
    return [_with_headers(start, security_headers(host, https, nonce)),
            {"type": "http.response.body", "body": body, "more_body": False}]


class SecurityHeadersMiddleware:
    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        https = settings_of_scope(scope).base_url.startswith("https://")
        host = _host(scope)
        held: list[Message] = []  # a NiceGUI page, kept back until it is whole to be given its nonce

        async def send_with_headers(message: Message) -> None:
            if held or (message["type"] == "http.response.start" and _is_page(message)):
                held.append(message)
                if message["type"] == "http.response.body" and not message.get("more_body", False):
                    for part in _nonced_page(held, host, https):
                        await send(part)
                return
            if message["type"] == "http.response.start":
                message = _with_headers(message, security_headers(host, https))
            await send(message)

        refusal = upload_refusal(scope)
        if refusal is not None:
            status, words = refusal
            await send_with_headers({"type": "http.response.start", "status": status,
                                     "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send_with_headers({"type": "http.response.body", "body": words.encode()})
            return
        await self.inner(scope, receive, send_with_headers)


def register() -> None:
    if not any(m.cls is SecurityHeadersMiddleware for m in app.user_middleware):
        app.add_middleware(SecurityHeadersMiddleware)  # type: ignore[arg-type]
