"""``clean_db`` here also applies the migrations of every enabled plugin that
has some (``activity``, ``angiang_search``...): CKAN's own ``clean_db``
rebuilds only core's tables."""

import pytest


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db, plus the plugins' migrations: see tests/conftest.py."""
