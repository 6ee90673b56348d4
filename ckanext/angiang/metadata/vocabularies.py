"""Controlled vocabularies of the schemas, read from ``data/vocabularies.yaml``.

Each entry: ``value`` (stored), ``label`` ({vi, en}) and, for DCAT, ``uri``.
The schemas reference a vocabulary by name (``choices_helper:
angiang_choices`` + ``vocabulary: theme``), so a vocabulary lives in one place.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import yaml

from ckanext.angiang.metadata import DATA_DIR

VOCABULARIES_FILE = os.path.join(DATA_DIR, "vocabularies.yaml")


@functools.cache
def _load() -> dict[str, list[dict[str, Any]]]:
    with open(VOCABULARIES_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def names() -> list[str]:
    return list(_load())


def choices(name: str) -> list[dict[str, Any]]:
    """The entries of vocabulary ``name`` (KeyError if there is none)."""
    return _load()[name]


def values(name: str) -> list[str]:
    return [c["value"] for c in choices(name)]


def uri(name: str, value: str) -> str | None:
    """The URI of ``value`` in vocabulary ``name`` (e.g. the EU data-theme
    URI of ``AGRI``), or None."""
    for c in choices(name):
        if c["value"] == value:
            return c.get("uri")
    return None


def label(name: str, value: str, lang: str = "vi") -> str:
    for c in choices(name):
        if c["value"] == value:
            return c["label"].get(lang) or c["label"]["vi"]
    return value
