"""The SSO tables (created by the angiang_sso migrations)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

identity_table = sa.Table(
    "angiang_sso_identity",
    metadata,
    sa.Column("idp_entity_id", sa.UnicodeText, primary_key=True),
    sa.Column("name_id", sa.UnicodeText, primary_key=True),
    sa.Column("user_id", sa.UnicodeText, nullable=False),
    sa.Column("agency_id", sa.UnicodeText),
    sa.Column("created", sa.DateTime),
    sa.Column("last_login", sa.DateTime),
)

assertion_table = sa.Table(
    "angiang_sso_assertion",
    metadata,
    sa.Column("assertion_id", sa.UnicodeText, primary_key=True),
    sa.Column("expires", sa.DateTime, nullable=False),
)
