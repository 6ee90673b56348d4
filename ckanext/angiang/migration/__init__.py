"""Alembic migrations of the portal's plugins, one folder per plugin
(``ckan db upgrade`` finds ``migration/<plugin>/alembic.ini``). Every
database object of the portal is made here, never on first use.

:func:`run_env` is the alembic environment they share: each plugin's
migrations are recorded in a version table of its own,
``<plugin>_alembic_version``. Logging is left alone on purpose
(``logging.config.fileConfig`` would disable CKAN's loggers when the
migrations run inside a CKAN process: ``ckan db upgrade``, the tests).
"""

from __future__ import annotations

import os


def run_env(env_file: str) -> None:
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    config = context.config
    name = os.path.basename(os.path.dirname(os.path.abspath(env_file)))
    version_table = f"{name}_alembic_version"
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            literal_binds=True,
            version_table=version_table,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(
        config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
