"""Fixtures of the web security, privacy and bad-input tests (issue 17)."""
import pytest

from ckan.tests import factories as ckan_factories

from ckanext.angiang.metadata import factories


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db, plus the plugins' migrations: see tests/conftest.py."""


@pytest.fixture
def editor():
    """An agency editor with an API token, and the agency."""
    user = ckan_factories.UserWithToken()
    org = factories.Agency(users=[{"name": user["name"], "capacity": "editor"}])
    return {"user": user, "org": org, "token": user["token"]}
