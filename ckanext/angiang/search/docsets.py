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

The searches themselves are evaluated over these arrays by
:mod:`.evaluator`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np
import sqlalchemy as sa

from .facets import ALL_TERM, TERM_FIELDS, FacetSpec, stored_term_fields
from .model import TABLE

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
#: The columns the snapshot reads of a row (``r``).
_READ = ", ".join(
    [f"r.{c}" for c in ("index_id",) + FILTER_FIELDS + ("facet_terms", "tsv", "tsv_ab")]
    + ["CAST(r.ctid AS text) AS row_at"]
)


def memory_fields() -> set[str]:
    return set(FILTER_FIELDS) | set(TERM_FIELDS) | set(stored_term_fields())


# --- what is held -------------------------------------------------------------


class Snapshot:
    """The arrays of one state of the index table. Never changed once
    published: a sync makes a new one (sharing what did not change), so a
    search running meanwhile keeps a consistent view."""

    def __init__(self, ranking: tuple[str, int]):
        self.ranking = ranking  # (weights, normalization) the ranks are for
        self.key: tuple[int, int] | None = None  # (table oid, writes)
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
        # field -> ordinals of the rows with an overlong value of it ("!field")
        self.overlong: dict[str, np.ndarray] = {}
        self._overflow: set[str] | None = None
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

    @property
    def overflow(self) -> set[str]:
        """The fields a live row has an overlong value of: the memory cannot
        count or match them (the SQL statements answer). A row that had one
        and is gone no longer counts."""
        if self._overflow is None:
            self._overflow = {f for f, ords in self.overlong.items() if self.alive[ords].any()}
        return self._overflow

    def derive(self) -> Snapshot:
        new = Snapshot(self.ranking)
        for name in (
            "ids",
            "ctids",
            "ord_of",
            "version",
            "alive",
            "term_ids",
            "term_names",
            "postings",
            "pair_term",
            "pair_start",
            "pair_len",
            "overlong",
            "words",
            "ranks",
        ):
            value = getattr(self, name)
            setattr(new, name, value.copy())
        return new

    # -- reading rows ------------------------------------------------------
    def read(
        self, conn, index_ids: list[str], versions: dict[str, str], whole: bool = False
    ) -> None:
        """Append the rows ``index_ids`` under new ordinals (``whole``: they
        are all the rows, in code point order, and this snapshot is empty)."""
        if not index_ids:
            return
        first = self.size
        ords = list(range(first, first + len(index_ids)))
        for index_id, o in zip(index_ids, ords, strict=False):
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
            joined = (
                f"(SELECT {_READ}, CAST(row_number() OVER "
                f'(ORDER BY index_id COLLATE "C") AS int) - 1 AS ord '
                f"FROM {TABLE} r) AS t"
            )
        else:
            bind = {"ids": index_ids, "ords": ords}
            joined = (
                f"(SELECT {_READ}, o.ord FROM {TABLE} r JOIN unnest("
                f"CAST(:ids AS text[]), CAST(:ords AS int[])) "
                f"AS o(index_id, ord) USING (index_id)) AS t"
            )
        # terms: postings of every term; (ordinal, term) pairs of the facet
        # terms, each ordinal's pairs together (starts/lengths per ordinal)
        docs, terms = [], []
        lengths = np.zeros(len(ords), dtype=np.int64)
        pair_terms: list[int] = []
        overlong: dict[str, list[int]] = {}
        rows = conn.execute(
            sa.text(
                f"SELECT t.ord, {', '.join('t.' + c for c in FILTER_COLUMNS)}, "
                f"t.{LABELS}, ARRAY(SELECT lexeme FROM unnest(t.facet_terms)), "
                f"t.row_at FROM {joined} ORDER BY t.ord"
            ),
            bind,
        ).all()
        self.ctids.extend([""] * len(ords))
        for row in rows:
            o = row[0]
            self.alive[o] = True
            self.ctids[o] = row[6]
            names = {
                f"{c}:{v}" for c, v in zip(FILTER_COLUMNS, row[1:4], strict=False) if v is not None
            }
            names.update(f"{LABELS}:{v}" for v in (row[4] or []) if v is not None)
            facet_terms = set()
            for lexeme in row[5] or []:
                if lexeme == ALL_TERM:
                    continue
                if lexeme.startswith("!"):
                    overlong.setdefault(lexeme[1:], []).append(o)
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
            for s, part in zip(starts, np.split(new_doc, cut), strict=False):
                tid = int(new_term[s])
                have = self.postings.get(tid)
                self.postings[tid] = part if have is None else np.concatenate([have, part])
        self.pair_start = np.concatenate(
            [self.pair_start, self.pair_term.size + np.cumsum(lengths) - lengths]
        )
        self.pair_len = np.concatenate([self.pair_len, lengths])
        self.pair_term = np.concatenate([self.pair_term, np.asarray(pair_terms, dtype=np.int32)])
        for field, found in overlong.items():
            have = self.overlong.get(field)
            part = np.asarray(found, dtype=np.int64)
            self.overlong[field] = part if have is None else np.concatenate([have, part])
        self._overflow = None
        self._fields = {}
        # words (every lexeme of tsv)
        for lexeme, packed in conn.execute(
            sa.text(
                f"SELECT u.lexeme, string_agg(int4send(t.ord), ''::bytea) "
                f"FROM {joined}, LATERAL unnest(t.tsv) AS u "
                f"GROUP BY u.lexeme"
            ),
            bind,
        ):
            part = np.frombuffer(packed, dtype=">i4").astype(np.int32)
            have = self.words.get(lexeme)
            self.words[lexeme] = part if have is None else np.concatenate([have, part])
        # ranks (ts_rank of each lexeme of tsv_ab alone)
        weights, normalization = self.ranking
        for lexeme, packed, scores in conn.execute(
            sa.text(
                f"SELECT u.lexeme, string_agg(int4send(t.ord), ''::bytea), "
                f"string_agg(float4send(ts_rank("
                f"CAST(:w AS float4[]), t.tsv_ab, CAST('''' || replace(replace("
                f"u.lexeme, '\\', '\\\\'), '''', '''''') || '''' AS tsquery), "
                f"{int(normalization)})), ''::bytea) "
                f"FROM {joined}, LATERAL unnest(t.tsv_ab) AS u "
                f"GROUP BY u.lexeme"
            ),
            dict(bind, w=weights),
        ):
            part = np.frombuffer(packed, dtype=">i4").astype(np.int32)
            rank = np.frombuffer(scores, dtype=">f4").astype(np.float32)
            had = self.ranks.get(lexeme)
            self.ranks[lexeme] = (
                (part, rank)
                if had is None
                else (np.concatenate([had[0], part]), np.concatenate([had[1], rank]))
            )

    def drop(self, index_ids: list[str]) -> None:
        for index_id in index_ids:
            o = self.ord_of.pop(index_id, None)
            self.version.pop(index_id, None)
            if o is not None:
                self.alive[o] = False
        self._overflow = None

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
            pairs = sorted(
                (name[len(prefix) :], tid)
                for name, tid in self.term_ids.items()
                if name.startswith(prefix)
            )
            got = ([v for v, _ in pairs], np.asarray([t for _, t in pairs], dtype=np.int64))
            self._fields[field] = got
        return got

    def facets(self, cand: np.ndarray, specs: list[FacetSpec]) -> dict[str, list[Any]]:
        """Facet counts over the ordinals ``cand``."""
        lengths = self.pair_len[cand]
        offsets = np.repeat(self.pair_start[cand] - (np.cumsum(lengths) - lengths), lengths)
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
                keep = keep[: spec.limit]
            flat: list[Any] = []
            for i in keep:
                flat.extend([values[i], int(c[i])])
            out[spec.field] = flat
        return out

    def sort_order(self, engine, column: str) -> tuple[np.ndarray, np.ndarray] | None:
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
                threading.Thread(
                    target=self._order_in_background,
                    args=(engine, column),
                    daemon=True,
                    name="angiang-sort-order",
                ).start()
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

    def _read_order(self, engine, column: str) -> tuple[np.ndarray, np.ndarray]:
        rank = np.full(self.size, LAST, dtype=np.int64)
        nulls = np.ones(self.size, dtype=bool)
        with engine.connect() as conn:
            # three values, not a row per dataset: rows cost Python time
            ids, ranks, empty = conn.execute(
                sa.text(
                    f"SELECT string_agg(index_id, ' '), "
                    f"string_agg(int4send(r), ''::bytea), "
                    f"string_agg(int4send(CAST(n AS int)), ''::bytea) FROM ("
                    f"SELECT index_id, CAST(dense_rank() OVER (ORDER BY {column} "
                    f"NULLS LAST) AS int) AS r, {column} IS NULL AS n "
                    f"FROM {TABLE}) AS s"
                )
            ).one()
            conn.rollback()
        if ids:
            ord_of = self.ord_of
            at = np.asarray([ord_of.get(i, -1) for i in ids.split(" ")], dtype=np.int64)
            known = at >= 0
            rank[at[known]] = np.frombuffer(ranks, dtype=">i4")[known]
            nulls[at[known]] = np.frombuffer(empty, dtype=">i4")[known] != 0
        return rank, nulls


def sort_key(order: tuple[np.ndarray, np.ndarray], direction: str) -> np.ndarray:
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
        self._snap: Snapshot | None = None
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

    def current(self, engine, key: tuple[int, int], ranking: tuple[str, int]) -> Snapshot:
        snap = self._snap
        if snap is not None and snap.key == key and snap.ranking == ranking:
            return snap
        with self._lock:
            snap = self._snap
            if snap is not None and snap.key == key and snap.ranking == ranking:
                return snap
            if snap is not None and snap.key is not None and snap.key[0] != key[0]:
                self.tsqueries = {}  # a new table: perhaps new configurations
            snap = self._sync(engine, snap, ranking)
            self._snap = snap
            return snap

    def clear(self) -> None:
        with self._lock:
            self._snap = None
            self.tsqueries = {}

    def _sync(self, engine, snap: Snapshot | None, ranking) -> Snapshot:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            key = _read_key(conn)
            # two strings, not a row per dataset (rows cost 50 ms at 20,000)
            ids, xmins = conn.execute(
                sa.text(
                    f"SELECT string_agg(index_id, ' '), string_agg(xmin::text, ' ') FROM {TABLE}"
                )
            ).one()
            versions = dict(zip(ids.split(" "), xmins.split(" "), strict=False)) if ids else {}
            full = (
                snap is None or snap.key is None or snap.key[0] != key[0] or snap.ranking != ranking
            )
            if not full:
                assert snap is not None
                changed = [i for i, v in versions.items() if snap.version.get(i) != v]
                gone = [i for i in snap.version if i not in versions]
                dead = snap.dead() + len(gone) + len([i for i in changed if i in snap.version])
                full = dead > max(MIN_DEAD, DEAD_SHARE * len(versions))
            if full:
                self.loads += 1
                new = Snapshot(ranking)
                new.read(conn, sorted(versions), versions, whole=True)
            else:
                assert snap is not None
                new = snap.derive()
                new.drop(gone)
                new.read(conn, changed, versions)
            new.key = key
            conn.rollback()
        return new


def _read_key(conn) -> tuple[int, int]:
    oid, writes = conn.execute(
        sa.text(
            f"SELECT CAST(to_regclass('{TABLE}') AS oid), "
            f"(SELECT coalesce(sum(writes), 0) FROM {CHANGES})"
        )
    ).one()
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
