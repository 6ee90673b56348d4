"""Spatial coverage in the DCAT graph: the administrative unit and its extent.

Written (Art. 7.7): a ``dct:Location`` named by the unit's URI, with its code
(``dct:identifier``, ``skos:notation``) and names (``skos:prefLabel`` vi/en),
and the extent as two typed literals, ``dcat:bbox`` and ``dcat:centroid``
(``gsp:wktLiteral``).

Why no ``locn:geometry``: the DCAT-AP 3.0.1 shapes want it to be a
``locn:Geometry`` node, and ckanext-dcat's stock parser (2.4.4,
``RDFProfile._parse_geodata``) reads it only as a literal and fails on a node
(``'BNode' object has no attribute 'datatype'``), which stops its harvester.
``dcat:bbox`` and ``dcat:centroid`` literals satisfy both. The portal's
``spatial`` is the bounding box of the unit (derived from ``spatial_code``,
docs/metadata-model.md), so ``dcat:bbox`` carries it without loss; the stock
parser gives it as ``spatial_bbox`` (DCAT-AP 2 and 3 profiles) and the
centroid as ``spatial_centroid``.

Read: the unit code, and a geometry from ``locn:geometry`` (literal or
``locn:Geometry`` node with ``gsp:asGeoJSON``/``gsp:asWKT``, as other
portals write it), else from ``dcat:bbox``.
"""

from __future__ import annotations

import json
import re

import ckan.plugins.toolkit as tk
from rdflib import BNode, Literal
from rdflib.namespace import RDF, SKOS

from ckanext.angiang.dcat import geo
from ckanext.angiang.dcat.terms import ProfileMixin
from ckanext.dcat.profiles.base import DCAT, DCT, GSP, LOCN, CleanedURIRef
from ckanext.dcat.utils import catalog_uri


def spatial_uri(code: str) -> str:
    base = tk.config.get("ckanext.angiang.dcat.spatial_uri_base") or (
        catalog_uri().rstrip("/") + "/spatial/"
    )
    return base + code


class LocationMixin(ProfileMixin):
    """Spatial coverage for :class:`AngiangDCATAPProfile` (uses ``self.g``
    and ckanext-dcat's ``_object_value``)."""

    def _add_spatial(self, dataset_ref, dataset_dict: dict):
        """The administrative unit (URI, code, names) and its extent."""
        g = self.g
        code = dataset_dict.get("spatial_code")
        geometry = geo.load_geojson(dataset_dict.get("spatial"))
        other_uri = dataset_dict.get("spatial_uri")  # another portal's location
        if not (code or geometry or other_uri):
            return
        if code:
            location = CleanedURIRef(spatial_uri(str(code)))
        elif other_uri and str(other_uri).startswith(("http://", "https://")):
            location = CleanedURIRef(other_uri)
        else:
            location = BNode()
        existing = g.value(location, DCAT.bbox)
        if (
            existing is not None
            and geometry is not None
            and str(existing) != geo.bbox_wkt(geometry)
        ):
            # Another dataset of this page gave the unit another extent:
            # describe this one apart rather than merge two extents.
            location = BNode()
        g.add((dataset_ref, DCT.spatial, location))
        self._describe_location(location, code, geometry)
        if not code and dataset_dict.get("spatial_text"):
            g.add((location, SKOS.prefLabel, Literal(dataset_dict["spatial_text"])))

    def _describe_location(self, location, code, geometry: dict | None):
        g = self.g
        if (location, RDF.type, DCT.Location) not in g:
            g.add((location, RDF.type, DCT.Location))
            if code:
                g.add((location, DCT.identifier, Literal(str(code))))
                g.add((location, SKOS.notation, Literal(str(code))))
                unit = geo.admin_unit(code)
                if unit:
                    g.add((location, SKOS.prefLabel, Literal(unit["name"], lang="vi")))
                    g.add((location, SKOS.prefLabel, Literal(unit["name_en"], lang="en")))
        if not geometry or g.value(location, DCAT.bbox) is not None:
            return
        box = geo.bbox_wkt(geometry)
        if box:
            g.add((location, DCAT.bbox, Literal(box, datatype=GSP.wktLiteral)))
        point = geo.centroid_wkt(geometry)
        if point:
            g.add((location, DCAT.centroid, Literal(point, datatype=GSP.wktLiteral)))

    # -- reading ----------------------------------------------------------
    def _parse_geodata(self, spatial, datatype, cur_value):
        """ckanext-dcat expects geometry literals; other portals write
        ``locn:geometry`` as a ``locn:Geometry`` node. Read both."""
        for geometry in self.g.objects(spatial, datatype):
            if isinstance(geometry, Literal):
                value = self._geometry_from_literal(geometry)
            else:
                value = self._geometry_from_node(geometry)
            if value and not cur_value:
                cur_value = value
        return cur_value

    def _geometry_from_literal(self, literal: Literal) -> str | None:
        text = str(literal)
        if literal.datatype == GSP.wktLiteral:
            data = geo.from_wkt(re.sub(r"^\s*<[^>]*>\s*", "", text))
            return json.dumps(data) if data else None
        data = geo.load_geojson(text)
        return json.dumps(data) if data else None

    def _geometry_from_node(self, node) -> str | None:
        for literal in self.g.objects(node, GSP.asGeoJSON):
            if geo.load_geojson(str(literal)):
                return str(literal)
        for literal in self.g.objects(node, GSP.asWKT):
            value = self._geometry_from_literal(Literal(str(literal), datatype=GSP.wktLiteral))
            if value:
                return value
        return None

    def _parse_spatial(self, dataset_ref, parsed: dict):
        g = self.g
        for location in g.objects(dataset_ref, DCT.spatial):
            code = self._object_value(location, DCT.identifier) or self._object_value(
                location, SKOS.notation
            )
            if code and geo.admin_unit(code):
                parsed["spatial_code"] = code
            geometry = self._parse_geodata(location, LOCN.geometry, None) or self._parse_geodata(
                location, DCAT.bbox, None
            )
            if geometry:
                parsed["spatial"] = geometry
            if code or geometry:
                return
