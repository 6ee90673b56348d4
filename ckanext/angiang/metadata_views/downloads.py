"""A resource whose stored file is missing (a lost disk, a restore without
the storage folder; the integrity job lists these, Art. 11.1b) answers its
download with 404 "No download is available", not CKAN's 500 from
``send_file``."""

from __future__ import annotations

import functools
import logging

import ckan.plugins.toolkit as tk

from ckanext.angiang.metadata_views.licences import is_download

log = logging.getLogger(__name__)


def _missing_is_404(view):
    @functools.wraps(view)
    def download(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except FileNotFoundError:
            log.error("resource %s: its stored file is missing", kwargs.get("resource_id"))
            return tk.abort(404, tk._("No download is available"))

    return download


def guard_missing_files(app) -> None:
    """Wrap the download views of every dataset type (the blueprints are
    registered before IMiddleware runs)."""
    for endpoint, view in list(app.view_functions.items()):
        if is_download(endpoint):
            app.view_functions[endpoint] = _missing_is_404(view)
