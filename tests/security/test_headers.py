"""Item 6 of issue 17: security headers on every response."""

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _pages():
    ds = factories.Dataset()
    res = factories.Resource(package_id=ds["id"])
    return [
        "/",
        "/dataset/",
        tk.url_for("dataset.read", id=ds["name"]),
        tk.url_for("resource.read", id=ds["name"], resource_id=res["id"]),
        tk.url_for("user.login"),
        "/api/3/action/package_search",
        "/healthz",
        "/dataset/no-such-dataset",
    ]


def test_every_response_carries_the_headers(app):
    for url in _pages():
        res = app.get(url, status=None)
        assert res.status_code in (200, 404), url
        h = res.headers
        csp = h["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp, url
        assert (
            "script-src 'self' 'nonce-" in csp
            and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        )
        assert h["X-Frame-Options"] == "SAMEORIGIN"
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in h  # development: plain HTTP


def test_the_nonce_changes_per_request(app):
    nonces = {
        app.get("/").headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        for _ in range(3)
    }
    assert len(nonces) == 3


@pytest.mark.ckan_config("ckanext.angiang.security.hsts_max_age", 31536000)
def test_hsts_in_production(app):
    assert (
        app.get("/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    )


@pytest.mark.ckan_config("ckan.plugins", " ".join([*tk.config.get("ckan.plugins"), "text_view"]))
def test_view_inline_script_carries_the_nonce(app):
    # CKAN's resource views (text_view, dataviewer) keep one inline script
    ds = factories.Dataset()
    res = factories.Resource(
        package_id=ds["id"], url="https://data.angiang.gov.vn/a.txt", format="TXT"
    )
    view = helpers.call_action(
        "resource_view_create",
        {"user": ckan_factories.Sysadmin()["name"]},
        resource_id=res["id"],
        view_type="text_view",
        title="Xem",
    )
    page = app.get(
        tk.url_for("resource.view", id=ds["name"], resource_id=res["id"], view_id=view["id"])
    )
    nonce = page.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page.body
