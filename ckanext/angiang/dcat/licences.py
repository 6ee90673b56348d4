"""Licences in the catalogue (Art. 4, 4.5, 7.7).

A dataset's licence is a typed ``dct:LicenseDocument`` (title, id, ADMS
licence types) on each of its distributions, with the rights statement of
the licence. The facts come from the licence register
(:func:`ckanext.angiang.metadata.licenses.facts`: ``data/licenses.json`` and
the licences agencies add), so that every licence, an agency's included, is
described the same way. Parsing maps a licence back to its register id.
"""

from __future__ import annotations

from typing import NamedTuple

import ckan.model as model
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ckanext.angiang.dcat import vocabularies as voc
from ckanext.angiang.dcat.terms import ProfileMixin
from ckanext.angiang.metadata import licenses
from ckanext.dcat.profiles.base import DCT, CleanedURIRef
from ckanext.dcat.utils import catalog_uri


class Licence(NamedTuple):
    node: URIRef
    rights_vi: str
    rights_en: str


class LicencesMixin(ProfileMixin):
    """Licence documents and rights statements, and the licence id back."""

    def _describe_licence(
        self, node: URIRef, facts: dict, title: str | None = None, license_id: str | None = None
    ):
        """``node`` as a ``dct:LicenseDocument`` with its ADMS types (once per graph)."""
        g = self.g
        if (node, RDF.type, DCT.LicenseDocument) in g:
            return
        g.add((node, RDF.type, DCT.LicenseDocument))
        if title:
            g.add((node, DCT.title, Literal(title)))
        if license_id:
            g.add((node, DCT.identifier, Literal(license_id)))
        for code in facts["adms_types"]:
            type_uri = URIRef(voc.licence_type_uri(code))
            g.add((node, DCT.type, type_uri))
            self._add_concept(type_uri, {"en": voc.LICENCE_TYPES[code]})

    def _licence(self, dataset_dict: dict) -> Licence | None:
        """The dataset licence, described in the graph (Art. 4)."""
        license_id = dataset_dict.get("license_id")
        if not license_id:
            return None
        registered = model.Package.get_license_register().get(license_id)
        data = dict(registered._data) if registered is not None else {}
        url = data.get("url") or dataset_dict.get("license_url") or ""
        title = data.get("title") or dataset_dict.get("license_title") or license_id
        facts = licenses.facts(dict(data, id=license_id, url=url, title=title))
        if url.startswith(("http://", "https://")):
            node = CleanedURIRef(url)
        else:
            node = CleanedURIRef(f"{catalog_uri().rstrip('/')}/licenses/{license_id}")
        self._describe_licence(node, facts, title, license_id)
        return Licence(node, facts["rights_vi"], facts["rights_en"])

    def _add_licence_to(self, distribution, licence: Licence):
        g = self.g
        g.add((distribution, DCT.license, licence.node))
        rights = BNode()
        g.add((distribution, DCT.rights, rights))
        g.add((rights, RDF.type, DCT.RightsStatement))
        g.add((rights, RDFS.label, Literal(licence.rights_vi, lang="vi")))
        g.add((rights, RDFS.label, Literal(licence.rights_en, lang="en")))

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
