"""``/api/openapi.json`` and the docs page ``/api/docs``."""
from __future__ import annotations

import json
from importlib import metadata
from typing import Optional

from flask import Blueprint, Response

import ckan
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.openapi import document

openapi = Blueprint("angiang_openapi", __name__)


def action_info(name: str) -> Optional[tuple[bool, str]]:
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
    return document.build(tk.h.lang() or document.DEFAULT_LANGUAGE, server_url(), version(),
                          action_info, p.plugin_loaded)


@openapi.route("/api/openapi.json")
def openapi_json():
    body = json.dumps(current_document(), ensure_ascii=False, indent=1)
    response = Response(body, mimetype="application/json")
    # a public description of a public API: any site's tools may read it
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@openapi.route("/api/docs")
def docs():
    return tk.render("angiang_openapi/docs.html", {
        "openapi_url": tk.h.url_for("angiang_openapi.openapi_json"),
    })


def get_blueprints():
    return [openapi]
