"""Maps: a dataset's spatial coverage on its page and a map filter on the
search page, drawn with ckanext-spatial's Leaflet widgets (Art. 5.2a: the
scope of a dataset includes its spatial coverage).

ckanext-spatial's ``spatial_metadata`` plugin brings the widgets, Leaflet and
Leaflet.draw (vendored in its package and served by the portal, no CDN); the
``angiang_maps`` plugin places them on the pages, gives them the base map
configured here and translates them. The search page's filter sends
``ext_bbox``, which the PostgreSQL search answers
(:mod:`ckanext.angiang.search.hooks`).

Base map: ``ckanext.angiang.maps.tile_url`` (an XYZ tile URL template). Empty
(the default) draws the extents with no base map, so no page requests
anything from another server until the operator names a tile server (the
province's own, or OpenStreetMap's with its attribution).
"""

from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.angiang.metadata import spatial


def map_config() -> dict[str, Any]:
    """The ``map_config`` ckanext-spatial's widgets read
    (``ckan.commonLeafletMap``), plus the texts our script gives them."""
    _ = tk._
    url = (tk.config.get("ckanext.angiang.maps.tile_url") or "").strip()
    config: dict[str, Any] = {
        "type": "custom" if url else "none",
        "max_zoom": tk.config.get("ckanext.angiang.maps.max_zoom"),
        "i18n": {
            "map": _("Map"),
            "zoom_in": _("Zoom in"),
            "zoom_out": _("Zoom out"),
            "Draw an extent": _("Draw an area on the map"),
            "Please draw query extent in the map:": _("Draw the area to search in on the map:"),
            "Apply": _("Apply"),
            "Cancel": _("Cancel"),
            "Close": _("Close"),
            "draw_rectangle": _("Draw a rectangle"),
            "draw_start": _("Click and drag to draw a rectangle."),
            "draw_finish": _("Release the mouse to finish drawing."),
            "draw_cancel_title": _("Cancel drawing"),
            "draw_finish_title": _("Finish drawing"),
            "draw_finish_text": _("Finish"),
            "draw_undo_title": _("Delete the last point drawn"),
            "draw_undo_text": _("Delete the last point"),
        },
    }
    if url:
        config["custom_url"] = url
        config["attribution"] = tk.config.get("ckanext.angiang.maps.attribution") or ""
        subdomains = (tk.config.get("ckanext.angiang.maps.subdomains") or "").strip()
        if subdomains:
            config["subdomains"] = subdomains
    return config


def default_extent() -> str:
    """The search map's first view: the province's box, as GeoJSON."""
    return spatial.geojson(str(spatial.province_code())) or ""


def dataset_extent(pkg: dict[str, Any]) -> str:
    """The dataset's ``spatial`` GeoJSON (field or extra), re-serialised so
    the page never carries anything but a parsed geometry; "" when none or
    invalid."""
    value = pkg.get("spatial")
    if not value:
        for extra in pkg.get("extras") or []:
            if extra.get("key") == "spatial":
                value = extra.get("value")
    if not value:
        return ""
    try:
        return json.dumps(spatial.check_geojson(value))
    except ValueError:
        return ""


def unit_label(code: str) -> str:
    """The name of administrative unit ``code`` in the page's language
    (the province when ``code`` is empty: Art. 5.2a, "empty means the whole
    province")."""
    u = spatial.unit(code or str(spatial.province_code()))
    if u is None:
        return ""
    lang = "en" if tk.h.lang() == "en" else "vi"
    return u["label"].get(lang) or u["label"]["vi"]
