"""Helpers of the search backend tests."""

import ckan.tests.helpers as helpers

#: Plugins the search tests load (CKAN's default dataset schema).
SEARCH_PLUGINS = "angiang_search"


def search(**params):
    """package_search as an anonymous visitor (auth applied)."""
    context = params.pop("context", {"ignore_auth": False, "user": ""})
    return helpers.call_action("package_search", context=context, **params)


def names(result):
    return [r["name"] for r in result["results"]]


def facet(result, field):
    """{value: count} of a facet as package_search returns it."""
    return {i["name"]: i["count"] for i in result["search_facets"][field]["items"]}
