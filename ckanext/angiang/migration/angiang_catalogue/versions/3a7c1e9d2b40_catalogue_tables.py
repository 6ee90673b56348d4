"""The official open data catalogue (Art. 7.1, 8.1): decisions, entries and
the history of every change a later decision makes.

Revision ID: 3a7c1e9d2b40
Revises:
Create Date: 2026-12-04 22:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "3a7c1e9d2b40"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE angiang_catalogue_decision (
            id text PRIMARY KEY,
            number text NOT NULL UNIQUE,
            issued date NOT NULL,
            title text NOT NULL DEFAULT '',
            imported_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
            imported_by text NOT NULL DEFAULT ''
        )""")
    op.execute("""
        CREATE TABLE angiang_catalogue_entry (
            code text PRIMARY KEY,
            title text NOT NULL,
            agency_id text NOT NULL,
            sector text NOT NULL DEFAULT '',
            frequency text NOT NULL,
            formats text[] NOT NULL DEFAULT '{}',
            due_date date NOT NULL,
            decision_id text NOT NULL REFERENCES angiang_catalogue_decision (id),
            status text NOT NULL CHECK (status IN ('active', 'withdrawn')),
            notes text NOT NULL DEFAULT '',
            source text NOT NULL DEFAULT '',
            created timestamp NOT NULL,
            modified timestamp NOT NULL
        )""")
    op.execute(
        "CREATE INDEX angiang_catalogue_entry_agency ON angiang_catalogue_entry (agency_id, status)"
    )
    op.execute("""
        CREATE TABLE angiang_catalogue_history (
            id bigserial PRIMARY KEY,
            code text NOT NULL REFERENCES angiang_catalogue_entry (code) ON DELETE CASCADE,
            decision_id text REFERENCES angiang_catalogue_decision (id),
            change text NOT NULL
                CHECK (change IN ('added', 'amended', 'withdrawn', 'restored', 'corrected')),
            before jsonb,
            after jsonb NOT NULL,
            changed_at timestamp NOT NULL,
            changed_by text NOT NULL DEFAULT ''
        )""")
    op.execute(
        "CREATE INDEX angiang_catalogue_history_code ON angiang_catalogue_history (code, id)"
    )
    # Datasets are found by their entry's code (the catalogue pages, freshness).
    op.execute(
        "CREATE INDEX IF NOT EXISTS angiang_package_catalogue_code "
        "ON package ((extras ->> 'catalogue_code'))"
    )


def downgrade():
    op.execute("DROP INDEX IF EXISTS angiang_package_catalogue_code")
    op.execute("DROP TABLE angiang_catalogue_history")
    op.execute("DROP TABLE angiang_catalogue_entry")
    op.execute("DROP TABLE angiang_catalogue_decision")
