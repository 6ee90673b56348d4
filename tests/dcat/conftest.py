"""Fixtures of the DCAT tests."""
import os

import pytest

import ckan.plugins as p
from ckan.cli.db import _resolve_alembic_config

from dcat_helpers import make_agency


def _plugins_with_migrations(names):
    for name in names:
        if not p.plugin_loaded(name):
            continue
        try:
            path = _resolve_alembic_config(name)
        except (ImportError, AttributeError, TypeError):
            continue  # not a plugin with an alembic folder
        if path and os.path.exists(path):
            yield name


@pytest.fixture
def clean_db(reset_db, migrate_db_for, ckan_config):
    """CKAN's clean_db, plus the migrations of the enabled plugins
    (angiang_search's index table, activity, harvest)."""
    reset_db()
    for name in _plugins_with_migrations(ckan_config.get("ckan.plugins") or []):
        migrate_db_for(name)


@pytest.fixture
def agency(clean_db):
    """The publishing agency of the full dataset, in the database."""
    return make_agency()
