"""Security headers on every HTTP response the app sends: pages, downloads, the API, redirects and errors.

A plain ASGI middleware (not BaseHTTPMiddleware, so file downloads stream and the websocket passes untouched)
that adds a header only where the route has not set its own (certificate downloads keep their `sandbox` CSP).

The Content-Security-Policy is what NiceGUI needs and no more: Vue compiles the page's templates in the browser
and NiceGUI turns some props into functions, so scripts need 'unsafe-eval'; the page's element tree and
Quasar's styles are inline, so scripts and styles need 'unsafe-inline'. Everything is served by the app itself
(NiceGUI ships its libraries), so nothing is allowed from another site; the socket connects to the same host.
Framing is refused (clickjacking), and HSTS is sent only when TRACKER_BASE_URL is https (behind TLS).

NiceGUI checks an upload's size only in the browser; here an upload must say its length (411 otherwise) and
be no bigger than UPLOAD_LIMIT (413), so no one can fill the disk by posting to an upload address directly.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from nicegui import app

from tracker.settings import current_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HSTS = "max-age=31536000; includeSubDomains"
UPLOAD_LIMIT = 21 * 1024 * 1024  # the largest file anyone may upload (an import, 20 MB) and the form around it
UPLOAD_PATH = re.compile(r"^/_nicegui/client/[^/]+/upload/[^/]+$")


def content_security_policy(host: str, https: bool) -> str:
    sockets = f"wss://{host}" if https else f"ws://{host} wss://{host}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {sockets}" if host else "connect-src 'self'",
            "worker-src 'self' blob:",
            "media-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(host: str, https: bool) -> dict[str, str]:
    """The headers every response carries (names in lower case, as ASGI sends them)."""
    headers = {
        "content-security-policy": content_security_policy(host, https),
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


class SecurityHeadersMiddleware:
    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        https = current_settings().base_url.startswith("https://")
        wanted = security_headers(_host(scope), https)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers") or ()}
                extra = [
                    (name.encode("latin-1"), value.encode("latin-1"))
                    for name, value in wanted.items()
                    if name.encode("latin-1") not in present
                ]
                message["headers"] = list(message.get("headers") or ()) + extra
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
