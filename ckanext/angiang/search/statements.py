"""The SQL statements of one search, planned so that the work per matching
row stays small.

Every statement returns rows of ``(k, v, c, s)``: ``k = 0`` the total,
``k = -1`` the page (v: index id, c: position, s: score), ``k >= 1`` the
values and counts of the k-th facet. The stored fields of the page are read
afterwards by primary key (:func:`payload_sql`), so large documents are
never carried through a sort.

Relevance ordering uses a rescoring window, as Elasticsearch's rescorer
does: every match is ranked on the small accent-free vector kept in the
row (``tsv_ab``: title, name, tags, groups, agency), then the best
``window`` of them are ranked again on the full vector (descriptions,
resources and extras too, weights C and D) with the exact-accent
(``tsv_exact``) and phrase bonuses. The window comes first, in the
final order; matches outside it follow in the first order. The window has
a fixed size, so pages never overlap and never skip a match.

The facets CKAN asks for by default are counted by ``ts_stat`` in a
statement of their own (:mod:`.facets`).

Other orders (title, dates, name, id) come straight from the table, where
PostgreSQL can walk an index instead of sorting every match; the count is
then a statement of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from .compiler import SCORE, Params, SortKey
from .facets import FacetSpec, facet_branches, source_columns
from .model import TABLE

TOTAL = "SELECT 0 AS k, NULL::text AS v, count(*) AS c, NULL::float8 AS s FROM m"


@dataclass
class Ranking:
    cheap: str  # accent-free score over tsv_ab, for every match
    full: str  # score over tsv (with "t." prefix), for the window
    window: int


def ranked(
    where: str,
    keys: list[SortKey],
    ranking: Ranking,
    rows: int,
    start: int,
    specs: list[FacetSpec],
    params: Params,
) -> str:
    """Total, page (relevance first) and facets in one statement."""
    direction = keys[0].direction
    others = keys[1:]  # the index id is always the last key
    extra = [
        f"{k.expr} AS sk{n}"
        for n, k in enumerate(others)
        if k.expr != "index_id" and k.expr != SCORE
    ]

    def tail(alias: str = "") -> str:
        out = []
        for n, k in enumerate(others):
            if k.expr == SCORE:
                continue
            out.append(k.sql(f"{alias}index_id" if k.expr == "index_id" else f"{alias}sk{n}"))
        return ", ".join(out)

    sks = [f"sk{n}" for n, k in enumerate(others) if k.expr not in ("index_id", SCORE)]
    cols = ", ".join(["index_id", f"{ranking.cheap} AS s1"] + extra + source_columns(specs))
    keep = "".join(f", {c}" for c in sks)
    window = max(0, int(ranking.window))
    parts = [TOTAL]
    if rows > 0:
        # The window, then the other matches, each sorted on its own and read
        # in that order (an Append under the Limit): when the page ends
        # inside the window, the other matches are never sorted. (CTE scans
        # keep this statement out of parallel plans, which could interleave.)
        parts.append(
            f"SELECT -1, index_id, row_number() OVER (), s FROM ("
            f"(SELECT index_id, s FROM resc ORDER BY s {direction}, {tail()}) "
            f"UNION ALL (SELECT index_id, CAST(s1 AS float8) FROM m "
            f"WHERE index_id NOT IN (SELECT index_id FROM win) "
            f"ORDER BY s1 {direction}, {tail()}) "
            f"LIMIT {int(rows)} OFFSET {int(start)}) AS page"
        )
    parts += facet_branches(specs, params)
    # Every step is materialised and the window is removed from the rest
    # with NOT IN (a hashed subplan): PostgreSQL's estimates of word matches
    # are rough, and a join here once became a nested loop sorting the
    # matches again for each match (measured: 0.7 s instead of 20 ms).
    return (
        f"WITH m AS MATERIALIZED (SELECT {cols} FROM {TABLE} WHERE {where}), "
        f"win AS MATERIALIZED (SELECT index_id{keep} FROM m "
        f"ORDER BY s1 {direction}, {tail()} LIMIT {window}), "
        f"resc AS MATERIALIZED (SELECT w.index_id{''.join(f', w.{c}' for c in sks)}, "
        f"CAST({ranking.full} AS float8) AS s FROM win w "
        f"JOIN {TABLE} t ON t.index_id = w.index_id) " + " UNION ALL ".join(parts)
    )


def page(where: str, keys: list[SortKey], score: str, rows: int, start: int) -> str:
    """The page's ids in any other order, from the table (index-friendly)."""
    inner = ", ".join(k.sql() for k in keys)
    aliases = []
    outer = []
    for n, k in enumerate(keys):
        if k.expr == SCORE:
            outer.append(k.sql("score"))
        elif k.expr == "index_id":
            outer.append(k.sql("index_id"))
        else:
            aliases.append(f", {k.expr} AS ok{n}")
            outer.append(k.sql(f"ok{n}"))
    return (
        f"SELECT -1 AS k, index_id AS v, "
        f"row_number() OVER (ORDER BY {', '.join(outer)}) AS c, "
        f"CAST(score AS float8) AS s FROM ("
        f"SELECT index_id, {score} AS score{''.join(aliases)} "
        f"FROM {TABLE} WHERE {where} ORDER BY {inner} "
        f"LIMIT {int(rows)} OFFSET {int(start)}) AS p"
    )


def total_and_facets(where: str, specs: list[FacetSpec], params: Params) -> str:
    cols = ", ".join(["index_id"] + source_columns(specs))
    return (
        f"WITH m AS MATERIALIZED (SELECT {cols} FROM {TABLE} WHERE {where}) "
        + " UNION ALL ".join([TOTAL] + facet_branches(specs, params))
    )


def payload_sql(select: str) -> str:
    return f"SELECT {select} FROM {TABLE} WHERE index_id = ANY(:ids)"
