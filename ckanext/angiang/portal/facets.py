"""Facets of the search and agency pages (issue #13 item 4)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.model as model


def _any_group() -> bool:
    # read on each page: another process may have created the first group
    return (
        model.Session.query(model.Group.id)
        .filter(model.Group.is_organization.is_(False), model.Group.state == "active")
        .first()
        is not None
    )


def without_empty_groups(facets_dict: OrderedDict[str, Any]) -> OrderedDict[str, Any]:
    """CKAN's facets without ``groups`` while no group exists."""
    if "groups" in facets_dict and not _any_group():
        facets_dict.pop("groups")
    return facets_dict


def license_titles_in_page_language(search_results: dict[str, Any]) -> dict[str, Any]:
    """``after_dataset_search``: the licence facet's items named by the
    licence register's title in the page's language (CKAN shows the English
    title whatever the page)."""
    from ckanext.angiang.metadata import licenses
    from ckanext.angiang.metadata_views.helpers import current_lang

    items = ((search_results.get("search_facets") or {}).get("license_id") or {}).get("items")
    if not items:
        return search_results
    lang = current_lang()
    for item in items:
        lic = licenses.get(item["name"])
        if lic is not None:
            item["display_name"] = licenses.localized(lic, "title", lang)
    return search_results
