"""Template helpers of ``angiang_datastore``."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from markupsafe import Markup

from ckanext.angiang.datastore import status

__all__ = [
    "angiang_datastore_status",
    "angiang_resource_data_date",
    "angiang_text_preview_too_large",
    "angiang_datatables_csp",
]


def angiang_datastore_status(resource):
    """The resource's DataStore load as the resource page shows it."""
    return status.load_status(resource)


def angiang_resource_data_date(resource: dict[str, Any], package: dict[str, Any]) -> str:
    """The date of a resource's data: the dataset's modification date, else
    its issue date (the agency's dates, Art. 5.2a), else when the file was
    last replaced or created. A demo load or a harvest writes every file on
    the same day; the agency's dates say when the data changed."""
    for value in (package.get("modified"), package.get("issued")):
        if value:
            return tk.h.render_datetime(value) or str(value)
    value = resource.get("last_modified") or resource.get("created")
    return tk.h.render_datetime(value) if value else tk._("unknown")


def angiang_text_preview_too_large(resource: dict[str, Any]) -> bool:
    """A file the text preview (JSON, GeoJSON, text) would have the browser
    fetch whole: larger than ``ckanext.angiang.datastore.text_preview_max_mb``
    (its size known: uploads, harvested snapshots)."""
    try:
        size = int(resource.get("size") or 0)
    except (TypeError, ValueError):
        return False
    limit = tk.config.get("ckanext.angiang.datastore.text_preview_max_mb")
    return size > float(limit) * 1024 * 1024


def angiang_datatables_csp(html: str, nonce: str) -> Markup:
    """CKAN's DataTables preview page under the portal's CSP: its inline
    script with the request's nonce, its "Refit" button's inline onclick as
    a data attribute (bound by datatables-csp.js)."""
    text = str.replace(html, "<script type=text/javascript>", f'<script nonce="{nonce}">')
    text = str.replace(text, ' onclick="fitColText()"', ' data-angiang-refit="1"')
    return Markup(text)
