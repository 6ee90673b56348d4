"""Fixtures of the portal's page tests (angiang_portal): CKAN's clean_db
plus every enabled plugin's migrations (the search index)."""

import pytest


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db, plus the plugins' migrations: see tests/conftest.py."""
