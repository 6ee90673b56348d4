"""The OpenAPI 3.1 document at /api/openapi.json: valid, built from what the
portal registers, in Vietnamese and English (Art. 3.5, 8.3)."""

from __future__ import annotations

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from ckanext.angiang.dcat import catalog
from ckanext.angiang.logic import action as angiang_action
from ckanext.angiang.openapi import document

URL = "/api/openapi.json"


@pytest.fixture
def doc(app, api_docs_plugins):
    response = app.get(URL)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json


def test_document_passes_openapi_spec_validator(doc):
    assert doc["openapi"] == "3.1.0"
    validate(doc, cls=OpenAPIV31SpecValidator)  # raises on any error


def test_the_validator_would_catch_a_broken_document(doc):
    # the check above can fail: a parameter must say where it goes (`in`)
    broken = dict(doc, paths=dict(doc["paths"]))
    broken["paths"]["/api/3/action/package_show"] = {
        "get": {
            "operationId": "x",
            "parameters": [{"name": "id", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "OK"}},
        }
    }
    with pytest.raises(OpenAPIValidationError):
        validate(broken, cls=OpenAPIV31SpecValidator)


def test_reads_are_get_with_their_parameters_writes_post_with_a_token(doc):
    search = doc["paths"]["/api/3/action/package_search"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert {
        "q",
        "fq",
        "facet.field",
        "facet.limit",
        "sort",
        "rows",
        "start",
        "include_private",
        "include_drafts",
    } <= names
    assert {} in search["security"]  # anonymous allowed
    create = doc["paths"]["/api/3/action/package_create"]
    assert list(create) == ["post"]
    assert create["post"]["security"] == [{"apiToken": []}]
    assert doc["components"]["securitySchemes"]["apiToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": doc["components"]["securitySchemes"]["apiToken"]["description"],
    }
    # every action answers CKAN's envelope and its error responses
    for path, item in doc["paths"].items():
        if path.startswith("/api/3/action/"):
            for op in item.values():
                ok = op["responses"]["200"]["content"]["application/json"]["schema"]
                assert ok["required"] == ["help", "success", "result"], path
                assert {"400", "403", "404", "409"} <= set(op["responses"]), path


def test_the_portal_own_actions_and_the_dcat_endpoints_are_there(doc):
    paths = doc["paths"]
    assert "get" in paths["/api/3/action/angiang_agency_tree"]
    assert "post" in paths["/api/3/action/angiang_license_create"]
    for fmt, media_type in [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("xml", "application/rdf+xml"),
        ("rdf", "application/rdf+xml"),
    ]:
        assert media_type in paths[f"/catalog.{fmt}"]["get"]["responses"]["200"]["content"]
        assert "/dataset/{id}." + fmt in paths


def test_only_registered_actions_are_documented(doc):
    # the datastore plugin is enabled (the data API, Art. 5.2b): documented;
    # datastore_search_sql is not enabled, so not documented
    assert "/api/3/action/datastore_search" in doc["paths"]
    assert "/api/3/action/datastore_search_sql" not in doc["paths"]
    built = document.build(
        "en",
        "http://x",
        "1",
        lambda name: (
            (True, "ckanext.datastore.logic.action") if name == "datastore_search" else None
        ),
        lambda name: False,
    )
    assert list(built["paths"]) == ["/api/3/action/datastore_search"]
    assert [t["name"] for t in built["tags"]] == ["datastore"]


def _suite_actions() -> set[str]:
    """The actions every plugin of the suite registers, CKAN's own that it
    chains (documented as CKAN's) left out."""
    from importlib import metadata

    names = set()
    for ep in metadata.entry_points(group="ckan.plugins"):
        if not ep.value.startswith("ckanext.angiang"):
            continue
        plugin = ep.load()(name=ep.name)
        if hasattr(plugin, "get_actions"):
            for name, func in plugin.get_actions().items():
                if not getattr(func, "chained_action", False):
                    names.add(name)
    return names


def test_every_action_of_the_suite_is_documented_or_explained():
    spec = document.specs()["actions"]
    known = set(spec["actions"]) | set(spec["undocumented"])
    own = _suite_actions() | set(angiang_action.__all__) | set(catalog.get_actions())
    assert {"angiang_catalogue_entry_list", "angiang_page_show", "angiang_usage_top"} <= own
    assert own - known == set(), "document them in ckanext/angiang/openapi/spec/actions.yaml"


def test_every_text_is_in_vietnamese_and_english():
    texts = list(document.texts(document.specs()))
    assert len(texts) > 50
    incomplete = [
        t for t in texts if not (t.get("vi") or "").strip() or not (t.get("en") or "").strip()
    ]
    assert incomplete == []


def test_the_document_speaks_the_page_language(app, api_docs_plugins):
    vi = app.get("/vi" + URL).json
    en = app.get("/en" + URL).json
    assert vi["info"]["title"] == "API của Cổng dữ liệu mở tỉnh An Giang"
    assert en["info"]["title"] == "An Giang province open data portal API"
    assert vi["paths"]["/api/3/action/package_search"]["get"]["summary"] == "Tìm kiếm tập dữ liệu"
    assert vi["paths"].keys() == en["paths"].keys()


@pytest.mark.ckan_config("ckanext.angiang.api_docs.server_url", "https://api.example.gov.vn/")
def test_server_url_is_configurable(app, api_docs_plugins):
    assert app.get(URL).json["servers"] == [{"url": "https://api.example.gov.vn"}]


def test_server_url_defaults_to_the_site_url(doc, ckan_config):
    assert doc["servers"] == [{"url": ckan_config["ckan.site_url"].rstrip("/")}]
