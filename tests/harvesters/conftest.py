"""Fixtures of the harvesting tests.

The harvest plugins are switched on here, on top of test.ini's
``ckan.plugins``, so that the rest of the suite runs without them (their
``harvest_object`` tables exist only where their migrations were applied).
``harvest_env`` resets the database and applies the migrations of every
enabled plugin that has some (``activity``, ``harvest``...), like
ckanext-harvest's own test conftest does for ``harvest``.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories

HARVEST_PLUGINS = [
    "harvest",
    "angiang_harvest",
    "angiang_openapi_harvester",
    "angiang_ckan_harvester",
    "angiang_dcat_rdf_harvester",
]


def harvest_plugin_list(current) -> list[str]:
    names = current.split() if isinstance(current, str) else list(current or [])
    return names + [n for n in HARVEST_PLUGINS if n not in names]


@pytest.fixture
def harvest_env(ckan_config, monkeypatch, request, reset_db_with_migrations):
    monkeypatch.setitem(
        ckan_config, "ckan.plugins", harvest_plugin_list(ckan_config.get("ckan.plugins"))
    )
    request.getfixturevalue("with_plugins")
    reset_db_with_migrations()  # tests/conftest.py
    yield


def make_agency(review: bool):
    org = factories.Organization(
        name="so-nong-nghiep-va-moi-truong",
        title="Sở Nông nghiệp và Môi trường",
        focal_point_name="Nguyễn Văn An",
        focal_point_email="nvan@angiang.gov.vn",
        focal_point_phone="0296 3852 000",
        focal_point_position="Chánh Văn phòng",
        agency_level="provincial",
    )
    tk.get_action("angiang_review_policy_update")(
        {"ignore_auth": True, "user": ""}, {"agency": org["id"], "required": review}
    )
    return org


@pytest.fixture
def agency(harvest_env):
    """An agency (organization) with a focal point, owning the sources. Its
    review before publishing (Art. 9.6) is off, so harvested datasets are
    public at once: tests/harvesters/test_review_attestation.py has it on."""
    return make_agency(review=False)


@pytest.fixture
def sysadmin(harvest_env):
    return factories.Sysadmin()
