"""Spatial coverage: the province and its 2025 administrative units.

Names and codes come from the ``vietnam-provinces`` package (2025 units:
provinces and wards/communes/special zones). Datasets store the unit's code
in ``spatial_code`` and a GeoJSON extent in ``spatial`` (the field
ckanext-spatial reads), derived from ``data/spatial_extents.yaml``.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any

import ckan.plugins.toolkit as tk
import yaml
from vietnam_provinces import Province, Ward

from ckanext.angiang.metadata import DATA_DIR

EXTENTS_FILE = os.path.join(DATA_DIR, "spatial_extents.yaml")


def province_code() -> int:
    return tk.config.get("ckanext.angiang.province_code")


@functools.lru_cache(maxsize=4)
def _units(code: int) -> list[dict[str, Any]]:
    province = Province.from_code(code)
    wards = sorted(Ward.iter_by_province(province.code), key=lambda w: w.codename)
    out = [
        {
            "value": str(int(province.code)),
            "label": {"vi": f"Tỉnh {province.name}", "en": f"{province.name} province"},
            "kind": "province",
        }
    ]
    for w in wards:
        out.append(
            {
                "value": str(int(w.code)),
                "label": {"vi": w.name, "en": w.name},
                "kind": w.division_type.value,
                "province": str(int(province.code)),
            }
        )
    return out


def units() -> list[dict[str, Any]]:
    """The province configured for the portal, then its wards/communes."""
    return _units(province_code())


def unit(code: str) -> dict[str, Any] | None:
    code = str(code or "").strip()
    for u in units():
        if u["value"] == code:
            return u
    return None


@functools.lru_cache(maxsize=1)
def _extents() -> dict[str, list[float]]:
    with open(EXTENTS_FILE, encoding="utf-8") as f:
        return {str(k): v for k, v in yaml.safe_load(f).items()}


def bbox(code: str) -> list[float] | None:
    """[west, south, east, north] of unit ``code``: its own box when the
    extents file has one, otherwise its province's."""
    u = unit(code)
    if u is None:
        return None
    extents = _extents()
    return extents.get(u["value"]) or extents.get(u.get("province") or u["value"])


def geojson(code: str) -> str | None:
    """The GeoJSON Polygon (a string, as ckanext-spatial expects) for unit
    ``code``, or None for an unknown code."""
    box = bbox(code)
    if box is None:
        return None
    w, s, e, n = box
    return json.dumps(
        {
            "type": "Polygon",
            "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
        }
    )


def check_geojson(value: str) -> dict[str, Any]:
    """Parse ``value`` as a GeoJSON geometry; ValueError when it is not one."""
    try:
        geom = json.loads(value) if isinstance(value, str) else value
    except ValueError as e:
        raise ValueError(str(e)) from None
    if not isinstance(geom, dict) or geom.get("type") not in (
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
    ):
        raise ValueError("not a GeoJSON geometry")
    coords = geom.get("coordinates")
    if not isinstance(coords, list) or not coords:
        raise ValueError("no coordinates")

    def walk(c):
        if isinstance(c, list) and c and all(isinstance(x, (int, float)) for x in c):
            if len(c) < 2 or not (-180 <= c[0] <= 180 and -90 <= c[1] <= 90):
                raise ValueError("coordinates out of range")
            return
        if not isinstance(c, list) or not c:
            raise ValueError("malformed coordinates")
        for x in c:
            walk(x)

    walk(coords)
    return geom
