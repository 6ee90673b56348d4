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
    return extra + list(config.get("plugin_public_paths") or []) + [
        os.path.join(root, config.get("ckan.base_public_folder") or "public")]


def _nosniff(headers, path, url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def wrap(app, config: Any):
    """``app`` behind WhiteNoise serving CKAN's public folders and the built
    webassets (``ckan asset build``; a bundle built later is served by
    CKAN)."""
    from ckan.lib.webassets_tools import get_webassets_path

    served = WhiteNoise(app, max_age=MAX_AGE, allow_all_origins=False,
                        add_headers_function=_nosniff,
                        immutable_file_test=lambda path, url: bool(IMMUTABLE.match(url)))
    # WhiteNoise: a later add_files wins; CKAN: the first folder wins
    for folder in reversed(public_folders(config)):
        if os.path.isdir(folder):
            served.add_files(folder, prefix="/")
    webassets = get_webassets_path()
    if os.path.isdir(webassets):
        url = (config.get("ckan.webassets.url") or "/webassets").rstrip("/")
        served.add_files(webassets, prefix=url + "/")
    return served
