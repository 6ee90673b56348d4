"""The sequence that numbers dataset identifiers (Art. 5.2a).

Made here rather than on the first dataset's creation (it used to be a
``CREATE SEQUENCE IF NOT EXISTS`` at request time): ``ckan db upgrade``
makes every database object. Idempotent, so a database whose sequence was
created the old way keeps its numbers.

Revision ID: 3f6d2b8e1c47
Revises:
Create Date: 2026-12-04 22:45:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "3f6d2b8e1c47"
down_revision = None
branch_labels = None
depends_on = None

# Kept in step with ckanext.angiang.metadata.identifier.SEQUENCE; a
# migration does not import the code it migrates.
SEQUENCE = "angiang_dataset_identifier_seq"


def upgrade():
    op.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START 1")


def downgrade():
    op.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
