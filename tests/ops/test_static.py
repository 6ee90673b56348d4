"""Static files in production (ckanext/angiang/serving/static.py): served by
WhiteNoise before CKAN, webassets cached for good (their names carry their
content hash), other public files for a day, uploads left to CKAN."""

import re

import pytest
from werkzeug.test import Client

from ckanext.angiang.serving import static

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db_with_migrations")


@pytest.fixture
def storage(tmp_path, ckan_config, monkeypatch):
    from ckan.lib import webassets_tools

    # the bundles stay where this process's webassets environment builds them
    monkeypatch.setitem(ckan_config, "ckan.webassets.path", webassets_tools.env.directory)
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    return tmp_path


def test_webassets_and_public_files_are_cached_and_uploads_are_left_to_ckan(
    app, ckan_config, storage
):
    page = app.get("/").body  # renders, and so builds, the page's bundles
    css = re.search(r'(/webassets/[^"\']+\.css)', page).group(1)
    upload = storage / "storage" / "uploads" / "group" / "logo.png"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"\x89PNG\r\n")
    served = static.wrap(app.app, ckan_config)
    client = Client(served)

    got = client.get(css.split("?")[0])
    assert got.status_code == 200
    assert got.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "text/css" in got.headers["Content-Type"]

    logo = client.get("/base/images/ckan-logo.png")
    assert logo.status_code == 200
    assert logo.headers["Cache-Control"] == "max-age=86400, public"
    again = client.get(
        "/base/images/ckan-logo.png", headers={"If-None-Match": logo.headers["ETag"]}
    )
    assert again.status_code == 304

    # uploads (same name, new content) and pages stay with CKAN
    assert not any(url.startswith("/uploads/") for url in served.files)
    assert "/dataset/" not in served.files


def test_static_files_carry_the_security_headers_of_the_pages(
    app, ckan_config, storage, monkeypatch
):
    """WhiteNoise answers before CKAN, so the angiang_security plugin's
    after_request hook never sees a static file: the same headers are set
    here (the policy without its per-request nonce)."""
    monkeypatch.setitem(ckan_config, "ckanext.angiang.security.hsts_max_age", 31536000)
    page = app.get("/")
    client = Client(static.wrap(app.app, ckan_config))

    for url in (
        "/base/images/ckan-logo.png",
        re.search(r'(/webassets/[^"\']+\.css)', page.body).group(1).split("?")[0],
    ):
        got = client.get(url)
        assert got.status_code == 200, url
        for header in ("X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options"):
            assert got.headers[header] == page.headers[header], (url, header)
        assert got.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        policy = got.headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
        assert "script-src 'self';" in policy and "nonce" not in policy
        page_policy = re.sub(r" 'nonce-[^']+'", "", page.headers["Content-Security-Policy"])
        assert policy == page_policy
