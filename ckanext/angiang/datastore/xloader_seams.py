"""Where the portal plugs into ckanext-xloader (2.5).

xloader offers one interface, ``IXloader`` (``can_upload``, ``after_upload``),
and no hook between downloading a file and reading it. The portal needs three
more things, installed once per process by :func:`install` (from the plugin's
``configure``, so web processes and ``ckan jobs worker`` alike):

- ``loader.detect_encoding`` is wrapped: the downloaded copy is made UTF-8
  first (:func:`ckanext.angiang.datastore.encoding.normalise`), or the load is
  refused with a message the resource page translates (:mod:`.status`);
- ``utils.get_xloader_user_apitoken`` returns the portal's own token when the
  option is not set (:mod:`.token`);

and, through actions, ``IConfigurer`` and ``IXloader``:

- :func:`jobs_db_in_portal_db`: xloader's job tables in the portal database;

- :func:`can_upload`: a file given by URL (harvested resources too) is fetched
  only from the hosts of ``ckanext.angiang.datastore.allowed_hosts`` and the
  portal itself (uploads are served by the portal);
- :func:`drop_xloader_md5`: xloader patches the resource's ``hash`` with the
  MD5 of what it loaded; the portal's ``hash`` is the file's SHA-256 (Art. 9.2),
  so that MD5 is dropped from the patch.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

from ckanext.angiang.datastore import encoding, token

log = logging.getLogger(__name__)

_MD5 = re.compile(r"^[0-9a-f]{32}$")
_SEAM = "_angiang_seam"


def _wrap_detect_encoding(original):
    from ckanext.xloader.job_exceptions import LoaderError

    @functools.wraps(original)
    def detect_encoding(file_path):
        try:
            detected = encoding.normalise(file_path)
        except encoding.EncodingRefused as error:
            raise LoaderError(str(error)) from error
        if detected is None:  # XLSX/XLS: read by the loader itself
            return original(file_path)
        log.info("DataStore load: %s read as %s, loaded as UTF-8", file_path, detected.label)
        return {"encoding": "utf-8", "confidence": 1.0, "language": ""}

    setattr(detect_encoding, _SEAM, True)
    return detect_encoding


def install() -> None:
    """Install the seams into xloader's modules (idempotent)."""
    from ckanext.xloader import loader, utils

    if not getattr(loader.detect_encoding, _SEAM, False):
        loader.detect_encoding = _wrap_detect_encoding(loader.detect_encoding)
    if not getattr(utils.get_xloader_user_apitoken, _SEAM, False):
        setattr(token.xloader_api_token, _SEAM, True)
        utils.get_xloader_user_apitoken = token.xloader_api_token
        command = sys.modules.get("ckanext.xloader.command")
        if command is not None:
            command.get_xloader_user_apitoken = token.xloader_api_token


def jobs_db_in_portal_db(config) -> None:
    """xloader's job log tables default to an SQLite file in /tmp, shared by
    every portal of the machine and lost with it: unless
    ``ckanext.xloader.jobs_db.uri`` is set, they live in the portal database."""
    key = "ckanext.xloader.jobs_db.uri"
    if str(config.get(key) or "").startswith("sqlite:"):
        config[key] = config.get("sqlalchemy.url")


def allowed_hosts() -> set[str]:
    hosts = {h.lower() for h in tk.config.get("ckanext.angiang.datastore.allowed_hosts") or []}
    for option in ("ckan.site_url", "ckanext.xloader.site_url"):
        netloc = urlsplit(tk.config.get(option) or "").hostname
        if netloc:
            hosts.add(netloc.lower())
    return hosts


def url_allowed(url: str) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in allowed_hosts()


def can_upload(resource_id: str) -> bool:
    """IXloader: load a resource only if its file comes from an allowed host."""
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    if url_allowed(resource.get("url", "")):
        return True
    log.warning(
        "DataStore: not loading resource %s: host of %r not in "
        "ckanext.angiang.datastore.allowed_hosts",
        resource_id,
        resource.get("url"),
    )
    return False


def drop_xloader_md5(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """The patch xloader sends after a load, without its MD5 ``hash``."""
    value = data_dict.get("hash")
    if set(data_dict) == {"id", "hash"} and isinstance(value, str) and _MD5.match(value):
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        if context.get("user") == site_user["name"]:
            return {"id": data_dict["id"]}
    return data_dict
