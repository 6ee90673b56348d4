"""Freshness (Art. 8.3, 12.2 "live"): when each dataset's data last changed,
its state as last indexed, and the reminders sent to agencies' focal points.

A dataset's data changes when one of its resources is added or its file,
URL, size, hash or last-modified date changes; a metadata edit does not
count. Datasets that exist already start from their newest resource's
``last_modified`` (or creation), else the dataset's creation.

Revision ID: c5e9a3f7d812
Revises: 8d2f4b6a1c57
Create Date: 2026-12-04 23:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c5e9a3f7d812"
down_revision = "8d2f4b6a1c57"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE angiang_freshness (
            package_id text PRIMARY KEY,
            data_updated timestamp NOT NULL,
            resources jsonb NOT NULL DEFAULT '{}',
            indexed_state text NOT NULL DEFAULT ''
        )""")
    op.execute("""
        INSERT INTO angiang_freshness (package_id, data_updated, resources)
        SELECT p.id,
               GREATEST(p.metadata_created,
                        COALESCE(max(COALESCE(r.last_modified, r.created)), p.metadata_created)),
               COALESCE(jsonb_object_agg(r.id, concat_ws('|', r.url, r.hash, r.size,
                                                         r.last_modified))
                        FILTER (WHERE r.id IS NOT NULL), '{}')
        FROM package p LEFT JOIN resource r ON r.package_id = p.id AND r.state = 'active'
        WHERE p.state <> 'deleted' AND p.type = 'dataset'
        GROUP BY p.id""")
    op.execute("""
        CREATE TABLE angiang_freshness_reminder (
            id bigserial PRIMARY KEY,
            package_id text NOT NULL,
            agency_id text NOT NULL,
            due_date date NOT NULL,
            recipient text NOT NULL,
            attempted_at timestamp NOT NULL,
            outcome text NOT NULL CHECK (outcome IN ('sent', 'failed')),
            error text NOT NULL DEFAULT ''
        )""")
    # one reminder per dataset and overdue period (its due date)
    op.execute(
        "CREATE UNIQUE INDEX angiang_freshness_reminder_once "
        "ON angiang_freshness_reminder (package_id, due_date) WHERE outcome = 'sent'"
    )
    op.execute(
        "CREATE INDEX angiang_freshness_reminder_agency "
        "ON angiang_freshness_reminder (agency_id, attempted_at)"
    )


def downgrade():
    op.execute("DROP TABLE angiang_freshness_reminder")
    op.execute("DROP TABLE angiang_freshness")
