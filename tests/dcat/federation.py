"""What a stock ckanext-dcat parser makes of one of our datasets (Art. 7.7).

``facts(parsed)`` reads the fields the national portal needs out of a dataset
dict produced by ckanext-dcat's ``RDFParser`` with a stock profile, whether
the profile left them in ``extras`` (no scheming) or in ckanext-dcat's
scheming fields (``euro_dcat_ap_scheming`` with ``dcat_ap_full.yaml``);
``expected_facts(dataset)`` gives the same from the portal's
``package_show``. A test compares them field by field; ``TABLE`` collects the
counts that ``conftest.pytest_terminal_summary`` prints.
"""

from __future__ import annotations

import json
from typing import Any

from ckanext.angiang.dcat import geo, location, references
from ckanext.angiang.dcat import vocabularies as voc

FIELDS = (
    "title",
    "notes",
    "publisher",
    "contact",
    "tags",
    "theme",
    "spatial",
    "bbox",
    "temporal",
    "frequency",
    "identifier",
    "standard",
    "resources",
    "licence",
)

# (format, profiles, pages) -> {"read": n, "total": n, field: n ok}
TABLE: dict[tuple[str, str, str], dict[str, int]] = {}


def _extras(d: dict) -> dict:
    return {e["key"]: e["value"] for e in d.get("extras") or []}


def _get(d: dict, key: str) -> Any:
    value = d.get(key)
    if value in (None, "", []):
        value = _extras(d).get(key)
    return value


def _list(value: Any) -> list:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    return list(value or [])


def _first(value: Any) -> dict:
    return value[0] if isinstance(value, list) and value else {}


def _bbox(value: Any) -> Any:
    data = geo.load_geojson(value)
    return geo.bbox(data) if data else None


def facts(d: dict) -> dict:
    """The fields, normalised, of a dataset parsed by a stock profile."""
    publisher = _first(d.get("publisher")).get("name") or _get(d, "publisher_name")
    contact = _first(d.get("contact"))
    spatial = _first(d.get("spatial_coverage"))
    temporal = _first(d.get("temporal_coverage"))
    resources = sorted(
        (
            r.get("url") or "",
            (r.get("format") or "").rsplit("/", 1)[-1].upper(),
            r.get("license") or "",
            r.get("hash") or "",
        )
        for r in d.get("resources") or []
    )
    return {
        "title": d.get("title"),
        "notes": d.get("notes"),
        "publisher": publisher,
        "contact": (
            contact.get("name") or _get(d, "contact_name"),
            contact.get("email") or _get(d, "contact_email"),
        ),
        "tags": sorted(t["name"] for t in d.get("tags") or []),
        "theme": sorted(_list(_get(d, "theme"))),
        "spatial": spatial.get("uri") or _get(d, "spatial_uri"),
        "bbox": _bbox(
            spatial.get("bbox")
            or _get(d, "spatial_bbox")
            or spatial.get("geom")
            or _get(d, "spatial")
        ),
        "temporal": (
            (temporal.get("start") or _get(d, "temporal_start") or "")[:10],
            (temporal.get("end") or _get(d, "temporal_end") or "")[:10],
        ),
        "frequency": _get(d, "frequency"),
        "identifier": sorted(_list(_get(d, "alternate_identifier"))),
        "standard": sorted(_list(_get(d, "conforms_to"))),
        "resources": resources,
        "licence": d.get("license_id"),
    }


def expected_facts(dataset: dict, licence_urls: dict[str, str]) -> dict:
    """The same fields from the portal's ``package_show``."""
    code = dataset.get("spatial_code")
    catalogue_code = (dataset.get("catalogue_code") or "").strip()
    licence = licence_urls.get(dataset.get("license_id") or "", "")
    resources = sorted(
        (
            (r.get("url") or "").strip(),
            (r.get("format") or "").upper(),
            licence,
            r.get("hash") or "",
        )
        for r in dataset["resources"]
    )
    return {
        "title": dataset["title"],
        "notes": dataset["notes"],
        "publisher": dataset["organization"]["title"],
        "contact": (dataset.get("contact_name"), dataset.get("contact_email")),
        "tags": sorted(t["name"] for t in dataset["tags"]),
        "theme": sorted(voc.theme_uri(c) for c in _list(dataset.get("theme"))),
        "spatial": location.spatial_uri(str(code)) if code else None,
        "bbox": _bbox(dataset.get("spatial")),
        "temporal": (
            (dataset.get("temporal_start") or "")[:10],
            (dataset.get("temporal_end") or "")[:10],
        ),
        "frequency": voc.frequency_uri(dataset["frequency"]) if dataset.get("frequency") else None,
        # The catalogue code and the standard as the URIs references.py mints.
        "identifier": [str(references.catalogue_code_uri(catalogue_code))]
        if catalogue_code
        else [],
        "standard": [
            standard
            if standard.startswith(("http://", "https://"))
            else str(references.standard_uri(standard))
            for standard in _list(dataset.get("conforms_to"))
        ],
        "resources": resources,
        "licence": dataset.get("license_id"),
    }


def compare(parsed: dict, expected: dict) -> dict[str, tuple]:
    """Fields that differ: ``{field: (got, expected)}``."""
    got = facts(parsed)
    return {f: (got[f], expected[f]) for f in FIELDS if got[f] != expected[f]}


def render_table() -> str:
    if not TABLE:
        return ""
    head = ["format", "profiles", "pages", "read"] + list(FIELDS)
    rows = [head]
    for (fmt, profiles, pages), counts in sorted(TABLE.items()):
        rows.append(
            [fmt, profiles, pages, f"{counts['read']}/{counts['total']}"]
            + [str(counts.get(f, 0)) for f in FIELDS]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
