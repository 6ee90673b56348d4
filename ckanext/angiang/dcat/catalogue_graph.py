"""The catalogue itself (``dcat:Catalog``), for ``/catalog.{ttl,rdf,jsonld,xml}``.

Bilingual title and description, the provincial People's Committee as
publisher (Art. 7.1), languages, spatial coverage, theme taxonomy, the
licence of the metadata, and issue and modification dates from the public
datasets (:mod:`ckanext.angiang.dcat.catalog`). All of it is configured in
``config_declaration/dcat.yaml``.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ckanext.angiang.dcat import catalog as catalogue
from ckanext.angiang.dcat import geo
from ckanext.angiang.dcat import location as location_rdf
from ckanext.angiang.dcat import vocabularies as voc
from ckanext.angiang.dcat.licences import LicencesMixin
from ckanext.angiang.metadata import licenses
from ckanext.dcat.profiles.base import DCAT, DCT, FOAF, CleanedURIRef, namespaces


class CatalogueMixin(LicencesMixin):
    """``graph_from_catalog`` of the portal's profile."""

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        g = self.g
        for prefix, namespace in namespaces.items():
            g.bind(prefix, namespace)
        self._bind_namespaces()
        g.add((catalog_ref, RDF.type, DCAT.Catalog))

        cfg = tk.config
        for predicate, key in ((DCT.title, "title"), (DCT.description, "description")):
            g.add(
                (
                    catalog_ref,
                    predicate,
                    Literal(cfg.get(f"ckanext.angiang.dcat.catalog.{key}"), lang="vi"),
                )
            )
            g.add(
                (
                    catalog_ref,
                    predicate,
                    Literal(cfg.get(f"ckanext.angiang.dcat.catalog.{key}_en"), lang="en"),
                )
            )

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
        g.add(
            (
                publisher,
                FOAF.name,
                Literal(cfg.get("ckanext.angiang.dcat.catalog.publisher_name"), lang="vi"),
            )
        )
        g.add(
            (
                publisher,
                FOAF.name,
                Literal(cfg.get("ckanext.angiang.dcat.catalog.publisher_name_en"), lang="en"),
            )
        )
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
            self._describe_licence(licence, licenses.facts({"url": licence_url}))

        issued, modified = catalogue.publication_dates()
        issued = cfg.get("ckanext.angiang.dcat.catalog.issued") or issued
        if issued:
            self._add_date_triple(catalog_ref, DCT.issued, issued)
        if modified:
            self._add_date_triple(catalog_ref, DCT.modified, modified)

    def _last_catalog_modification(self):
        return catalogue.publication_dates()[1]
