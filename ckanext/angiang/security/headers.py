"""Security headers on every response, and the download route's own.

Every response gets a Content-Security-Policy (``script-src`` takes
``'self'`` and a per-request nonce, which the few inline scripts of CKAN's
resource views carry: ``h.angiang_csp_nonce()``), ``X-Frame-Options``
(with ``frame-ancestors`` in the policy), ``X-Content-Type-Options:
nosniff``, ``Referrer-Policy`` and, when configured (production, behind
TLS), ``Strict-Transport-Security``.

A file served by the portal (resource download) is content an editor chose,
on the portal's origin: it gets a sandboxing policy (no script runs, no
form posts, no same-origin access), ``nosniff``, and ``Content-Disposition:
attachment`` when a browser would run it (HTML, SVG, XML, JavaScript...),
whatever media type the resource claims.
"""

from __future__ import annotations

import secrets

import ckan.plugins.toolkit as tk
from flask import Response, g, request

from ckanext.angiang.metadata_views.licences import is_download

# Media types a browser renders as an active document (scripts, links,
# forms): served as attachments only.
_ACTIVE_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/xsl",
    "application/xslt+xml",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "text/ecmascript",
    "application/x-javascript",
    "application/x-shockwave-flash",
    "text/vnd.wap.wml",
    "multipart/x-mixed-replace",
    "application/pdf",
)


def csp_nonce() -> str:
    """This request's script nonce (one per request, made on first use)."""
    nonce = g.get("angiang_csp_nonce")
    if not nonce:
        nonce = g.angiang_csp_nonce = secrets.token_urlsafe(18)
    return nonce


def is_active_content(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media in _ACTIVE_TYPES or media.endswith("+xml") or not media


def _page_policy() -> str:
    policy = tk.config.get("ckanext.angiang.security.content_security_policy")
    return " ".join(policy.split()).replace("{nonce}", csp_nonce())


def add_security_headers(response: Response) -> Response:
    """``after_request`` hook of the Flask app."""
    headers = response.headers
    if is_download(request.endpoint):
        headers["Content-Security-Policy"] = " ".join(
            tk.config.get("ckanext.angiang.security.download_content_security_policy").split()
        )
        if response.status_code < 300 and is_active_content(response.content_type):
            disposition = headers.get("Content-Disposition", "")
            if not disposition.lower().startswith("attachment"):
                headers["Content-Disposition"] = "attachment" + (
                    disposition[len("inline") :] if disposition.lower().startswith("inline") else ""
                )
    else:
        headers.setdefault("Content-Security-Policy", _page_policy())
    headers.setdefault("X-Frame-Options", tk.config.get("ckanext.angiang.security.x_frame_options"))
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", tk.config.get("ckanext.angiang.security.referrer_policy"))
    max_age = tk.config.get("ckanext.angiang.security.hsts_max_age")
    if max_age:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    return response
