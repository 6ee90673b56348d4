"""The search index table, and checking its migrations were applied.

One row per indexed document, keyed like Solr by ``index_id``
(md5 of dataset id + site id), so several CKAN sites can share a database
as they can share a Solr core. Hot fields have typed columns; every stored
field is also in ``doc`` (jsonb); ``data_dict``/``validated_data_dict`` are
kept apart so a result page reads only what ``fl`` asks for.

Why there is no foreign key to ``package``: CKAN indexes documents of
datasets that are not (yet) rows, e.g. its own index tests and the
validated dict of a dataset being created in the same transaction; and a
foreign key would make the table's (re)creation take a lock on ``package``
that an open request may hold. Rows follow their dataset because CKAN
calls the index on create, update, delete and purge in the same database
transaction (a failed ``package_create`` leaves no row), and because the
table is registered in CKAN's metadata: ``ckan.model.repo.delete_all``
(the tests' ``clean_db``) empties it with the other tables.

The schema comes from the plugin's alembic migrations only
(``migration/angiang_search``, applied by ``ckan db upgrade``): nothing is
created while serving a request. :func:`require_schema` checks once per
process that they have been applied and otherwise refuses to index or search
with a message naming the command (a search of a missing index is an
operator's error, not something a request should repair by taking DDL locks).
After ``ckan db clean``, ``ckan db upgrade`` brings the index back; the tests
apply the migrations in their database fixtures (tests/conftest.py,
tests/search/run_ckan_core.py).
"""

from __future__ import annotations

import logging
import os
import threading

import ckan.model as model
import sqlalchemy as sa
from ckan.common import config
from ckan.lib.search.common import SearchIndexError
from sqlalchemy import event
from sqlalchemy.dialects import postgresql as pg

from .messages import N_, translate

log = logging.getLogger(__name__)

TABLE = "angiang_search_index"
PLUGIN = "angiang_search"
VERSION_TABLE = f"{PLUGIN}_alembic_version"
MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migration", PLUGIN)

index_table = sa.Table(
    TABLE,
    model.repo.metadata,
    sa.Column("index_id", sa.UnicodeText, primary_key=True),
    sa.Column("id", sa.UnicodeText, nullable=False),
    sa.Column("site_id", sa.UnicodeText),
    sa.Column("name", sa.UnicodeText),
    sa.Column("title", sa.UnicodeText),
    sa.Column("title_folded", sa.UnicodeText),
    sa.Column("state", sa.UnicodeText),
    sa.Column("capacity", sa.UnicodeText),
    sa.Column("dataset_type", sa.UnicodeText),
    sa.Column("organization", sa.UnicodeText),
    sa.Column("license_id", sa.UnicodeText),
    sa.Column("metadata_created", sa.DateTime(timezone=True)),
    sa.Column("metadata_modified", sa.DateTime(timezone=True)),
    sa.Column("tags", pg.ARRAY(sa.UnicodeText)),
    sa.Column("groups", pg.ARRAY(sa.UnicodeText)),
    sa.Column("res_format", pg.ARRAY(sa.UnicodeText)),
    sa.Column("permission_labels", pg.ARRAY(sa.UnicodeText)),
    sa.Column("minx", sa.Float),
    sa.Column("miny", sa.Float),
    sa.Column("maxx", sa.Float),
    sa.Column("maxy", sa.Float),
    sa.Column("doc", pg.JSONB, nullable=False),
    sa.Column("data_dict", sa.UnicodeText),
    sa.Column("validated_data_dict", sa.UnicodeText),
    sa.Column("tsv", pg.TSVECTOR),
    sa.Column("tsv_ab", pg.TSVECTOR),
    sa.Column("tsv_exact", pg.TSVECTOR),
    sa.Column("facet_terms", pg.TSVECTOR),
    sa.Column("indexed_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
)

_lock = threading.Lock()
_ready_for: set[str] = set()


@event.listens_for(sa.MetaData, "after_drop")
def _forget_on_drop(target, connection, **kw):
    """``ckan db clean`` / the tests' first ``clean_db`` drop all tables."""
    _ready_for.clear()


def _engine_key(engine: sa.engine.Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def schema_present(connection) -> bool:
    row = connection.execute(
        sa.text(
            "SELECT to_regclass(:t) IS NOT NULL,"
            " EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'angiang_unaccent')"
        ),
        {"t": TABLE},
    ).one()
    return bool(row[0] and row[1])


_head: list[str] = []


def head_revision() -> str:
    """The newest migration of the plugin (read once per process)."""
    if not _head:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        cfg = Config(os.path.join(MIGRATIONS_DIR, "alembic.ini"))
        cfg.set_main_option("script_location", MIGRATIONS_DIR)
        _head.append(str(ScriptDirectory.from_config(cfg).get_current_head()))
    return _head[0]


def schema_current(connection) -> bool:
    if connection.execute(sa.text("SELECT to_regclass(:t)"), {"t": VERSION_TABLE}).scalar() is None:
        return False
    return (
        connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        == head_revision()
    )


def run_migrations(url: str | None = None) -> None:
    """``alembic upgrade head`` for this plugin, as ``ckan db upgrade`` does."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(os.path.join(MIGRATIONS_DIR, "alembic.ini"))
    cfg.set_main_option("script_location", MIGRATIONS_DIR)
    cfg.set_main_option("sqlalchemy.url", (url or config["sqlalchemy.url"]).replace("%", "%%"))
    command.upgrade(cfg, "head")


class SchemaMissing(SearchIndexError):
    """The index's migrations have not been applied to this database."""


def require_schema(engine: sa.engine.Engine | None = None) -> None:
    """Raise :class:`SchemaMissing` unless the index table and the text
    search configurations exist. Creates nothing. Cheap after the first
    success in a process (a set lookup); a migration still pending is
    logged once and does not stop the index."""
    engine = engine or model.meta.engine
    if engine is None:
        return
    key = _engine_key(engine)
    if key in _ready_for:
        return
    with _lock:
        if key in _ready_for:
            return
        with engine.connect() as conn:
            if not schema_present(conn):
                raise SchemaMissing(
                    translate(
                        N_(
                            "The search index is not set up in this database: run "
                            "`ckan db upgrade`."
                        )
                    )
                )
            if not schema_current(conn):
                log.warning("Migrations of %s pending: run `ckan db upgrade`", PLUGIN)
        _ready_for.add(key)
