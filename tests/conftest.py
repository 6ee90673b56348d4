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

import ckan.model as model
import ckan.plugins as p
import pytest
import sqlalchemy as sa
from ckan.cli.db import _resolve_alembic_config
from ckan.common import config

#: The checkout's root, for its development tools (``angiang_dev``: the
#: translation catalogues), which the installed package does not hold, and
#: ``tests/`` for what the tests share (``angiang_testing``: factories).
_TESTS = os.path.dirname(os.path.abspath(__file__))
sys.path.extend([os.path.dirname(_TESTS), _TESTS])

# each test loads the plugins anew: two of CKAN's look-ups made once
# (angiang_testing/plugin_speed.py), before CKAN's pytest plugin builds its app
from angiang_testing import plugin_speed  # noqa: E402

plugin_speed.install()

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


from angiang_testing.workers import worker_environment  # noqa: E402


def pytest_configure(config):
    # before CKAN's pytest plugin loads the configuration (pytest_sessionstart)
    ini = getattr(config.option, "ckan_ini", None)
    if ini:
        os.environ.update(worker_environment(ini, os.environ.get("PYTEST_XDIST_WORKER")))
    config.addinivalue_line(
        "markers",
        "slow: takes seconds on its own (a browser, worker processes, the "
        "whole demo catalogue); `make test-fast` leaves these out",
    )


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
    ``ckan.plugins`` when called.

    Cheaper than it reads, with the same result: once the tables exist, the
    rows are emptied by one ``TRUNCATE`` of the tables that hold any
    (:func:`empty_tables`) instead of CKAN's ``DELETE`` table by table; and
    the migrations are not run again while the database's tables and
    migration versions are what the last run left (:func:`schema_state`):
    alembic would find every plugin at its head and do nothing, in about
    0.3 s a plugin."""
    migrated: dict[str, object] = {}

    def reset():
        emptied = model.repo.tables_created_and_initialised and empty_tables()
        if not emptied:
            reset_db()  # the first time: drops every table, creates core's
        plugins = tuple(plugins_with_migrations(config.get("ckan.plugins")))
        key = (plugins, HARVEST_MODEL in sys.modules and not p.plugin_loaded(HARVEST))
        if migrated.get("key") != key or migrated.get("state") != schema_state():
            for name in plugins:
                migrate_db_for(name)
            migrate_mapped_harvest()
            migrated.update(key=key, state=schema_state())
            emptied = False  # migrations may have written rows
        if not emptied:
            empty_plugin_tables()

    return reset


#: Tables a reset leaves alone: migration versions, and the search index,
#: which tests/search and CKAN's clean_index fixture manage themselves.
_KEEP = ("alembic_version", "angiang_search")


def _kept(name: str) -> bool:
    return any(k in name for k in _KEEP)


def schema_state() -> tuple:
    """The database's tables and the revision of every migration version
    table: what decides whether ``ckan db upgrade`` has anything to do."""
    with model.meta.engine.connect() as conn:
        tables = sorted(
            conn.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
        )
        versions = [
            v
            for t in tables
            if t.endswith("alembic_version")
            for v in conn.execute(sa.text(f"SELECT '{t}', version_num FROM \"{t}\""))
        ]
    return tuple(tables), tuple(sorted(map(tuple, versions)))


def empty_tables() -> bool:
    """Empty the tables CKAN's reset and :func:`empty_plugin_tables` empty
    together (every table but the migration versions and the plugins'
    :data:`_KEEP`), with one ``TRUNCATE`` of those that hold rows. False
    (nothing done) when a table is locked by another connection for more
    than a few seconds (a test that left a transaction open): CKAN's row by
    row reset is used then."""
    from sqlalchemy.orm import close_all_sessions

    close_all_sessions()
    known = set(model.repo.metadata.tables)  # what CKAN's delete_all empties
    engine = model.meta.engine
    with engine.connect() as conn:
        names = [
            n
            for n in conn.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
            if (n in known and n != "alembic_version") or (n not in known and not _kept(n))
        ]
        if not names:
            return True
        full = (
            conn.execute(
                sa.text(
                    " UNION ALL ".join(
                        f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in names
                    )
                )
            )
            .scalars()
            .all()
        )
        conn.rollback()
    # the search index (in CKAN's metadata) is emptied by DELETE, as CKAN
    # does: its trigger counts the writes the in-memory docsets follow, and
    # TRUNCATE fires no row trigger
    deleted = [n for n in full if _kept(n)]
    truncated = [n for n in full if not _kept(n)]
    if full:
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("SET LOCAL lock_timeout = '5s'"))
                for name in deleted:
                    conn.execute(sa.text(f'DELETE FROM "{name}"'))
                if truncated:
                    conn.execute(
                        sa.text("TRUNCATE " + ", ".join(f'"{n}"' for n in truncated) + " CASCADE")
                    )
        except sa.exc.OperationalError:
            return False
    model.repo.session.remove()
    return True


def empty_plugin_tables():
    """Empty the tables of the plugins' migrations (catalogue, SSO, accounts...).
    CKAN's reset deletes the rows of the tables its metadata knows only
    (``Repository.delete_all`` once the tables exist), so rows of a plugin's
    own tables would leak from one test module into the next (an earlier
    module's catalogue entries naming agencies that are gone)."""
    known = set(model.repo.metadata.tables)  # what delete_all empties
    engine = model.meta.engine
    with engine.begin() as conn:
        names = [n for n in sa.inspect(conn).get_table_names() if n not in known and not _kept(n)]
        if names:
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))


@pytest.fixture
def clean_db_with_migrations(reset_db_with_migrations, ckan_config):
    """CKAN's clean_db, then the migrations of every enabled plugin that has
    some (activity, angiang_search, harvest...)."""
    reset_db_with_migrations()


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright, one per session (tests/browser,
    tests/security/test_browser_csp.py): Playwright's sync API allows one
    driver per thread."""
    from browser import harness
    from playwright import sync_api as playwright_api

    with playwright_api.sync_playwright() as pw:
        browser = harness.launch(pw)
        yield browser
        browser.close()
