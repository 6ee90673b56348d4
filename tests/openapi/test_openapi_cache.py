"""The OpenAPI document is built once per language and input set, not per
request (ckanext/angiang/openapi/views.py), and is never stale: its key holds
everything it is built from."""

from __future__ import annotations

import pytest

from ckanext.angiang.openapi import document, views

URL = "/api/openapi.json"


@pytest.fixture
def builds(monkeypatch):
    """Counts the real builds of the document (the cache's misses)."""
    calls = []
    real = document.build

    def counting(lang, *args, **kwargs):
        calls.append(lang)
        return real(lang, *args, **kwargs)

    monkeypatch.setattr(document, "build", counting)
    views._serialized.clear()
    return calls


def test_built_once_per_language_then_served_as_is_with_an_etag(app, builds):
    first = app.get("/vi" + URL)
    again = app.get("/vi" + URL)
    english = app.get("/en" + URL)
    assert builds == ["vi", "en"]
    assert again.body == first.body and english.body != first.body
    assert english.json["info"]["title"] == "An Giang province open data portal API"
    assert first.headers["ETag"] and first.headers["ETag"] != english.headers["ETag"]
    unchanged = app.get("/vi" + URL, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.body
    assert builds == ["vi", "en"]


def test_a_new_server_url_or_action_set_is_a_new_document(app, builds, ckan_config, monkeypatch):
    before = app.get(URL).json
    monkeypatch.setitem(
        ckan_config, "ckanext.angiang.api_docs.server_url", "https://api.example.gov.vn"
    )
    moved = app.get(URL).json
    assert moved["servers"] == [{"url": "https://api.example.gov.vn"}]
    assert before["servers"] != moved["servers"]
    # an action no longer registered (a plugin disabled) leaves the document
    real = views.action_info
    monkeypatch.setattr(
        views, "action_info", lambda name: None if name == "package_search" else real(name)
    )
    fewer = app.get(URL).json
    assert "/api/3/action/package_search" in moved["paths"]
    assert "/api/3/action/package_search" not in fewer["paths"]
    assert len(builds) == 3
