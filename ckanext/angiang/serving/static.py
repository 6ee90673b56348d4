"""Static files served in front of CKAN by WhiteNoise.

Decision: WhiteNoise inside the WSGI application, not CKAN's own views nor a
separate web server. ``make serve-prod`` has no nginx in front, and behind
nginx (``docker/``) the same responses are what nginx caches. CKAN serves a
static file through Flask: a full request (session, locale, plugins' hooks)
and ``Cache-Control: no-cache``. WhiteNoise answers from a table of the files
read once at start-up, before CKAN sees the request, hands the file to
gunicorn's ``sendfile`` (``wsgi.file_wrapper``), serves the ``.gz`` beside a
file when the client accepts it, and answers ``If-None-Match`` /
``If-Modified-Since`` with 304.

Cache headers: webassets bundles carry a hash of their content in their name
(``base/f1c08bee_main.css``, CKAN's ``%(version)s`` outputs), so they are
immutable (a year); every other public file keeps its name across releases
and is cached for :data:`MAX_AGE`.

The storage folder that CKAN adds to its static folders (``<storage>/storage``,
uploaded agency and group images) is left to CKAN: uploads may change under
the same name. Resource files are never static (they pass the download
view's access checks).
"""

from __future__ import annotations

import os
import re
from typing import Any

from whitenoise import WhiteNoise

#: Seconds a public file without a content hash in its name may be cached.
MAX_AGE = 24 * 3600
#: A webassets output: ``<8 hex digits of its content>_<name>``.
IMMUTABLE = re.compile(r"^/webassets/.+/[0-9a-f]{8}_[^/]+$")


def public_folders(config: Any) -> list[str]:
    """The folders CKAN serves static files from, first match first
    (``ckan/config/middleware/flask_app.py``), without the storage folder."""
    import ckan

    root = os.path.dirname(os.path.abspath(ckan.__file__))
    extra = [p for p in (config.get("extra_public_paths") or "").split(",") if p]
    return (
        extra
        + list(config.get("plugin_public_paths") or [])
        + [os.path.join(root, config.get("ckan.base_public_folder") or "public")]
    )


def security_headers(config: Any) -> dict[str, str]:
    """The headers the ``angiang_security`` plugin sets on CKAN's responses
    (:mod:`ckanext.angiang.security.headers`), for the files WhiteNoise
    answers before CKAN: the page policy without its per-request script
    nonce (a static file has no inline script of the portal's),
    ``X-Frame-Options``, ``Referrer-Policy``, ``Strict-Transport-Security``
    when configured, and always ``nosniff``. Read once at start-up."""
    headers = {"X-Content-Type-Options": "nosniff"}
    policy = config.get("ckanext.angiang.security.content_security_policy")
    if policy:
        headers["Content-Security-Policy"] = re.sub(
            r"\s*'nonce-\{nonce\}'", "", " ".join(policy.split())
        )
    for key, header in (
        ("x_frame_options", "X-Frame-Options"),
        ("referrer_policy", "Referrer-Policy"),
    ):
        value = config.get(f"ckanext.angiang.security.{key}")
        if value:
            headers[header] = value
    max_age = config.get("ckanext.angiang.security.hsts_max_age")
    if max_age and int(max_age):
        headers["Strict-Transport-Security"] = f"max-age={int(max_age)}; includeSubDomains"
    return headers


def wrap(app, config: Any):
    """``app`` behind WhiteNoise serving CKAN's public folders and the built
    webassets (``ckan asset build``; a bundle built later is served by
    CKAN)."""
    from ckan.lib.webassets_tools import get_webassets_path

    extra = security_headers(config)

    def add_headers(headers, path, url) -> None:
        for name, value in extra.items():
            headers[name] = value

    served = WhiteNoise(
        app,
        max_age=MAX_AGE,
        allow_all_origins=False,
        add_headers_function=add_headers,
        immutable_file_test=lambda path, url: bool(IMMUTABLE.match(url)),
    )
    # WhiteNoise: a later add_files wins; CKAN: the first folder wins
    for folder in reversed(public_folders(config)):
        if os.path.isdir(folder):
            served.add_files(folder, prefix="/")
    webassets = get_webassets_path()
    if os.path.isdir(webassets):
        url = (config.get("ckan.webassets.url") or "/webassets").rstrip("/")
        served.add_files(webassets, prefix=url + "/")
    return served
