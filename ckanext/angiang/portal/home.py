"""What the home page shows (issue #13 item 1): counts, the theme grid, the
agencies by level and the newest datasets.

Everything comes from one ``package_search`` run as the visitor (so private
datasets and drafts never count: CKAN adds the permission labels and leaves
drafts out) with the ``theme`` and ``organization`` facets, and from the
agency tree's two SQL queries. Nothing is cached in the process: another
process's write shows on the next page view.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.angiang.agencies import tree as agency_tree
from ckanext.angiang.metadata import vocabularies
from ckanext.angiang.metadata_views.helpers import current_lang

#: Newest datasets listed on the home page.
NEWEST = 6


def summary() -> dict[str, Any]:
    """``{dataset_count, agency_count, theme_count, themes, levels, newest}``.

    ``themes``: every theme of the vocabulary with its label in the page's
    language and its count of public datasets (0 included, so the grid is
    the same shape on every portal). ``levels``: the agency tree's levels,
    each agency with its count of public datasets."""
    result = tk.get_action("package_search")(
        {"user": tk.g.user if hasattr(tk.g, "user") else ""},
        {
            "q": "*:*",
            "rows": NEWEST,
            "sort": "metadata_created desc",
            "facet.field": ["theme", "organization"],
            "facet.limit": -1,
            "include_private": False,
            "include_drafts": False,
        },
    )
    facets = result.get("facets") or {}
    theme_counts = facets.get("theme") or {}
    lang = current_lang()
    themes = [
        {
            "value": c["value"],
            "label": c["label"].get(lang) or c["label"]["vi"],
            "count": int(theme_counts.get(c["value"], 0)),
        }
        for c in vocabularies.choices("theme")
    ]
    levels = [
        {**level, "label": level["label"].get(lang) or level["label"]["vi"]}
        for level in agency_tree.levels_flat()
    ]
    return {
        "dataset_count": result["count"],
        "agency_count": len(facets.get("organization") or {}),
        "theme_count": sum(1 for t in themes if t["count"]),
        "themes": themes,
        "levels": levels,
        "newest": result["results"],
    }
