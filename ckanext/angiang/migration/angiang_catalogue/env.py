"""Alembic environment of the angiang_catalogue plugin: online migrations
only (``ckan db upgrade``), version table ``angiang_catalogue_alembic_version``.
Logging is not configured here, so CKAN's own loggers stay as they are."""
from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

VERSION_TABLE = "angiang_catalogue_alembic_version"

engine = engine_from_config(context.config.get_section(context.config.config_ini_section),
                            prefix="sqlalchemy.", poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None,
                      version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()
