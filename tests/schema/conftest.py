"""Fixtures of the metadata-model tests.

``clean_db`` also applies the migrations of every enabled plugin that has
some (``activity`` at least): CKAN's own ``clean_db`` drops every table and
rebuilds only core's on its first use in a session.
"""

import pytest


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db, plus the plugins' migrations: see tests/conftest.py."""
