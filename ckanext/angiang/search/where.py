"""One q or fq value -> the SQL condition over the index table.

Free text (CKAN's dismax ``q``) and Lucene syntax (``fq``, fielded ``q``)
go through :mod:`.query_parser` and :mod:`.compiler`; local parameters
(:mod:`.local_params`) pick the parser or a spatial filter.
"""

from __future__ import annotations

import re
from typing import Any

from ckan.lib.search.common import SearchQueryError

from . import query_parser as qp
from .compiler import Compiled, Compiler, Params, bbox_sql
from .local_params import SPATIAL_BBOX_FILTER, SPATIAL_ENVELOPE, LocalParams, parse_local_params
from .meaning import min_should_match
from .messages import N_, translate


def _query_error(message: str, **params: Any) -> SearchQueryError:
    return SearchQueryError(translate(message, **params))


def parse(text: str, default_and: bool, dismax: bool, mm: str | None) -> tuple[qp.Node, str | None]:
    """The query tree, and the phrase bonus text of a free-text query."""
    try:
        if dismax:
            node = qp.parse(text, default_and=False, lenient=True)
            if not qp.is_flat(node):
                node = qp.parse(text, default_and=default_and, lenient=True)
        else:
            node = qp.parse(text, default_and=default_and, lenient=False)
    except qp.QuerySyntaxError as e:
        raise SearchQueryError(e.localized()) from e
    phrase = None
    if qp.is_flat(node) and isinstance(node, qp.Bool):
        words = [
            t.value for t in node.must + node.should if isinstance(t, qp.Term) and not t.wildcard
        ]
        if len(words) >= 2:
            phrase = " ".join(words)
        if dismax and node.should:
            # Solr's dismax: the words are optional clauses of which
            # ``mm`` must match (CKAN sends "2<-1 5<80%")
            try:
                node.min_should = min_should_match(
                    mm if mm is not None else "100%", len(node.should)
                )
            except qp.QuerySyntaxError as e:  # a bad mm: 400, not 500
                raise SearchQueryError(e.localized()) from e
    return node, phrase


def where(
    text: str,
    request: dict[str, Any] | None,
    params: Params,
    default_and: bool,
    dismax: bool = False,
    mm: str | None = None,
) -> Compiled:
    """The SQL condition of one q/fq value, with what ranking needs."""
    request = request or {}
    local = parse_local_params(text, request)
    if local is not None:
        return _local(local, request, params, default_and)
    node, phrase = parse(text, default_and, dismax, mm)
    compiler = Compiler(params)
    try:
        compiled = compiler.compile(node)
    except qp.QuerySyntaxError as e:
        raise SearchQueryError(e.localized()) from e
    compiled.phrase = phrase
    compiled.node = node
    return compiled


def _local(
    local: LocalParams, request: dict[str, Any], params: Params, default_and: bool
) -> Compiled:
    """lucene/dismax/edismax (q.op, mm), bool (must, filter, should,
    must_not), and ckanext-spatial's frange and field filters."""
    kind = local.kind
    if kind in ("lucene", "", "dismax", "edismax"):
        q_op = (local.get("q.op") or ("AND" if default_and else "OR")).upper()
        return where(
            local.body,
            request,
            params,
            default_and=q_op == "AND",
            dismax=kind in ("dismax", "edismax"),
            mm=local.get("mm"),
        )
    if kind == "bool":
        parts: list[str] = []
        ranks = []
        for key in ("must", "filter"):
            for value in local.options.get(key, []):
                c = where(value, request, params, default_and)
                parts.append(c.where)
                ranks.extend(c.rank_terms)
        shoulds = [where(v, request, params, default_and) for v in local.options.get("should", [])]
        if shoulds:
            if not parts:
                parts.append("(" + " OR ".join(s.where for s in shoulds) + ")")
            for s in shoulds:
                ranks.extend(s.rank_terms)
        for value in local.options.get("must_not", []):
            c = where(value, request, params, default_and)
            parts.append(f"(({c.where}) IS NOT TRUE)")
        return Compiled("(" + " AND ".join(parts or ["TRUE"]) + ")", ranks)
    if kind == "frange":
        m = SPATIAL_BBOX_FILTER.match(re.sub(r"\s+", "", local.body))
        if m:
            maxx, minx, maxy, miny = (float(m.group(i)) for i in (1, 2, 3, 4))
            strict = str(local.get("incl", "true")).lower() == "false"
            return Compiled(bbox_sql(params, minx, miny, maxx, maxy, strict=strict))
    if kind == "field":
        m = SPATIAL_ENVELOPE.match(local.body.strip())
        if m:
            minx, maxx, maxy, miny = (float(m.group(i)) for i in (1, 2, 3, 4))
            return Compiled(bbox_sql(params, minx, miny, maxx, maxy))
    raise _query_error(
        N_("Local parameters {{!{kind}}} are not supported by the PostgreSQL search backend"),
        kind=kind,
    )
