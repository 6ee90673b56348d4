"""The API docs page: Vietnamese, rendered by the portal from assets it
serves itself (no CDN), linked from the footer and the search page."""

from __future__ import annotations

import re

import pytest

from ckanext.angiang.openapi import views


def _local_assets(html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)


def test_docs_page_renders_swagger_ui_from_the_portal(app, ckan_config):
    response = app.get("/api/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-openapi-url="/api/openapi.json"' in html
    assert "/angiang-openapi/swagger-ui/swagger-ui-bundle.js" in html
    site = ckan_config["ckan.site_url"]
    outside = [
        url
        for url in _local_assets(html)
        if url.startswith(("http:", "https:", "//")) and not url.startswith(site)
    ]
    assert outside == []  # nothing loaded from a CDN or another site


@pytest.mark.parametrize(
    "path, needle",
    [
        ("/angiang-openapi/swagger-ui/swagger-ui-bundle.js", "SwaggerUIBundle"),
        ("/angiang-openapi/swagger-ui/swagger-ui.css", ".swagger-ui"),
        ("/angiang-openapi/docs.js", "validatorUrl: null"),
        ("/angiang-openapi/docs.css", "#swagger-ui .wrapper"),
        ("/angiang-openapi/swagger-ui/LICENSE", "Apache License"),
    ],
)
def test_the_assets_are_served(app, path, needle):
    response = app.get(path)
    assert response.status_code == 200
    assert needle in response.get_data(as_text=True)


def test_the_page_is_in_vietnamese(app):
    html = app.get("/vi/api/docs").get_data(as_text=True)
    assert "Tài liệu API" in html
    assert "Đọc dữ liệu công khai không cần tài khoản hay mã API." in html
    assert "/vi/api/openapi.json" in html  # the document in the page's language


def test_footer_and_search_page_link_to_the_docs(app, clean_db):
    home = app.get("/").get_data(as_text=True)
    assert 'href="/api/docs"' in home
    assert "docs.ckan.org/en/" not in home  # CKAN's English API docs no longer linked
    search = app.get("/dataset/").get_data(as_text=True)
    assert 'href="/api/docs"' in search


def test_action_info_tells_reads_from_writes(app):
    with app.flask_app.test_request_context():
        assert views.action_info("package_search")[0] is True
        assert views.action_info("package_create")[0] is False
        assert views.action_info("no_such_action") is None
