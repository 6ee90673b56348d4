"""The pysaml2 service provider built from CKAN's config.

A :class:`saml2.client.Saml2Client` is kept per process for a given metadata
document and config; a new document (the file changed, Redis holds a fresher
copy) builds a new one. No state lives in it between requests: outstanding
requests go in the user's session, consumed assertions in the database.
"""

from __future__ import annotations

import hashlib
import os
import threading

import ckan.plugins.toolkit as tk
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from ckanext.angiang.sso import metadata

_cache: dict[str, Saml2Client] = {}
_lock = threading.Lock()


def entity_id() -> str:
    return (
        tk.config.get("ckanext.saml2auth.entity_id")
        or tk.config.get("ckan.site_url").rstrip("/") + "/saml2/metadata"
    )


def _url(path: str) -> str:
    return tk.config.get("ckan.site_url").rstrip("/") + path


def acs_url() -> str:
    return _url(tk.config.get("ckanext.saml2auth.acs_endpoint"))


def slo_url() -> str:
    return _url("/slo")


def sp_settings(metadata_xml: str | None) -> dict:
    """The pysaml2 SP configuration (``metadata_xml`` None: without IdP, for
    the portal's own metadata)."""
    opt = tk.config.get
    key, cert = opt("ckanext.saml2auth.key_file_path"), opt("ckanext.saml2auth.cert_file_path")
    settings = {
        "entityid": entity_id(),
        "key_file": key,
        "cert_file": cert,
        "encryption_keypair": [{"key_file": key, "cert_file": cert}],
        "accepted_time_diff": opt("ckanext.angiang.sso.accepted_time_diff"),
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Cổng dữ liệu mở tỉnh An Giang",
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)],
                    "single_logout_service": [(slo_url(), BINDING_HTTP_REDIRECT)],
                },
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_response_signed": opt("ckanext.saml2auth.want_response_signed"),
                "want_assertions_signed": opt("ckanext.saml2auth.want_assertions_signed"),
                "want_assertions_or_response_signed": opt(
                    "ckanext.saml2auth.want_assertions_or_response_signed"
                ),
                "name_id_format": opt("ckanext.saml2auth.sp.name_id_format"),
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
            }
        },
        "delete_tmpfiles": True,
    }
    if metadata_xml is not None:
        settings["metadata"] = {"inline": [metadata_xml]}
    return settings


def require_keys() -> None:
    """SSO needs the portal's key pair; without it SSO is unavailable (503),
    never a 500."""
    for option in ("ckanext.saml2auth.key_file_path", "ckanext.saml2auth.cert_file_path"):
        path = tk.config.get(option)
        if not path or not os.path.isfile(path):
            raise metadata.MetadataUnavailable(f"{option} does not name a readable file")


def get_client() -> Saml2Client:
    """The service provider for the IdP metadata in force now."""
    require_keys()
    xml = metadata.load()
    settings = sp_settings(xml)
    fingerprint = hashlib.sha256(
        repr(sorted((k, repr(v)) for k, v in settings.items())).encode()
    ).hexdigest()
    with _lock:
        client = _cache.get(fingerprint)
        if client is None:
            config = SPConfig()
            config.load(settings)
            client = Saml2Client(config=config)
            _cache.clear()
            _cache[fingerprint] = client
    return client


def idp_entity_id(client: Saml2Client) -> str:
    """The IdP people are sent to (configured, else the metadata's first)."""
    wanted = tk.config.get("ckanext.angiang.sso.idp_entity_id")
    known = list(client.metadata.identity_providers())
    if wanted:
        if wanted not in known:
            raise metadata.MetadataUnavailable(f"{wanted} is not in the IdP metadata")
        return wanted
    if not known:
        raise metadata.MetadataUnavailable("no IdP in the metadata")
    return known[0]


def sp_metadata_xml() -> str:
    """The portal's own SAML2 metadata, signed with its key."""
    from saml2.metadata import create_metadata_string

    require_keys()
    config = SPConfig()
    config.load(sp_settings(None))
    xml = create_metadata_string(None, config=config, valid=None, sign=True)
    return xml.decode("utf-8") if isinstance(xml, bytes) else xml
