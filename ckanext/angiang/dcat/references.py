"""Identifiers and standards as URIs a stock harvester can use (Art. 7.7).

ckanext-dcat's stock parser (2.4.4) reads ``adms:identifier`` and
``dct:conformsTo`` as ``str(object)``: a blank node comes out as a random id
("n73aeb4…") that changes at every export. DCAT-AP 3.0.1 wants both to be
resources (``adms:Identifier``, ``dct:Standard``), not literals. So both are
written as stable URIs, described in the graph:

- the catalogue code (``catalogue_code``, the dataset's entry in the official
  open data catalogue) is ``<ns/catalogue-code/{code}>``, an
  ``adms:Identifier`` with the code as ``skos:notation`` (typed
  ``angiang:catalogueCode``) and the issuing body as ``adms:schemaAgency``;
- a standard given by URL stays that URL; a standard given by name
  ("QCVN 08:2023/BTNMT ...") is ``<ns/standard/{slug}-{hash}>``, a
  ``dct:Standard`` with the name as ``dct:title`` and ``rdfs:label``.

The namespace is fixed (not the site's address) so that the same code or
standard has the same URI whichever copy of the catalogue a harvester reads.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import ckan.plugins.toolkit as tk
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from slugify import slugify

from ckanext.angiang.dcat.terms import ProfileMixin
from ckanext.dcat.profiles.base import ADMS, DCT, CleanedURIRef

# Terms of the portal's own (datatypes of identifiers).
ANGIANG = Namespace("https://opendata.angiang.gov.vn/ns/dcat#")
CATALOGUE_CODE = ANGIANG.catalogueCode
CATALOGUE_CODE_BASE = "https://opendata.angiang.gov.vn/ns/catalogue-code/"
STANDARD_BASE = "https://opendata.angiang.gov.vn/ns/standard/"


def catalogue_code_uri(code: str) -> URIRef:
    return URIRef(CATALOGUE_CODE_BASE + quote(code.strip(), safe=".-_~"))


def standard_uri(name: str) -> URIRef:
    """A stable URI for a standard known by its name: a readable slug and a
    hash of the exact text (two names that slug alike stay apart)."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    slug = slugify(name, max_length=80, word_boundary=True) or "standard"
    return URIRef(f"{STANDARD_BASE}{slug}-{digest}")


class ReferencesMixin(ProfileMixin):
    """Identifiers and standards for :class:`AngiangDCATAPProfile`."""

    def _add_standard(self, subject, value: str, lang: str):
        g = self.g
        if value.startswith(("http://", "https://")):
            node = CleanedURIRef(value)
        else:
            node = standard_uri(value)
            g.add((node, RDFS.label, Literal(value, lang=lang)))
            g.add((node, DCT.title, Literal(value, lang=lang)))
        g.add((subject, DCT.conformsTo, node))
        g.add((node, RDF.type, DCT.Standard))

    def _add_catalogue_code(self, dataset_ref, code: str):
        g = self.g
        node = catalogue_code_uri(code)
        g.add((dataset_ref, ADMS.identifier, node))
        g.add((node, RDF.type, ADMS.Identifier))
        g.add((node, SKOS.notation, Literal(code, datatype=CATALOGUE_CODE)))
        g.add(
            (
                node,
                ADMS.schemaAgency,
                Literal(tk.config.get("ckanext.angiang.dcat.catalog.publisher_name"), lang="vi"),
            )
        )

    # -- reading ----------------------------------------------------------
    def _standards(self, dataset_ref) -> list[str]:
        """URLs of standards, names of standards known by name."""
        out = []
        for node in self.g.objects(dataset_ref, DCT.conformsTo):
            name = self._object_value(node, RDFS.label) or self._object_value(node, DCT.title)
            if isinstance(node, URIRef) and not str(node).startswith(STANDARD_BASE):
                out.append(str(node))
            elif name:
                out.append(name)
        return out

    def _identifiers(self, dataset_ref) -> tuple[str | None, list[str]]:
        """(the catalogue code, the other identifiers' notations)."""
        code, others = None, []
        for node in self.g.objects(dataset_ref, ADMS.identifier):
            notations = list(self.g.objects(node, SKOS.notation))
            for notation in notations:
                if isinstance(notation, Literal) and notation.datatype == CATALOGUE_CODE:
                    code = str(notation)
                else:
                    others.append(str(notation))
            if not notations and isinstance(node, (URIRef, Literal)):
                others.append(str(node))
        return code, others
