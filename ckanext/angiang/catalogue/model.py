"""The catalogue's tables, for SQLAlchemy Core statements on CKAN's session.

They live in a MetaData of their own, so CKAN never creates them: the
``angiang_catalogue`` plugin's migrations do (``ckan db upgrade``).
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

log = logging.getLogger(__name__)
metadata = sa.MetaData()

#: Entry states (Art. 7.1: a later decision may withdraw an entry).
ACTIVE = "active"
WITHDRAWN = "withdrawn"
ENTRY_STATES = (ACTIVE, WITHDRAWN)

#: Kinds of change kept in the history.
ADDED, AMENDED, WITHDRAWN_CHANGE, RESTORED, CORRECTED = (
    "added", "amended", "withdrawn", "restored", "corrected")

decision = sa.Table(
    "angiang_catalogue_decision", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("number", sa.Text, nullable=False, unique=True),
    sa.Column("issued", sa.Date, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("imported_at", sa.DateTime, nullable=False),
    sa.Column("imported_by", sa.Text, nullable=False),
)

entry = sa.Table(
    "angiang_catalogue_entry", metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("agency_id", sa.Text, nullable=False),
    sa.Column("sector", sa.Text, nullable=False),
    sa.Column("frequency", sa.Text, nullable=False),
    sa.Column("formats", ARRAY(sa.Text), nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("decision_id", sa.Text, sa.ForeignKey(decision.c.id), nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("modified", sa.DateTime, nullable=False),
)

history = sa.Table(
    "angiang_catalogue_history", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("code", sa.Text, sa.ForeignKey(entry.c.code), nullable=False),
    sa.Column("decision_id", sa.Text, sa.ForeignKey(decision.c.id)),
    sa.Column("change", sa.Text, nullable=False),
    sa.Column("before", JSONB),
    sa.Column("after", JSONB, nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sa.Column("changed_by", sa.Text, nullable=False),
)

#: Review before publishing (Art. 9.6).
ATTESTED, APPROVED, REJECTED = "attested", "approved", "rejected"
review_policy = sa.Table(
    "angiang_review_policy", metadata,
    sa.Column("agency_id", sa.Text, primary_key=True),
    sa.Column("required", sa.Boolean, nullable=False),
    sa.Column("changed_by", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
)
review_event = sa.Table(
    "angiang_review_event", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("event", sa.Text, nullable=False),
    sa.Column("user_name", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)


def ready(session) -> bool:
    """Whether the plugin's migrations have run on this database (``ckan db
    upgrade``). The dataset hooks do nothing until then, so a site that
    enables the plugin before upgrading its database keeps working."""
    found = session.execute(sa.text(
        "SELECT to_regclass('angiang_review_event') IS NOT NULL")).scalar()
    if not found:
        log.warning("angiang_catalogue: its tables are missing; run `ckan db upgrade`")
    return bool(found)


#: The entry fields a decision sets (and the history records).
ENTRY_FIELDS = ("title", "agency_id", "sector", "frequency", "formats", "due_date",
                "notes", "source")

#: Freshness (Art. 8.3, 12.2): when each dataset's data last changed.
freshness = sa.Table(
    "angiang_freshness", metadata,
    sa.Column("package_id", sa.Text, primary_key=True),
    sa.Column("data_updated", sa.DateTime, nullable=False),
    sa.Column("resources", JSONB, nullable=False),
    sa.Column("indexed_state", sa.Text, nullable=False),
)

#: Reminders to agencies' focal points, sent or failed (history kept).
SENT, FAILED = "sent", "failed"
reminder = sa.Table(
    "angiang_freshness_reminder", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("agency_id", sa.Text, nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("attempted_at", sa.DateTime, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
)
