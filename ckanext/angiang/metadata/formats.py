"""Open formats (Art. 5.3; Circular 39/2017/TT-BTTTT).

The list lives in ``data/open_formats.yaml`` (or the file named by
``ckanext.angiang.open_formats_file``). ``normalise`` maps what people type
("csv", ".xlsx", "text/csv", "GeoJSON") to the code stored in a resource's
``format``; anything it cannot map is not an open format.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import ckan.plugins.toolkit as tk
import yaml

from ckanext.angiang.metadata import DATA_DIR

DEFAULT_FILE = os.path.join(DATA_DIR, "open_formats.yaml")


def _path() -> str:
    return tk.config.get("ckanext.angiang.open_formats_file") or DEFAULT_FILE


@functools.lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    lookup: dict[str, str] = {}
    media: dict[str, str] = {}
    for group in data["groups"]:
        for fmt in group["formats"]:
            code = fmt["code"]
            keys = [code] + list(fmt.get("aliases") or []) + list(fmt.get("extensions") or [])
            for key in keys:
                lookup.setdefault(_key(key), code)
            for mt in fmt.get("media_types") or []:
                media.setdefault(mt.lower(), code)
                lookup.setdefault(_key(mt), code)
    return {"groups": data["groups"], "lookup": lookup, "media": media}


def _key(text: str) -> str:
    return str(text).strip().lstrip(".").upper()


def groups() -> list[dict[str, Any]]:
    return _load(_path())["groups"]


def codes() -> list[str]:
    """Every open format code, in the order of the file."""
    return [f["code"] for g in groups() for f in g["formats"]]


def normalise(value: str) -> str | None:
    """The open format code for ``value``, or None when it is not open."""
    if not value:
        return None
    return _load(_path())["lookup"].get(_key(value))


def from_media_type(media_type: str) -> str | None:
    if not media_type:
        return None
    return _load(_path())["media"].get(media_type.split(";")[0].strip().lower())


def is_service(code: str) -> bool:
    """Whether ``code`` is one of the data-service formats (REST, OData, ...)."""
    for g in groups():
        if g["id"] == "service":
            return code in [f["code"] for f in g["formats"]]
    return False
