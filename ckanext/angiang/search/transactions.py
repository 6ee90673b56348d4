"""Whether the index may commit the transaction it wrote in.

CKAN's ``commit()`` of the index (pysolr's ``Solr.commit``) is called by
CKAN and extensions in two kinds of places: after work of the index alone
(``clear_index`` for ``ckan search-index clear``, which nothing commits
afterwards), and in the middle of actions (ckanext-harvest's
``harvest_sources_reindex``, through ``PackageSearchIndex.commit``), where
committing ``model.Session`` would make the action's half-done writes
durable. The index rows are written in the caller's transaction
(:mod:`.connection`), so the index commits it only when the transaction
holds nothing but index writes:

- the transaction had written nothing before the index's first write
  (no transaction id assigned yet), and
- nothing else has been written since: PostgreSQL's per-table counts of the
  rows this backend wrote (``pg_stat_xact_user_tables``, all tables but the
  index's own) are where they were at that first write. (They are compared,
  not read as zero: PostgreSQL 15 keeps counts of earlier transactions in
  them until the backend reports its statistics.)
- and the session holds no pending ORM change a commit would flush.

Otherwise the index writes become durable with the caller's own commit.
"""
from __future__ import annotations

from typing import Callable, TypeVar

import sqlalchemy as sa

from .docsets import CHANGES  # written by the index's trigger
from .model import TABLE

#: ``session.info`` key: (transaction id, others' count) of the transaction
#: whose first write was the index's.
_KEY = "angiang_search_index_only"
_STATE = sa.text(
    "SELECT txid_current_if_assigned(), "
    "(SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
    " FROM pg_stat_xact_user_tables WHERE relname <> ALL(:ours))")
_PARAMS = {"ours": [TABLE, CHANGES]}
T = TypeVar("T")


def _state(session) -> tuple:
    txid, others = session.execute(_STATE, _PARAMS).one()
    return txid, int(others)


def index_write(session, write: Callable[[], T]) -> T:
    """Run ``write`` (a write to the index through ``session``), noting
    whether it is the transaction's first write."""
    txid, others = _state(session)
    result = write()
    if txid is None:
        txid, _ = _state(session)
        session.info[_KEY] = (txid, others)
    return result


def only_index_writes(session) -> bool:
    if session.new or session.dirty or session.deleted:
        return False
    noted = session.info.get(_KEY)
    if noted is None:
        return False
    txid, others = _state(session)
    return txid is not None and (txid, others) == noted
