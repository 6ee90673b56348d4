"""Two-factor login: a TOTP secret per user (encrypted) and recovery codes
(hashed).

Revision ID: 8d2b6f0c4e31
Revises:
Create Date: 2026-12-04 22:50:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "8d2b6f0c4e31"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "angiang_totp",
        sa.Column(
            "user_id",
            sa.UnicodeText,
            sa.ForeignKey("user.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("secret", sa.UnicodeText, nullable=False),  # Fernet token
        sa.Column("confirmed", sa.Boolean, nullable=False, server_default=sa.false()),
        # the last 30-second step accepted: a code works once
        sa.Column("last_step", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "angiang_recovery_code",
        sa.Column(
            "user_id",
            sa.UnicodeText,
            sa.ForeignKey("user.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("code_hash", sa.UnicodeText, primary_key=True),
        sa.Column("used", sa.DateTime, nullable=True),
    )


def downgrade():
    op.drop_table("angiang_recovery_code")
    op.drop_table("angiang_totp")
