"""Mapping datasets of other catalogues (CKAN, DCAT) into the portal's schema.

A remote CKAN gives a ``package_show`` dict (its own fields at the top,
anything else in ``extras``); ckanext-dcat's RDF parser gives the same
shape with DCAT values (``frequency`` and ``theme`` as EU vocabulary URIs,
``language`` as EU language URIs, lists as JSON text in extras). Both are
read here into the fields of docs/metadata-model.md; the values are then
validated by the portal's dataset schema like any hand-made dataset.
"""

from __future__ import annotations

import json
from typing import Any

from ckanext.angiang.harvesters import mapping

# EU Publications Office language authority codes -> ISO 639-1
_LANGUAGES = {"VIE": "vi", "ENG": "en", "FRA": "fr", "ZHO": "zh", "KHM": "km"}


def extras_dict(package: dict) -> dict:
    out = {}
    for extra in package.get("extras") or []:
        if isinstance(extra, dict) and "key" in extra:
            out[extra["key"]] = extra.get("value")
    return out


def _json_list(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _last_segment(value: str) -> str:
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _code(value: Any) -> Any:
    """``http://publications.europa.eu/resource/authority/frequency/MONTHLY`` -> ``MONTHLY``."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return _last_segment(value).upper()
    return value


def _language(value: Any) -> Any:
    if isinstance(value, str):
        if value.startswith(("http://", "https://")):
            seg = _last_segment(value).upper()
            return _LANGUAGES.get(seg, seg.lower())
        return value.lower()
    return value


def _date(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and value[10] in "T ":
        return value[:10]
    return value


_NORMALIZE = {
    "frequency": _code,
    "theme": lambda v: [_code(x) for x in v] if isinstance(v, list) else _code(v),
    "language": lambda v: [_language(x) for x in v] if isinstance(v, list) else _language(v),
    "issued": _date,
    "modified": _date,
    "temporal_start": _date,
    "temporal_end": _date,
    "conforms_to": lambda v: v[0] if isinstance(v, list) and v and isinstance(v[0], str) else v,
}


def map_package(
    remote: dict, *, license_map: dict | None = None, defaults: dict | None = None
) -> tuple[dict, list[tuple[str, str, str]]]:
    """The portal's fields for a remote dataset dict, and type problems."""
    extras = extras_dict(remote)
    record: dict = {}
    for field in mapping.FIELDS:
        value = remote.get(field)
        if mapping.is_empty(value):
            value = extras.get(field)
        if mapping.is_empty(value) and field in ("issued", "modified"):
            value = remote.get("metadata_created" if field == "issued" else "metadata_modified")
        value = _json_list(value)
        if field in _NORMALIZE and not mapping.is_empty(value):
            value = _NORMALIZE[field](value)
        if not mapping.is_empty(value):
            record[field] = value
    # Contact point: the portal's fields, else DCAT's contact_*, else CKAN's maintainer/author.
    for ours, candidates in (
        ("contact_name", ("maintainer", "author")),
        ("contact_email", ("maintainer_email", "author_email")),
    ):
        if ours not in record:
            for key in candidates:
                if remote.get(key):
                    record[ours] = remote[key]
                    break
    tags = remote.get("tags") or []
    names = [t.get("name") if isinstance(t, dict) else t for t in tags]
    record["tags"] = [n for n in names if isinstance(n, str) and n.strip()]
    if not record["tags"]:
        del record["tags"]
    lic = record.get("license_id")
    if lic in (None, "", "notspecified", "other-closed"):
        record.pop("license_id", None)
    elif license_map and lic in license_map:
        record["license_id"] = license_map[lic]
    fields, errors = mapping.map_record(record, {f: f for f in record}, None, defaults)
    return fields, errors


def map_resources(remote: dict, role_prefix: str) -> list[dict]:
    """The remote dataset's resources (links, not copies), each marked with a
    stable role so that re-harvests update it in place."""
    out = []
    for i, res in enumerate(remote.get("resources") or []):
        url = res.get("url") or res.get("access_url") or res.get("download_url")
        if not url:
            continue
        key = res.get("uri") or res.get("id") or url or str(i)
        openapi_url = res.get("openapi_url")
        kind = "api" if (openapi_url or res.get("resource_kind") == "api") else "file"
        item = {
            "name": res.get("name") or "",
            "description": res.get("description") or "",
            "url": url,
            "format": res.get("format") or "",
            "resource_kind": kind,
            "harvest_resource": f"{role_prefix}:{key}",
        }
        if openapi_url:
            item["openapi_url"] = openapi_url
        for opt in ("mimetype", "size", "language"):
            if res.get(opt) not in (None, ""):
                item[opt] = res[opt]
        if isinstance(item.get("size"), str):
            item["size"] = int(item["size"]) if item["size"].isdigit() else None
            if item["size"] is None:
                del item["size"]
        lang = _json_list(item.get("language"))
        if isinstance(lang, list):
            item["language"] = _language(lang[0]) if lang else None
            if not item["language"]:
                del item["language"]
        out.append(item)
    return out
