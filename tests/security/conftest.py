"""Fixtures of the web security, privacy and bad-input tests (issue 17)."""

import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db, plus the plugins' migrations: see tests/conftest.py."""


@pytest.fixture
def editor():
    """An agency editor with an API token, and the agency."""
    user = ckan_factories.UserWithToken()
    org = factories.Agency(users=[{"name": user["name"], "capacity": "editor"}])
    return {"user": user, "org": org, "token": user["token"]}
