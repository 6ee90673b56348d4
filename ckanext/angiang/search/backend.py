"""Switching CKAN's search from Solr to PostgreSQL.

``ckan.lib.search`` reaches Solr only through ``make_connection()`` (defined
in ``ckan.lib.search.common`` and imported by name into ``.index``,
``.query``, ``ckan.lib.search`` itself and extensions such as
ckanext-harvest's ``logic/action/update.py``). :func:`install` points every
one of those names at :func:`make_connection` below, and replaces the Solr
schema-version check CKAN runs at start-up with a check of the PostgreSQL
index.

It is called when the ``angiang_search`` plugin is configured. Without the
plugin nothing is replaced and CKAN talks to Solr unchanged (``docker/``
deploys that path). Once installed it stays for the life of the process,
also when plugins are unloaded: CKAN's test runner unloads every plugin
before running tests that were written for a site-wide Solr.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any

import ckan.lib.search as search
import ckan.lib.search.common as common

from .connection import PostgresSearchConnection
from .model import require_schema

log = logging.getLogger(__name__)

_original_make_connection: Callable[..., Any] = common.make_connection
_original_check: Callable[..., bool] = search.check_solr_schema_version

#: What ``solr_url`` is set to when it is empty (CKAN and extensions put it in
#: messages); nothing connects to it.
PLACEHOLDER_URL = "http://angiang-search.invalid/solr/postgresql"


def make_connection(decode_dates: bool = True) -> PostgresSearchConnection:
    return PostgresSearchConnection(decode_dates=decode_dates)


def check_schema_version(schema_file: str | None = None) -> bool:
    """Replaces ``check_solr_schema_version``: with a schema file (only CKAN's
    tests pass one) the original checks the file; otherwise whether the
    index's migrations have been applied (it creates nothing: ``ckan db
    upgrade`` does)."""
    if schema_file:
        return _original_check(schema_file)
    try:
        require_schema()
    except Exception as e:  # start-up goes on: report it like CKAN does
        log.warning("PostgreSQL search index not ready: %s", e)
        return False
    return True


def _forget_inherited_connections() -> None:
    """In a forked child (``ckan search-index rebuild-fast`` forks one per
    CPU; so do preloading servers), drop the parent's pooled database
    connections without touching them: a socket two processes use corrupts
    both ("error with status PGRES_TUPLES_OK"). SQLAlchemy's documented
    recipe for multiprocessing: ``engine.dispose(close=False)``."""
    import ckan.model as model

    model.Session.registry.clear()
    if model.meta.engine is not None:
        model.meta.engine.dispose(close=False)


_fork_hook: list[bool] = []


def installed() -> bool:
    return common.make_connection is make_connection


def install(config: Any = None) -> None:
    if config is not None and not config.get("solr_url"):
        config["solr_url"] = PLACEHOLDER_URL
    if not installed():
        log.info("Dataset search served from PostgreSQL (angiang_search)")
    common.make_connection = make_connection
    # Every module that imported the function by name, including extensions
    # loaded earlier (ckanext.harvest.logic.action.update).
    for module in list(sys.modules.values()):
        try:
            if getattr(module, "make_connection", None) is _original_make_connection:
                setattr(module, "make_connection", make_connection)  # noqa: B010
        except Exception:  # exotic lazy modules; the known ones are plain
            continue
    search.check_solr_schema_version = check_schema_version
    if not _fork_hook:
        os.register_at_fork(after_in_child=_forget_inherited_connections)
        _fork_hook.append(True)
