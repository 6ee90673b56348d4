"""The catalogue's tables, for SQLAlchemy Core statements on CKAN's session.

They live in a MetaData of their own, so CKAN never creates them: the
``angiang_catalogue`` plugin's migrations do (``ckan db upgrade``). Also the
one query of CKAN's resources that the link check and the integrity check
share (:func:`active_resources`, :func:`forget_other_resources`).
"""

from __future__ import annotations

import logging

import ckan.model as model
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
    "added",
    "amended",
    "withdrawn",
    "restored",
    "corrected",
)

decision = sa.Table(
    "angiang_catalogue_decision",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("number", sa.Text, nullable=False, unique=True),
    sa.Column("issued", sa.Date, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("imported_at", sa.DateTime, nullable=False),
    sa.Column("imported_by", sa.Text, nullable=False),
)

entry = sa.Table(
    "angiang_catalogue_entry",
    metadata,
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
    "angiang_catalogue_history",
    metadata,
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
    "angiang_review_policy",
    metadata,
    sa.Column("agency_id", sa.Text, primary_key=True),
    sa.Column("required", sa.Boolean, nullable=False),
    sa.Column("changed_by", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
)
review_event = sa.Table(
    "angiang_review_event",
    metadata,
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
    found = session.execute(
        sa.text("SELECT to_regclass('angiang_review_source_exemption') IS NOT NULL")
    ).scalar()
    if not found:
        log.warning("angiang_catalogue: its tables are missing; run `ckan db upgrade`")
    return bool(found)


#: The entry fields a decision sets (and the history records).
ENTRY_FIELDS = (
    "title",
    "agency_id",
    "sector",
    "frequency",
    "formats",
    "due_date",
    "notes",
    "source",
)

#: Freshness (Art. 8.3, 12.2): when each dataset's data last changed.
freshness = sa.Table(
    "angiang_freshness",
    metadata,
    sa.Column("package_id", sa.Text, primary_key=True),
    sa.Column("data_updated", sa.DateTime, nullable=False),
    sa.Column("resources", JSONB, nullable=False),
    sa.Column("indexed_state", sa.Text, nullable=False),
)

#: Reminders to agencies' focal points, sent or failed (history kept).
SENT, FAILED = "sent", "failed"
reminder = sa.Table(
    "angiang_freshness_reminder",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("agency_id", sa.Text, nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("attempted_at", sa.DateTime, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
)

#: Usage (Art. 17.2): uses per dataset, local day and kind, summed from the
#: Redis counters by :func:`ckanext.angiang.catalogue.usage.flush`.
VIEW, DOWNLOAD, API = "view", "download", "api"
USAGE_KINDS = (VIEW, DOWNLOAD, API)
usage_daily = sa.Table(
    "angiang_usage_daily",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("package_id", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("agency_id", sa.Text, nullable=False),
    sa.Column("count", sa.BigInteger, nullable=False),
)

#: Harvest sources whose blanket attestation a sysadmin exempted from review
#: (Art. 9.6).
source_exemption = sa.Table(
    "angiang_review_source_exemption",
    metadata,
    sa.Column("source_id", sa.Text, primary_key=True),
    sa.Column("exempted_by", sa.Text, nullable=False),
    sa.Column("exempted_at", sa.DateTime, nullable=False),
)

#: Compliance (Art. 9.2, 11.1a-b, 15): the last link check of each linked
#: resource, the last integrity check of each stored file, the metadata
#: quality of each public dataset. One row per resource or dataset, replaced
#: by each run; the activity stream stays the audit trail of the data itself.
LINK_OK, LINK_BROKEN, LINK_UNREACHABLE, LINK_REFUSED = "ok", "broken", "unreachable", "refused"
LINK_STATES = (LINK_OK, LINK_BROKEN, LINK_UNREACHABLE, LINK_REFUSED)
link_status = sa.Table(
    "angiang_link_status",
    metadata,
    sa.Column("resource_id", sa.Text, primary_key=True),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("checked_at", sa.DateTime, nullable=False),
    sa.Column("elapsed_ms", sa.Integer, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False),
)

FILE_OK, FILE_MISMATCH, FILE_MISSING, FILE_UNVERIFIED = "ok", "mismatch", "missing", "unverified"
FILE_STATES = (FILE_OK, FILE_MISMATCH, FILE_MISSING, FILE_UNVERIFIED)
integrity = sa.Table(
    "angiang_integrity",
    metadata,
    sa.Column("resource_id", sa.Text, primary_key=True),
    sa.Column("package_id", sa.Text, nullable=False),
    sa.Column("expected", sa.Text, nullable=False),
    sa.Column("actual", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger),
    sa.Column("checked_at", sa.DateTime, nullable=False),
)

quality = sa.Table(
    "angiang_quality",
    metadata,
    sa.Column("package_id", sa.Text, primary_key=True),
    sa.Column("points", sa.Float, nullable=False),
    sa.Column("computed_at", sa.DateTime, nullable=False),
)


def _of_active_datasets(*where):
    """The resource and package tables and the conditions "an active
    resource of an active dataset" and ``where`` (of ``model.resource_table``)."""
    r, p = model.resource_table, model.package_table
    return r, p, (r.c.state == "active", p.c.state == "active", p.c.type == "dataset", *where)


def active_resources(column: str, *where, package_ids: list[str] | None = None) -> list:
    """(resource id, package id, ``column``) of the active resources of
    active datasets that match ``where`` (of ``model.resource_table``), in
    dataset and position order; of ``package_ids`` only, if given. What the
    link check and the integrity check go through."""
    r, p, conditions = _of_active_datasets(*where)
    q = (
        sa.select(r.c.id, r.c.package_id, r.c[column])
        .join(p, p.c.id == r.c.package_id)
        .where(*conditions)
        .order_by(r.c.package_id, r.c.position)
    )
    if package_ids is not None:
        q = q.where(r.c.package_id.in_(package_ids))
    return list(model.Session.execute(q))


def forget_other_resources(table: sa.Table, *where) -> None:
    """Delete the rows of ``table`` (keyed by ``resource_id``) whose resource
    is no longer one :func:`active_resources` goes through with ``where``:
    deleted, of a deleted dataset, or of another kind since."""
    r, p, conditions = _of_active_datasets(*where)
    still = (
        sa.select(r.c.id)
        .join(p, p.c.id == r.c.package_id)
        .where(r.c.id == table.c.resource_id, *conditions)
    )
    model.Session.execute(table.delete().where(~sa.exists(still)))
