"""Distributions (resources) in the catalogue, both ways.

A file is a ``dcat:Distribution`` with its download URL, EU file type, IANA
media type, availability, SHA-256 checksum (Art. 9.2) and the dataset
licence with its rights statement (Art. 4.5). An API resource (Art. 5.2b,
8.3) is a distribution served by a ``dcat:DataService`` with
``dcat:endpointURL`` and its OpenAPI document as ``dcat:endpointDescription``.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ckanext.angiang.dcat import vocabularies as voc
from ckanext.angiang.dcat.licences import LicencesMixin
from ckanext.angiang.dcat.terms import RESOURCE_FIELDS
from ckanext.dcat.profiles.base import DCAT, DCATAP, DCT, SPDX, CleanedURIRef
from ckanext.dcat.utils import resource_uri


class DistributionsMixin(LicencesMixin):
    """Distributions and data services; resources back."""

    def _add_distribution_details(
        self, dataset_ref, dataset_dict, resource_dict, licence, publisher, contact, lang
    ):
        g = self.g
        distribution = CleanedURIRef(
            resource_uri(
                dict(
                    resource_dict,
                    package_id=resource_dict.get("package_id") or dataset_dict.get("id"),
                )
            )
        )
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
            self._add_concept(
                node,
                {"en": voc.AVAILABILITY.get(availability, availability)},
                voc.PLANNED_AVAILABILITY,
            )

        if licence:
            self._add_licence_to(distribution, licence)

        if is_api and url:
            self._add_data_service(
                dataset_ref,
                dataset_dict,
                resource_dict,
                distribution,
                licence,
                publisher,
                contact,
                lang,
            )

    def _add_data_service(
        self,
        dataset_ref,
        dataset_dict,
        resource_dict,
        distribution,
        licence,
        publisher,
        contact,
        lang,
    ):
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
            g.add((service, DCT.license, licence.node))
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

    def _parse_resource(self, resource_dict: dict) -> dict:
        g = self.g
        distribution = next(
            (
                d
                for d in g.subjects(RDF.type, DCAT.Distribution)
                if str(d) == resource_dict.get("distribution_ref")
            ),
            None,
        )
        parsed: dict[str, Any] = {
            key: resource_dict[key]
            for key in ("name", "description", "size", "hash")
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
            parsed["format"] = voc.format_from_file_type_uri(str(fmt)) or resource_dict.get(
                "format"
            )
        elif fmt is not None:
            parsed["format"] = (
                self._object_value(fmt, RDFS.label) if not isinstance(fmt, Literal) else str(fmt)
            ) or resource_dict.get("format")
        media_type = g.value(distribution, DCAT.mediaType)
        if media_type is not None:
            parsed["mimetype"] = voc.media_type_from_uri(str(media_type)) or str(media_type)

        for checksum in g.objects(distribution, SPDX.checksum):
            algorithm = g.value(checksum, SPDX.algorithm)
            if algorithm is not None and str(algorithm) != voc.SPDX_SHA256:
                parsed.pop("hash", None)  # the portal's hash is SHA-256 (Art. 9.2)

        languages = sorted(
            {voc.language_code(str(v)) or "" for v in g.objects(distribution, DCT.language)} - {""}
        )
        if languages:
            parsed["language"] = self._shape("language", languages, resource=True)
        return {
            k: v
            for k, v in parsed.items()
            if k in RESOURCE_FIELDS or self._schema_resource_field(k)
        }
