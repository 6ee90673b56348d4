"""A pysolr-compatible connection served from PostgreSQL.

CKAN builds every index document and every query (site, state, capacity,
permission labels, dataset type) itself and hands them to
``make_connection()``; this class answers ``add``, ``delete``, ``commit`` and
``search`` the way pysolr's ``Solr`` does, so all of ``ckan.lib.search``,
``package_search``, ``package_show``'s use of the index and
``ckan search-index`` keep working unchanged.

Transactions: rows are written through ``ckan.model.Session``, in the
transaction of the action that indexes, so a ``package_create`` that fails
leaves no row, and a search sees the writes of its own transaction.
``add(commit=True)`` does not commit (CKAN commits right after indexing).
An explicit ``commit()`` never commits the caller's work (extensions call
it in the middle of actions): it commits only a transaction that holds
nothing but index writes (:mod:`.transactions`).
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

import ckan.model as model
import pysolr
import sqlalchemy as sa
from ckan.common import config
from ckan.lib.search.common import SearchQueryError, solr_datetime_decoder

from . import evaluator, statements, transactions
from . import facets as facets_mod
from . import index as index_mod
from . import where as where_mod
from .compiler import SCORE, Params, SortError, order_by, rank_sql
from .messages import N_, translate
from .model import TABLE, SchemaMissing, require_schema
from .text import normalize

log = logging.getLogger(__name__)

# Columns that can answer ``fl`` without reading the stored document.
_COLUMN_FIELDS = {"id", "name", "index_id", "site_id", "data_dict", "validated_data_dict"}


def _query_error(message: str, **params: Any) -> SearchQueryError:
    return SearchQueryError(translate(message, **params))


def _split_fl(fl: Any) -> list[str]:
    if not fl:
        return ["*"]
    if isinstance(fl, (list, tuple)):
        fl = " ".join(str(f) for f in fl)
    return [f for f in re.split(r"[\s,]+", str(fl)) if f]


def _as_int(value: Any, name: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _query_error(
            N_("“{name}” must be a whole number, not “{value}”"), name=name, value=value
        ) from None


class PostgresSearchConnection:
    """Drop-in for ``pysolr.Solr`` as CKAN uses it."""

    def __init__(self, decode_dates: bool = True):
        self.decode_dates = decode_dates
        self.url = "postgresql://(sqlalchemy.url)#" + TABLE
        self.session = model.Session

    # -- writing -----------------------------------------------------------
    def add(
        self,
        docs,
        commit=None,
        boost=None,
        commitWithin=None,
        waitFlush=None,
        waitSearcher=None,
        overwrite=None,
        handler=None,
        min_rf=None,
        fieldUpdates=None,
        **kwargs,
    ):
        require_schema()
        docs = list(docs)
        try:
            transactions.index_write(
                self.session,
                lambda: index_mod.upsert(self.session, docs, config.get("ckan.site_id")),
            )
        except sa.exc.SQLAlchemyError as e:
            # CKAN shows this message to the user (its "Search Index Error"):
            # the kind of failure only, never PostgreSQL's text (it can quote
            # the statement or its values); the whole error goes to the log
            log.error("PostgreSQL search index: %s", e)
            raise pysolr.SolrError(
                translate(
                    N_("The search index could not store the dataset ({kind})"),
                    kind=type(getattr(e, "orig", None) or e).__name__,
                )
            ) from e
        return "ok"

    def delete(
        self,
        id=None,
        q=None,
        commit=None,
        softCommit=False,
        waitFlush=None,
        waitSearcher=None,
        handler=None,
        **kwargs,
    ):
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        if id is not None and q is not None:
            raise ValueError('You many only specify "id" OR "q", not both.')
        try:
            require_schema()
        except SchemaMissing:
            # nothing is indexed, so nothing to delete (`ckan db clean`
            # clears the index right after dropping every table)
            return "ok"
        if id is not None:
            ids = id if isinstance(id, (list, tuple, set)) else [id]
            transactions.index_write(
                self.session, lambda: index_mod.delete_by_ids(self.session, [str(i) for i in ids])
            )
            return "ok"
        params = Params()
        where = where_mod.where(str(q), None, params, default_and=False)
        transactions.index_write(
            self.session, lambda: index_mod.delete_where(self.session, where.where, params.values)
        )
        return "ok"

    def commit(self, *args, **kwargs):
        if transactions.only_index_writes(self.session):
            self.session.commit()
        return "ok"

    def optimize(self, *args, **kwargs):
        return "ok"

    def ping(self, *args, **kwargs):
        self.search("*:*", rows=0)
        return "ok"

    # -- searching ---------------------------------------------------------
    def search(self, q=None, search_handler=None, **kwargs) -> pysolr.Results:
        started = time.perf_counter()
        require_schema()
        request = dict(kwargs)
        if q is None:
            q = request.pop("q", None)
        else:
            request.pop("q", None)
        q = q if (q is not None and str(q).strip()) else "*:*"
        q = str(q)
        q_op = str(request.get("q.op") or "OR").upper()
        default_and = q_op == "AND"
        def_type = str(request.get("defType") or "lucene")
        dismax = def_type in ("dismax", "edismax")
        mm = request.get("mm")

        params = Params()
        main = where_mod.where(q, request, params, default_and, dismax=dismax, mm=mm)
        wheres = [main.where]
        fq_nodes = []
        fqs = request.get("fq") or []
        if isinstance(fqs, str):
            fqs = [fqs]
        for fq in fqs:
            if fq is None or not str(fq).strip():
                continue
            compiled = where_mod.where(str(fq), request, params, default_and)
            wheres.append(compiled.where)
            fq_nodes.append(compiled.node)
        where = " AND ".join(f"({w})" for w in wheres if w and w != "TRUE") or "TRUE"

        phrase = params.add(normalize(main.phrase)) if main.phrase else None
        weights = config.get("ckanext.angiang.search.weights")
        rank_args = (
            main.rank_terms,
            phrase,
            params.add(weights),
            params.add(float(config.get("ckanext.angiang.search.exact_boost"))),
            params.add(float(config.get("ckanext.angiang.search.phrase_boost"))),
            int(config.get("ckanext.angiang.search.rank_normalization")),
        )
        score = rank_sql(*rank_args)
        try:
            keys = order_by(request.get("sort"), params, score)
        except SortError as e:
            # CKAN turns this message into SearchQueryError('Invalid "sort"')
            raise pysolr.SolrError(str(e)) from e

        rows = max(0, _as_int(request.get("rows"), "rows", 10))
        start = max(0, _as_int(request.get("start"), "start", 0))
        fl = _split_fl(request.get("fl"))
        want_score = "score" in fl
        want_all = "*" in fl
        need_doc = want_all or any(f not in _COLUMN_FIELDS and f != "score" for f in fl)
        columns = ["index_id", "id", "name"]
        if need_doc:
            columns.append("doc")
        for big in ("data_dict", "validated_data_dict"):
            if want_all or big in fl:
                columns.append(big)
        specs = facets_mod.facet_specs(
            request, default_limit=int(config.get("search.facets.limit") or 50)
        )

        session = self.session
        try:
            answer = None
            if config.get("ckanext.angiang.search.docsets"):
                answer = evaluator.run(
                    session,
                    main.node,
                    fq_nodes,
                    keys,
                    rank_sql(*rank_args, prefix="t."),
                    params.values,
                    rows,
                    start,
                    specs,
                    want_score,
                    ranking=(str(weights), rank_args[5]),
                    window=int(config.get("ckanext.angiang.search.rescore_window")),
                )
            # A word match (tsv @@ query) goes to the GIN index by the
            # planner's own choice: the table keeps no statistics on ``tsv``
            # (migration b8e4d0a6c3f5 says why).
            total, facet_fields, page_ids = answer or self._run(
                session, where, keys, score, rank_args, rows, start, specs, params, want_score
            )
            docs: list[dict[str, Any]] = []
            if page_ids:
                found = {
                    row["index_id"]: row
                    for row in session.execute(
                        sa.text(statements.payload_sql(", ".join(columns))),
                        {"ids": [i for i, _ in page_ids]},
                    ).mappings()
                }
                for index_id, row_score in page_ids:
                    if index_id in found:
                        row = dict(found[index_id], score=row_score)
                        docs.append(self._doc(row, fl, want_all))
        except sa.exc.DataError as e:
            # e.g. a date out of PostgreSQL's range: the input's fault; the
            # database's own text (which may quote the value or the
            # statement) goes to the log only
            log.info("search value refused by PostgreSQL: %s", e.orig)
            raise _query_error(N_("Invalid search value: a date or number is out of range")) from e

        decoded: dict[str, Any] = {
            "responseHeader": {
                "status": 0,
                "QTime": int((time.perf_counter() - started) * 1000),
            },
            "response": {"numFound": int(total), "start": start, "docs": docs},
        }
        if specs:
            decoded["facet_counts"] = {"facet_fields": facet_fields}
        return pysolr.Results(decoded)

    def _run(self, session, where, keys, score, rank_args, rows, start, specs, params, want_score):
        """(total, facet_fields, [(index id, score)] of the page).

        Facets on :data:`facets.TERM_FIELDS` are counted by ``ts_stat`` in a
        statement of their own; the others with the total and the page."""
        values = params.values
        fast = facets_mod.term_specs(specs)
        slow = [s for s in specs if s not in fast]
        background = None
        if fast and self._may_count_elsewhere(session):
            background = facets_mod.CountInBackground(session.get_bind(), where, fast, params)
        total: int | None = None
        facet_fields: dict[str, list[Any]] = {}
        page_ids: list[tuple[str, float | None]] = []
        relevance = keys[0].expr == SCORE and keys[0].direction == "DESC"
        if relevance:
            ranking = statements.Ranking(
                cheap=rank_sql(*rank_args, vector="tsv_ab", cheap=True),
                full=rank_sql(*rank_args, prefix="t."),
                window=int(config.get("ckanext.angiang.search.rescore_window")),
            )
            sql = statements.ranked(where, keys, ranking, rows, start, slow, params)
            total, facet_fields, page_ids = facets_mod.collect(
                slow, session.execute(sa.text(sql), values).all()
            )
        else:
            uses_score = any(k.expr == SCORE for k in keys)
            page_score = score if (uses_score or want_score) else "1.0"
            if rows > 0:
                sql = statements.page(where, keys, page_score, rows, start)
                _, _, page_ids = facets_mod.collect([], session.execute(sa.text(sql), values).all())
            if slow:
                total, facet_fields, _ = facets_mod.collect(
                    slow,
                    session.execute(
                        sa.text(statements.total_and_facets(where, slow, params)), values
                    ).all(),
                )
        if fast:
            counted, fields, overflow = (
                background.wait()
                if background is not None
                else facets_mod.count_terms(session.connection(), where, fast, params.values)
            )
            total = counted if total is None else total
            redo = [s for s in fast if s.field in overflow]
            if redo:
                _, again, _ = facets_mod.collect(
                    redo,
                    session.execute(
                        sa.text(statements.total_and_facets(where, redo, params)), values
                    ).all(),
                )
                fields.update(again)
            facet_fields.update(fields)
        if total is None:
            if rows > 0 and start == 0 and len(page_ids) < rows:
                total = len(page_ids)
            else:
                total = (
                    session.execute(
                        sa.text(f"SELECT count(*) FROM {TABLE} WHERE {where}"), values
                    ).scalar()
                    or 0
                )
        # the fields in the order they were asked for
        facet_fields = {s.field: facet_fields.get(s.field, []) for s in specs}
        return total, facet_fields, page_ids

    @staticmethod
    def _may_count_elsewhere(session) -> bool:
        """Whether facets may be counted on another connection: enabled, and
        this transaction has written nothing (no transaction id assigned),
        so another connection sees the same rows."""
        if not config.get("ckanext.angiang.search.concurrent_facets"):
            return False
        return session.execute(sa.text("SELECT txid_current_if_assigned() IS NULL")).scalar()

    def _doc(self, row, fl: list[str], want_all: bool) -> dict[str, Any]:
        stored = row.get("doc") if "doc" in row else None
        if isinstance(stored, str):
            stored = json.loads(stored)
        doc: dict[str, Any] = {}
        if want_all:
            doc.update(stored or {})
            for big in ("data_dict", "validated_data_dict"):
                if row.get(big) is not None:
                    doc[big] = row[big]
        else:
            for f in fl:
                if f == "score":
                    continue
                if f in ("data_dict", "validated_data_dict"):
                    if row.get(f) is not None:
                        doc[f] = row[f]
                elif stored is not None and f in stored:
                    doc[f] = stored[f]
                elif f in ("id", "name", "index_id") and row.get(f) is not None:
                    doc[f] = row[f]
        if "score" in fl:
            doc["score"] = float(row["score"]) if row.get("score") is not None else 1.0
        if self.decode_dates:
            doc = solr_datetime_decoder(doc)
        return doc
