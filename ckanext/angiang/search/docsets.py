"""The search index held in memory, as Solr holds its postings, filter
sets and doc values, for the searches a portal runs most.

PostgreSQL finds the matches of a word fast (GIN), but then reads every
matching row to check who may see it, rank it and count its facets. For a
common Vietnamese syllable ("dân", "số") that is thousands of rows per
search, and the time grows with the catalogue. Here each process keeps,
per document (an ordinal):

- its terms: ``field:value`` of the fields searches filter and facet on
  (:data:`FILTER_FIELDS`, and the ``facet_terms`` of :mod:`.facets`), as
  ordinals per term and as (ordinal, term) pairs to count facets with;
- its words: the ordinals of every lexeme of ``tsv`` (what a free-text
  search matches), and for each lexeme of ``tsv_ab`` PostgreSQL's own
  ``ts_rank`` of the document for that lexeme alone. ``ts_rank`` of an OR
  of lexemes is the mean of these (with the normalisations that depend on
  the document only: every ``rank_normalization`` flag but 32, with which
  the SQL statements answer): the first ranking pass is exactly the SQL
  path's;
- sort orders (title, dates, name, id...), read from PostgreSQL in its
  collation the first time a search sorts on them (in a thread for a
  large catalogue, the SQL statements answering meanwhile).

A search then combines numpy boolean arrays: visibility, filters and words
in microseconds, every facet in one ``bincount``, the page by a partial
sort. PostgreSQL still ranks the best ``rescore_window`` matches on their
full text with the exact-accent and phrase bonuses, and returns the stored
documents of the page.

Kept in step with the table: a trigger counts the committed writes to the
index table (migration ``e7a2c4b19f08``). Each search reads the count with
the transaction state in one small statement; when it moved, the rows whose
version (``xmin``) changed are read again, in a REPEATABLE READ snapshot of
their own, and appended under new ordinals (their old ordinals die). The
arrays are rebuilt from scratch when a quarter of them is dead.

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
import threading
from typing import Any, Optional, Union

import numpy as np
import sqlalchemy as sa

from . import query_parser as qp
from .compiler import (_WORD_RE, BBOX_FIELD, NGRAM_FIELDS, SCORE,
                       STRING_ALIASES, SORT_COLUMNS, SortKey, is_date_field,
                       is_text_field)
from .facets import ALL_TERM, TERM_FIELDS, FacetSpec, stored_term_fields
from .model import TABLE
from .text import CONFIG_FOLDED, normalize

log = logging.getLogger(__name__)

#: Written by the trigger of migration e7a2c4b19f08.
CHANGES = "angiang_search_changes"
#: Columns CKAN filters every search on, kept as terms too.
FILTER_COLUMNS = ("site_id", "state", "capacity")
LABELS = "permission_labels"
FILTER_FIELDS = FILTER_COLUMNS + (LABELS,)
#: Rebuild the arrays when this share of their ordinals is dead (and at
#: least MIN_DEAD are).
DEAD_SHARE = 0.25
MIN_DEAD = 1000
#: Sort orders of up to this many rows are read by the search that needs
#: them; larger ones in a thread (:meth:`Snapshot.sort_order`).
SYNC_SORT_ROWS = 5000
#: The sort key of a row without a value (NULLS LAST) or not in the order.
LAST = np.iinfo(np.int64).max // 4
_LEXEME_RE = re.compile(r"^'((?:[^'\\]|'')*)'$")
TRUE = "TRUE"
#: ts_rank's normalisation flag 32 (rank / (rank + 1)): the only one that
#: does not depend on the document alone, so ranks can't be taken apart.
RANK_PLUS_ONE = 32
#: The columns the snapshot reads of a row (``r``).
_READ = ", ".join([f"r.{c}" for c in ("index_id",) + FILTER_FIELDS
                   + ("facet_terms", "tsv", "tsv_ab")]
                  + ["CAST(r.ctid AS text) AS row_at"])
Mask = Union[None, str, np.ndarray]


class Unsupported(Exception):
    """This query is answered by the SQL statements instead."""


def memory_fields() -> set[str]:
    return set(FILTER_FIELDS) | set(TERM_FIELDS) | set(stored_term_fields())


# --- what is held -------------------------------------------------------------

class Snapshot:
    """The arrays of one state of the index table. Never changed once
    published: a sync makes a new one (sharing what did not change), so a
    search running meanwhile keeps a consistent view."""

    def __init__(self, ranking: tuple[str, int]):
        self.ranking = ranking  # (weights, normalization) the ranks are for
        self.key: Optional[tuple[int, int]] = None  # (table oid, writes)
        self.ids: list[str] = []  # ordinal -> index id
        # ordinal -> where the row was read (a hint: checked when used)
        self.ctids: list[str] = []
        self.ord_of: dict[str, int] = {}
        self.version: dict[str, str] = {}  # index id -> xmin
        self.alive = np.zeros(0, dtype=bool)
        self.term_ids: dict[str, int] = {}
        self.term_names: list[str] = []
        self.postings: dict[int, np.ndarray] = {}  # term id -> ordinals
        # the facet terms of ordinal o: pair_term[pair_start[o]:][:pair_len[o]]
        self.pair_term = np.zeros(0, dtype=np.int32)
        self.pair_start = np.zeros(0, dtype=np.int64)
        self.pair_len = np.zeros(0, dtype=np.int64)
        self.overflow: set[str] = set()  # fields with an overlong value
        self.words: dict[str, np.ndarray] = {}
        self.ranks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._sorts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._sorting: set[str] = set()  # read in a thread now
        self._sort_lock = threading.Lock()
        self._fields: dict[str, tuple[list[str], np.ndarray]] = {}

    @property
    def size(self) -> int:
        return len(self.ids)

    def dead(self) -> int:
        return self.size - int(self.alive.sum())

    def derive(self) -> "Snapshot":
        new = Snapshot(self.ranking)
        for name in ("ids", "ctids", "ord_of", "version", "alive", "term_ids",
                     "term_names", "postings", "pair_term", "pair_start", "pair_len",
                     "overflow", "words", "ranks"):
            value = getattr(self, name)
            setattr(new, name, value.copy())
        return new

    # -- reading rows ------------------------------------------------------
    def read(self, conn, index_ids: list[str], versions: dict[str, str],
             whole: bool = False) -> None:
        """Append the rows ``index_ids`` under new ordinals (``whole``: they
        are all the rows, in code point order, and this snapshot is empty)."""
        if not index_ids:
            return
        first = self.size
        ords = list(range(first, first + len(index_ids)))
        for index_id, o in zip(index_ids, ords):
            old = self.ord_of.get(index_id)
            if old is not None:
                self.alive[old] = False
            self.ord_of[index_id] = o
            self.version[index_id] = versions[index_id]
        self.ids.extend(index_ids)
        self.alive = np.concatenate([self.alive, np.zeros(len(ords), bool)])
        if whole:
            # the ordinals numbered by PostgreSQL, in the same order: an
            # array of every id as a parameter made each statement 2-5x slower
            assert first == 0
            bind = {}
            joined = (f"(SELECT {_READ}, CAST(row_number() OVER "
                      f"(ORDER BY index_id COLLATE \"C\") AS int) - 1 AS ord "
                      f"FROM {TABLE} r) AS t")
        else:
            bind = {"ids": index_ids, "ords": ords}
            joined = (f"(SELECT {_READ}, o.ord FROM {TABLE} r JOIN unnest("
                      f"CAST(:ids AS text[]), CAST(:ords AS int[])) "
                      f"AS o(index_id, ord) USING (index_id)) AS t")
        # terms: postings of every term; (ordinal, term) pairs of the facet
        # terms, each ordinal's pairs together (starts/lengths per ordinal)
        docs, terms = [], []
        lengths = np.zeros(len(ords), dtype=np.int64)
        pair_terms: list[int] = []
        rows = conn.execute(sa.text(
            f"SELECT t.ord, {', '.join('t.' + c for c in FILTER_COLUMNS)}, "
            f"t.{LABELS}, ARRAY(SELECT lexeme FROM unnest(t.facet_terms)), "
            f"t.row_at FROM {joined} ORDER BY t.ord"), bind).all()
        self.ctids.extend([""] * len(ords))
        for row in rows:
            o = row[0]
            self.alive[o] = True
            self.ctids[o] = row[6]
            names = {f"{c}:{v}" for c, v in zip(FILTER_COLUMNS, row[1:4])
                     if v is not None}
            names.update(f"{LABELS}:{v}" for v in (row[4] or []) if v is not None)
            facet_terms = set()
            for lexeme in row[5] or []:
                if lexeme == ALL_TERM:
                    continue
                if lexeme.startswith("!"):
                    self.overflow.add(lexeme[1:])
                    continue
                facet_terms.add(lexeme)
            for name in names | facet_terms:
                tid = self.term_ids.get(name)
                if tid is None:
                    tid = self.term_ids[name] = len(self.term_names)
                    self.term_names.append(name)
                docs.append(o)
                terms.append(tid)
                if name in facet_terms:
                    pair_terms.append(tid)
            lengths[o - first] = len(facet_terms)
        if docs:
            new_doc = np.asarray(docs, dtype=np.int32)
            new_term = np.asarray(terms, dtype=np.int32)
            order = np.argsort(new_term, kind="stable")
            new_doc, new_term = new_doc[order], new_term[order]
            cut = np.flatnonzero(np.diff(new_term)) + 1
            starts = np.concatenate([[0], cut])
            for s, part in zip(starts, np.split(new_doc, cut)):
                tid = int(new_term[s])
                have = self.postings.get(tid)
                self.postings[tid] = (part if have is None
                                      else np.concatenate([have, part]))
        self.pair_start = np.concatenate([
            self.pair_start,
            self.pair_term.size + np.cumsum(lengths) - lengths])
        self.pair_len = np.concatenate([self.pair_len, lengths])
        self.pair_term = np.concatenate([
            self.pair_term, np.asarray(pair_terms, dtype=np.int32)])
        self._fields = {}
        # words (every lexeme of tsv)
        for lexeme, packed in conn.execute(sa.text(
                f"SELECT u.lexeme, string_agg(int4send(t.ord), ''::bytea) "
                f"FROM {joined}, LATERAL unnest(t.tsv) AS u "
                f"GROUP BY u.lexeme"), bind):
            part = np.frombuffer(packed, dtype=">i4").astype(np.int32)
            have = self.words.get(lexeme)
            self.words[lexeme] = (part if have is None
                                  else np.concatenate([have, part]))
        # ranks (ts_rank of each lexeme of tsv_ab alone)
        weights, normalization = self.ranking
        for lexeme, packed, scores in conn.execute(sa.text(
                f"SELECT u.lexeme, string_agg(int4send(t.ord), ''::bytea), "
                f"string_agg(float4send(ts_rank("
                f"CAST(:w AS float4[]), t.tsv_ab, CAST('''' || replace(replace("
                f"u.lexeme, '\\', '\\\\'), '''', '''''') || '''' AS tsquery), "
                f"{int(normalization)})), ''::bytea) "
                f"FROM {joined}, LATERAL unnest(t.tsv_ab) AS u "
                f"GROUP BY u.lexeme"), dict(bind, w=weights)):
            part = np.frombuffer(packed, dtype=">i4").astype(np.int32)
            rank = np.frombuffer(scores, dtype=">f4").astype(np.float32)
            have = self.ranks.get(lexeme)
            self.ranks[lexeme] = (
                (part, rank) if have is None else
                (np.concatenate([have[0], part]),
                 np.concatenate([have[1], rank])))

    def drop(self, index_ids: list[str]) -> None:
        for index_id in index_ids:
            o = self.ord_of.pop(index_id, None)
            self.version.pop(index_id, None)
            if o is not None:
                self.alive[o] = False

    # -- using them --------------------------------------------------------
    def term_mask(self, field: str, value: str) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        tid = self.term_ids.get(f"{field}:{value}")
        if tid is not None:
            mask[self.postings[tid]] = True
        return mask

    def word_mask(self, lexeme: str) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        ords = self.words.get(lexeme)
        if ords is not None:
            mask[ords] = True
        return mask

    def score(self, lexemes: list[str]) -> np.ndarray:
        """``ts_rank`` over ``tsv_ab`` of the OR of ``lexemes``."""
        out = np.zeros(self.size, dtype=np.float64)
        for lexeme in lexemes:
            have = self.ranks.get(lexeme)
            if have is not None:
                out[have[0]] += have[1]
        if lexemes:
            out /= len(lexemes)
        return out

    def field_terms(self, field: str) -> tuple[list[str], np.ndarray]:
        """The values of ``field`` in code point order, and their term ids."""
        got = self._fields.get(field)
        if got is None:
            prefix = f"{field}:"
            pairs = sorted((name[len(prefix):], tid)
                           for name, tid in self.term_ids.items()
                           if name.startswith(prefix))
            got = ([v for v, _ in pairs],
                   np.asarray([t for _, t in pairs], dtype=np.int64))
            self._fields[field] = got
        return got

    def facets(self, cand: np.ndarray, specs: list[FacetSpec]
               ) -> dict[str, list[Any]]:
        """Facet counts over the ordinals ``cand``."""
        lengths = self.pair_len[cand]
        offsets = np.repeat(self.pair_start[cand] - (np.cumsum(lengths) - lengths),
                            lengths)
        picked = self.pair_term[offsets + np.arange(offsets.size)]
        counts = np.bincount(picked, minlength=len(self.term_names))
        out: dict[str, list[Any]] = {}
        for spec in specs:
            values, tids = self.field_terms(spec.field)
            c = counts[tids] if len(tids) else np.zeros(0, dtype=np.int64)
            keep = np.flatnonzero(c >= spec.mincount)
            if spec.sort != "index":
                # values are in code point order: a stable sort on the count
                # keeps equal counts in value order, as COLLATE "C" does
                keep = keep[np.argsort(-c[keep], kind="stable")]
            if spec.limit >= 0:
                keep = keep[:spec.limit]
            flat: list[Any] = []
            for i in keep:
                flat.extend([values[i], int(c[i])])
            out[spec.field] = flat
        return out

    def sort_order(self, engine, column: str
                   ) -> Optional[tuple[np.ndarray, np.ndarray]]:
        """(rank, is null) per ordinal of ``column`` in PostgreSQL's order
        (its collation), read the first time a search sorts on it. Above
        :data:`SYNC_SORT_ROWS` rows it is read in a thread, and None says
        that the SQL statements answer meanwhile: after each write a large
        catalogue would otherwise pause one search while it is read
        (measured at 20,000 datasets: 35-70 ms)."""
        with self._sort_lock:
            got = self._sorts.get(column)
            if got is not None:
                return got
            if self.size <= SYNC_SORT_ROWS:
                got = self._sorts[column] = self._read_order(engine, column)
                return got
            if column not in self._sorting:
                self._sorting.add(column)
                threading.Thread(target=self._order_in_background,
                                 args=(engine, column), daemon=True,
                                 name="angiang-sort-order").start()
        return None

    def _order_in_background(self, engine, column: str) -> None:
        try:
            got = self._read_order(engine, column)
            with self._sort_lock:
                self._sorts[column] = got
        except Exception:  # the next search asks again
            log.exception("Reading the sort order of %s failed", column)
        finally:
            with self._sort_lock:
                self._sorting.discard(column)

    def _read_order(self, engine, column: str
                    ) -> tuple[np.ndarray, np.ndarray]:
        rank = np.full(self.size, LAST, dtype=np.int64)
        nulls = np.ones(self.size, dtype=bool)
        with engine.connect() as conn:
            # three values, not a row per dataset: rows cost Python time
            ids, ranks, empty = conn.execute(sa.text(
                f"SELECT string_agg(index_id, ' '), "
                f"string_agg(int4send(r), ''::bytea), "
                f"string_agg(int4send(CAST(n AS int)), ''::bytea) FROM ("
                f"SELECT index_id, CAST(dense_rank() OVER (ORDER BY {column} "
                f"NULLS LAST) AS int) AS r, {column} IS NULL AS n "
                f"FROM {TABLE}) AS s")).one()
            conn.rollback()
        if ids:
            ord_of = self.ord_of
            at = np.asarray([ord_of.get(i, -1) for i in ids.split(" ")],
                            dtype=np.int64)
            known = at >= 0
            rank[at[known]] = np.frombuffer(ranks, dtype=">i4")[known]
            nulls[at[known]] = np.frombuffer(empty, dtype=">i4")[known] != 0
        return rank, nulls


def sort_key(order: tuple[np.ndarray, np.ndarray], direction: str
             ) -> np.ndarray:
    """A key per ordinal that sorts as ``column direction NULLS LAST``."""
    rank, nulls = order
    if direction == "ASC":
        return rank
    return np.where(nulls, LAST, -rank)


# --- keeping it in step -------------------------------------------------------

class Docsets:
    """The snapshot of one database, kept in step by :meth:`current`."""

    #: Words whose parse is remembered (then forgotten all at once).
    MAX_WORDS = 20000

    def __init__(self):
        self._snap: Optional[Snapshot] = None
        self._lock = threading.Lock()
        self.tsqueries: dict[str, str] = {}  # word -> phraseto_tsquery text
        self.answered = 0  # searches answered from memory (for the tests)
        self.loads = 0  # snapshots read whole

    def empty(self) -> bool:
        return self._snap is None

    def parsed(self, texts: list[str]) -> dict[str, str]:
        """The remembered parses of ``texts``. The dict is read once, by
        ``get``: another thread may replace it meanwhile (:meth:`remember`,
        :meth:`clear`), and a check then a read of the attribute could
        look in two different dicts (a KeyError, i.e. a 500)."""
        known = self.tsqueries
        found = {t: known.get(t) for t in texts}
        return {t: q for t, q in found.items() if q is not None}

    def remember(self, pairs) -> None:
        known = self.tsqueries
        if len(known) > self.MAX_WORDS:
            self.tsqueries = dict(pairs)
        else:
            known.update(pairs)

    def current(self, engine, key: tuple[int, int], ranking: tuple[str, int]
                ) -> Snapshot:
        snap = self._snap
        if snap is not None and snap.key == key and snap.ranking == ranking:
            return snap
        with self._lock:
            snap = self._snap
            if snap is not None and snap.key == key and snap.ranking == ranking:
                return snap
            if snap is not None and snap.key is not None \
                    and snap.key[0] != key[0]:
                self.tsqueries = {}  # a new table: perhaps new configurations
            snap = self._sync(engine, snap, ranking)
            self._snap = snap
            return snap

    def clear(self) -> None:
        with self._lock:
            self._snap = None
            self.tsqueries = {}

    def _sync(self, engine, snap: Optional[Snapshot], ranking) -> Snapshot:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            key = _read_key(conn)
            # two strings, not a row per dataset (rows cost 50 ms at 20,000)
            ids, xmins = conn.execute(sa.text(
                f"SELECT string_agg(index_id, ' '), string_agg(xmin::text, ' ') "
                f"FROM {TABLE}")).one()
            versions = dict(zip(ids.split(" "), xmins.split(" "))) if ids else {}
            full = (snap is None or snap.key is None or snap.key[0] != key[0]
                    or snap.ranking != ranking)
            if not full:
                changed = [i for i, v in versions.items()
                           if snap.version.get(i) != v]
                gone = [i for i in snap.version if i not in versions]
                dead = snap.dead() + len(gone) + len(
                    [i for i in changed if i in snap.version])
                full = dead > max(MIN_DEAD, DEAD_SHARE * len(versions))
            if full:
                self.loads += 1
                new = Snapshot(ranking)
                new.read(conn, sorted(versions), versions, whole=True)
            else:
                new = snap.derive()
                new.drop(gone)
                new.read(conn, changed, versions)
            new.key = key
            conn.rollback()
        return new


def _read_key(conn) -> tuple[int, int]:
    oid, writes = conn.execute(sa.text(
        f"SELECT CAST(to_regclass('{TABLE}') AS oid), "
        f"(SELECT coalesce(sum(writes), 0) FROM {CHANGES})")).one()
    return int(oid or 0), int(writes)


_docsets: dict[str, Docsets] = {}
_docsets_lock = threading.Lock()


def for_engine(engine) -> Docsets:
    key = engine.url.render_as_string(hide_password=True)
    with _docsets_lock:
        found = _docsets.get(key)
        if found is None:
            found = _docsets[key] = Docsets()
        return found


# --- evaluating a query -------------------------------------------------------

def text_terms(nodes: list[qp.Node]) -> list[str]:
    """The normalised free-text words of the trees, whose lexemes
    PostgreSQL is asked for (its parser decides what a word is)."""
    out: list[str] = []

    def walk(node):
        if isinstance(node, qp.Bool):
            for child in node.must + node.should + node.must_not:
                walk(child)
        elif isinstance(node, qp.Term):
            name = None if node.field in (None, "*", "text") else node.field
            if name is None and not (node.wildcard and not node.quoted):
                text = normalize(node.value)
                if _WORD_RE.search(text) and text not in out:
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
    """A query tree -> a boolean array over the ordinals, following
    :class:`.compiler.Compiler` clause by clause."""

    def __init__(self, snap: Snapshot, lexemes: dict[str, str]):
        self.snap = snap
        self.lexemes = lexemes  # normalised word -> lexeme
        self.fields = memory_fields()
        self.rank_lexemes: list[str] = []

    def mask(self, node: qp.Node, positive: bool = True) -> Mask:
        if isinstance(node, qp.MatchAll):
            return TRUE
        if isinstance(node, qp.Term):
            return self._term(node, positive)
        if isinstance(node, qp.Bool):
            return self._bool(node, positive)
        raise Unsupported(type(node).__name__)

    def _bool(self, node: qp.Bool, positive: bool) -> Mask:
        parts: list[np.ndarray] = []
        seen_true = False
        for clause in node.must:
            m = self.mask(clause, positive)
            if m is None:
                continue
            if isinstance(m, str):
                seen_true = True
                continue
            parts.append(m)
        shoulds = [m for m in (self.mask(c, positive) for c in node.should)
                   if m is not None]
        required = node.required_should()
        if node.min_should is not None:
            required = max(0, required - (len(node.should) - len(shoulds)))
        required = min(required, len(shoulds))
        if shoulds and required >= 1:
            count = np.zeros(self.snap.size, dtype=np.int32)
            for m in shoulds:
                count += 1 if isinstance(m, str) else m
            parts.append(count >= required)
        for clause in node.must_not:
            m = self.mask(clause, not positive)
            if m is None:
                continue
            if isinstance(m, str):
                parts.append(np.zeros(self.snap.size, dtype=bool))
            else:
                parts.append(~m)
        if not parts:
            if seen_true or not (node.must or node.should or node.must_not):
                return TRUE
            return None
        out = parts[0].copy()
        for m in parts[1:]:
            out &= m
        return out

    def _term(self, term: qp.Term, positive: bool) -> Mask:
        name = term.field
        if name == BBOX_FIELD or name in STRING_ALIASES or name in NGRAM_FIELDS:
            raise Unsupported(name)
        if name == "*":
            if term.value == "*":
                return TRUE
            name = None
        if name is not None and is_date_field(name):
            raise Unsupported(name)
        if is_text_field(name):
            if name not in (None, "text"):
                raise Unsupported(name)
            if term.wildcard and not term.quoted:
                if term.value.strip("*?") == "":
                    return TRUE
                raise Unsupported("wildcard")
            text = normalize(term.value)
            if not _WORD_RE.search(text):
                return None
            lexeme = self.lexemes[text]
            if positive and lexeme not in self.rank_lexemes:
                self.rank_lexemes.append(lexeme)
            return self.snap.word_mask(lexeme)
        if name not in self.fields or name in self.snap.overflow:
            raise Unsupported(name)
        if term.wildcard and not term.quoted:
            raise Unsupported("wildcard")
        return self.snap.term_mask(name, term.value)


def page_order(keys: list[SortKey], orders: dict[str, tuple],
               cand: np.ndarray, need: int, score: Optional[np.ndarray]
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

def run(session, q_node: Optional[qp.Node], fq_nodes: list[Optional[qp.Node]],
        keys: list[SortKey], full_rank: str, values: dict[str, Any],
        rows: int, start: int, specs: list[FacetSpec], want_score: bool,
        ranking: tuple[str, int], window: int
        ) -> Optional[tuple[int, dict[str, list[Any]],
                            list[tuple[str, Optional[float]]]]]:
    """(total, facet_fields, page as [(index id, score)]) from memory, or
    None when the SQL statements must answer (see the module's text).
    ``full_rank``: the SQL of the full relevance over ``t.`` (for the
    window), with its parameters in ``values``."""
    nodes = [q_node] + list(fq_nodes)
    if any(n is None for n in nodes) or not supported_keys(keys):
        return None
    if ranking[1] & RANK_PLUS_ONE:
        return None  # rank/(rank+1) of a sum is not the sum of the parts
    relevance = keys[0].expr == SCORE and keys[0].direction == "DESC"
    if any(k.expr == SCORE for k in keys[1:]) or (
            keys[0].expr == SCORE and not relevance):
        return None
    fields = memory_fields()
    if any(s.field not in fields for s in specs):
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
    words = ("ARRAY[" + ", ".join(
        f"CAST(phraseto_tsquery('{CONFIG_FOLDED}', :dq{i}) AS text)"
        for i in range(len(ask))) + "]") if ask else "NULL"
    clean, oid, writes, queries = session.execute(sa.text(
        f"SELECT txid_current_if_assigned() IS NULL, "
        f"CAST(to_regclass('{TABLE}') AS oid), "
        f"(SELECT coalesce(sum(writes), 0) FROM {CHANGES}), {words}"),
        {f"dq{i}": t for i, t in enumerate(ask)}).one()
    if not clean:
        return None
    snap = held.current(engine, (int(oid or 0), int(writes)), ranking)
    asked = dict(zip(ask, queries or []))
    held.remember(asked)
    parsed.update(asked)
    try:
        lexemes = {t: lexeme_of(parsed[t]) for t in texts}
        if any(s.field in snap.overflow for s in specs):
            raise Unsupported("overlong facet value")
        main = Evaluator(snap, lexemes)
        mask = snap.alive.copy()
        got = main.mask(q_node)
        if not isinstance(got, (str, type(None))):
            mask &= got
        rank_lexemes = main.rank_lexemes
        for node in fq_nodes:
            got = Evaluator(snap, lexemes).mask(node)
            if not isinstance(got, (str, type(None))):
                mask &= got
        if not relevance and want_score and rank_lexemes:
            raise Unsupported("scores in another order")
        orders = {}
        if rows > 0:
            for k in keys:
                if k.expr != SCORE:
                    orders[k.expr] = snap.sort_order(engine, k.expr)
                    if orders[k.expr] is None:
                        raise Unsupported(f"the order of {k.expr} is being read")
    except Unsupported as e:
        log.debug("search answered in SQL: %s", e)
        return None

    cand = np.flatnonzero(mask)
    total = int(cand.size)
    facet_fields = snap.facets(cand, specs) if specs else {}
    page: list[tuple[str, Optional[float]]] = []
    if rows > 0 and total > start:
        if relevance:
            s1 = snap.score(rank_lexemes)
            top = page_order(keys, orders, cand, max(window, start + rows), s1)
            win, rest = top[:window], top[window:]
            scores = s1[win]
            if start < len(win):
                found = rescore(session, snap, win, full_rank, values)
                scores = np.asarray([found.get(snap.ids[o], 0.0) for o in win],
                                    dtype=np.float64)
                tail = [sort_key(orders[k.expr], k.direction)[win]
                        for k in keys[1:]]
                order = np.lexsort(list(reversed(tail)) + [-scores])
                win, scores = win[order], scores[order]
            ords = np.concatenate([win, rest])[start:start + rows]
            all_scores = np.concatenate([scores, s1[rest]])[start:start + rows]
            page = [(snap.ids[o], float(s)) for o, s in zip(ords, all_scores)]
        else:
            ords = page_order(keys, orders, cand, start + rows, None)
            page = [(snap.ids[o], 1.0) for o in ords[start:start + rows]]
    held.answered += 1
    return total, facet_fields, page


def rescore(session, snap: Snapshot, win: np.ndarray, full_rank: str,
            values: dict[str, Any]) -> dict[str, float]:
    """{index id: full relevance} of the ordinals ``win``. The rows are
    read where they were when the snapshot read them (a TID scan, about
    three times faster than the primary key for 200 rows); a row that has
    moved since (updated, or the table rewritten) is looked up by key."""
    select = f"SELECT t.index_id, CAST({full_rank} AS float8) FROM {TABLE} t"
    found = dict(session.execute(sa.text(
        f"{select} WHERE t.ctid = ANY(CAST(:docset_ctids AS tid[]))"),
        dict(values, docset_ctids="{" + ",".join(
            f'"{snap.ctids[o]}"' for o in win) + "}")).all())
    missing = [snap.ids[o] for o in win if snap.ids[o] not in found]
    if missing:
        found.update(session.execute(sa.text(
            f"{select} WHERE t.index_id = ANY(:docset_ids)"),
            dict(values, docset_ids=missing)).all())
    return found
