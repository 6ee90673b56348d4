"""The portal's DCAT-AP 3 profile (``angiang_dcat_ap``), on top of ckanext-dcat's.

Art. 7.7: the national data portal harvests the province's catalogue, so every
field of the metadata model (docs/metadata-model.md, Art. 5.2a) is written to
DCAT-AP 3.0.1 and read back from it without loss.

What this profile changes from ckanext-dcat's ``euro_dcat_ap_3``:

- Codes become EU vocabulary URIs (theme, frequency, language, file type,
  access right) with the classes and labels the DCAT-AP SHACL shapes require;
  the media type becomes an IANA URI.
- The publisher is the agency (organization) as a ``foaf:Organization`` with
  its name, agency code, e-mail, phone and ADMS publisher type; the contact
  point is a vCard ``<dataset#contact-point>`` built from the dataset's contact
  (by default the agency's focal point, Art. 6.2).
- Every distribution carries the dataset licence (Art. 4.5) as a typed
  ``dct:LicenseDocument``, a rights statement, its availability, and a SHA-256
  ``spdx:checksum`` (Art. 9.2).
- API resources (Art. 5.2b, 8.3) are distributions served by a
  ``dcat:DataService`` with ``dcat:endpointURL`` and the OpenAPI document as
  ``dcat:endpointDescription``.
- Spatial coverage is the administrative unit (URI, code, name) with its
  extent as ``dcat:bbox`` and ``dcat:centroid`` literals (``location.py``).
- The catalogue code and standards known by name are stable URIs
  (``references.py``); the period of time also carries ``schema:`` dates
  (``compat.py``): ckanext-dcat's stock parsers read all of it (Art. 7.7;
  ``tests/dcat/test_dcat_federation.py``).
- The catalogue has bilingual title and description, the provincial People's
  Committee as publisher, language, spatial coverage, theme taxonomy, licence,
  issue and modification dates.

Parsing does the reverse and returns a dict in the portal's field names, so a
CKAN that harvests our catalogue with this profile gets the same dataset.
"""
from __future__ import annotations

import json
import logging
import re
import weakref
from typing import Any, Iterable, Optional

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.dcat.profiles.base import (
    ADMS,
    DCAT,
    DCATAP,
    DCT,
    FOAF,
    GSP,
    SPDX,
    VCARD,
    CleanedURIRef,
    namespaces,
)
from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile
from ckanext.dcat.utils import catalog_uri, publisher_uri_organization_fallback, resource_uri

from ckanext.angiang.dcat import geo
from ckanext.angiang.dcat.compat import StockCompatibilityMixin
from ckanext.angiang.dcat import location as location_rdf
from ckanext.angiang.dcat.location import LocationMixin
from ckanext.angiang.dcat.references import ANGIANG, CATALOGUE_CODE, ReferencesMixin  # noqa: F401
from ckanext.angiang.dcat import vocabularies as voc

log = logging.getLogger(__name__)

DQV = Namespace("http://www.w3.org/ns/dqv#")
OA = Namespace("http://www.w3.org/ns/oa#")

DEFAULT_TEXT_LANGUAGE = "vi"
NAME_RE = re.compile(r"/dataset/([a-z0-9_-]{2,100})/?$")

# Keys of the parsed dict that carry the metadata model; anything else that
# ckanext-dcat's parsers leave at the top level is dropped.
DATASET_FIELDS = (
    "name", "title", "notes", "identifier", "owner_org", "issued", "modified",
    "spatial_code", "spatial", "temporal_start", "temporal_end", "theme", "tags",
    "frequency", "quality_statement", "conforms_to", "contact_name", "contact_email",
    "contact_phone", "language", "license_id", "catalogue_code", "no_state_secret",
)
RESOURCE_FIELDS = (
    "name", "description", "url", "resource_kind", "openapi_url", "format", "mimetype",
    "size", "hash", "language", "uri",
)
# Extras that ckanext-dcat's parsers add and that this profile maps to fields
# (or that only restate what the catalogue derives).
NOISE_EXTRAS = {
    "homepage", "spatial_uri", "spatial_text", "spatial_bbox", "spatial_centroid",
    "access_rights", "alternate_identifier", "contact_uri", "contact_name",
    "contact_email", "contact_identifier", "contact_url",
}
NOISE_EXTRA_PREFIXES = ("publisher_", "creator_")
# Multi-valued fields when no scheming schema is loaded (metadata model).
MULTIPLE_FIELDS = {"theme", "language"}


def text_language(dataset_dict: dict) -> str:
    """Language tag for the dataset's free text: Vietnamese unless the
    dataset declares languages without Vietnamese, then its first one."""
    languages = [voc.language_code(v) if str(v).startswith("http") else str(v)
                 for v in _as_list(dataset_dict.get("language"))]
    languages = [v for v in languages if v and re.fullmatch(r"[a-z]{2,3}", v)]
    if languages and DEFAULT_TEXT_LANGUAGE not in languages:
        return languages[0]
    return DEFAULT_TEXT_LANGUAGE


def _as_list(value: Any) -> list:
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


def _mailto(email: str) -> URIRef:
    email = email.strip()
    return URIRef(email if email.startswith("mailto:") else f"mailto:{email}")


def _tel_uri(phone: str) -> Optional[URIRef]:
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


# Agencies already read for a graph: a catalogue page serializes up to a
# hundred datasets of a few agencies with one graph (weakly keyed, so the
# entries go with the graph at the end of the request).
_AGENCIES: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def _organization(owner_org: str, graph=None) -> Optional[dict]:
    """``{"id", "name", "title", "extras"}`` of an active organization."""
    if not owner_org:
        return None
    cache = _AGENCIES.setdefault(graph, {}) if graph is not None else {}
    if owner_org not in cache:
        group = model.Group.get(owner_org)
        if group is None or not group.is_organization or group.state != "active":
            cache[owner_org] = None
        else:
            cache[owner_org] = {"id": group.id, "name": group.name, "title": group.title,
                                "extras": dict(group.extras or {})}
    return cache[owner_org]


class AngiangDCATAPProfile(LocationMixin, ReferencesMixin, StockCompatibilityMixin,
                            EuropeanDCATAP3Profile):
    """DCAT-AP 3.0.1 for the An Giang open data portal (Art. 7.7)."""

    # ------------------------------------------------------------------
    # CKAN -> RDF
    # ------------------------------------------------------------------
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        dataset_dict = self._flattened(dataset_dict)
        lang = text_language(dataset_dict)
        super().graph_from_dataset(self._for_base_profile(dataset_dict, lang), dataset_ref)
        self._bind_namespaces()
        self._add_schema_org_period(dataset_ref)

        g = self.g
        # ckanext-dcat types every licence "UnknownIPR" (a TODO upstream); the
        # licence types are set properly below.
        for licence in set(g.objects(None, DCT.license)):
            g.remove((licence, DCT.type, URIRef(voc.ADMS_LICENCE_TYPE + "UnknownIPR")))

        # dct:identifier is a literal in DCAT-AP, even when it looks like a URL
        # (ckanext-dcat makes those URIRefs).
        for value in list(g.objects(dataset_ref, DCT.identifier)):
            if isinstance(value, URIRef):
                g.remove((dataset_ref, DCT.identifier, value))
                g.add((dataset_ref, DCT.identifier, Literal(str(value))))

        landing_page = self._landing_page(dataset_dict)
        if landing_page:
            g.add((dataset_ref, DCAT.landingPage, landing_page))
            g.add((landing_page, RDF.type, FOAF.Document))

        for code in _as_list(dataset_dict.get("theme")):
            self._add_theme(dataset_ref, code)

        if not dataset_dict.get("private"):
            rights = URIRef(voc.ACCESS_RIGHT_PUBLIC)
            g.add((dataset_ref, DCT.accessRights, rights))
            g.add((rights, RDF.type, DCT.RightsStatement))
            for label_lang, label in voc.ACCESS_RIGHT_LABELS.items():
                g.add((rights, RDFS.label, Literal(label, lang=label_lang)))

        for standard in _as_list(dataset_dict.get("conforms_to")):
            self._add_standard(dataset_ref, str(standard), lang)

        catalogue_code = dataset_dict.get("catalogue_code")
        if catalogue_code:
            self._add_catalogue_code(dataset_ref, str(catalogue_code).strip())

        quality = dataset_dict.get("quality_statement")
        if quality:
            annotation, body = BNode(), BNode()
            g.add((dataset_ref, DQV.hasQualityAnnotation, annotation))
            g.add((annotation, RDF.type, DQV.QualityAnnotation))
            g.add((annotation, OA.motivatedBy, DQV.qualityAssessment))
            g.add((annotation, OA.hasBody, body))
            g.add((body, RDF.type, OA.TextualBody))
            g.add((body, RDF.value, Literal(quality, lang=lang)))

        publisher = self._add_publisher(dataset_ref, dataset_dict)
        contact = self._add_contact(dataset_ref, dataset_dict, publisher)
        self._add_spatial(dataset_ref, dataset_dict)

        licence = self._licence_node(dataset_dict)
        for resource_dict in dataset_dict.get("resources", []):
            self._add_distribution_details(
                dataset_ref, dataset_dict, resource_dict, licence, publisher, contact, lang)

    def _flattened(self, dataset_dict: dict) -> dict:
        """The dataset with its fields at the top: datasets of other portals
        (harvested, or serialized by a harvest peer) keep some in ``extras``,
        possibly ``dcat_``-prefixed, the way ckanext-dcat stores them."""
        flat = dict(dataset_dict)
        for key in DATASET_FIELDS + ("spatial_uri", "spatial_text"):
            if flat.get(key) in (None, "", []):
                value = self._get_dataset_value(dataset_dict, key)
                if value not in (None, "", []):
                    flat[key] = value
        return flat

    def _bind_namespaces(self):
        for prefix, namespace in (("dqv", DQV), ("oa", OA), ("gsp", GSP), ("angiang", ANGIANG)):
            self.g.bind(prefix, namespace)

    def _for_base_profile(self, dataset_dict: dict, lang: str) -> dict:
        """The subset of the dataset that ckanext-dcat's profile serializes the
        way DCAT-AP wants (title, description, keywords, identifier, dates,
        temporal coverage, frequency, language, basic distribution fields).
        Everything else is written by this profile."""
        prepared: dict[str, Any] = {
            key: dataset_dict[key]
            for key in ("id", "name", "type", "identifier", "issued", "modified",
                        "metadata_created", "metadata_modified", "temporal_start",
                        "temporal_end")
            if dataset_dict.get(key)
        }
        prepared["extras"] = []
        if dataset_dict.get("title"):
            prepared["title_translated"] = {lang: dataset_dict["title"]}
        prepared["notes_translated"] = {lang: dataset_dict.get("notes") or dataset_dict.get("title") or ""}
        tags = [t["name"] if isinstance(t, dict) else str(t) for t in dataset_dict.get("tags") or []]
        if tags:
            prepared["tags_translated"] = {lang: tags}
        frequency = dataset_dict.get("frequency")
        if frequency:
            prepared["frequency"] = (frequency if str(frequency).startswith("http")
                                     else voc.frequency_uri(frequency))
        languages = [code if str(code).startswith("http") else voc.language_uri(code)
                     for code in _as_list(dataset_dict.get("language"))]
        if any(languages):
            prepared["language"] = [uri for uri in languages if uri]

        resources = []
        for resource_dict in dataset_dict.get("resources", []):
            res = {key: resource_dict[key]
                   for key in ("id", "package_id", "uri", "size", "hash", "created",
                               "metadata_modified")
                   if resource_dict.get(key)}
            res.setdefault("package_id", dataset_dict.get("id"))
            if resource_dict.get("name"):
                res["name_translated"] = {lang: resource_dict["name"]}
            if resource_dict.get("description"):
                res["description_translated"] = {lang: resource_dict["description"]}
            if res.get("hash"):
                res["hash_algorithm"] = voc.SPDX_SHA256
            res_languages = [voc.language_uri(c) for c in _as_list(resource_dict.get("language"))]
            if any(res_languages):
                res["language"] = [uri for uri in res_languages if uri]
            resources.append(res)
        prepared["resources"] = resources
        return prepared

    def _landing_page(self, dataset_dict: dict) -> Optional[URIRef]:
        name = dataset_dict.get("name")
        if not name:
            return None
        return CleanedURIRef("{0}/dataset/{1}".format(catalog_uri().rstrip("/"), name))

    def _add_concept(self, uri: URIRef, labels: dict[str, str], scheme: Optional[str] = None):
        g = self.g
        g.add((uri, RDF.type, SKOS.Concept))
        for label_lang, label in labels.items():
            g.add((uri, SKOS.prefLabel, Literal(label, lang=label_lang)))
        if scheme:
            g.add((uri, SKOS.inScheme, URIRef(scheme)))

    def _add_theme(self, subject, code: str):
        code = str(code)
        if code.startswith("http"):
            uri, code = URIRef(code), voc.theme_code(code)
        else:
            uri = URIRef(voc.theme_uri(code))
        self.g.add((subject, DCAT.theme, uri))
        labels = voc.labels("theme", code or "") or {"en": str(uri).rsplit("/", 1)[-1]}
        self._add_concept(uri, labels, voc.DATA_THEME if str(uri).startswith(voc.DATA_THEME) else None)

    def _add_publisher(self, dataset_ref, dataset_dict: dict):
        """The agency as ``foaf:Organization`` (name, code, e-mail, phone, type)."""
        g = self.g
        org = _organization(dataset_dict.get("owner_org") or
                            (dataset_dict.get("organization") or {}).get("id"), g)
        if org is None:
            return None
        ref = CleanedURIRef(publisher_uri_organization_fallback(
            {"organization": {"id": org["id"]}}))
        g.add((dataset_ref, DCT.publisher, ref))
        if (ref, RDF.type, FOAF.Organization) in g:
            return ref  # already described in this graph (catalogue page)
        extras = org["extras"]
        g.add((ref, RDF.type, FOAF.Organization))
        g.add((ref, RDF.type, FOAF.Agent))
        g.add((ref, FOAF.name, Literal(org["title"] or org["name"], lang="vi")))
        if extras.get("short_name"):
            g.add((ref, SKOS.altLabel, Literal(extras["short_name"], lang="vi")))
        if extras.get("agency_code"):
            g.add((ref, DCT.identifier, Literal(extras["agency_code"])))
        if extras.get("focal_point_email"):
            g.add((ref, FOAF.mbox, _mailto(extras["focal_point_email"])))
        phone = _tel_uri(extras.get("focal_point_phone", ""))
        if phone:
            g.add((ref, FOAF.phone, phone))
        website = extras.get("website")
        if website and website.startswith(("http://", "https://")):
            g.add((ref, FOAF.homepage, CleanedURIRef(website)))
        type_code = voc.AGENCY_LEVEL_PUBLISHER_TYPE.get(extras.get("agency_level", ""), "PublicBody")
        type_uri = URIRef(voc.publisher_type_uri(type_code))
        g.add((ref, DCT.type, type_uri))
        self._add_concept(type_uri, {"en": voc.PUBLISHER_TYPES[type_code]})
        return ref

    def _add_contact(self, dataset_ref, dataset_dict: dict, publisher):
        """vCard contact point: the dataset's contact, by default the agency's
        focal point (Art. 6.2)."""
        # CKAN core's maintainer/author stand in on datasets of other portals.
        name = (dataset_dict.get("contact_name") or dataset_dict.get("maintainer")
                or dataset_dict.get("author"))
        email = (dataset_dict.get("contact_email") or dataset_dict.get("maintainer_email")
                 or dataset_dict.get("author_email"))
        phone = dataset_dict.get("contact_phone")
        if not (name or email or phone):
            org = _organization(dataset_dict.get("owner_org") or "", self.g)
            extras = org["extras"] if org else {}
            name = extras.get("focal_point_name")
            email = extras.get("focal_point_email")
            phone = extras.get("focal_point_phone")
        if not (name or email or phone):
            return None
        g = self.g
        # A URI, not a blank node: the data services of the dataset point at
        # the same contact, and rdflib's RDF/XML writer may write a blank node
        # referenced twice as a bare reference, losing its properties.
        node = (URIRef(f"{dataset_ref}#contact-point") if isinstance(dataset_ref, URIRef)
                else BNode())
        g.add((dataset_ref, DCAT.contactPoint, node))
        g.add((node, RDF.type, VCARD.Kind))
        g.add((node, RDF.type, VCARD.Individual))
        if name:
            g.add((node, VCARD.fn, Literal(name)))
        if email:
            g.add((node, VCARD.hasEmail, _mailto(email)))
        tel = _tel_uri(phone or "")
        if tel:
            telephone = BNode()
            g.add((node, VCARD.hasTelephone, telephone))
            g.add((telephone, RDF.type, VCARD.Voice))
            g.add((telephone, VCARD.hasValue, tel))
            # The number as written, so that it comes back unchanged.
            g.add((telephone, RDFS.label, Literal(phone)))
        return node

    def _licence_node(self, dataset_dict: dict):
        """The dataset licence as a typed ``dct:LicenseDocument`` (Art. 4)."""
        license_id = dataset_dict.get("license_id")
        if not license_id:
            return None
        register = model.Package.get_license_register()
        licence = register.get(license_id)
        url = (licence.url if licence is not None else "") or dataset_dict.get("license_url") or ""
        title = (licence.title if licence is not None else "") or dataset_dict.get("license_title") or license_id
        if url.startswith(("http://", "https://")):
            node = CleanedURIRef(url)
        else:
            node = CleanedURIRef("{0}/licenses/{1}".format(catalog_uri().rstrip("/"), license_id))
        g = self.g
        if (node, RDF.type, DCT.LicenseDocument) not in g:
            g.add((node, RDF.type, DCT.LicenseDocument))
            g.add((node, DCT.title, Literal(title)))
            g.add((node, DCT.identifier, Literal(license_id)))
            for code in voc.licence_type_codes(license_id, url):
                type_uri = URIRef(voc.licence_type_uri(code))
                g.add((node, DCT.type, type_uri))
                self._add_concept(type_uri, {"en": voc.LICENCE_TYPES[code]})
        return node, title

    def _add_distribution_details(self, dataset_ref, dataset_dict, resource_dict, licence,
                                  publisher, contact, lang):
        g = self.g
        distribution = CleanedURIRef(resource_uri(dict(resource_dict, package_id=resource_dict.get("package_id") or dataset_dict.get("id"))))
        url = (resource_dict.get("url") or "").strip()
        is_api = resource_dict.get("resource_kind") == "api"
        if url:
            url_ref = CleanedURIRef(url)
            g.add((distribution, DCAT.accessURL, url_ref))
            g.add((url_ref, RDF.type, RDFS.Resource))
            if not is_api:
                g.add((distribution, DCAT.downloadURL, url_ref))

        fmt = resource_dict.get("format")
        file_type = voc.file_type_uri(fmt) if fmt else None
        if file_type:
            node = URIRef(file_type)
            g.add((distribution, DCT["format"], node))
            g.add((node, RDF.type, DCT.MediaTypeOrExtent))
        elif fmt:
            # Not in the EU table: still a typed node, labelled with the format.
            node = BNode()
            g.add((distribution, DCT["format"], node))
            g.add((node, RDF.type, DCT.MediaTypeOrExtent))
            g.add((node, RDFS.label, Literal(fmt)))
        media_type = voc.media_type_uri(resource_dict.get("mimetype") or "")
        if media_type:
            node = URIRef(media_type)
            g.add((distribution, DCAT.mediaType, node))
            g.add((node, RDF.type, DCT.MediaType))

        availability = tk.config.get("ckanext.angiang.dcat.distribution_availability")
        if availability:
            node = URIRef(voc.availability_uri(availability))
            g.add((distribution, DCATAP.availability, node))
            self._add_concept(node, {"en": voc.AVAILABILITY.get(availability, availability)},
                              voc.PLANNED_AVAILABILITY)

        if licence:
            licence_ref, licence_title = licence
            g.add((distribution, DCT.license, licence_ref))
            rights = BNode()
            g.add((distribution, DCT.rights, rights))
            g.add((rights, RDF.type, DCT.RightsStatement))
            g.add((rights, RDFS.label, Literal(
                "Dữ liệu mở công bố theo Quyết định 62/2024/QĐ-UBND tỉnh An Giang; "
                f"sử dụng theo giấy phép: {licence_title}", lang="vi")))
            g.add((rights, RDFS.label, Literal(
                "Open data published under Decision 62/2024/QĐ-UBND of An Giang province; "
                f"use under the licence: {licence_title}", lang="en")))

        if is_api and url:
            self._add_data_service(dataset_ref, dataset_dict, resource_dict, distribution,
                                   licence, publisher, contact, lang)

    def _add_data_service(self, dataset_ref, dataset_dict, resource_dict, distribution,
                          licence, publisher, contact, lang):
        """An API resource (Art. 5.2b, 8.3) as a ``dcat:DataService``."""
        g = self.g
        service = URIRef(str(distribution) + "#service")
        g.add((distribution, DCAT.accessService, service))
        g.add((service, RDF.type, DCAT.DataService))
        title = resource_dict.get("name") or dataset_dict.get("title") or resource_dict["url"]
        g.add((service, DCT.title, Literal(title, lang=lang)))
        if resource_dict.get("description"):
            g.add((service, DCT.description, Literal(resource_dict["description"], lang=lang)))
        endpoint = CleanedURIRef(resource_dict["url"].strip())
        g.add((service, DCAT.endpointURL, endpoint))
        g.add((endpoint, RDF.type, RDFS.Resource))
        openapi = (resource_dict.get("openapi_url") or "").strip()
        if openapi:
            description = CleanedURIRef(openapi)
            g.add((service, DCAT.endpointDescription, description))
            g.add((description, RDF.type, RDFS.Resource))
            spec = URIRef(voc.OPENAPI_SPEC)
            g.add((service, DCT.conformsTo, spec))
            g.add((spec, RDF.type, DCT.Standard))
            g.add((spec, DCT.title, Literal("OpenAPI Specification", lang="en")))
        g.add((service, DCAT.servesDataset, dataset_ref))
        if licence:
            g.add((service, DCT.license, licence[0]))
        if not dataset_dict.get("private"):
            g.add((service, DCT.accessRights, URIRef(voc.ACCESS_RIGHT_PUBLIC)))
        if publisher is not None:
            g.add((service, DCT.publisher, publisher))
        if contact is not None:
            g.add((service, DCAT.contactPoint, contact))
        for theme in g.objects(dataset_ref, DCAT.theme):
            g.add((service, DCAT.theme, theme))
        for keyword in g.objects(dataset_ref, DCAT.keyword):
            g.add((service, DCAT.keyword, keyword))

    # ------------------------------------------------------------------
    # The catalogue
    # ------------------------------------------------------------------
    def graph_from_catalog(self, catalog_dict, catalog_ref):
        from ckanext.angiang.dcat import catalog as catalogue

        g = self.g
        for prefix, namespace in namespaces.items():
            g.bind(prefix, namespace)
        self._bind_namespaces()
        g.add((catalog_ref, RDF.type, DCAT.Catalog))

        cfg = tk.config
        for predicate, key in ((DCT.title, "title"), (DCT.description, "description")):
            g.add((catalog_ref, predicate, Literal(cfg.get(f"ckanext.angiang.dcat.catalog.{key}"), lang="vi")))
            g.add((catalog_ref, predicate, Literal(cfg.get(f"ckanext.angiang.dcat.catalog.{key}_en"), lang="en")))

        homepage = CleanedURIRef(cfg.get("ckan.site_url").rstrip("/") + "/")
        g.add((catalog_ref, FOAF.homepage, homepage))
        g.add((homepage, RDF.type, FOAF.Document))

        for code in tk.aslist(cfg.get("ckanext.angiang.dcat.catalog.languages")):
            uri = voc.language_uri(code)
            if uri:
                g.add((catalog_ref, DCT.language, URIRef(uri)))
                g.add((URIRef(uri), RDF.type, DCT.LinguisticSystem))

        publisher = CleanedURIRef(cfg.get("ckanext.angiang.dcat.catalog.publisher_uri"))
        g.add((catalog_ref, DCT.publisher, publisher))
        g.add((publisher, RDF.type, FOAF.Organization))
        g.add((publisher, RDF.type, FOAF.Agent))
        g.add((publisher, FOAF.name, Literal(cfg.get("ckanext.angiang.dcat.catalog.publisher_name"), lang="vi")))
        g.add((publisher, FOAF.name, Literal(cfg.get("ckanext.angiang.dcat.catalog.publisher_name_en"), lang="en")))
        g.add((publisher, FOAF.homepage, publisher))
        type_uri = URIRef(voc.publisher_type_uri("RegionalAuthority"))
        g.add((publisher, DCT.type, type_uri))
        self._add_concept(type_uri, {"en": voc.PUBLISHER_TYPES["RegionalAuthority"]})

        spatial_code = cfg.get("ckanext.angiang.dcat.catalog.spatial_code")
        if spatial_code:
            location = CleanedURIRef(location_rdf.spatial_uri(str(spatial_code)))
            g.add((catalog_ref, DCT.spatial, location))
            self._describe_location(location, spatial_code, geo.extent(spatial_code))

        scheme = URIRef(voc.DATA_THEME)
        g.add((catalog_ref, DCAT.themeTaxonomy, scheme))
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        for label_lang, label in voc.THEME_SCHEME_TITLE.items():
            g.add((scheme, DCT.title, Literal(label, lang=label_lang)))

        licence_url = cfg.get("ckanext.angiang.dcat.catalog.license")
        if licence_url:
            licence = CleanedURIRef(licence_url)
            g.add((catalog_ref, DCT.license, licence))
            g.add((licence, RDF.type, DCT.LicenseDocument))
            for code in voc.licence_type_codes("", licence_url):
                type_uri = URIRef(voc.licence_type_uri(code))
                g.add((licence, DCT.type, type_uri))
                self._add_concept(type_uri, {"en": voc.LICENCE_TYPES[code]})

        issued, modified = catalogue.publication_dates()
        issued = cfg.get("ckanext.angiang.dcat.catalog.issued") or issued
        if issued:
            self._add_date_triple(catalog_ref, DCT.issued, issued)
        if modified:
            self._add_date_triple(catalog_ref, DCT.modified, modified)

    def _last_catalog_modification(self):
        from ckanext.angiang.dcat import catalog as catalogue

        return catalogue.publication_dates()[1]

    # ------------------------------------------------------------------
    # RDF -> CKAN
    # ------------------------------------------------------------------
    def parse_dataset(self, dataset_dict, dataset_ref):
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        return self._parse_dataset_angiang(dataset_dict, dataset_ref)

    def _multiple(self, field_name: str, resource: bool = False) -> bool:
        field = (self._schema_resource_field(field_name) if resource
                 else self._schema_field(field_name))
        if not field:
            return field_name in MULTIPLE_FIELDS and not resource
        validators = field.get("validators") or ""
        preset = field.get("preset") or ""
        return ("multiple" in preset or "scheming_multiple" in validators
                or "json_list" in validators or "multiple" in validators)

    def _shape(self, field_name: str, values: list, resource: bool = False):
        if self._multiple(field_name, resource):
            return values
        if not values:
            return None
        return values[0] if len(values) == 1 else values

    def _parse_dataset_angiang(self, dataset_dict: dict, dataset_ref) -> dict:
        g = self.g
        extras = {e["key"]: e["value"] for e in dataset_dict.get("extras", [])}
        parsed: dict[str, Any] = {}

        parsed["title"] = dataset_dict.get("title") or self._object_value(dataset_ref, DCT.title)
        notes = dataset_dict.get("notes") or self._object_value(dataset_ref, DCT.description)
        if notes:
            parsed["notes"] = notes
        for landing_page in g.objects(dataset_ref, DCAT.landingPage):
            match = NAME_RE.search(str(landing_page))
            if match and self._name_available(match.group(1), str(dataset_ref)):
                parsed["name"] = match.group(1)
                break

        for key in ("identifier", "issued", "modified", "temporal_start", "temporal_end"):
            value = dataset_dict.get(key) or extras.get(key)
            if value:
                parsed[key] = value
        parsed["tags"] = dataset_dict.get("tags") or []

        frequency = self._object_value(dataset_ref, DCT.accrualPeriodicity)
        if frequency:
            parsed["frequency"] = voc.frequency_code(frequency) or frequency

        themes = [voc.theme_code(str(t)) for t in g.objects(dataset_ref, DCAT.theme)]
        themes = sorted({t for t in themes if t})
        if themes:
            parsed["theme"] = self._shape("theme", themes)

        languages = sorted({voc.language_code(str(v)) or "" for v in g.objects(dataset_ref, DCT.language)} - {""})
        if languages:
            parsed["language"] = self._shape("language", languages)

        standards = self._standards(dataset_ref)
        if standards:
            parsed["conforms_to"] = self._shape("conforms_to", standards)

        for annotation in g.objects(dataset_ref, DQV.hasQualityAnnotation):
            for body in g.objects(annotation, OA.hasBody):
                text = self._object_value(body, RDF.value)
                if text:
                    parsed["quality_statement"] = text
                    break

        catalogue_code, alternate = self._identifiers(dataset_ref)
        if catalogue_code:
            parsed["catalogue_code"] = catalogue_code

        rights = g.value(dataset_ref, DCT.accessRights)
        # Publishing as PUBLIC is the publisher's attestation that the dataset
        # holds no state secret (Art. 9.6).
        parsed["no_state_secret"] = rights is not None and str(rights) == voc.ACCESS_RIGHT_PUBLIC

        self._parse_contact(dataset_ref, parsed)
        owner_org = self._parse_publisher(dataset_ref)
        if owner_org:
            parsed["owner_org"] = owner_org
        self._parse_spatial(dataset_ref, parsed)

        license_id = dataset_dict.get("license_id") or self._licence_id(dataset_ref)
        if license_id:
            parsed["license_id"] = license_id

        parsed["resources"] = [
            self._parse_resource(res) for res in dataset_dict.get("resources", [])
        ]

        kept_extras = []
        for key, value in extras.items():
            if key in DATASET_FIELDS or key in NOISE_EXTRAS or key.startswith(NOISE_EXTRA_PREFIXES):
                continue
            if self._schema_field(key):
                continue
            kept_extras.append({"key": key, "value": value})
        if alternate:
            kept_extras.append({"key": "alternate_identifier", "value": json.dumps(alternate)})
        parsed["extras"] = kept_extras

        dataset_dict.clear()
        dataset_dict.update({k: v for k, v in parsed.items() if v not in (None, "", [])
                             or k in ("tags", "extras", "resources")})
        return dataset_dict

    def _name_available(self, name: str, uri: str) -> bool:
        """The source's URL name is kept unless another dataset here has it."""
        package = model.Package.get(name)
        if package is None:
            return True
        extras = package.extras or {}
        return extras.get("uri") == uri or extras.get("guid") == uri

    def _parse_contact(self, dataset_ref, parsed: dict):
        g = self.g
        for node in g.objects(dataset_ref, DCAT.contactPoint):
            contact = self._contact_details_of(node)
            parsed.update({k: v for k, v in contact.items() if v})
            break

    def _contact_details_of(self, node) -> dict:
        g = self.g
        name = self._get_vcard_property_value(node, VCARD.hasFN, VCARD.fn)
        email = self._without_mailto(self._get_vcard_property_value(node, VCARD.hasEmail))
        phone = ""
        for telephone in g.objects(node, VCARD.hasTelephone):
            if isinstance(telephone, (BNode, URIRef)) and (telephone, None, None) in g:
                phone = (self._object_value(telephone, RDFS.label)
                         or self._object_value(telephone, VCARD.hasValue))
            else:
                phone = str(telephone)
            break
        if not phone:
            phone = self._object_value(node, VCARD.tel)
        if phone.startswith("tel:"):
            phone = phone[4:]
        return {"contact_name": name, "contact_email": email, "contact_phone": phone}

    def _parse_publisher(self, dataset_ref) -> Optional[str]:
        """The local organization of the publisher: same agency code, else same name."""
        for agent in self.g.objects(dataset_ref, DCT.publisher):
            code = self._object_value(agent, DCT.identifier)
            names = {str(n) for n in self.g.objects(agent, FOAF.name)}
            org = None
            if code:
                org = (model.Session.query(model.Group)
                       .filter(model.Group.is_organization.is_(True),
                               model.Group.state == "active",
                               model.Group.extras["agency_code"].astext == code)
                       .first())
            if org is None and names:
                org = (model.Session.query(model.Group)
                       .filter(model.Group.is_organization.is_(True),
                               model.Group.state == "active",
                               model.Group.title.in_(names))
                       .first())
            if org is not None:
                return org.id
        return None

    def _licence_id(self, dataset_ref) -> str:
        license_id = self._license(dataset_ref)
        if license_id:
            return license_id
        register = model.Package.get_license_register()
        for distribution in self._distributions(dataset_ref):
            licence = self.g.value(distribution, DCT.license)
            if licence is None:
                continue
            identifier = self._object_value(licence, DCT.identifier)
            if identifier and register.get(identifier) is not None:
                return identifier
        return ""

    def _parse_resource(self, resource_dict: dict) -> dict:
        g = self.g
        distribution = next(
            (d for d in g.subjects(RDF.type, DCAT.Distribution)
             if str(d) == resource_dict.get("distribution_ref")), None)
        parsed: dict[str, Any] = {
            key: resource_dict[key] for key in ("name", "description", "size", "hash")
            if resource_dict.get(key) not in (None, "")
        }
        # Always present, "" for a blank-node distribution (as ckanext-dcat's
        # parsers do): its harvester matches resources by ``uri`` on update.
        parsed["uri"] = resource_dict.get("uri") or ""
        if distribution is None:
            parsed["url"] = resource_dict.get("url") or ""
            return parsed
        service = g.value(distribution, DCAT.accessService)
        endpoint = g.value(service, DCAT.endpointURL) if service is not None else None
        if endpoint is not None:
            parsed["resource_kind"] = "api"
            parsed["url"] = str(endpoint)
            description = g.value(service, DCAT.endpointDescription)
            if description is not None:
                parsed["openapi_url"] = str(description)
        else:
            parsed["resource_kind"] = "file"
            parsed["url"] = resource_dict.get("url") or ""

        fmt = g.value(distribution, DCT["format"])
        if isinstance(fmt, URIRef):
            parsed["format"] = voc.format_from_file_type_uri(str(fmt)) or resource_dict.get("format")
        elif fmt is not None:
            parsed["format"] = (self._object_value(fmt, RDFS.label) if not isinstance(fmt, Literal)
                                else str(fmt)) or resource_dict.get("format")
        media_type = g.value(distribution, DCAT.mediaType)
        if media_type is not None:
            parsed["mimetype"] = voc.media_type_from_uri(str(media_type)) or str(media_type)

        for checksum in g.objects(distribution, SPDX.checksum):
            algorithm = g.value(checksum, SPDX.algorithm)
            if algorithm is not None and str(algorithm) != voc.SPDX_SHA256:
                parsed.pop("hash", None)  # the portal's hash is SHA-256 (Art. 9.2)

        languages = sorted({voc.language_code(str(v)) or "" for v in g.objects(distribution, DCT.language)} - {""})
        if languages:
            parsed["language"] = self._shape("language", languages, resource=True)
        return {k: v for k, v in parsed.items() if k in RESOURCE_FIELDS or self._schema_resource_field(k)}
