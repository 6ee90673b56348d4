"""The search index table, and keeping it present.

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

The schema comes from the plugin's alembic migrations
(``migration/angiang_search``, applied by ``ckan db upgrade``). CKAN's
``clean_db`` drops every table, this one included; :func:`ensure_schema`
re-applies the migrations the next time the index is used.
"""
from __future__ import annotations

import logging
import os
import threading

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql as pg

import ckan.model as model
from ckan.common import config

log = logging.getLogger(__name__)

TABLE = "angiang_search_index"
PLUGIN = "angiang_search"
VERSION_TABLE = f"{PLUGIN}_alembic_version"
MIGRATIONS_DIR = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "migration", PLUGIN
)
# Serialises schema creation between processes (gunicorn workers).
_ADVISORY_LOCK_KEY = 0x616E6769  # "angi"

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
    sa.Column("indexed_at", sa.DateTime(timezone=True),
              server_default=sa.func.now()),
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
    row = connection.execute(sa.text(
        "SELECT to_regclass(:t) IS NOT NULL,"
        " EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'angiang_unaccent')"
    ), {"t": TABLE}).one()
    return bool(row[0] and row[1])


_head: list[str] = []


def head_revision() -> str:
    """The newest migration of the plugin (read once per process)."""
    if not _head:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        cfg = Config(os.path.join(MIGRATIONS_DIR, "alembic.ini"))
        cfg.set_main_option("script_location", MIGRATIONS_DIR)
        _head.append(ScriptDirectory.from_config(cfg).get_current_head())
    return _head[0]


def schema_current(connection) -> bool:
    if connection.execute(sa.text("SELECT to_regclass(:t)"),
                          {"t": VERSION_TABLE}).scalar() is None:
        return False
    return connection.execute(
        sa.text(f"SELECT version_num FROM {VERSION_TABLE}")
    ).scalar() == head_revision()


def run_migrations(url: str | None = None) -> None:
    """``alembic upgrade head`` for this plugin, as ``ckan db upgrade`` does."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(os.path.join(MIGRATIONS_DIR, "alembic.ini"))
    cfg.set_main_option("script_location", MIGRATIONS_DIR)
    cfg.set_main_option(
        "sqlalchemy.url", (url or config["sqlalchemy.url"]).replace("%", "%%")
    )
    command.upgrade(cfg, "head")


def ensure_schema(engine: sa.engine.Engine | None = None) -> None:
    """Make sure the index table and text search configurations exist.

    Cheap after the first call in a process (a set lookup); runs the
    migrations in a connection of its own when the table is missing,
    which never waits on locks a caller's open transaction holds.
    """
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
            ready = schema_present(conn) and schema_current(conn)
        if not ready:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:k)"),
                             {"k": _ADVISORY_LOCK_KEY})
                try:
                    present = schema_present(conn)
                    if not present:
                        log.warning(
                            "Search index table %s missing: applying the %s "
                            "migrations (normally done by `ckan db upgrade`)",
                            TABLE, PLUGIN)
                        # The table went away with its alembic version
                        # (clean_db drops both) or alone: start from base.
                        conn.execute(sa.text(
                            f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
                        conn.commit()
                    if not present or not schema_current(conn):
                        if present:
                            log.warning("Applying pending %s migrations "
                                        "(normally done by `ckan db upgrade`)",
                                        PLUGIN)
                        conn.commit()
                        run_migrations(engine.url.render_as_string(
                            hide_password=False))
                finally:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"),
                                 {"k": _ADVISORY_LOCK_KEY})
                    conn.commit()
        _ready_for.add(key)
