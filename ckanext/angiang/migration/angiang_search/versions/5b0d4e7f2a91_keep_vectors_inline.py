"""Search speed: vectors kept in the rows, GIN indexes without pending
lists, no indexes that never narrow a search.

- ``tsv``/``tsv_exact`` STORAGE MAIN: the large stored documents go to TOAST,
  the vectors (read for every matching row when ranking) stay in the row.
- GIN ``fastupdate = off``: a pending list is scanned by every search until
  vacuum merges it; an index written in bursts (rebuilds, harvests) and read
  all the time is better without it.
- Dropped: the GIN index on ``permission_labels`` and the btree on
  (site_id, state, capacity). Almost every row is labelled "public", active
  and of this site, so they never narrow a search, yet the planner preferred
  them to the word index (measured with benchmarks/search.py).

Rows written before keep their layout until ``ckan search-index rebuild``.

Revision ID: 5b0d4e7f2a91
Revises: 1cc9e2520299
Create Date: 2026-11-27 12:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5b0d4e7f2a91"
down_revision = "1cc9e2520299"
branch_labels = None
depends_on = None

GIN = ["tsv", "tsv_exact", "tags", "groups", "res_format", "doc"]


def upgrade():
    op.execute(
        "ALTER TABLE angiang_search_index "
        "ALTER COLUMN tsv SET STORAGE MAIN, "
        "ALTER COLUMN tsv_exact SET STORAGE MAIN"
    )
    for name in GIN:
        op.execute(f"ALTER INDEX angiang_search_index_{name}_idx SET (fastupdate = off)")
        op.execute(f"SELECT gin_clean_pending_list('angiang_search_index_{name}_idx'::regclass)")
    op.execute("DROP INDEX IF EXISTS angiang_search_index_permission_labels_idx")
    op.execute("DROP INDEX IF EXISTS angiang_search_index_site_state_idx")


def downgrade():
    op.execute(
        "CREATE INDEX IF NOT EXISTS angiang_search_index_site_state_idx "
        "ON angiang_search_index (site_id, state, capacity)"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS "
        "angiang_search_index_permission_labels_idx "
        "ON angiang_search_index USING gin (permission_labels)"
    )
    for name in GIN:
        op.execute(f"ALTER INDEX angiang_search_index_{name}_idx SET (fastupdate = on)")
    op.execute(
        "ALTER TABLE angiang_search_index "
        "ALTER COLUMN tsv SET STORAGE EXTENDED, "
        "ALTER COLUMN tsv_exact SET STORAGE EXTENDED"
    )
