"""What the parts of the portal's DCAT profile share: namespaces, the
metadata model's field lists, value helpers and the mixin base.

Every part of :class:`~ckanext.angiang.dcat.profiles.AngiangDCATAPProfile`
(``agents``, ``licences``, ``distributions``, ``catalogue_graph``,
``location``, ``references``, ``compat``) is a mixin on top of ckanext-dcat's
``euro_dcat_ap_3`` profile, as ckanext-dcat layers its own (Art. 7.7).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from ckanext.angiang.dcat import vocabularies as voc

if TYPE_CHECKING:  # the mixins run on ckanext-dcat's profile (self.g, _object_value...)
    from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile as _Profile
else:
    _Profile = object

DQV = Namespace("http://www.w3.org/ns/dqv#")
OA = Namespace("http://www.w3.org/ns/oa#")

DEFAULT_TEXT_LANGUAGE = "vi"
NAME_RE = re.compile(r"/dataset/([a-z0-9_-]{2,100})/?$")

# Keys of the parsed dict that carry the metadata model; anything else that
# ckanext-dcat's parsers leave at the top level is dropped.
DATASET_FIELDS = (
    "name",
    "title",
    "notes",
    "identifier",
    "owner_org",
    "issued",
    "modified",
    "spatial_code",
    "spatial",
    "temporal_start",
    "temporal_end",
    "theme",
    "tags",
    "frequency",
    "quality_statement",
    "conforms_to",
    "contact_name",
    "contact_email",
    "contact_phone",
    "language",
    "license_id",
    "catalogue_code",
    "no_state_secret",
)
RESOURCE_FIELDS = (
    "name",
    "description",
    "url",
    "resource_kind",
    "openapi_url",
    "format",
    "mimetype",
    "size",
    "hash",
    "language",
    "uri",
)
# Extras that ckanext-dcat's parsers add and that this profile maps to fields
# (or that only restate what the catalogue derives).
NOISE_EXTRAS = {
    "homepage",
    "spatial_uri",
    "spatial_text",
    "spatial_bbox",
    "spatial_centroid",
    "access_rights",
    "alternate_identifier",
    "contact_uri",
    "contact_name",
    "contact_email",
    "contact_identifier",
    "contact_url",
}
NOISE_EXTRA_PREFIXES = ("publisher_", "creator_")
# Multi-valued fields when no scheming schema is loaded (metadata model).
MULTIPLE_FIELDS = {"theme", "language"}


def text_language(dataset_dict: dict) -> str:
    """Language tag for the dataset's free text: Vietnamese unless the
    dataset declares languages without Vietnamese, then its first one."""
    languages = [
        voc.language_code(v) if str(v).startswith("http") else str(v)
        for v in as_list(dataset_dict.get("language"))
    ]
    codes = [v for v in languages if v and re.fullmatch(r"[a-z]{2,3}", v)]
    if codes and DEFAULT_TEXT_LANGUAGE not in codes:
        return codes[0]
    return DEFAULT_TEXT_LANGUAGE


def as_list(value: Any) -> list:
    if value in (None, "", [], {}):
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v not in (None, "")]
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                loaded = json.loads(stripped)
                return [v for v in loaded if v not in (None, "")]
            except ValueError:
                pass
        return [stripped] if stripped else []
    return [value]


def mailto(email: str) -> URIRef:
    email = email.strip()
    return URIRef(email if email.startswith("mailto:") else f"mailto:{email}")


def tel_uri(phone: str) -> URIRef | None:
    """RFC 3966 global number: Vietnamese numbers get the +84 prefix."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    if not digits:
        return None
    if digits.startswith("+"):
        number = digits
    elif digits.startswith("84") and len(digits) > 10:
        number = "+" + digits
    elif digits.startswith("0"):
        number = "+84" + digits[1:]
    else:
        number = "+84" + digits
    return URIRef("tel:" + number)


class ProfileMixin(_Profile):
    """Base of the profile's parts: what more than one of them writes."""

    def _add_concept(self, uri: URIRef, labels: dict[str, str], scheme: str | None = None):
        g = self.g
        g.add((uri, RDF.type, SKOS.Concept))
        for label_lang, label in labels.items():
            g.add((uri, SKOS.prefLabel, Literal(label, lang=label_lang)))
        if scheme:
            g.add((uri, SKOS.inScheme, URIRef(scheme)))
