"""The DCAT catalogue endpoints: only public, active datasets, page by page.

ckanext-dcat's ``dcat_catalog_show`` searches with the site's default
visibility (and the caller's rights), so a logged-in editor would see private
datasets in ``/catalog.ttl``, and ``/dataset/<id>.ttl`` serializes whatever
``package_show`` lets the caller read. The national portal harvests this
catalogue (Art. 7.7): private and draft datasets must never be in it, whoever
asks. The actions below replace ckanext-dcat's (as chained actions that do
not call the originals) and always search as the public would.
"""

from __future__ import annotations

import datetime
import math
from typing import Any
from urllib.parse import urlencode

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib.search import SearchError
from dateutil.parser import parse as parse_date

from ckanext.angiang.dcat.serializer import serializer as make_serializer
from ckanext.dcat.utils import CONTENT_TYPES, catalog_uri

# Dataset types that are not datasets of the catalogue (harvest sources...).
EXCLUDED_TYPES = ("harvest", "showcase")


def page_size() -> int:
    return tk.asint(tk.config.get("ckanext.dcat.datasets_per_page"))


def _page(data_dict: dict) -> int:
    try:
        page = int(data_dict.get("page") or 1)
    except (TypeError, ValueError):
        raise tk.ValidationError({"page": [tk._("Page must be a positive integer")]}) from None
    if page < 1:
        raise tk.ValidationError({"page": [tk._("Page must be a positive integer")]})
    return page


def _modified_since(data_dict: dict) -> str | None:
    value = data_dict.get("modified_since")
    if not value:
        return None
    try:
        moment = parse_date(value)
    except (ValueError, OverflowError, TypeError):
        raise tk.ValidationError(
            {
                "modified_since": [
                    tk._("Wrong date format: use ISO 8601, e.g. 2025-01-31 or 2025-01-31T08:00:00")
                ]
            }
        ) from None
    if moment.tzinfo is not None:
        # metadata_modified is stored in UTC without a zone.
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment.isoformat()


def search_public(data_dict: dict) -> dict:
    """One page of public, active datasets, most recently modified first,
    as ``package_search`` returns it (``count`` and ``results``)."""
    rows = page_size()
    page = _page(data_dict)
    # Public and active, whatever ``fq`` the caller adds (CKAN drops its own
    # state filter when ``fq`` mentions ``+state``).
    fq_list = [
        "+capacity:public",
        "+state:active",
        f"-dataset_type:({' OR '.join(EXCLUDED_TYPES)})",
    ]
    since = _modified_since(data_dict)
    if since:
        fq_list.append(f"metadata_modified:[{since}Z TO *]")
    search = {
        "q": data_dict.get("q") or "*:*",
        "fq": data_dict.get("fq") or "",
        "fq_list": fq_list,
        "rows": rows,
        "start": rows * (page - 1),
        "sort": "metadata_modified desc",
        "include_private": False,
        "include_drafts": False,
        "include_deleted": False,
    }
    # Searched as an anonymous visitor would: no rights of the caller leak in.
    context = {"ignore_auth": True, "user": ""}
    try:
        return tk.get_action("package_search")(context, search)
    except SearchError as e:
        # ckanext-dcat's views turn a ValidationError into a 409 (a search
        # error escaped them: a 500); the message names no internal filter
        raise tk.ValidationError({"q": [str(e)]}) from None


def pagination_info(query: dict, data_dict: dict) -> dict:
    """Hydra paging of the current request (as ckanext-dcat's, with the
    query string encoded: its own builds invalid URIs from ``fq`` values
    with spaces, which the Turtle serializer then refuses)."""
    if not query["count"]:
        return {}
    rows, page = page_size(), _page(data_dict)
    base = catalog_uri().rstrip("/") + tk.request.path
    kept = [
        (k, v)
        for k, v in tk.request.args.items(multi=True)
        if k in ("modified_since", "profiles", "q", "fq")
    ]

    def url(number: int) -> str:
        return base + "?" + urlencode(kept + [("page", str(number))])

    last = max(1, math.ceil(query["count"] / rows))
    info = {
        "count": query["count"],
        "items_per_page": rows,
        "current": url(page),
        "first": url(1),
        "last": url(last),
    }
    if page > 1:
        info["previous"] = url(min(page - 1, last))
    if page * rows < query["count"]:
        info["next"] = url(page + 1)
    return info


def _format(data_dict: dict) -> str | None:
    """The requested serialization, one ckanext-dcat's views can label
    (``/catalog.nonsense`` made rdflib raise PluginException: a 500)."""
    value = data_dict.get("format")
    if value is None or (isinstance(value, str) and value in CONTENT_TYPES):
        return value
    raise tk.ValidationError(
        {
            "format": [
                tk._("Unknown format: use one of {formats}.").format(
                    formats=", ".join(CONTENT_TYPES)
                )
            ]
        }
    )


def catalogue(data_dict: dict) -> str:
    """The serialized catalogue page (``format``: ttl, rdf, xml, jsonld, n3)."""
    _format(data_dict)
    query = search_public(data_dict)
    pagination = pagination_info(query, data_dict)
    serializer = make_serializer(data_dict.get("profiles"))
    return serializer.serialize_catalog(
        {}, query["results"], _format=data_dict.get("format"), pagination_info=pagination
    )


def public_dataset(data_dict: dict) -> dict:
    """``package_show`` of a dataset that the public may see, else NotFound."""
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": data_dict.get("id")})
    if (
        dataset.get("private")
        or dataset.get("state") != "active"
        or dataset.get("type") in EXCLUDED_TYPES
    ):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return dataset


def dataset(data_dict: dict) -> str:
    _format(data_dict)
    dataset_dict = public_dataset(data_dict)
    serializer = make_serializer(data_dict.get("profiles"))
    return serializer.serialize_dataset(dataset_dict, _format=data_dict.get("format"))


def publication_dates() -> tuple[str | None, str | None]:
    """(first ``metadata_created``, last ``metadata_modified``) of the public
    catalogue: the catalogue's ``dct:issued`` and ``dct:modified``."""
    pkg = model.package_table
    row = model.Session.execute(
        sa.select(sa.func.min(pkg.c.metadata_created), sa.func.max(pkg.c.metadata_modified)).where(
            pkg.c.state == "active", pkg.c.private.is_(False), pkg.c.type.notin_(EXCLUDED_TYPES)
        )
    ).one()
    first, last = row
    return (first.isoformat() if first else None, last.isoformat() if last else None)


# --- actions (registered by the angiang_dcat plugin) ---------------------------


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(original_action, context: dict, data_dict: dict) -> Any:
    tk.check_access("dcat_catalog_show", context, data_dict)
    return catalogue(data_dict)


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(original_action, context: dict, data_dict: dict) -> Any:
    tk.check_access("dcat_catalog_search", context, data_dict)
    return catalogue(data_dict)


@tk.chained_action
def dcat_dataset_show(original_action, context: dict, data_dict: dict) -> Any:
    tk.check_access("dcat_dataset_show", context, data_dict)
    return dataset(data_dict)


def get_actions() -> dict:
    return {
        "dcat_catalog_show": dcat_catalog_show,
        "dcat_catalog_search": dcat_catalog_search,
        "dcat_dataset_show": dcat_dataset_show,
    }
