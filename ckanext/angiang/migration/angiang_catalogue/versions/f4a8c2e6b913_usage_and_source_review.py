"""Usage figures per dataset and day (Art. 17.2: the six-month report counts
the use of the portal) and harvest sources exempted from review (Art. 9.6).

Revision ID: f4a8c2e6b913
Revises: e1b7d9c3a645
Create Date: 2026-12-05 01:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f4a8c2e6b913"
down_revision = "e1b7d9c3a645"
branch_labels = None
depends_on = None


def upgrade():
    # One row per dataset, local day and kind of use; no visitor, no address.
    op.execute("""
        CREATE TABLE angiang_usage_daily (
            day date NOT NULL,
            package_id text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('view', 'download', 'api')),
            agency_id text NOT NULL DEFAULT '',
            count bigint NOT NULL CHECK (count >= 0),
            PRIMARY KEY (package_id, day, kind)
        )""")
    op.execute("CREATE INDEX angiang_usage_daily_day ON angiang_usage_daily (day)")
    op.execute("""
        CREATE TABLE angiang_review_source_exemption (
            source_id text PRIMARY KEY,
            exempted_by text NOT NULL,
            exempted_at timestamp NOT NULL
        )""")


def downgrade():
    op.execute("DROP TABLE angiang_review_source_exemption")
    op.execute("DROP TABLE angiang_usage_daily")
