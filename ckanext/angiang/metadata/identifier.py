"""Stable dataset identifiers (Art. 5.2a).

Scheme: ``<prefix><number>``, e.g. ``AG-000123``, where the number comes
from the PostgreSQL sequence ``angiang_dataset_identifier_seq``.

Why a sequence: ``nextval`` never hands the same number out twice, not after
a rollback, a delete or a purge of the dataset (the sequence is not a table
row, so purging packages or emptying tables does not touch it), and it is
safe under concurrent creates without locks. Gaps (a number taken by a
create that then failed validation) are harmless. A UUID URN would be
unique too, but CKAN lets a sysadmin choose a package ``id`` on create, so an
id-derived URN could come back after a purge; a short number is also what
people quote in letters and the official catalogue.

A sysadmin (or a harvester running as the site user) may create a dataset
with an identifier it already has (a restore, a harvest of a dataset issued
elsewhere) when no dataset holds it; generated numbers skip such identifiers.

The sequence is created on first use with ``CREATE SEQUENCE IF NOT EXISTS``
on a connection of its own (so no request transaction is touched), which
also covers databases set up by ``ckan db init`` before this plugin existed.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

SEQUENCE = "angiang_dataset_identifier_seq"
WIDTH = 6


def prefix() -> str:
    return tk.config.get("ckanext.angiang.identifier_prefix")


def pattern() -> re.Pattern:
    return re.compile(re.escape(prefix()) + r"\d{%d,}$" % WIDTH)


def _ensure_sequence(conn) -> None:
    conn.execute(sa.text(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START 1"))


def in_use(value: str) -> bool:
    """Whether a dataset (of any state) holds identifier ``value``."""
    return model.Session.query(model.Package.id).filter(
        model.Package.extras["identifier"].astext == value).first() is not None


def next_identifier() -> str:
    """A new identifier: never returned before on this database, and held by
    no dataset (a sysadmin may have restored one with its old identifier)."""
    while True:
        candidate = f"{prefix()}{_nextval():0{WIDTH}d}"
        if not in_use(candidate):
            return candidate


def _nextval() -> int:
    engine = model.meta.engine
    with engine.connect() as conn:
        try:
            number = conn.execute(sa.text(f"SELECT nextval('{SEQUENCE}')")).scalar()
        except sa.exc.ProgrammingError:
            conn.rollback()
            try:
                _ensure_sequence(conn)
                conn.commit()
            except sa.exc.IntegrityError:
                # another process created it between our two statements
                conn.rollback()
            number = conn.execute(sa.text(f"SELECT nextval('{SEQUENCE}')")).scalar()
        conn.commit()
    return int(number)
