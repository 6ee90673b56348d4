"""The identity provider's metadata, from a file or a URL.

A remote document is cached in Redis, so every web process uses the same copy
and only one of them fetches it again after ``ckanext.angiang.sso.metadata_refresh``
seconds. When the IdP cannot be reached (or sends something that is not SAML
metadata) the last good copy stays in use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time

import ckan.plugins.toolkit as tk
import requests
from ckan.lib.redis import connect_to_redis
from defusedxml import ElementTree as SafeET

log = logging.getLogger(__name__)

MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
MAX_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 10


class MetadataUnavailable(Exception):
    """No IdP metadata could be read (misconfiguration, IdP down at first use)."""


def idp_entity_ids(xml: str) -> list[str]:
    """The entity IDs of the IdPs a metadata document describes (raises on
    anything that is not well-formed, DTD-free XML)."""
    root = SafeET.fromstring(xml, forbid_dtd=True)
    found = []
    for entity in root.iter(f"{{{MD_NS}}}EntityDescriptor"):
        if entity.find(f"{{{MD_NS}}}IDPSSODescriptor") is not None:
            found.append(entity.get("entityID"))
    return found


def load() -> str:
    """The IdP metadata XML the service provider trusts now."""
    if tk.config.get("ckanext.saml2auth.idp_metadata.location") == "remote":
        return _remote(tk.config.get("ckanext.saml2auth.idp_metadata.remote_url"))
    path = tk.config.get("ckanext.saml2auth.idp_metadata.local_path")
    if not path:
        raise MetadataUnavailable("ckanext.saml2auth.idp_metadata.local_path is not set")
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise MetadataUnavailable(str(e)) from e


def _key(url: str) -> str:
    return "angiang:sso:idp_metadata:" + hashlib.sha256(url.encode()).hexdigest()[:16]


def _remote(url: str) -> str:
    if not url:
        raise MetadataUnavailable("ckanext.saml2auth.idp_metadata.remote_url is not set")
    redis = connect_to_redis()
    key = _key(url)
    cached = redis.get(key)
    cached = json.loads(cached) if cached else None
    refresh = tk.config.get("ckanext.angiang.sso.metadata_refresh")
    if cached and time.time() - cached["fetched"] < refresh:
        return cached["xml"]
    # one process refreshes; the others keep using the cached copy meanwhile
    if cached and not redis.set(key + ":lock", "1", nx=True, ex=FETCH_TIMEOUT * 2):
        return cached["xml"]
    try:
        xml = fetch(url)
    except (requests.RequestException, ValueError, SafeET.ParseError) as e:
        if cached:
            log.warning("IdP metadata %s not refreshed (%s): the cached copy stays", url, e)
            return cached["xml"]
        raise MetadataUnavailable(f"{url}: {e}") from e
    finally:
        redis.delete(key + ":lock")
    redis.set(key, json.dumps({"xml": xml, "fetched": time.time()}))
    return xml


def fetch(url: str) -> str:
    """GET the metadata at ``url``; raise ValueError unless it names an IdP."""
    with requests.get(url, timeout=FETCH_TIMEOUT, stream=True) as resp:
        resp.raise_for_status()
        body = resp.raw.read(MAX_BYTES + 1, decode_content=True)
    if len(body) > MAX_BYTES:
        raise ValueError(f"metadata larger than {MAX_BYTES} bytes")
    xml = body.decode("utf-8")
    if not idp_entity_ids(xml):
        raise ValueError("no IDPSSODescriptor in the metadata")
    return xml
