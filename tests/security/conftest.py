"""Fixtures of the privacy and bad-input tests (issue 17, items 7 and 8).

``clean_db`` also applies the plugins' migrations (``activity`` at least):
see tests/conftest.py.
"""
import pytest


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db, plus the plugins' migrations."""
