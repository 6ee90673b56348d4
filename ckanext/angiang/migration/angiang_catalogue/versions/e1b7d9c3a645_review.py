"""Review before publishing (Art. 9.6): each agency's policy and the events
of each dataset's review (who attested, who approved or rejected).

Revision ID: e1b7d9c3a645
Revises: c5e9a3f7d812
Create Date: 2026-12-04 22:45:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e1b7d9c3a645"
down_revision = "c5e9a3f7d812"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE angiang_review_policy (
            agency_id text PRIMARY KEY,
            required boolean NOT NULL,
            changed_by text NOT NULL DEFAULT '',
            changed_at timestamp NOT NULL
        )""")
    op.execute("""
        CREATE TABLE angiang_review_event (
            id bigserial PRIMARY KEY,
            package_id text NOT NULL,
            event text NOT NULL CHECK (event IN ('attested', 'approved', 'rejected')),
            user_name text NOT NULL,
            at timestamp NOT NULL,
            note text NOT NULL DEFAULT ''
        )""")
    op.execute("CREATE INDEX angiang_review_event_package ON angiang_review_event (package_id, id)")


def downgrade():
    op.execute("DROP TABLE angiang_review_event")
    op.execute("DROP TABLE angiang_review_policy")
