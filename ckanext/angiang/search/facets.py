"""Facet counts over the whole result (not the page), computed in the same
SQL statement as the total (see :mod:`.statements`).

Solr semantics kept: ``facet.limit`` (negative: no limit), ``facet.mincount``,
``facet.sort`` (``count``: count descending, ties by value ascending;
``index``: by value), ``f.<field>.facet.limit``/``.mincount``/``.sort``
overrides. One deliberate difference: a ``facet.mincount`` below 1 is treated
as 1. With Solr, ``mincount=0`` lists every value in the index, including
tags and groups only private datasets have, with count 0: a leak of private
metadata the portal does not want.

Any field can be faceted: the typed columns, the array columns, and every
other stored field (``extras_*``, ``vocab_*``, ``res_type``...) on its whole
value (Solr would facet ``extras_*`` text fields word by word).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .compiler import ARRAY_COLUMNS, SCALAR_COLUMNS, Params
from .model import TABLE


@dataclass
class FacetSpec:
    field: str
    limit: int  # < 0: no limit
    mincount: int
    sort: str  # "count" | "index"


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def facet_specs(params: dict[str, Any], default_limit: int = 100) -> list[FacetSpec]:
    if str(params.get("facet", "false")).lower() not in ("true", "on", "1"):
        return []
    fields = params.get("facet.field") or []
    if isinstance(fields, str):
        fields = [fields]
    specs = []
    seen = set()
    for name in fields:
        name = str(name).strip()
        if not name or name in seen:
            continue
        seen.add(name)

        def opt(key, default, name=name):
            return params.get(f"f.{name}.{key}", params.get(key, default))

        specs.append(FacetSpec(
            field=name,
            limit=_int(opt("facet.limit", default_limit), default_limit),
            mincount=max(1, _int(opt("facet.mincount", 1), 1)),
            sort=str(opt("facet.sort", "count")).lower(),
        ))
    return specs


def source_columns(specs: list[FacetSpec]) -> list[str]:
    """Columns the facets read from the matches."""
    needs_doc = any(s.field not in SCALAR_COLUMNS and s.field not in ARRAY_COLUMNS
                    for s in specs)
    cols = sorted({s.field for s in specs
                   if s.field in SCALAR_COLUMNS or s.field in ARRAY_COLUMNS})
    return cols + (["doc"] if needs_doc else [])


def facet_branches(specs: list[FacetSpec], params: Params, m: str = "m"
                   ) -> list[str]:
    """SELECTs of (k, v, c, s) rows, one per facet (k = i + 1), over the
    matches in ``m`` (a CTE with index_id and :func:`source_columns`)."""
    parts = []
    for i, spec in enumerate(specs, start=1):
        if spec.field in SCALAR_COLUMNS:
            source = (f"SELECT {m}.{spec.field} AS v FROM {m} "
                      f"WHERE {m}.{spec.field} IS NOT NULL")
        elif spec.field in ARRAY_COLUMNS:
            # a set-returning function in the select list (ProjectSet) is
            # measurably cheaper than a lateral unnest per row
            source = f"SELECT unnest({m}.{spec.field}) AS v FROM {m}"
        else:
            f = params.add(spec.field)
            # stored lists are de-duplicated per document by DISTINCT below
            source = (
                f"SELECT DISTINCT {m}.index_id, u.v FROM {m}, "
                f"jsonb_array_elements_text(CASE jsonb_typeof({m}.doc -> {f}) "
                f"WHEN 'array' THEN {m}.doc -> {f} "
                f"ELSE jsonb_build_array({m}.doc -> {f}) END) AS u(v) "
                f"WHERE ({m}.doc -> {f}) IS NOT NULL"
            )
        order_facet = ('v COLLATE "C" ASC' if spec.sort == "index"
                       else 'c DESC, v COLLATE "C" ASC')
        limit = f" LIMIT {int(spec.limit)}" if spec.limit >= 0 else ""
        parts.append(
            f"(SELECT {i} AS k, v, count(*) AS c, NULL::float8 AS s "
            f"FROM ({source}) AS s{i} "
            f"GROUP BY v HAVING count(*) >= {int(spec.mincount)} "
            f"ORDER BY {order_facet}{limit})"
        )
    return parts


def collect(specs: list[FacetSpec], rows
            ) -> tuple[int, dict[str, list[Any]], list[tuple[str, Optional[float]]]]:
    """(total, Solr's ``facet_fields`` {field: [value, count, ...]},
    the page as [(index id, score)] in order)."""
    total = 0
    fields: dict[str, list[tuple[str, int]]] = {s.field: [] for s in specs}
    page: list[tuple[int, str, Optional[float]]] = []
    for k, v, c, score in rows:
        if k == 0:
            total = int(c)
        elif k == -1:
            page.append((int(c), v, score))
        else:
            fields[specs[k - 1].field].append((v, int(c)))
    out: dict[str, list[Any]] = {}
    for spec in specs:
        pairs = fields[spec.field]
        # UNION ALL does not promise to keep each branch's order: sort again
        # (str order is code point order, as COLLATE "C").
        if spec.sort == "index":
            pairs.sort(key=lambda p: p[0])
        else:
            pairs.sort(key=lambda p: (-p[1], p[0]))
        flat: list[Any] = []
        for v, c in pairs:
            flat.extend([v, c])
        out[spec.field] = flat
    page.sort()
    return total, out, [(v, s) for _, v, s in page]
