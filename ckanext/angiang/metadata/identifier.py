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

The sequence is made by the ``angiang_schema`` plugin's migration
(``ckan db upgrade``), never at request time. Numbers are taken on a
connection of their own, so no request transaction is touched.
"""

from __future__ import annotations

import re

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

SEQUENCE = "angiang_dataset_identifier_seq"
WIDTH = 6


def prefix() -> str:
    return tk.config.get("ckanext.angiang.identifier_prefix")


def pattern() -> re.Pattern:
    return re.compile(re.escape(prefix()) + rf"\d{{{WIDTH},}}$")


def in_use(value: str) -> bool:
    """Whether a dataset (of any state) holds identifier ``value``."""
    return (
        model.Session.query(model.Package.id)
        .filter(model.Package.extras["identifier"].astext == value)
        .first()
        is not None
    )


def next_identifier() -> str:
    """A new identifier: never returned before on this database, and held by
    no dataset (a sysadmin may have restored one with its old identifier)."""
    while True:
        candidate = f"{prefix()}{_nextval():0{WIDTH}d}"
        if not in_use(candidate):
            return candidate


class SequenceMissing(RuntimeError):
    """The ``angiang_schema`` migrations have not been applied."""


def _nextval() -> int:
    with model.meta.engine.connect() as conn:
        try:
            number = conn.execute(sa.text(f"SELECT nextval('{SEQUENCE}')")).scalar()
        except sa.exc.ProgrammingError as e:
            raise SequenceMissing(f"{SEQUENCE} is missing: run `ckan db upgrade`") from e
        conn.commit()
    return int(number)
