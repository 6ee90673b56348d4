"""``clean_db`` here also applies the migrations of every enabled plugin that
has some (``activity``, ``angiang_search``...): CKAN's own ``clean_db``
rebuilds only core's tables."""
import os

import pytest

import ckan.plugins as p
from ckan.cli.db import _resolve_alembic_config


def _plugins_with_migrations(names):
    for name in names:
        if not p.plugin_loaded(name):
            continue
        try:
            config = _resolve_alembic_config(name)
        except Exception:  # CKAN cannot resolve it: the plugin has no migrations
            continue
        if config and os.path.exists(config):
            yield name


@pytest.fixture
def clean_db(reset_db, migrate_db_for, ckan_config):
    reset_db()
    for name in _plugins_with_migrations((ckan_config.get("ckan.plugins") or "").split()
                                         if isinstance(ckan_config.get("ckan.plugins"), str)
                                         else ckan_config.get("ckan.plugins") or []):
        migrate_db_for(name)
