"""The DataStore load of a resource, as its page shows it (Art. 5.2b).

Everyone who can see the resource is told, in their language, whether its
preview table is being made or why it could not be (the file stays
downloadable); the technical log stays on xloader's own "DataStore" page of
the resource, for the agency's editors. Messages never echo what a database
or a remote server said.
"""

from __future__ import annotations

import json
import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.angiang.datastore import xloader_seams

_ = tk._

PENDING = ("pending", "submitting", "running", "running_but_viewable")
_CODE = re.compile(r"\[(encoding-unknown|binary)\]")


def _messages() -> dict[str, str]:
    return {
        "loading": _(
            "The data is being loaded into the preview table; "
            "the preview appears here when it is done."
        ),
        "encoding-unknown": _(
            "No preview table: the file's character encoding was not "
            "recognised (the portal reads UTF-8, UTF-16, Windows-1258 and "
            "TCVN3). Save the file as UTF-8 (in Excel: Save As, "
            '"CSV UTF-8") and upload it again.'
        ),
        "binary": _(
            "No preview table: the file is not a text table (CSV). "
            "Upload a CSV or XLSX file with one header row."
        ),
        "error": _(
            "No preview table: the file could not be read as a table (a CSV or "
            "XLSX file with one header row). The file can still be downloaded."
        ),
        "host": _(
            "No preview table: the file's address is not on a host the portal "
            "loads data from (ckanext.angiang.datastore.allowed_hosts)."
        ),
    }


def _error_text(error: Any) -> str:
    if isinstance(error, str):
        try:
            error = json.loads(error)
        except ValueError:
            return error
    if isinstance(error, dict):
        return str(error.get("message") or "")
    return "" if error is None else str(error)


def _task(resource_id: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("task_status_show")(
            {"ignore_auth": True},
            {"entity_id": resource_id, "task_type": "xloader", "key": "xloader"},
        )
    except tk.ObjectNotFound:
        return None


def load_status(resource: dict[str, Any]) -> dict[str, str] | None:
    """``{"state": ..., "message": ...}`` for the resource page, or None when
    there is nothing to say (loaded, or not a tabular file)."""
    from ckanext.xloader.utils import XLoaderFormats

    if not XLoaderFormats.is_it_an_xloader_format(resource.get("format")):
        return None
    task = _task(resource["id"])
    messages = _messages()
    loaded = tk.asbool(resource.get("datastore_active"))
    if task is None:
        if not loaded and not xloader_seams.url_allowed(resource.get("url", "")):
            return {"state": "refused", "message": messages["host"]}
        return None
    state = task.get("state")
    if state in PENDING:
        return None if loaded else {"state": "pending", "message": messages["loading"]}
    if state == "error":
        code = _CODE.search(_error_text(task.get("error")))
        return {"state": "error", "message": messages[code.group(1) if code else "error"]}
    return None
