"""Query tree (:mod:`.query_parser`) -> parameterised SQL over the index table.

Field semantics follow CKAN's Solr schema (``ckan/config/solr/schema.xml``):

- string fields match exactly (case-sensitive): ``name``, ``id``, ``state``,
  ``capacity``, ``tags``, ``groups``, ``organization``, ``res_format``,
  ``vocab_*`` and every field the schema does not name (``*``, e.g.
  ``creator_user_id``, ``harvest_source_id``, ``owner_org``);
- text fields match words, accent- and case-insensitively: the default field
  ``text`` and ``title``, ``notes``, ``res_name``, ``res_description``,
  ``author``, ``maintainer``, ``urls``, ``extras_*``, ``res_extras_*``;
- date fields (``metadata_created``, ``metadata_modified``, ``*_date``)
  compare as timestamps, with Solr date math in ranges;
- ``name_ngram``/``title_ngram`` (package_autocomplete) match substrings.

Values only ever reach SQL as bound parameters; field names either select a
known column or are bound too (``doc -> :p``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field as dc_field
from typing import Any, Optional, Union

from . import query_parser as qp
from .messages import N_
from .text import CONFIG_EXACT, CONFIG_FOLDED, GAP_TOKEN, fold, normalize

SCALAR_COLUMNS = {
    "index_id", "id", "site_id", "name", "state", "capacity", "dataset_type",
    "organization", "license_id",
}
ARRAY_COLUMNS = {"tags", "groups", "res_format", "permission_labels"}
DATE_COLUMNS = {"metadata_created", "metadata_modified"}
TEXT_FIELDS = {
    "text", "title", "notes", "urls", "res_name", "res_description",
    "author", "maintainer", "author_email", "maintainer_email",
    "depends_on", "dependency_of", "derives_from", "has_derivation",
    "links_to", "linked_from", "child_of", "parent_of",
}
TEXT_PREFIXES = ("extras_", "res_extras_")
# Text fields whose words are all in ``tsv`` (so ``tsv @@`` may prefilter).
# (URLs are not: they are matched on the stored fields.)
IN_TSV = {"text", "title", "notes", "res_name", "res_description",
          "author", "maintainer"}
URL_FIELDS = ("url", "res_url", "ckan_url", "download_url")
NGRAM_FIELDS = {"name_ngram": "name", "title_ngram": "title_folded"}
STRING_ALIASES = {"title_string": "title"}
NUMERIC_FIELDS = {"views_total", "views_recent", "resources_accessed_total",
                  "resources_accessed_recent", "num_resources", "num_tags"}

_WORD_RE = re.compile(r"\w", re.UNICODE)


def is_date_field(name: str) -> bool:
    return name in DATE_COLUMNS or name == "indexed_ts" or name.endswith("_date")


def is_text_field(name: Optional[str]) -> bool:
    return name is None or name in TEXT_FIELDS or name.startswith(TEXT_PREFIXES)


class Params:
    """Collects bound parameters; :meth:`add` returns the placeholder."""

    def __init__(self, prefix: str = "p"):
        self.values: dict[str, Any] = {}
        self.prefix = prefix

    def add(self, value: Any) -> str:
        name = f"{self.prefix}{len(self.values)}"
        self.values[name] = value
        return f":{name}"


@dataclass
class RankTerm:
    param: str  # placeholder of the normalised text
    kind: str  # "phrase" | "prefix"


@dataclass
class Compiled:
    where: str
    rank_terms: list[RankTerm] = dc_field(default_factory=list)
    phrase: Optional[str] = None  # free-text words, for the phrase bonus
    node: Any = None  # the query tree (None: local parameters' own forms)


#: Pseudo-field the search plugin turns ``ext_bbox`` into (minx,miny,maxx,maxy).
BBOX_FIELD = "ext_bbox"


def bbox_sql(params: "Params", minx: float, miny: float, maxx: float,
             maxy: float, strict: bool = False) -> str:
    """Datasets whose bounding box intersects the given one (``strict``:
    with an overlap of positive area, as ckanext-spatial's frange filter)."""
    a, b, c, d = (params.add(float(v)) for v in (minx, miny, maxx, maxy))
    op = ">" if strict else ">="
    return (f"(minx IS NOT NULL AND "
            f"LEAST(maxx, {c}) - GREATEST(minx, {a}) {op} 0 AND "
            f"LEAST(maxy, {d}) - GREATEST(miny, {b}) {op} 0)")


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``minx,miny,maxx,maxy`` (ckanext-spatial's ext_bbox format)."""
    try:
        minx, miny, maxx, maxy = (float(v) for v in value.split(","))
    except ValueError:
        raise qp.QuerySyntaxError(
            N_("a bounding box is written minx,miny,maxx,maxy, not “{value}”"),
            value, value=value)
    if minx > maxx or miny > maxy:
        raise qp.QuerySyntaxError(N_("the bounding box “{value}” is empty"),
                                  value, value=value)
    return minx, miny, maxx, maxy


def tsquery(config: str, placeholder: str, kind: str) -> str:
    if kind == "prefix":
        return f"to_tsquery('{config}', {placeholder})"
    return f"phraseto_tsquery('{config}', {placeholder})"


def _like_pattern(value: str, wildcard_positions: tuple[int, ...]) -> str:
    out = []
    for i, ch in enumerate(value):
        if i in wildcard_positions:
            out.append("%" if ch == "*" else "_")
        elif ch in "%_\\":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _prefix_lexeme(value: str) -> str:
    """``'word':*`` for to_tsquery, quoted (quotes doubled)."""
    word = normalize(value).replace("\\", "\\\\").replace("'", "''")
    return f"'{word}':*"


@dataclass
class Cond:
    """A compiled condition; ``tsq`` is set when it is exactly
    ``tsv @@ tsq``, so that a boolean of word conditions becomes one tsquery:
    one evaluation per row and one GIN index scan instead of one per word."""
    sql: str
    tsq: Optional[str] = None

    @classmethod
    def words(cls, tsq: str) -> "Cond":
        return cls(f"(tsv @@ {tsq})", tsq)


#: Above this many combinations, "k of n words" is counted row by row.
MAX_MM_COMBINATIONS = 64


def _k_of_n(tsqs: list[str], k: int) -> Optional[str]:
    """One tsquery true when at least ``k`` of ``tsqs`` match."""
    import itertools
    import math as _math

    n = len(tsqs)
    if k <= 1:
        return "(" + " || ".join(tsqs) + ")"
    if k >= n:
        return "(" + " && ".join(tsqs) + ")"
    if _math.comb(n, k) > MAX_MM_COMBINATIONS:
        return None
    return "(" + " || ".join(
        "(" + " && ".join(combo) + ")"
        for combo in itertools.combinations(tsqs, k)) + ")"


class Compiler:
    def __init__(self, params: Params):
        self.params = params
        self.rank_terms: list[RankTerm] = []

    def compile(self, node: qp.Node) -> Compiled:
        self.rank_terms = []
        cond = self._node(node, positive=True)
        return Compiled(cond.sql if cond else "TRUE", self.rank_terms)

    # -- nodes -------------------------------------------------------------
    def _node(self, node: qp.Node, positive: bool) -> Optional[Cond]:
        """The condition of ``node``, or None when it constrains nothing (a
        term made only of punctuation, which Solr's analysers drop too)."""
        if isinstance(node, qp.MatchAll):
            return Cond("TRUE")
        if isinstance(node, qp.Term):
            result = self._term(node, positive)
            if isinstance(result, str):
                return Cond(result)
            return result
        if isinstance(node, qp.Range):
            return Cond(self._range(node))
        if isinstance(node, qp.Bool):
            return self._bool(node, positive)
        raise TypeError(node)

    def _bool(self, node: qp.Bool, positive: bool) -> Optional[Cond]:
        parts: list[str] = []
        words: list[str] = []  # tsqueries ANDed into one "tsv @@"
        seen_true = False
        for clause in node.must:
            cond = self._node(clause, positive)
            if cond is None:
                continue
            if cond.sql == "TRUE":
                seen_true = True
                continue
            if cond.tsq:
                words.append(cond.tsq)
            else:
                parts.append(cond.sql)
        shoulds = [c for c in (self._node(c, positive) for c in node.should)
                   if c is not None]
        required = node.required_should()
        if node.min_should is not None:
            # dropped (empty) clauses do not count against mm
            dropped = len(node.should) - len(shoulds)
            required = max(0, required - dropped)
        required = min(required, len(shoulds))
        if shoulds and required >= 1:
            combined = None
            if all(c.tsq for c in shoulds):
                combined = _k_of_n([c.tsq for c in shoulds], required)
            if combined is not None:
                words.append(combined)
            else:
                # lets PostgreSQL use the indexes, then counts
                parts.append("(" + " OR ".join(c.sql for c in shoulds) + ")")
                if required > 1:
                    count = " + ".join(f"(CASE WHEN {c.sql} THEN 1 ELSE 0 END)"
                                       for c in shoulds)
                    parts.append(f"(({count}) >= {int(required)})")
        for clause in node.must_not:
            cond = self._node(clause, not positive)
            if cond is None:
                continue
            if cond.tsq and words:
                words.append(f"!!{cond.tsq}")
            else:
                parts.append(f"(({cond.sql}) IS NOT TRUE)")
        word_cond = None
        if words:
            word_cond = Cond.words(words[0] if len(words) == 1
                                   else "(" + " && ".join(words) + ")")
        if word_cond is not None and not parts:
            return word_cond
        if word_cond is not None:
            parts.insert(0, word_cond.sql)
        if not parts:
            if seen_true or not (node.must or node.should or node.must_not):
                return Cond("TRUE")
            return None
        if len(parts) == 1:
            return Cond(parts[0])
        return Cond("(" + " AND ".join(parts) + ")")

    def _term(self, term: qp.Term, positive: bool) -> Union[None, str, Cond]:
        name = term.field
        if name == BBOX_FIELD:
            return bbox_sql(self.params, *parse_bbox(term.value))
        if name is not None and name in STRING_ALIASES:
            name = STRING_ALIASES[name]
            return self._string(name, term)
        if name == "*":
            if term.value == "*":
                return "TRUE"
            name = None
        if name in NGRAM_FIELDS:
            return self._ngram(NGRAM_FIELDS[name], term.value)
        if name is not None and is_date_field(name):
            return self._date_term(name, term)
        if is_text_field(name):
            return self._text(name, term, positive)
        return self._string(name, term)

    # -- text ----------------------------------------------------------------
    def _text(self, name: Optional[str], term: qp.Term, positive: bool
              ) -> Union[None, str, Cond]:
        value = term.value
        kind = "phrase"
        if term.wildcard and not term.quoted:
            if value.strip("*?") == "":
                return self._exists(name) if name not in (None, "text") else "TRUE"
            first = min(term.wildcard_positions)
            stem = value[:first]
            if _WORD_RE.search(stem) and value[first:].strip("*?") == "" \
                    and value[first] == "*":
                kind = "prefix"
                value = stem
            else:
                # inner/leading wildcards: search the literal words
                value = re.sub(r"[*?]", " ", value)
        text = normalize(value)
        if not _WORD_RE.search(text):
            return None
        placeholder = self.params.add(
            _prefix_lexeme(text) if kind == "prefix" else text)
        tq = tsquery(CONFIG_FOLDED, placeholder, kind)
        if positive:
            self.rank_terms.append(RankTerm(placeholder, kind))
        if name in (None, "text"):
            return Cond.words(tq)
        source = self._text_source(name)
        field_match = f"(to_tsvector('{CONFIG_FOLDED}', {source}) @@ {tq})"
        if name in IN_TSV or name.startswith(TEXT_PREFIXES):
            return f"(tsv @@ {tq} AND {field_match})"
        return field_match

    def _text_source(self, name: str) -> str:
        if name == "title":
            return "coalesce(title, '')"
        if name == "urls":
            parts = [self._doc_text(f) for f in URL_FIELDS]
            return "concat_ws(' ', " + ", ".join(parts) + ")"
        return self._doc_text(name)

    def _doc_text(self, name: str) -> str:
        """The words of a stored field, multi-valued ones joined with a gap."""
        f = self.params.add(name)
        gap = self.params.add(f" {GAP_TOKEN} ")
        return (
            f"(CASE jsonb_typeof(doc -> {f}) WHEN 'array' THEN "
            f"(SELECT string_agg(v, {gap}) FROM jsonb_array_elements_text("
            f"doc -> {f}) AS e(v)) ELSE coalesce(doc ->> {f}, '') END)"
        )

    def _ngram(self, column: str, value: str) -> str:
        needle = value.lower() if column == "name" else fold(value)
        needle = needle.strip()
        if not needle:
            return "FALSE"
        return f"(strpos({column}, {self.params.add(needle)}) > 0)"

    # -- exact strings -------------------------------------------------------
    def _exists(self, name: Optional[str]) -> str:
        if name is None:
            return "TRUE"
        if name in SCALAR_COLUMNS or name in DATE_COLUMNS:
            return f"({name} IS NOT NULL)"
        if name in ARRAY_COLUMNS:
            return f"(coalesce(cardinality({name}), 0) > 0)"
        return f"((doc -> {self.params.add(name)}) IS NOT NULL)"

    def _values_of(self, name: str) -> str:
        """A set-returning expression over the values of a doc field."""
        f = self.params.add(name)
        return (
            f"jsonb_array_elements_text(CASE jsonb_typeof(doc -> {f}) "
            f"WHEN 'array' THEN doc -> {f} ELSE jsonb_build_array(doc -> {f}) END)"
        )

    def _string(self, name: Optional[str], term: qp.Term) -> str:
        assert name is not None
        value = term.value
        if term.wildcard and not term.quoted:
            if value.strip("*") == "":
                return self._exists(name)
            pattern = self.params.add(
                _like_pattern(value, term.wildcard_positions))
            if name in SCALAR_COLUMNS or name == "title":
                return f"({name} LIKE {pattern})"
            if name in ARRAY_COLUMNS:
                return (f"EXISTS (SELECT 1 FROM unnest({name}) AS u(v) "
                        f"WHERE u.v LIKE {pattern})")
            return (f"((doc -> {self.params.add(name)}) IS NOT NULL AND EXISTS "
                    f"(SELECT 1 FROM {self._values_of(name)} AS u(v) "
                    f"WHERE u.v LIKE {pattern}))")
        if name in SCALAR_COLUMNS or name == "title":
            return f"({name} = {self.params.add(value)})"
        if name in ARRAY_COLUMNS:
            return f"({name} @> CAST({self.params.add([value])} AS text[]))"
        scalar = self.params.add(json.dumps({name: value}))
        listed = self.params.add(json.dumps({name: [value]}))
        return (f"(doc @> CAST({scalar} AS jsonb) OR "
                f"doc @> CAST({listed} AS jsonb))")

    # -- dates and ranges ----------------------------------------------------
    def _date(self, value: str) -> str:
        try:
            return self.params.add(qp.parse_date(value))
        except qp.QuerySyntaxError:
            raise
        except (ValueError, OverflowError):
            raise qp.QuerySyntaxError(qp._NOT_A_DATE, value, value=value)

    def _date_expr(self, name: str) -> str:
        if name in DATE_COLUMNS:
            return name
        return (f"CAST(doc ->> {self.params.add(name)} AS timestamptz)")

    def _date_term(self, name: str, term: qp.Term) -> str:
        if term.wildcard and term.value.strip("*") == "":
            return self._exists(name)
        return f"({self._date_expr(name)} = {self._date(term.value)})"

    def _range(self, node: qp.Range) -> str:
        name = node.field
        if name is None or name == "*":
            raise qp.QuerySyntaxError(N_("a range needs a field name"),
                                      f"[{node.low} TO {node.high}]")
        name = STRING_ALIASES.get(name, name)
        if node.low is None and node.high is None:
            return self._exists(name)
        if is_date_field(name):
            expr = self._date_expr(name)
            conds = []
            if node.low is not None:
                op = ">=" if node.include_low else ">"
                conds.append(f"{expr} {op} {self._date(node.low)}")
            if node.high is not None:
                op = "<=" if node.include_high else "<"
                conds.append(f"{expr} {op} {self._date(node.high)}")
            return "(" + " AND ".join(conds) + ")"
        numeric = name in NUMERIC_FIELDS
        cast = "numeric" if numeric else None

        def bound(value: str) -> str:
            if numeric:
                try:
                    return f"CAST({self.params.add(str(float(value)))} AS numeric)"
                except ValueError:
                    raise qp.QuerySyntaxError(N_("“{value}” is not a number"),
                                              value, value=value)
            return f"({self.params.add(value)} COLLATE \"C\")"

        def conds_for(v: str) -> str:
            conds = []
            if node.low is not None:
                op = ">=" if node.include_low else ">"
                conds.append(f"{v} {op} {bound(node.low)}")
            if node.high is not None:
                op = "<=" if node.include_high else "<"
                conds.append(f"{v} {op} {bound(node.high)}")
            return " AND ".join(conds)

        if name in SCALAR_COLUMNS or name == "title":
            return "(" + conds_for(f'({name} COLLATE "C")') + ")"
        if name in ARRAY_COLUMNS:
            return (f"EXISTS (SELECT 1 FROM unnest({name}) AS u(v) WHERE "
                    + conds_for('(u.v COLLATE "C")') + ")")
        value = "CAST(u.v AS numeric)" if cast else '(u.v COLLATE "C")'
        if numeric:
            value = ("(CASE WHEN u.v ~ '^-?[0-9]+(\\.[0-9]+)?$' "
                     "THEN CAST(u.v AS numeric) END)")
        return (f"((doc -> {self.params.add(name)}) IS NOT NULL AND EXISTS "
                f"(SELECT 1 FROM {self._values_of(name)} AS u(v) "
                f"WHERE {conds_for(value)}))")


# --- ranking ------------------------------------------------------------------

def rank_sql(rank_terms: list[RankTerm], phrase_param: Optional[str],
             weights_param: str, exact_boost_param: str,
             phrase_boost_param: str, normalization: int,
             vector: str = "tsv", prefix: str = "", cheap: bool = False) -> str:
    """Relevance: weighted rank of the accent-free vector, plus the rank of
    the accent-preserving vector (exact accents first), plus a bonus when
    the words of a free-text query appear as a phrase.

    ``vector`` is ``tsv`` (all four weight groups) or ``tsv_ab`` (title,
    name, tags, groups, agency: small and kept in the row, cheap to rank
    every match with); ``prefix`` qualifies the columns (``t.``).
    ``cheap``: the accent-free rank alone, which picks the matches that are
    ranked again with the exact-accent and phrase bonuses (one ts_rank per
    match instead of three plus a phrase match: measured at 20,000
    datasets, 4 ms instead of 8 ms for a query matching 7,800)."""
    if not rank_terms:
        return "1.0"

    def combined(config):
        return "(" + " || ".join(tsquery(config, t.param, t.kind)
                                 for t in rank_terms) + ")"

    v = f"{prefix}{vector}"
    w = f"CAST({weights_param} AS float4[])"
    n = int(normalization)
    if cheap:
        return f"ts_rank({w}, {v}, {combined(CONFIG_FOLDED)}, {n})"
    score = (f"ts_rank({w}, {v}, {combined(CONFIG_FOLDED)}, {n})"
             f" + {exact_boost_param} * ts_rank({w}, {prefix}tsv_exact, "
             f"{combined(CONFIG_EXACT)}, {n})")
    if phrase_param:
        # ts_rank ignores the <-> operator, so only a real phrase match counts
        pq = f"phraseto_tsquery('{CONFIG_FOLDED}', {phrase_param})"
        score += (f" + (CASE WHEN {v} @@ {pq} THEN {phrase_boost_param} * "
                  f"ts_rank({w}, {v}, {pq}, {n}) ELSE 0 END)")
    return f"({score})"


# --- sorting ------------------------------------------------------------------

SORT_COLUMNS = {
    "title_string": "title",
    "title": "title",
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
    "name": "name",
    "id": "id",
    "index_id": "index_id",
    "site_id": "site_id",
    "state": "state",
    "organization": "organization",
    "license_id": "license_id",
    "dataset_type": "dataset_type",
    "capacity": "capacity",
}
_SORT_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s+(asc|desc)\s*$",
                      re.IGNORECASE)


class SortError(ValueError):
    pass


@dataclass
class SortKey:
    expr: str  # SQL over the index table; SCORE for the relevance
    direction: str  # "ASC" | "DESC"

    def sql(self, expr: Optional[str] = None) -> str:
        nulls = "" if self.expr == SCORE else " NULLS LAST"
        return f"{expr or self.expr} {self.direction}{nulls}"


SCORE = "score"


def order_by(sort: Optional[str], params: Params, score_expr: str
             ) -> list[SortKey]:
    """The sort keys of a Solr ``sort``. The index id is always the last
    key, so equal rows keep one order and pages never overlap. Sorting by
    score when nothing is ranked (``*:*``, filters) is a no-op."""
    keys: list[SortKey] = []
    if sort and sort.strip():
        for part in sort.split(","):
            m = _SORT_RE.match(part)
            if not m:
                raise SortError(f"Can't determine a Sort Order ({part.strip()!r})")
            name, direction = m.group(1), m.group(2).upper()
            if name == "score":
                if score_expr.strip() != "1.0":
                    keys.append(SortKey(SCORE, direction))
                continue
            if name in SORT_COLUMNS:
                expr = SORT_COLUMNS[name]
            elif name in NUMERIC_FIELDS:
                f = params.add(name)
                expr = (f"(CASE WHEN (doc ->> {f}) ~ '^-?[0-9]+(\\.[0-9]+)?$' "
                        f"THEN CAST(doc ->> {f} AS numeric) END)")
            else:
                expr = f"(doc ->> {params.add(name)})"
            keys.append(SortKey(expr, direction))
    keys.append(SortKey("index_id", "ASC"))
    return keys
