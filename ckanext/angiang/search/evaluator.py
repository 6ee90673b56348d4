"""A search answered from the docsets held in memory (:mod:`.docsets`).

The query tree means what :mod:`.meaning` says; :class:`Evaluator` turns
that meaning into a boolean array over the documents, as
:class:`.compiler.Compiler` turns it into SQL. :func:`run` answers a whole
search (total, facets, page) from the arrays, PostgreSQL ranking the best
``rescore_window`` matches again on their full text.

Used when ``ckanext.angiang.search.docsets`` is on, the request has
written nothing to the database (its own uncommitted rows are only visible
to its own connection), and the query is made of what is here: free-text
words, exact values of the fields above, AND/OR/NOT/mm, ``*:*``; facets on
those fields; sorting by relevance or by columns. Everything else (ranges,
prefixes, phrases, other fields, spatial filters) raises
:class:`Unsupported` and goes to the SQL statements (:mod:`.statements`),
which give the same results.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
import sqlalchemy as sa

from . import query_parser as qp
from .compiler import SCORE, SORT_COLUMNS, SortKey
from .docsets import CHANGES, Snapshot, for_engine, memory_fields, sort_key
from .facets import FacetSpec
from .meaning import (
    ALL,
    ANY_VALUE,
    EVERYTHING,
    STRING,
    TEXT,
    WORD_RE,
    WORDS,
    _All,
    classify,
    clauses,
    is_default_field,
    text_form,
)
from .model import TABLE
from .text import CONFIG_FOLDED, normalize

log = logging.getLogger(__name__)

_LEXEME_RE = re.compile(r"^'((?:[^'\\]|'')*)'$")
#: ts_rank's normalisation flag 32 (rank / (rank + 1)): the only one that
#: does not depend on the document alone, so ranks can't be taken apart.
RANK_PLUS_ONE = 32
#: A clause's documents: ALL, None (constrains nothing) or a boolean array.
Mask = None | _All | np.ndarray


class Unsupported(Exception):
    """This query is answered by the SQL statements instead."""


def text_terms(nodes: list[qp.Node]) -> list[str]:
    """The normalised free-text words of the trees, whose lexemes
    PostgreSQL is asked for (its parser decides what a word is)."""
    out: list[str] = []

    def walk(node):
        if isinstance(node, qp.Bool):
            for child in node.must + node.should + node.must_not:
                walk(child)
        elif isinstance(node, qp.Term):
            kind, name = classify(node)
            if kind == TEXT and is_default_field(name) and not (node.wildcard and not node.quoted):
                text = normalize(text_form(node)[1])
                if WORD_RE.search(text) and text not in out:
                    out.append(text)

    for n in nodes:
        walk(n)
    return out


def lexeme_of(tsquery_text: str) -> str:
    """The one lexeme of ``phraseto_tsquery``'s text, or Unsupported
    (several words make a phrase, which needs positions)."""
    m = _LEXEME_RE.match(tsquery_text or "")
    if not m:
        raise Unsupported(f"not one word: {tsquery_text!r}")
    return m.group(1).replace("''", "'")


class Evaluator:
    """A query tree -> a boolean array over the ordinals: the meaning of
    :mod:`.meaning` over the docsets (what they do not hold raises
    :class:`Unsupported`)."""

    def __init__(self, snap: Snapshot, lexemes: dict[str, str]):
        self.snap = snap
        self.lexemes = lexemes  # normalised word -> lexeme
        self.fields = memory_fields()
        self.rank_lexemes: list[str] = []

    def mask(self, node: qp.Node, positive: bool = True) -> Mask:
        if isinstance(node, qp.MatchAll):
            return ALL
        if isinstance(node, qp.Term):
            return self._term(node, positive)
        if isinstance(node, qp.Bool):
            return self._bool(node, positive)
        raise Unsupported(type(node).__name__)

    def _bool(self, node: qp.Bool, positive: bool) -> Mask:
        c = clauses(node, self.mask, positive)
        if c is None or isinstance(c, _All):
            return c
        parts: list[np.ndarray] = list(c.must)
        if c.should:
            count = np.zeros(self.snap.size, dtype=np.int32)
            for m in c.should:
                count += 1 if isinstance(m, _All) else m
            parts.append(count >= c.required)
        for m in c.must_not:
            parts.append(np.zeros(self.snap.size, dtype=bool) if isinstance(m, _All) else ~m)
        out = parts[0].copy()
        for m in parts[1:]:
            out &= m
        return out

    def _term(self, term: qp.Term, positive: bool) -> Mask:
        kind, name = classify(term)
        if kind == EVERYTHING:
            return ALL
        if kind == TEXT and is_default_field(name):
            form, value = text_form(term)
            if form == ANY_VALUE:
                return ALL
            if form != WORDS or (term.wildcard and not term.quoted):
                raise Unsupported("wildcard")
            text = normalize(value)
            if not WORD_RE.search(text):
                return None
            lexeme = self.lexemes[text]
            if positive and lexeme not in self.rank_lexemes:
                self.rank_lexemes.append(lexeme)
            return self.snap.word_mask(lexeme)
        if kind != STRING or name not in self.fields or name in self.snap.overflow:
            raise Unsupported(name)
        if term.wildcard and not term.quoted:
            raise Unsupported("wildcard")
        return self.snap.term_mask(name, term.value)


def held_terms(node: qp.Node, fields: set[str]) -> bool:
    """Whether every term of ``node`` is about what the docsets hold (the
    words of the default field, or a string field of ``fields``): what
    :meth:`Evaluator.mask` would not refuse for the field alone."""
    if isinstance(node, qp.MatchAll):
        return True
    if isinstance(node, qp.Bool):
        return all(held_terms(c, fields) for c in (*node.must, *node.should, *node.must_not))
    if isinstance(node, qp.Term):
        kind, name = classify(node)
        if kind == EVERYTHING or (kind == TEXT and is_default_field(name)):
            return True
        return kind == STRING and name in fields
    return False


def page_order(
    keys: list[SortKey],
    orders: dict[str, tuple],
    cand: np.ndarray,
    need: int,
    score: np.ndarray | None,
) -> np.ndarray:
    """The first ``need`` of ``cand`` in the order of ``keys``
    (``orders``: :meth:`Snapshot.sort_order` of each column)."""
    arrays = []
    for k in keys:
        if k.expr == SCORE:
            assert score is not None
            arrays.append(-score if k.direction == "DESC" else score)
        else:
            arrays.append(sort_key(orders[k.expr], k.direction))
    if 0 < need < len(cand) // 2:
        # only the candidates up to the need-th value of the first key
        # (ties included) take part in the full sort
        first = arrays[0][cand]
        kth = np.partition(first, need - 1)[need - 1]
        cand = cand[first <= kth]
    order = np.lexsort([a[cand] for a in reversed(arrays)])
    return cand[order][:need]


def supported_keys(keys: list[SortKey]) -> bool:
    columns = set(SORT_COLUMNS.values())
    return all(k.expr == SCORE or k.expr in columns for k in keys)


# --- one search ---------------------------------------------------------------


def run(
    session,
    q_node: qp.Node | None,
    fq_nodes: list[qp.Node | None],
    keys: list[SortKey],
    full_rank: str,
    values: dict[str, Any],
    rows: int,
    start: int,
    specs: list[FacetSpec],
    want_score: bool,
    ranking: tuple[str, int],
    window: int,
) -> tuple[int, dict[str, list[Any]], list[tuple[str, float | None]]] | None:
    """(total, facet_fields, page as [(index id, score)]) from memory, or
    None when the SQL statements must answer (see the module's text).
    ``full_rank``: the SQL of the full relevance over ``t.`` (for the
    window), with its parameters in ``values``."""
    if q_node is None or any(n is None for n in fq_nodes) or not supported_keys(keys):
        return None
    filters = [n for n in fq_nodes if n is not None]
    nodes = [q_node, *filters]
    if ranking[1] & RANK_PLUS_ONE:
        return None  # rank/(rank+1) of a sum is not the sum of the parts
    relevance = keys[0].expr == SCORE and keys[0].direction == "DESC"
    if any(k.expr == SCORE for k in keys[1:]) or (keys[0].expr == SCORE and not relevance):
        return None
    fields = memory_fields()
    if any(s.field not in fields for s in specs):
        return None
    if not all(held_terms(n, fields) for n in nodes):
        # declined before the docsets are synced: a query they cannot answer
        # (a lookup by id or name, as CKAN's search.show behind each
        # package_show from the index) reads nothing written since
        return None
    engine = session.get_bind()
    held = for_engine(engine)
    if held.empty() and rows == 0 and not specs:
        # a count alone (`ckan search-index check`, pings, /healthz) does not
        # warrant reading the whole index into this process
        return None
    texts = text_terms(nodes)
    # what PostgreSQL's parser makes of each word, asked once per process
    parsed = held.parsed(texts)
    ask = [t for t in texts if t not in parsed]
    words = (
        (
            "ARRAY["
            + ", ".join(
                f"CAST(phraseto_tsquery('{CONFIG_FOLDED}', :dq{i}) AS text)"
                for i in range(len(ask))
            )
            + "]"
        )
        if ask
        else "NULL"
    )
    clean, oid, writes, queries = session.execute(
        sa.text(
            f"SELECT txid_current_if_assigned() IS NULL, "
            f"CAST(to_regclass('{TABLE}') AS oid), "
            f"(SELECT coalesce(sum(writes), 0) FROM {CHANGES}), {words}"
        ),
        {f"dq{i}": t for i, t in enumerate(ask)},
    ).one()
    if not clean:
        return None
    snap = held.current(engine, (int(oid or 0), int(writes)), ranking)
    asked = dict(zip(ask, queries or [], strict=False))
    held.remember(asked)
    parsed.update(asked)
    try:
        lexemes = {t: lexeme_of(parsed[t]) for t in texts}
        if any(s.field in snap.overflow for s in specs):
            raise Unsupported("overlong facet value")
        main = Evaluator(snap, lexemes)
        mask = snap.alive.copy()
        got = main.mask(q_node)
        if isinstance(got, np.ndarray):
            mask &= got
        rank_lexemes = main.rank_lexemes
        for node in filters:
            got = Evaluator(snap, lexemes).mask(node)
            if isinstance(got, np.ndarray):
                mask &= got
        if not relevance and want_score and rank_lexemes:
            raise Unsupported("scores in another order")
        orders: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if rows > 0:
            for k in keys:
                if k.expr != SCORE:
                    column = snap.sort_order(engine, k.expr)
                    if column is None:
                        raise Unsupported(f"the order of {k.expr} is being read")
                    orders[k.expr] = column
    except Unsupported as e:
        log.debug("search answered in SQL: %s", e)
        return None

    cand = np.flatnonzero(mask)
    total = int(cand.size)
    facet_fields = snap.facets(cand, specs) if specs else {}
    page: list[tuple[str, float | None]] = []
    if rows > 0 and total > start:
        if relevance:
            s1 = snap.score(rank_lexemes)
            top = page_order(keys, orders, cand, max(window, start + rows), s1)
            win, rest = top[:window], top[window:]
            scores = s1[win]
            if start < len(win):
                found = rescore(session, snap, win, full_rank, values)
                scores = np.asarray([found.get(snap.ids[o], 0.0) for o in win], dtype=np.float64)
                tail = [sort_key(orders[k.expr], k.direction)[win] for k in keys[1:]]
                order = np.lexsort(list(reversed(tail)) + [-scores])
                win, scores = win[order], scores[order]
            ords = np.concatenate([win, rest])[start : start + rows]
            all_scores = np.concatenate([scores, s1[rest]])[start : start + rows]
            page = [(snap.ids[o], float(s)) for o, s in zip(ords, all_scores, strict=False)]
        else:
            ords = page_order(keys, orders, cand, start + rows, None)
            page = [(snap.ids[o], 1.0) for o in ords[start : start + rows]]
    held.answered += 1
    return total, facet_fields, page


def rescore(
    session, snap: Snapshot, win: np.ndarray, full_rank: str, values: dict[str, Any]
) -> dict[str, float]:
    """{index id: full relevance} of the ordinals ``win``. The rows are
    read where they were when the snapshot read them (a TID scan, about
    three times faster than the primary key for 200 rows); a row that has
    moved since (updated, or the table rewritten) is looked up by key."""
    select = f"SELECT t.index_id, CAST({full_rank} AS float8) FROM {TABLE} t"
    found = dict(
        session.execute(
            sa.text(f"{select} WHERE t.ctid = ANY(CAST(:docset_ctids AS tid[]))"),
            dict(values, docset_ctids="{" + ",".join(f'"{snap.ctids[o]}"' for o in win) + "}"),
        ).all()
    )
    missing = [snap.ids[o] for o in win if snap.ids[o] not in found]
    if missing:
        found.update(
            session.execute(
                sa.text(f"{select} WHERE t.index_id = ANY(:docset_ids)"),
                dict(values, docset_ids=missing),
            ).all()
        )
    return found
