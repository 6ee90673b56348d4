"""Existing free-text catalogue codes become catalogue entries.

Before the catalogue existed, ``catalogue_code`` was free text. Each code
datasets already name becomes an entry of the pseudo-decision ``LEGACY``
(agency, title and frequency of the oldest dataset naming it; deadline: its
creation date), so every link stays valid once the field is controlled. The
DIC then imports the real decision, which amends these entries (history kept)
or withdraws them.

Revision ID: 8d2f4b6a1c57
Revises: 3a7c1e9d2b40
Create Date: 2026-12-04 22:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "8d2f4b6a1c57"
down_revision = "3a7c1e9d2b40"
branch_labels = None
depends_on = None

LEGACY = "LEGACY"


def upgrade():
    op.execute(f"""
        WITH codes AS (
            SELECT DISTINCT ON (extras ->> 'catalogue_code')
                   extras ->> 'catalogue_code' AS code, owner_org, title,
                   COALESCE(NULLIF(extras ->> 'frequency', ''), 'UNKNOWN') AS frequency,
                   metadata_created
            FROM package
            WHERE state <> 'deleted' AND type = 'dataset' AND owner_org IS NOT NULL
              AND COALESCE(extras ->> 'catalogue_code', '') <> ''
            ORDER BY extras ->> 'catalogue_code', metadata_created
        ), decision AS (
            INSERT INTO angiang_catalogue_decision (id, number, issued, title, imported_by)
            SELECT 'legacy', '{LEGACY}', current_date,
                   'Codes datasets named before the catalogue was imported', 'migration'
            WHERE EXISTS (SELECT 1 FROM codes)
            ON CONFLICT (number) DO NOTHING
            RETURNING id
        ), entries AS (
            INSERT INTO angiang_catalogue_entry (code, title, agency_id, frequency, due_date,
                                                 decision_id, status, created, modified)
            SELECT c.code, c.title, c.owner_org, c.frequency, c.metadata_created::date,
                   'legacy', 'active', now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc'
            FROM codes c, decision
            ON CONFLICT (code) DO NOTHING
            RETURNING code, title, agency_id, frequency, due_date
        )
        INSERT INTO angiang_catalogue_history (code, decision_id, change, after, changed_at,
                                               changed_by)
        SELECT code, 'legacy', 'added',
               jsonb_build_object('title', title, 'agency_id', agency_id,
                                  'frequency', frequency, 'due_date', due_date,
                                  'status', 'active'),
               now() AT TIME ZONE 'utc', 'migration'
        FROM entries""")


def downgrade():
    op.execute(
        "DELETE FROM angiang_catalogue_history WHERE code IN "
        "(SELECT code FROM angiang_catalogue_entry WHERE decision_id = 'legacy')"
    )
    op.execute("DELETE FROM angiang_catalogue_entry WHERE decision_id = 'legacy'")
    op.execute("DELETE FROM angiang_catalogue_decision WHERE id = 'legacy'")
