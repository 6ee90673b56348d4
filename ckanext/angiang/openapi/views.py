"""``/api/openapi.json`` and the docs page ``/api/docs``."""

from __future__ import annotations

import hashlib
import json
import threading
from importlib import metadata

import ckan
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from ckanext.angiang.openapi import document

openapi = Blueprint("angiang_openapi", __name__)


def action_info(name: str) -> tuple[bool, str] | None:
    """(side-effect-free, module) of the registered action ``name``, or None."""
    try:
        function = tk.get_action(name)
    except KeyError:
        return None
    return bool(getattr(function, "side_effect_free", False)), getattr(function, "__module__", "")


def server_url() -> str:
    return tk.config.get("ckanext.angiang.api_docs.server_url") or tk.config.get("ckan.site_url")


def version() -> str:
    try:
        own = metadata.version("ckanext-angiang")
    except metadata.PackageNotFoundError:  # a checkout that is not installed
        own = "0"
    return f"{own} (CKAN {ckan.__version__})"


def current_document() -> dict:
    return document.build(
        tk.h.lang() or document.DEFAULT_LANGUAGE,
        server_url(),
        version(),
        action_info,
        p.plugin_loaded,
    )


#: Serialized documents by everything they are built from (see _inputs).
_serialized: dict[tuple, tuple[bytes, str]] = {}
_lock = threading.Lock()


def _inputs() -> tuple:
    """Everything the document is built from. None of it is in the database:
    the spec files, the language, the server URL and version, which actions
    are registered (and whether side-effect-free) and whether ``dcat`` is
    loaded are the code and config of this process, the same in every worker
    and fixed while it runs (a deploy restarts the workers). So a document
    cached under this key never goes stale, whatever another process writes,
    and a test that changes the plugins or the config gets a new key."""
    lang = tk.h.lang() or document.DEFAULT_LANGUAGE
    actions = tuple((name, action_info(name)) for name in document.specs_action_names())
    dcat = p.plugin_loaded(document.dcat_plugin())
    return (lang, server_url(), version(), actions, dcat)


def serialized_document() -> tuple[bytes, str]:
    """(the document as JSON bytes, its ETag), built once per input set: it
    was rebuilt and serialized on every request (about 25 ms)."""
    key = _inputs()
    found = _serialized.get(key)
    if found is None:
        body = json.dumps(current_document(), ensure_ascii=False, indent=1).encode("utf-8")
        found = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        with _lock:
            if len(_serialized) > 32:  # config changed many times (tests)
                _serialized.clear()
            _serialized[key] = found
    return found


@openapi.route("/api/openapi.json")
def openapi_json():
    body, etag = serialized_document()
    response = Response(body, mimetype="application/json")
    response.set_etag(etag.strip('"'))
    # a public description of a public API: any site's tools may read it
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)


@openapi.route("/api/docs")
def docs():
    return tk.render(
        "angiang_openapi/docs.html",
        {
            "openapi_url": tk.h.url_for("angiang_openapi.openapi_json"),
        },
    )


def get_blueprints():
    return [openapi]
