"""Word matches go to the GIN index by the planner's own choice: no
statistics on ``tsv``.

The SQL statements used to force the index with ``SET LOCAL
enable_seqscan = off``. Why the planner chose a sequential scan: for a word
in many rows, PostgreSQL prices ``tsv @@ query`` on every row like a
comparison, but ``tsv`` is stored out of the row (revision 9c3e1f6a7d20), so
the scan reads and decompresses every row's vector from TOAST, which the
cost model does not count; the GIN index answers without reading any.
Measured on 20,000 rows (benchmarks/search_plans.py), a word in 90% of
them: planned cost 1,151 for the scan against 1,283 for the index, real
time 217 ms against 32 ms.

The levers a database owner has on that choice: the operator's cost (its
function belongs to the superuser), planner settings (steering again; a
lower random_page_cost did not change the plan), or the statistics. Without
statistics on ``tsv`` the planner estimates a word's matches at its default
(0.5% of the rows) and takes the index for every word, frequent or not
(measured: 37 ms for the 90% word). Nothing else is matched on ``tsv``, and
the rows a match yields are counted by the statement itself, so no other
plan leans on that estimate much; the one cost is that a search sorted by
title or date on a very frequent word sorts its matches instead of walking
the column's index.

ANALYZE keeps a column's old statistics when its target becomes 0: the
column is rewritten once (its type to itself) to drop them, which rebuilds
its GIN index.

Revision ID: b8e4d0a6c3f5
Revises: a5c9e3f1b7d2
Create Date: 2026-12-04 23:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b8e4d0a6c3f5"
down_revision = "a5c9e3f1b7d2"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE angiang_search_index ALTER COLUMN tsv TYPE tsvector USING tsv")
    op.execute(
        "ALTER TABLE angiang_search_index "
        "ALTER COLUMN tsv SET STORAGE EXTENDED, "
        "ALTER COLUMN tsv SET STATISTICS 0"
    )


def downgrade():
    op.execute("ALTER TABLE angiang_search_index ALTER COLUMN tsv SET STATISTICS -1")
