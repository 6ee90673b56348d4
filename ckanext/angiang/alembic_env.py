"""The alembic environment shared by the suite's plugins' migrations
(``migration/<plugin>/env.py`` calls :func:`run`): each plugin keeps its own
version table, ``<plugin>_alembic_version``.

Logging is left alone on purpose: migrations can run inside a running CKAN
process, where ``logging.config.fileConfig`` would disable CKAN's loggers.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool


def run(plugin_name: str) -> None:
    config = context.config
    version_table = f"{plugin_name}_alembic_version"
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"),
                          literal_binds=True, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(config.get_section(config.config_ini_section),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None,
                          version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
