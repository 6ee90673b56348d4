"""Fixtures of the API documentation tests: test.ini's plugins plus
``angiang_api_docs``, a database with the plugins' migrations, and a small
catalogue (an agency, a public dataset with a resource, a private one)."""

from __future__ import annotations

import pytest

PLUGIN = "angiang_api_docs"


@pytest.fixture(autouse=True)
def api_docs_plugins(ckan_config, monkeypatch, request):
    current = ckan_config.get("ckan.plugins") or []
    names = current.split() if isinstance(current, str) else list(current)
    if PLUGIN not in names:
        monkeypatch.setitem(ckan_config, "ckan.plugins", names + [PLUGIN])
    # autouse: loaded before the `app` fixture builds the Flask app
    request.getfixturevalue("with_plugins")


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db plus the enabled plugins' migrations (tests/conftest.py)."""


@pytest.fixture
def catalogue(api_docs_plugins, clean_db):
    from angiang_testing import factories
    from ckan.tests import factories as ckan_factories

    sysadmin = ckan_factories.SysadminWithToken()
    agency = factories.Agency(name="so-y-te", title="Sở Y tế")
    public = factories.Dataset(
        owner_org=agency["id"],
        name="co-so-y-te",
        title="Cơ sở y tế năm 2025",
        tags=[{"name": "y tế"}],
    )
    resource = factories.Resource(package_id=public["id"], name="Danh sách cơ sở")
    private = factories.Dataset(
        owner_org=agency["id"], name="ho-so-noi-bo", title="Hồ sơ nội bộ", private=True
    )
    return {
        "sysadmin": sysadmin,
        "agency": agency,
        "public": public,
        "resource": resource,
        "private": private,
    }
