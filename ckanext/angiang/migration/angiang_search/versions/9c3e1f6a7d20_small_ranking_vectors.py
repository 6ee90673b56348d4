"""Rank on small vectors kept in the row; the full vector goes back to TOAST.

Measured at 20,000 datasets (benchmarks/search.py): with ``tsv`` forced into
the row (STORAGE MAIN, previous revision) PostgreSQL's toaster pushed the
small columns searches filter on (permission_labels, tags, title...) out of
the row instead, and every filtered scan read TOAST. Now:

- ``tsv`` (all four weight groups) is stored as PostgreSQL prefers (out of
  the row when large) and is only read through its GIN index, and for the
  few results ranked again (:mod:`ckanext.angiang.search.statements`);
- ``tsv_ab`` (weights A and B, no accents) and ``tsv_exact`` (A and B with
  accents) are small and stay in the row: every match is ranked on them.

The GIN index on ``tsv_exact`` goes: nothing is matched on it, only ranked,
and every write paid for it.

Existing rows get ``tsv_ab`` from their ``tsv`` (ts_filter keeps A and B);
``ckan search-index rebuild`` moves them to the new layout.

Revision ID: 9c3e1f6a7d20
Revises: 5b0d4e7f2a91
Create Date: 2026-11-27 15:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9c3e1f6a7d20"
down_revision = "5b0d4e7f2a91"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE angiang_search_index ADD COLUMN IF NOT EXISTS tsv_ab tsvector")
    op.execute(
        "ALTER TABLE angiang_search_index "
        "ALTER COLUMN tsv SET STORAGE EXTENDED, "
        "ALTER COLUMN tsv_ab SET STORAGE MAIN, "
        "ALTER COLUMN tsv_exact SET STORAGE MAIN"
    )
    op.execute(
        "UPDATE angiang_search_index SET tsv_ab = ts_filter(tsv, '{a,b}') WHERE tsv_ab IS NULL"
    )
    op.execute("DROP INDEX IF EXISTS angiang_search_index_tsv_exact_idx")


def downgrade():
    op.execute(
        "CREATE INDEX IF NOT EXISTS angiang_search_index_tsv_exact_idx "
        "ON angiang_search_index USING gin (tsv_exact) "
        "WITH (fastupdate = off)"
    )
    op.execute("ALTER TABLE angiang_search_index DROP COLUMN IF EXISTS tsv_ab")
    op.execute("ALTER TABLE angiang_search_index ALTER COLUMN tsv SET STORAGE MAIN")
