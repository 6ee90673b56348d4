"""Spatial coverage for the DCAT catalogue: administrative units and geometries.

``spatial_code`` is a vietnam-provinces code (a province, e.g. ``91`` for An
Giang, or a ward/commune); ``spatial`` is the GeoJSON extent derived from it
(docs/metadata-model.md). DCAT-AP wants a ``dct:Location`` with a name and
(recommended) ``dcat:bbox`` and ``dcat:centroid``: this module computes them
from the GeoJSON (``location.py`` writes them, and says why no
``locn:geometry``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from geomet import InvalidGeoJSONException, wkt


def admin_unit(code: Any) -> dict[str, str] | None:
    """Name of an administrative unit: ``{"code", "name", "name_en"}`` or None.

    Province names get their type ("Tỉnh An Giang"); ward and commune names
    from vietnam-provinces already carry theirs ("Xã Mỹ Hòa Hưng") and are
    followed by their province.
    """
    from vietnam_provinces import Province, Ward

    try:
        number = int(str(code).strip())
    except (TypeError, ValueError):
        return None
    try:
        province = Province.from_code(number)  # type: ignore[arg-type]
    except ValueError:
        province = None
    if province is not None:
        kind = province.division_type.value
        name = f"{kind[:1].upper()}{kind[1:]} {province.name}"
        en_kind = "City" if "thành phố" in kind else "Province"
        return {"code": str(number), "name": name, "name_en": f"{_ascii(province.name)} {en_kind}"}
    try:
        ward = Ward.from_code(number)  # type: ignore[arg-type]
    except ValueError:
        return None
    parent = admin_unit(int(ward.province_code))
    name = ward.name + (f", {parent['name']}" if parent else "")
    name_en = _ascii(ward.name) + (f", {parent['name_en']}" if parent else "")
    return {"code": str(number), "name": name, "name_en": name_en}


def extent(code: Any) -> dict | None:
    """The extent the metadata schema derives for a unit code (the GeoJSON
    ``spatial`` of a dataset with that ``spatial_code``), or None."""
    from ckanext.angiang.metadata import spatial

    return load_geojson(spatial.geojson(str(code)))


def _ascii(text: str) -> str:
    from slugify import slugify

    # "Mỹ Hòa Hưng" -> "My Hoa Hung": keep the capitals of each word.
    words = text.split()
    return " ".join(slugify(w, lowercase=False, separator="") or w for w in words)


def load_geojson(value: Any) -> dict | None:
    if not value:
        return None
    if isinstance(value, dict):
        return value
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) and "type" in data else None


def _positions(geometry: dict) -> Iterable[tuple[float, float]]:
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        for part in geometry.get("geometries", []):
            yield from _positions(part)
        return
    if kind == "Feature":
        yield from _positions(geometry.get("geometry") or {})
        return

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            yield float(coords[0]), float(coords[1])
        else:
            for item in coords or []:
                yield from walk(item)

    yield from walk(geometry.get("coordinates"))


def bbox(geometry: dict) -> tuple[float, float, float, float] | None:
    points = list(_positions(geometry))
    if not points:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _ring_centroid(ring: list) -> tuple[float, float, float]:
    """Signed area and centroid of a linear ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2.0
    if area == 0:
        return 0.0, 0.0, 0.0
    return area, cx / (6 * area), cy / (6 * area)


def centroid(geometry: dict) -> tuple[float, float] | None:
    """Area-weighted centroid of (Multi)Polygons; the mean position otherwise."""
    kind = geometry.get("type")
    polygons = []
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    total = sx = sy = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            area, x, y = _ring_centroid(ring)
            # Holes count negatively whatever their orientation.
            weight = abs(area) if index == 0 else -abs(area)
            total += weight
            sx += x * weight
            sy += y * weight
    if total:
        return sx / total, sy / total
    points = list(_positions(geometry))
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _num(value: float) -> str:
    return repr(float(value))


def bbox_wkt(geometry: dict) -> str | None:
    box = bbox(geometry)
    if not box:
        return None
    w, s, e, n = (_num(v) for v in box)
    return f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"


def centroid_wkt(geometry: dict) -> str | None:
    point = centroid(geometry)
    if not point:
        return None
    return f"POINT({_num(point[0])} {_num(point[1])})"


# What geomet raises on geometries it cannot convert.
GEOMET_ERRORS = (
    InvalidGeoJSONException,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    StopIteration,
)


def to_wkt(geometry: dict) -> str | None:
    try:
        return wkt.dumps(geometry, decimals=7)
    except GEOMET_ERRORS:
        return None


def from_wkt(text: str) -> dict | None:
    try:
        return wkt.loads(text)
    except GEOMET_ERRORS:
        return None
