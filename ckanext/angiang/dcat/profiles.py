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

The profile is layered as ckanext-dcat layers its own: this class holds the
dataset's own fields and composes one mixin per concern, each writing and
reading its part: :mod:`.agents` (publisher, contact point),
:mod:`.distributions` and :mod:`.licences`, :mod:`.location`,
:mod:`.references` (catalogue code, standards), :mod:`.compat` (stock
parsers) and :mod:`.catalogue_graph` (the ``dcat:Catalog``). ckanext-dcat's
``euro_dcat_ap_3`` writes the fields it writes the DCAT-AP way (title,
description, keywords, identifier, dates, temporal coverage, frequency,
language, basic distribution fields) from the dict :meth:`_for_base_profile`
gives it, in its own field names; it is configured, not patched afterwards:
``dct:identifier`` is always a literal (:meth:`_add_triple_from_dict`) and
the licence is never given to it (this profile describes licences itself).
"""

from __future__ import annotations

import json
from typing import Any

import ckan.model as model
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ckanext.angiang.dcat import vocabularies as voc
from ckanext.angiang.dcat.agents import AgentsMixin
from ckanext.angiang.dcat.catalogue_graph import CatalogueMixin
from ckanext.angiang.dcat.compat import StockCompatibilityMixin
from ckanext.angiang.dcat.distributions import DistributionsMixin
from ckanext.angiang.dcat.location import LocationMixin
from ckanext.angiang.dcat.references import ANGIANG, CATALOGUE_CODE, ReferencesMixin
from ckanext.angiang.dcat.terms import (
    DATASET_FIELDS,
    DQV,
    MULTIPLE_FIELDS,
    NAME_RE,
    NOISE_EXTRA_PREFIXES,
    NOISE_EXTRAS,
    OA,
    as_list,
    text_language,
)
from ckanext.dcat.profiles.base import DCAT, DCT, FOAF, GSP, CleanedURIRef
from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile
from ckanext.dcat.utils import catalog_uri

__all__ = ["AngiangDCATAPProfile", "CATALOGUE_CODE", "DQV", "OA", "text_language"]


#: ``dct:identifier``, made once (an rdflib Namespace makes a new term at each
#: attribute access; the writer below compares with it for every triple)
_IDENTIFIER = DCT.identifier


class AngiangDCATAPProfile(
    AgentsMixin,
    DistributionsMixin,
    CatalogueMixin,
    LocationMixin,
    ReferencesMixin,
    StockCompatibilityMixin,
    EuropeanDCATAP3Profile,
):
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
        landing_page = self._landing_page(dataset_dict)
        if landing_page:
            g.add((dataset_ref, DCAT.landingPage, landing_page))
            g.add((landing_page, RDF.type, FOAF.Document))

        for code in as_list(dataset_dict.get("theme")):
            self._add_theme(dataset_ref, code)

        if not dataset_dict.get("private"):
            rights = URIRef(voc.ACCESS_RIGHT_PUBLIC)
            g.add((dataset_ref, DCT.accessRights, rights))
            g.add((rights, RDF.type, DCT.RightsStatement))
            for label_lang, label in voc.ACCESS_RIGHT_LABELS.items():
                g.add((rights, RDFS.label, Literal(label, lang=label_lang)))

        for standard in as_list(dataset_dict.get("conforms_to")):
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

        licence = self._licence(dataset_dict)
        for resource_dict in dataset_dict.get("resources", []):
            self._add_distribution_details(
                dataset_ref, dataset_dict, resource_dict, licence, publisher, contact, lang
            )

    def _add_triple_from_dict(self, _dict, subject, predicate, key, *args, **kwargs):
        """ckanext-dcat's writer, with ``dct:identifier`` always a literal as
        DCAT-AP wants (the base makes an identifier that looks like a URL a
        URIRef)."""
        if predicate == _IDENTIFIER:
            kwargs["_type"] = Literal
        return super()._add_triple_from_dict(_dict, subject, predicate, key, *args, **kwargs)

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
            for key in (
                "id",
                "name",
                "type",
                "identifier",
                "issued",
                "modified",
                "metadata_created",
                "metadata_modified",
                "temporal_start",
                "temporal_end",
            )
            if dataset_dict.get(key)
        }
        prepared["extras"] = []
        if dataset_dict.get("title"):
            prepared["title_translated"] = {lang: dataset_dict["title"]}
        prepared["notes_translated"] = {
            lang: dataset_dict.get("notes") or dataset_dict.get("title") or ""
        }
        tags = [
            t["name"] if isinstance(t, dict) else str(t) for t in dataset_dict.get("tags") or []
        ]
        if tags:
            prepared["tags_translated"] = {lang: tags}
        frequency = dataset_dict.get("frequency")
        if frequency:
            prepared["frequency"] = (
                frequency if str(frequency).startswith("http") else voc.frequency_uri(frequency)
            )
        languages = [
            code if str(code).startswith("http") else voc.language_uri(code)
            for code in as_list(dataset_dict.get("language"))
        ]
        if any(languages):
            prepared["language"] = [uri for uri in languages if uri]

        resources = []
        for resource_dict in dataset_dict.get("resources", []):
            res = {
                key: resource_dict[key]
                for key in (
                    "id",
                    "package_id",
                    "uri",
                    "size",
                    "hash",
                    "created",
                    "metadata_modified",
                )
                if resource_dict.get(key)
            }
            res.setdefault("package_id", dataset_dict.get("id"))
            if resource_dict.get("name"):
                res["name_translated"] = {lang: resource_dict["name"]}
            if resource_dict.get("description"):
                res["description_translated"] = {lang: resource_dict["description"]}
            if res.get("hash"):
                res["hash_algorithm"] = voc.SPDX_SHA256
            res_languages = [voc.language_uri(c) for c in as_list(resource_dict.get("language"))]
            if any(res_languages):
                res["language"] = [uri for uri in res_languages if uri]
            resources.append(res)
        prepared["resources"] = resources
        return prepared

    def _landing_page(self, dataset_dict: dict) -> URIRef | None:
        name = dataset_dict.get("name")
        if not name:
            return None
        return CleanedURIRef(f"{catalog_uri().rstrip('/')}/dataset/{name}")

    def _add_theme(self, subject, code: str):
        code = str(code)
        if code.startswith("http"):
            uri, code = URIRef(code), voc.theme_code(code) or ""
        else:
            uri = URIRef(voc.theme_uri(code))
        self.g.add((subject, DCAT.theme, uri))
        labels = voc.labels("theme", code or "") or {"en": str(uri).rsplit("/", 1)[-1]}
        self._add_concept(
            uri, labels, voc.DATA_THEME if str(uri).startswith(voc.DATA_THEME) else None
        )

    # ------------------------------------------------------------------
    # RDF -> CKAN
    # ------------------------------------------------------------------
    def parse_dataset(self, dataset_dict, dataset_ref):
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        return self._parse_dataset_angiang(dataset_dict, dataset_ref)

    def _multiple(self, field_name: str, resource: bool = False) -> bool:
        field = (
            self._schema_resource_field(field_name) if resource else self._schema_field(field_name)
        )
        if not field:
            return field_name in MULTIPLE_FIELDS and not resource
        validators = field.get("validators") or ""
        preset = field.get("preset") or ""
        return (
            "multiple" in preset
            or "scheming_multiple" in validators
            or "json_list" in validators
            or "multiple" in validators
        )

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

        themes = sorted(
            {code for t in g.objects(dataset_ref, DCAT.theme) if (code := voc.theme_code(str(t)))}
        )
        if themes:
            parsed["theme"] = self._shape("theme", themes)

        languages = sorted(
            {voc.language_code(str(v)) or "" for v in g.objects(dataset_ref, DCT.language)} - {""}
        )
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
        dataset_dict.update(
            {
                k: v
                for k, v in parsed.items()
                if v not in (None, "", []) or k in ("tags", "extras", "resources")
            }
        )
        return dataset_dict

    def _name_available(self, name: str, uri: str) -> bool:
        """The source's URL name is kept unless another dataset here has it."""
        package = model.Package.get(name)
        if package is None:
            return True
        extras = package.extras or {}
        return extras.get("uri") == uri or extras.get("guid") == uri
