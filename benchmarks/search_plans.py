"""How PostgreSQL plans a free-text match of the SQL search statements
(``tsv @@ query``), measured without CKAN on a synthetic index table.

    .venv/bin/python benchmarks/search_plans.py [--rows 20000] \
        [--url postgresql://angiang@127.0.0.1:5432/angiang_search_plans]

The database (created by you, with ``unaccent``) gets the index table by
the plugin's migrations, then ``--rows`` rows whose words follow a skewed
distribution (a few words in most rows, most words in few), with long
descriptions so that ``tsv`` is stored out of the row as in production.
For words of decreasing frequency it prints the plan PostgreSQL picks and
its time (EXPLAIN ANALYZE, best of 3) for the shape of the ranked
statement (total + best 20 by the cheap rank), under:

- ``default``: the planner's own choice with the database's settings
  (since migration b8e4d0a6c3f5 the table keeps no statistics on ``tsv``);
- ``seqscan off``: what the search used to force (``SET LOCAL
  enable_seqscan = off``), for comparison.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import re

import sqlalchemy as sa

from ckanext.angiang.search.model import run_migrations

SHAPE = """
EXPLAIN (ANALYZE, FORMAT JSON)
WITH m AS (
  SELECT index_id, ts_rank('{0.1,0.2,0.4,1.0}', tsv_ab, q) AS s
  FROM angiang_search_index, to_tsquery('angiang_unaccent', :q) AS q
  WHERE tsv @@ q AND site_id = 'default' AND state = 'active'
    AND capacity = 'public' AND permission_labels && ARRAY['public'])
SELECT (SELECT count(*) FROM m),
       (SELECT array_agg(index_id) FROM
          (SELECT index_id FROM m ORDER BY s DESC LIMIT 20) AS p)
"""

LOAD = """
INSERT INTO angiang_search_index
  (index_id, id, site_id, name, title, state, capacity, permission_labels,
   doc, tsv, tsv_ab, facet_terms)
SELECT md5(i::text), i::text, 'default', 'ds-' || i, t.title, 'active',
       CASE WHEN i % 10 = 9 THEN 'private' ELSE 'public' END,
       ARRAY[CASE WHEN i % 10 = 9 THEN 'member-x' ELSE 'public' END],
       '{}'::jsonb, v.tsv, ts_filter(v.tsv, '{a,b}'), '''*'''::tsvector
FROM generate_series(1, :rows) AS i,
LATERAL (SELECT string_agg('w' || floor(400 * random() ^ 3)::int, ' ')
         AS title FROM generate_series(1, 6) WHERE i > 0) AS t,
LATERAL (SELECT string_agg('w' || floor(400 * random() ^ 3)::int
                           || ' x' || floor(20000 * random())::int, ' ')
         AS notes FROM generate_series(1, 250) WHERE i > 0) AS n,
LATERAL (SELECT setweight(to_tsvector('angiang_unaccent', t.title), 'A')
             || setweight(to_tsvector('angiang_unaccent', n.notes), 'C')
         AS tsv) AS v
"""


def plan_nodes(plan: dict) -> list[str]:
    out = [plan["Node Type"] + (f" on {plan['Index Name']}" if "Index Name" in plan else "")]
    for child in plan.get("Plans", []):
        out += plan_nodes(child)
    return out


def measure(conn, word: str, steer: bool) -> tuple[float, str]:
    best, scans = None, ""
    for _ in range(3):
        with conn.begin():
            if steer:
                conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
            doc = conn.execute(sa.text(SHAPE), {"q": word}).scalar()
        doc = doc if isinstance(doc, list) else json.loads(doc)
        ms = doc[0]["Execution Time"]
        nodes = plan_nodes(doc[0]["Plan"])
        scans = ", ".join(sorted({n for n in nodes if re.search("Scan", n)}))
        best = ms if best is None else min(best, ms)
    return best, scans


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--url", default="postgresql://angiang@127.0.0.1:5432/angiang_search_plans")
    args = ap.parse_args()
    run_migrations(args.url)
    engine = sa.create_engine(args.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        have = conn.execute(sa.text("SELECT count(*) FROM angiang_search_index")).scalar()
        if have != args.rows:
            conn.execute(sa.text("TRUNCATE angiang_search_index"))
            conn.execute(sa.text(LOAD), {"rows": args.rows})
            conn.execute(sa.text("VACUUM (ANALYZE) angiang_search_index"))
    engine = sa.create_engine(args.url)
    with engine.connect() as conn:
        freq = dict(
            conn.execute(
                sa.text(
                    "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM "
                    "angiang_search_index') WHERE word LIKE 'w%'"
                )
            ).all()
        )
        rows = args.rows
        conn.rollback()
        words = []
        for share in (0.9, 0.5, 0.2, 0.05, 0.01):
            words.append(
                min((w for w in freq if w not in words), key=lambda w: abs(freq[w] / rows - share))
            )
        print(f"{rows} rows; rank of the matches, total and best 20")
        print(
            f"{'word':>6} {'matches':>8}  {'default ms':>10}  plan{'':<40} {'seqscan off ms':>14}"
        )
        for w in words:
            ms, scans = measure(conn, w, steer=False)
            ms_off, _ = measure(conn, w, steer=True)
            print(f"{w:>6} {freq[w]:>8}  {ms:>10.1f}  {scans:<44} {ms_off:>14.1f}")


if __name__ == "__main__":
    main()
