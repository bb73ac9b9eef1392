"""The Content-Security-Policy: as strict as NiceGUI 3 allows, and the per-response nonce of its pages.

What NiceGUI needs, found by running every page in Chromium under the policy (docs/security.md says why):
- its page carries inline scripts (the import map, the element tree, start-up): each gets a fresh nonce, so no
  other inline script and no inline event handler (`onerror=`, `onclick=`) or `javascript:` address ever runs;
- 'unsafe-eval': Vue compiles NiceGUI's component templates in the browser, NiceGUI evaluates props whose name
  starts with ':' and the code it sends with run_javascript. This is why data must never become a prop name or
  a template: the policy cannot stop that, only ui/attrs.py and the rule that `.props()` takes literals can;
- 'unsafe-inline' styles: Vue and Quasar set style attributes and add <style> elements as they draw;
- images from data: and blob: addresses (Quasar's icons and the uploader's previews), the socket on the same
  host. Everything else is served by the app itself, or refused (default-src 'none').
"""

from __future__ import annotations

import re
import secrets

# every <script tag NiceGUI's page template writes (data never reaches the page as markup: NiceGUI writes the
# element tree with < > & escaped, and the title through Jinja's escaping)
SCRIPT_TAG = re.compile(rb"<script(?=[\s>])")


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def content_security_policy(host: str, https: bool, nonce: str | None = None) -> str:
    sockets = f"wss://{host}" if https else f"ws://{host} wss://{host}"
    scripts = f"script-src 'self' 'nonce-{nonce}' 'unsafe-eval'" if nonce else "script-src 'self' 'unsafe-eval'"
    parts = [
        "default-src 'none'",
        scripts,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        f"connect-src 'self' {sockets}" if host else "connect-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if https:
        parts.append("upgrade-insecure-requests")
    return "; ".join(parts)


def with_nonce(page: bytes, nonce: str) -> bytes:
    """The page with the nonce on each of its script tags."""
    return SCRIPT_TAG.sub(b'<script nonce="' + nonce.encode("ascii") + b'"', page)
