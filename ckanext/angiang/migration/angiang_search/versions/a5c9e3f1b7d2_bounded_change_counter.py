"""The change counter keeps a bounded number of rows.

The counter of revision e7a2c4b19f08 kept one row per PostgreSQL backend
that ever wrote the index (``pg_backend_pid()``) and never removed any: a
server up for months gathered a row for every connection it ever opened,
and every search sums the table. Now a backend's first write takes over the
row of a backend that has exited (carrying its count on), and only inserts
a row when there is none to take: the table holds about one row per backend
alive at once. The total only ever grows by one per write statement, so the
docsets (:mod:`ckanext.angiang.search.docsets`) see exactly the committed
writes, as before; no writer waits on another (``SKIP LOCKED``).

The rows of backends gone before this migration are folded into one.

Revision ID: a5c9e3f1b7d2
Revises: e7a2c4b19f08
Create Date: 2026-12-04 22:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "a5c9e3f1b7d2"
down_revision = "e7a2c4b19f08"
branch_labels = None
depends_on = None

#: A backend id no backend has: the row the gone backends' counts fold into.
FOLDED = 0


def upgrade():
    op.execute(f"""
        WITH gone AS (
            DELETE FROM angiang_search_changes c
            WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                              WHERE a.pid = c.backend)
            RETURNING writes)
        INSERT INTO angiang_search_changes AS c (backend, writes)
        SELECT {FOLDED}, sum(writes) FROM gone HAVING count(*) > 0
        ON CONFLICT (backend) DO UPDATE SET writes = c.writes + excluded.writes""")
    op.execute("""
        CREATE OR REPLACE FUNCTION angiang_search_count_write()
        RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            me integer := pg_backend_pid();
            gone integer;
        BEGIN
            UPDATE angiang_search_changes SET writes = writes + 1
            WHERE backend = me;
            IF FOUND THEN
                RETURN NULL;
            END IF;
            -- this backend's first write: carry on the count of one gone
            SELECT c.backend INTO gone FROM angiang_search_changes c
            WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                              WHERE a.pid = c.backend)
            LIMIT 1 FOR UPDATE SKIP LOCKED;
            IF FOUND THEN
                UPDATE angiang_search_changes
                SET backend = me, writes = writes + 1 WHERE backend = gone;
                RETURN NULL;
            END IF;
            INSERT INTO angiang_search_changes AS c (backend, writes)
            VALUES (me, 1)
            ON CONFLICT (backend) DO UPDATE SET writes = c.writes + 1;
            RETURN NULL;
        END $$""")


def downgrade():
    op.execute("""
        CREATE OR REPLACE FUNCTION angiang_search_count_write()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO angiang_search_changes AS c (backend, writes)
            VALUES (pg_backend_pid(), 1)
            ON CONFLICT (backend) DO UPDATE SET writes = c.writes + 1;
            RETURN NULL;
        END $$""")
