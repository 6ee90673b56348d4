"""SSO tables: the link between a SAML2 subject and a CKAN user, and the
assertions already consumed (replay cache).

Revision ID: 3f1a9c7e2b10
Revises:
Create Date: 2026-12-04 22:30:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "3f1a9c7e2b10"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "angiang_sso_identity",
        sa.Column("idp_entity_id", sa.UnicodeText, primary_key=True),
        sa.Column("name_id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False
        ),
        # the agency (organization id) the IdP last asserted: membership
        # granted by SSO follows it when the person moves
        sa.Column("agency_id", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("last_login", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index(
        "angiang_sso_identity_user_idx", "angiang_sso_identity", ["user_id"], unique=True
    )
    op.create_table(
        "angiang_sso_assertion",
        sa.Column("assertion_id", sa.UnicodeText, primary_key=True),
        sa.Column("expires", sa.DateTime, nullable=False),
    )
    op.create_index("angiang_sso_assertion_expires_idx", "angiang_sso_assertion", ["expires"])


def downgrade():
    op.drop_table("angiang_sso_assertion")
    op.drop_table("angiang_sso_identity")
