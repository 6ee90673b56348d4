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

The state is read once per transaction, not once per write: the first index
write of a transaction reads it (and, if the transaction was clean, the
transaction id its write assigned); later index writes of the same
transaction read nothing. The note is tied to SQLAlchemy's transaction
object, so a commit or rollback (a new transaction object) forgets it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import scoped_session

from .docsets import CHANGES  # written by the index's trigger
from .model import TABLE

#: ``session.info`` key: (SQLAlchemy transaction, transaction id, others'
#: count) noted at the transaction's first index write; the id is None when
#: the transaction had written before the index did (nothing to commit then).
_KEY = "angiang_search_index_only"
_STATE = sa.text(
    "SELECT txid_current_if_assigned(), "
    "(SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
    " FROM pg_stat_xact_user_tables WHERE relname <> ALL(:ours))"
)
_TXID = sa.text("SELECT txid_current_if_assigned()")
_PARAMS = {"ours": [TABLE, CHANGES]}
T = TypeVar("T")


def _state(session) -> tuple[Any, int]:
    txid, others = session.execute(_STATE, _PARAMS).one()
    return txid, int(others)


def _transaction(session) -> Any:
    """SQLAlchemy's (root) transaction object of the session now."""
    real = session() if isinstance(session, scoped_session) else session
    return real.get_transaction()


def _noted(session) -> tuple[Any, int] | None:
    """(transaction id, others' count) noted in this very transaction."""
    noted = session.info.get(_KEY)
    if noted is None or noted[0] is not _transaction(session):
        return None
    return noted[1], noted[2]


def index_write(session, write: Callable[[], T]) -> T:
    """Run ``write`` (a write to the index through ``session``), noting, at
    the transaction's first index write, whether it is the transaction's
    first write at all."""
    if _noted(session) is not None:
        return write()
    txid, others = _state(session)
    result = write()
    if txid is not None:  # written before the index: the caller commits
        session.info[_KEY] = (_transaction(session), None, others)
        return result
    txid = session.execute(_TXID).scalar()
    if txid is not None:  # else nothing was written (a delete of no row): ask again
        session.info[_KEY] = (_transaction(session), txid, others)
    return result


def only_index_writes(session) -> bool:
    if session.new or session.dirty or session.deleted:
        return False
    noted = _noted(session)
    if noted is None or noted[0] is None:
        return False
    txid, others = _state(session)
    return txid is not None and (txid, others) == noted
