"""Template helpers of the ``angiang_schema`` plugin (all ``angiang_``)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.angiang.agencies import tree as agency_tree
from ckanext.angiang.metadata import formats, licenses, spatial, vocabularies

__all__ = [
    "angiang_choices",
    "angiang_vocabulary_uri",
    "angiang_license",
    "angiang_license_title",
    "angiang_license_terms",
    "angiang_open_formats",
    "angiang_agency_tree",
]


def current_lang() -> str:
    """The page's language, or the default locale outside a request."""
    try:
        return tk.h.lang() or "vi"
    except Exception:  # outside a request (CLI, tests): the default locale
        return tk.config.get("ckan.locale_default") or "vi"


def angiang_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """scheming ``choices_helper``: the vocabulary named by ``field['vocabulary']``
    (``spatial``: the province's 2025 units; ``agencies``: active agencies)."""
    name = field.get("vocabulary")
    if name == "spatial":
        return spatial.units()
    if name == "agencies":
        return [{"value": g.name, "label": g.title or g.name} for g in agency_tree.agencies()]
    return vocabularies.choices(name)


def angiang_vocabulary_uri(vocabulary: str, value: str) -> str | None:
    return vocabularies.uri(vocabulary, value)


def angiang_license(license_id: str) -> dict[str, Any] | None:
    lic = licenses.get(license_id)
    return lic.license_dictize() if lic is not None else None


def angiang_license_title(license_id: str, fallback: str = "") -> str:
    lic = licenses.get(license_id)
    if lic is None:
        return fallback or license_id or ""
    return licenses.localized(lic, "title", current_lang())


def angiang_license_terms(license_id: str) -> list[str]:
    lic = licenses.get(license_id)
    if lic is None:
        return []
    return licenses.localized(lic, "terms", current_lang()) or []


def angiang_open_formats() -> list[dict[str, Any]]:
    return formats.groups()


def angiang_agency_tree() -> list[dict[str, Any]]:
    return agency_tree.tree()
