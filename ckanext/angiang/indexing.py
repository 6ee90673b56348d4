"""The metadata model in search: list fields indexed as lists, and the
theme facet (Art. 5: datasets are classified by field/theme).

ckanext-scheming keeps a multiple-choice field (``theme``, ``language``) as
JSON text in the dataset's extras, and CKAN indexes that text as one value:
a facet would count ``["AGRI", "ECON"]`` as a value of its own and
``fq=theme:AGRI`` would find nothing. :func:`lists_for_index` gives the
index the values.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.angiang.metadata import vocabularies
from ckanext.angiang.metadata_views.helpers import current_lang

#: Facets the search, agency and group pages add to CKAN's, with the
#: vocabulary their values come from.
FACETS = {"theme": "theme"}
_LIST_OUTPUT = "angiang_list_output"


def list_fields(dataset_type: str) -> list[str]:
    """The fields of ``dataset_type`` stored as JSON lists."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type) or {}
    return [
        f["field_name"]
        for f in schema.get("dataset_fields", [])
        if _LIST_OUTPUT in str(f.get("output_validators", ""))
    ]


def lists_for_index(doc: dict[str, Any]) -> dict[str, Any]:
    """``before_dataset_index``: JSON-list fields become lists."""
    for name in list_fields(doc.get("type") or "dataset"):
        value = doc.get(name)
        if isinstance(value, str) and value.startswith("["):
            try:
                parsed = json.loads(value)
            except ValueError:
                continue
            if isinstance(parsed, list):
                doc[name] = [str(v) for v in parsed if v not in (None, "")]
    return doc


def add_facets(facets_dict: OrderedDict[str, Any]) -> OrderedDict[str, Any]:
    """The theme facet, after CKAN's groups facet (or at the end)."""
    out: OrderedDict[str, Any] = OrderedDict()
    for key, title in facets_dict.items():
        out[key] = title
        if key == "groups":
            out["theme"] = tk._("Theme")
    out.setdefault("theme", tk._("Theme"))
    return out


def label_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    """``after_dataset_search``: vocabulary labels in the page's language
    as the display names of :data:`FACETS` items."""
    facets = search_results.get("search_facets") or {}
    lang = current_lang()
    for field, vocabulary in FACETS.items():
        for item in (facets.get(field) or {}).get("items", []):
            item["display_name"] = vocabularies.label(vocabulary, item["name"], lang)
    return search_results
