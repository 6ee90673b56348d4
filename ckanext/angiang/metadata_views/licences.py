"""Licence pages (``/licenses``, ``/licenses/<id>``), the register as JSON
for harvesting portals (``/licenses.json``), and the licence of
every download: ``Link: <licence-url>; rel="license"`` (RFC 8288) on the
responses of CKAN's resource download views (Art. 4.5)."""

from __future__ import annotations

import json

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from ckanext.angiang.metadata import licenses

licenses_bp = Blueprint("angiang_licenses", __name__)


@licenses_bp.route("/licenses")
def index():
    items = [lic.license_dictize() for lic in licenses.register().values()]
    return tk.render("angiang/licenses.html", {"licenses": items})


@licenses_bp.route("/licenses.json")
def index_json():
    """The register in CKAN's ``licenses_group_url`` format."""
    body = json.dumps(licenses.group_json(), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json")


@licenses_bp.route("/licenses/<license_id>")
def read(license_id: str):
    lic = licenses.get(license_id)
    if lic is None:
        return tk.abort(404, tk._("Licence not found"))
    return tk.render("angiang/license.html", {"license": lic.license_dictize()})


def get_blueprints():
    return [licenses_bp]


def is_download(endpoint: str | None) -> bool:
    return bool(endpoint) and (
        endpoint == "resource.download" or endpoint.endswith("_resource.download")
    )


def add_license_link(response: Response) -> Response:
    """``after_request`` hook: a download names its dataset's licence. A
    refused one (403, 404...) names nothing: the dataset may be private."""
    if response.status_code >= 400 or not is_download(request.endpoint) or not request.view_args:
        return response
    pkg = model.Package.get(request.view_args.get("id") or "")
    lic = pkg.get_license() if pkg is not None else None
    if lic is not None and getattr(lic, "url", None):
        response.headers.add("Link", f'<{lic.url}>; rel="license"')
    return response
