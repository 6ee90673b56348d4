"""Compliance (Art. 9.2, 11.1a-b, 15): link status of each linked resource,
integrity of each stored file, metadata quality of each public dataset.

Revision ID: f4c2a8e6d019
Revises: f4a8c2e6b913
Create Date: 2026-12-05 10:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f4c2a8e6d019"
down_revision = "f4a8c2e6b913"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE angiang_link_status (
            resource_id text PRIMARY KEY,
            package_id text NOT NULL,
            url text NOT NULL,
            status text NOT NULL
                CHECK (status IN ('ok', 'broken', 'unreachable', 'refused')),
            http_status integer,
            detail text NOT NULL DEFAULT '',
            checked_at timestamp NOT NULL,
            elapsed_ms integer NOT NULL DEFAULT 0,
            failures integer NOT NULL DEFAULT 0
        )""")
    # the dashboard's aggregates read indexes only (index-only scans)
    op.execute(
        "CREATE INDEX angiang_link_status_package ON angiang_link_status (package_id, status)"
    )
    op.execute("CREATE INDEX angiang_link_status_checked ON angiang_link_status (checked_at)")
    op.execute("""
        CREATE TABLE angiang_integrity (
            resource_id text PRIMARY KEY,
            package_id text NOT NULL,
            expected text NOT NULL DEFAULT '',
            actual text NOT NULL DEFAULT '',
            status text NOT NULL
                CHECK (status IN ('ok', 'mismatch', 'missing', 'unverified')),
            size bigint,
            checked_at timestamp NOT NULL
        )""")
    op.execute("CREATE INDEX angiang_integrity_package ON angiang_integrity (package_id, status)")
    op.execute("CREATE INDEX angiang_integrity_checked ON angiang_integrity (checked_at)")
    op.execute("""
        CREATE TABLE angiang_quality (
            package_id text PRIMARY KEY,
            points double precision NOT NULL,
            computed_at timestamp NOT NULL
        )""")
    op.execute(
        "CREATE INDEX angiang_quality_points ON angiang_quality (package_id) INCLUDE (points)"
    )
    # an agency's active datasets and the state of their data, without
    # reading the wide rows (extras, resource signatures)
    op.execute(
        "CREATE INDEX angiang_package_agency ON package (owner_org, id) INCLUDE (private) "
        "WHERE state = 'active' AND type = 'dataset'"
    )
    op.execute(
        "CREATE INDEX angiang_freshness_state ON angiang_freshness (package_id) "
        "INCLUDE (indexed_state)"
    )


def downgrade():
    op.execute("DROP INDEX angiang_freshness_state")
    op.execute("DROP INDEX angiang_package_agency")
    op.execute("DROP TABLE angiang_quality")
    op.execute("DROP TABLE angiang_integrity")
    op.execute("DROP TABLE angiang_link_status")
