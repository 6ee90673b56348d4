"""Fixtures of the metadata-model tests.

``clean_db`` also applies the migrations of every enabled plugin that has
some (``activity`` at least): CKAN's own ``clean_db`` drops every table and
rebuilds only core's on its first use in a session.
"""
import os

import pytest

import ckan.plugins as p
from ckan.cli.db import _resolve_alembic_config


def _plugins_with_migrations(names):
    for name in names:
        try:
            if p.plugin_loaded(name) and os.path.exists(_resolve_alembic_config(name)):
                yield name
        except Exception:  # a plugin CKAN cannot resolve has no migrations to run
            continue


@pytest.fixture
def clean_db(reset_db, migrate_db_for, ckan_config):
    reset_db()
    for name in _plugins_with_migrations(ckan_config.get("ckan.plugins") or []):
        migrate_db_for(name)
