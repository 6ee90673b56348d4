"""Shared fixtures. CKAN's own pytest plugin (shipped with the ckan package)
provides app, clean_db, with_plugins, ckan_config...; factories come from
ckan.tests.factories.

``clean_db_with_migrations`` is CKAN's clean_db plus the alembic migrations
of the enabled plugins: CKAN's reset drops every table the first time and
rebuilds only core's, and the portal creates its own database objects (the
search index, the identifier sequence) by migrations only, never on first
use. tests/dcat, tests/schema, tests/i18n and tests/search use it as their
``clean_db``, tests/harvesters through ``reset_db_with_migrations``; CKAN
core's search tests get the same from tests/search/run_ckan_core.py.
"""
import os
import sys
from unittest import mock

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as p
from ckan.cli.db import _resolve_alembic_config
from ckan.common import config

HARVEST = "harvest"
# Importing ckanext-harvest's model (collecting tests/harvesters is enough)
# maps Package.harvest_objects: from then on purging a dataset selects from
# harvest_object, whether the plugin is loaded or not.
HARVEST_MODEL = "ckanext.harvest.model"


def plugins_with_migrations(names):
    """The plugins of ``names`` (a list, or a space separated string as in an
    ini) that are loaded and have alembic migrations; ``harvest`` whenever it
    is loaded."""
    if isinstance(names, str):
        names = names.split()
    for name in dict.fromkeys([*(names or []), HARVEST]):
        if not p.plugin_loaded(name):
            continue
        try:
            path = _resolve_alembic_config(name)
        except Exception:  # CKAN cannot resolve it: no alembic folder
            continue
        if path and os.path.exists(path):
            yield name


def _migrate_unloaded_harvest(migrate_db_for):
    """harvest's migrations while the plugin is not loaded (CKAN finds a
    plugin's alembic folder through the loaded plugin only)."""
    package = os.path.dirname(os.path.dirname(sys.modules[HARVEST_MODEL].__file__))
    path = os.path.join(package, "migration", HARVEST, "alembic.ini")
    with mock.patch("ckan.cli.db._resolve_alembic_config", return_value=path):
        migrate_db_for(HARVEST)


@pytest.fixture(scope="session")
def migrate_mapped_harvest(migrate_db_for):
    """A callable: harvest's migrations when its model is mapped and the
    plugin is not loaded (see HARVEST_MODEL)."""
    def migrate():
        if HARVEST_MODEL in sys.modules and not p.plugin_loaded(HARVEST):
            _migrate_unloaded_harvest(migrate_db_for)
    return migrate


@pytest.fixture(scope="session")
def reset_db_with_migrations(reset_db, migrate_db_for, migrate_mapped_harvest):
    """A callable: CKAN's reset_db, then the migrations of every enabled
    plugin that has some, and harvest's once its model is mapped. Session
    scoped like reset_db (module fixtures may use it); it reads
    ``ckan.plugins`` when called."""
    def reset():
        reset_db()
        for name in plugins_with_migrations(config.get("ckan.plugins")):
            migrate_db_for(name)
        migrate_mapped_harvest()
        empty_plugin_tables()
    return reset


#: Tables a reset leaves alone: migration versions, and the search index,
#: which tests/search and CKAN's clean_index fixture manage themselves.
_KEEP = ("alembic_version", "angiang_search")


def empty_plugin_tables():
    """Empty the tables of the plugins' migrations (catalogue, SSO, accounts...).
    CKAN's reset deletes the rows of the tables its metadata knows only
    (``Repository.delete_all`` once the tables exist), so rows of a plugin's
    own tables would leak from one test module into the next (an earlier
    module's catalogue entries naming agencies that are gone)."""
    known = set(model.repo.metadata.tables)  # what delete_all empties
    engine = model.meta.engine
    with engine.begin() as conn:
        names = [n for n in sa.inspect(conn).get_table_names()
                 if n not in known and not any(k in n for k in _KEEP)]
        if names:
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{n}"' for n in names)
                                 + " CASCADE"))


@pytest.fixture
def clean_db_with_migrations(reset_db_with_migrations, ckan_config):
    """CKAN's clean_db, then the migrations of every enabled plugin that has
    some (activity, angiang_search, harvest...)."""
    reset_db_with_migrations()
