"""A change counter for the in-process docsets.

Every statement that writes the index table (insert, update, delete,
truncate) adds one to a counter of its own database backend, in its own
transaction. The sum over the backends therefore changes exactly when a
write to the index commits, and only then; a search process compares it
with the sum its docsets were read at (:mod:`ckanext.angiang.search.docsets`).
One row per backend, so concurrent writers never wait on each other.

The table and the function outlive the index table when CKAN's
``clean_db`` drops it (they are not in CKAN's metadata), so they are
created idempotently.

Revision ID: e7a2c4b19f08
Revises: d41e7b0c5a13
Create Date: 2026-11-27 09:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e7a2c4b19f08"
down_revision = "d41e7b0c5a13"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "CREATE TABLE IF NOT EXISTS angiang_search_changes ("
        "backend integer PRIMARY KEY, writes bigint NOT NULL)"
    )
    op.execute("""
        CREATE OR REPLACE FUNCTION angiang_search_count_write()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO angiang_search_changes AS c (backend, writes)
            VALUES (pg_backend_pid(), 1)
            ON CONFLICT (backend) DO UPDATE SET writes = c.writes + 1;
            RETURN NULL;
        END $$""")
    op.execute("DROP TRIGGER IF EXISTS angiang_search_index_written ON angiang_search_index")
    op.execute(
        "CREATE TRIGGER angiang_search_index_written "
        "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        "ON angiang_search_index "
        "FOR EACH STATEMENT EXECUTE FUNCTION angiang_search_count_write()"
    )


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS angiang_search_index_written ON angiang_search_index")
    op.execute("DROP FUNCTION IF EXISTS angiang_search_count_write()")
    op.execute("DROP TABLE IF EXISTS angiang_search_changes")
