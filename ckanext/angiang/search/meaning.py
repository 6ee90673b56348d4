"""What a parsed query means: the one home both back ends follow.

A query tree (:mod:`.query_parser`) is answered by two back ends: the SQL
statements (:class:`.compiler.Compiler`, a condition over the index table)
and the docsets held in memory (:class:`.evaluator.Evaluator`, a boolean
array over the documents). They must give the same results, so what a tree
means is decided here once, and each back end only translates the answer
into its own terms (or declines, and the SQL statements answer):

- :func:`classify`: which kind of field a term is about (CKAN's Solr schema,
  ``ckan/config/solr/schema.xml``): exact strings, words, dates, substrings
  (``*_ngram``), a bounding box, or everything (``*:*``);
- :func:`text_form`: what a term on a text field searches: every value
  (``field:*``), a prefix (``word*``) or words (inner wildcards are read as
  word breaks);
- :func:`min_should_match`: how many optional clauses dismax's ``mm``
  requires (``2<-1 5<80%``);
- :func:`clauses`: Lucene's boolean rules for a :class:`.query_parser.Bool`:
  which clauses must match, how many optional ones (``q.op``, dismax's
  ``mm``; a clause that constrains nothing does not count against ``mm``),
  which must not; and when the whole constrains nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from . import query_parser as qp
from .messages import N_, QuerySyntaxError

SCALAR_COLUMNS = {
    "index_id",
    "id",
    "site_id",
    "name",
    "state",
    "capacity",
    "dataset_type",
    "organization",
    "license_id",
}
ARRAY_COLUMNS = {"tags", "groups", "res_format", "permission_labels"}
DATE_COLUMNS = {"metadata_created", "metadata_modified"}
TEXT_FIELDS = {
    "text",
    "title",
    "notes",
    "urls",
    "res_name",
    "res_description",
    "author",
    "maintainer",
    "author_email",
    "maintainer_email",
    "depends_on",
    "dependency_of",
    "derives_from",
    "has_derivation",
    "links_to",
    "linked_from",
    "child_of",
    "parent_of",
}
TEXT_PREFIXES = ("extras_", "res_extras_")
NGRAM_FIELDS = {"name_ngram": "name", "title_ngram": "title_folded"}
STRING_ALIASES = {"title_string": "title"}
NUMERIC_FIELDS = {
    "views_total",
    "views_recent",
    "resources_accessed_total",
    "resources_accessed_recent",
    "num_resources",
    "num_tags",
    "usage_total",
}
#: Pseudo-field the search plugin turns ``ext_bbox`` into (minx,miny,maxx,maxy).
BBOX_FIELD = "ext_bbox"

WORD_RE = re.compile(r"\w", re.UNICODE)

# kinds of a term (:func:`classify`)
EVERYTHING = "everything"
BBOX = "bbox"
NGRAM = "ngram"
DATE = "date"
TEXT = "text"
STRING = "string"

# forms of a text term (:func:`text_form`)
ANY_VALUE = "any"
PREFIX = "prefix"
WORDS = "phrase"  # the words, in order (phraseto_tsquery)


def is_date_field(name: str) -> bool:
    return name in DATE_COLUMNS or name == "indexed_ts" or name.endswith("_date")


def is_text_field(name: str | None) -> bool:
    return name is None or name in TEXT_FIELDS or name.startswith(TEXT_PREFIXES)


def is_default_field(name: str | None) -> bool:
    """The default field (``df``): every word of the dataset."""
    return name in (None, "text")


def classify(term: qp.Term) -> tuple[str, str | None]:
    """(kind, field) of a term; the field is None for the default field, and
    aliases (``title_string``) are resolved."""
    name = term.field
    if name == BBOX_FIELD:
        return BBOX, name
    if name is not None and name in STRING_ALIASES:
        return STRING, STRING_ALIASES[name]
    if name == "*":
        if term.value == "*":
            return EVERYTHING, None
        name = None
    if name is not None and name in NGRAM_FIELDS:
        return NGRAM, name
    if name is not None and is_date_field(name):
        return DATE, name
    if is_text_field(name):
        return TEXT, name
    return STRING, name


def text_form(term: qp.Term) -> tuple[str, str]:
    """(form, value) of a term on a text field: ``ANY_VALUE`` (``field:*``),
    ``PREFIX`` with the stem (``word*``), or ``WORDS`` with the text whose
    words are searched (inner or leading wildcards become word breaks)."""
    value = term.value
    if not (term.wildcard and not term.quoted):
        return WORDS, value
    if value.strip("*?") == "":
        return ANY_VALUE, value
    first = min(term.wildcard_positions)
    stem = value[:first]
    if WORD_RE.search(stem) and value[first:].strip("*?") == "" and value[first] == "*":
        return PREFIX, stem
    return WORDS, re.sub(r"[*?]", " ", value)


class _All:
    """Matches every document (``*:*``, ``field:*`` on the default field)."""

    def __repr__(self) -> str:
        return "ALL"


#: What a back end's visitor returns for a clause that matches everything;
#: None stands for a clause that constrains nothing (a term of punctuation
#: only, which Solr's analysers drop too).
ALL = _All()
T = TypeVar("T")


@dataclass
class Clauses(Generic[T]):
    """A boolean node in a back end's terms."""

    must: list[T] = field(default_factory=list)  # each must match (never ALL)
    should: list[T | _All] = field(default_factory=list)  # ``required`` of them match
    required: int = 0  # >= 1 whenever ``should`` is not empty
    must_not: list[T | _All] = field(default_factory=list)  # none may match


def clauses(
    node: qp.Bool, visit: Callable[[qp.Node, bool], T | _All | None], positive: bool
) -> Clauses[T] | _All | None:
    """The clauses of ``node`` as ``visit(clause, positive)`` translates them
    (``positive`` flips under a negation: only positive words rank), or
    :data:`ALL` / None when the node constrains nothing (None: it was made of
    clauses that are dropped, and the parent ignores it too)."""
    out: Clauses[T] = Clauses()
    seen_all = False
    for clause in node.must:
        got = visit(clause, positive)
        if got is None:
            continue
        if isinstance(got, _All):
            seen_all = True
            continue
        out.must.append(got)
    shoulds = [c for c in (visit(c, positive) for c in node.should) if c is not None]
    required = node.required_should()
    if node.min_should is not None:
        # dropped (empty) clauses do not count against mm
        required = max(0, required - (len(node.should) - len(shoulds)))
    required = min(required, len(shoulds))
    if shoulds and required >= 1:
        out.should, out.required = shoulds, required
    for clause in node.must_not:
        got = visit(clause, not positive)
        if got is not None:
            out.must_not.append(got)
    if not (out.must or out.should or out.must_not):
        if seen_all or not (node.must or node.should or node.must_not):
            return ALL
        return None
    return out


def min_should_match(spec: str | None, clauses: int) -> int:
    """Solr's ``mm`` for ``clauses`` optional clauses (e.g. ``2<-1 5<80%``)."""
    if clauses <= 0:
        return 0
    spec = (spec or "100%").strip()
    if not spec:
        return clauses
    if "<" in spec:
        result = clauses
        for part in spec.split():
            if "<" not in part:
                raise QuerySyntaxError(
                    N_("“{mm}” is not a valid mm (minimum should match)"), spec, mm=spec
                ) from None
            upto, rule = part.split("<", 1)
            try:
                if clauses > int(upto):
                    result = _mm_one(rule, clauses)
            except (ValueError, OverflowError):
                raise QuerySyntaxError(
                    N_("“{mm}” is not a valid mm (minimum should match)"), spec, mm=spec
                ) from None
        return max(0, min(clauses, result))
    try:
        return max(0, min(clauses, _mm_one(spec, clauses)))
    except (ValueError, OverflowError):
        raise QuerySyntaxError(
            N_("“{mm}” is not a valid mm (minimum should match)"), spec, mm=spec
        ) from None


def _mm_one(rule: str, clauses: int) -> int:
    rule = rule.strip()
    if rule.endswith("%"):
        pct = float(rule[:-1])
        n = math.floor(clauses * abs(pct) / 100.0)
        return clauses - n if pct < 0 else n
    n = int(rule)
    return clauses + n if n < 0 else n
