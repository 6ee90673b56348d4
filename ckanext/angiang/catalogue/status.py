"""Where each catalogue entry stands (Art. 11.1a, 15: the DIC checks each
agency's publishing against the catalogue): published when a public, active
dataset names the entry's code; otherwise overdue once its deadline has
passed, or not yet published. Only public datasets count, whoever looks."""

from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.angiang.catalogue import model as cm
from ckanext.angiang.catalogue.period import local_today

PUBLISHED, OVERDUE, NOT_PUBLISHED, WITHDRAWN = "published", "overdue", "not_published", "withdrawn"
PUBLICATION_STATES = (PUBLISHED, OVERDUE, NOT_PUBLISHED, WITHDRAWN)
CODE_FIELD = "catalogue_code"


def public_datasets_clause():
    p = model.package_table
    return sa.and_(p.c.state == "active", p.c.private.is_(False), p.c.type == "dataset")


def _dataset_count():
    p = model.package_table
    return (
        sa.select(sa.func.count())
        .where(p.c.extras[CODE_FIELD].astext == cm.entry.c.code, public_datasets_clause())
        .scalar_subquery()
    )


def publication_status(row: dict[str, Any], today: datetime.date | None = None) -> str:
    if row["status"] == cm.WITHDRAWN:
        return WITHDRAWN
    if row["dataset_count"]:
        return PUBLISHED
    return OVERDUE if row["due_date"] < (today or local_today()) else NOT_PUBLISHED


def entries(
    agency_id: str | None = None,
    code: str | None = None,
    include_withdrawn: bool = False,
    today: datetime.date | None = None,
) -> list[dict[str, Any]]:
    g, d = model.group_table, cm.decision
    q = (
        sa.select(
            cm.entry,
            g.c.name.label("agency_name"),
            g.c.title.label("agency_title"),
            d.c.number.label("decision_number"),
            d.c.issued.label("decision_date"),
            _dataset_count().label("dataset_count"),
        )
        .join(g, g.c.id == cm.entry.c.agency_id)
        .join(d, d.c.id == cm.entry.c.decision_id)
        .order_by(g.c.title, cm.entry.c.code)
    )
    if agency_id:
        q = q.where(cm.entry.c.agency_id == agency_id)
    if code:
        q = q.where(cm.entry.c.code == code)
    if not include_withdrawn:
        q = q.where(cm.entry.c.status == cm.ACTIVE)
    out = []
    for row in model.Session.execute(q).mappings():
        item = dict(row)
        item["publication_status"] = publication_status(item, today)
        out.append(item)
    return out


def datasets_of(code: str) -> list[dict[str, Any]]:
    """The public datasets that fulfil entry ``code``."""
    p = model.package_table
    q = (
        sa.select(p.c.id, p.c.name, p.c.title, p.c.metadata_modified)
        .where(p.c.extras[CODE_FIELD].astext == code, public_datasets_clause())
        .order_by(p.c.title)
    )
    return [dict(r) for r in model.Session.execute(q).mappings()]


def history(code: str) -> list[dict[str, Any]]:
    d = cm.decision
    q = (
        sa.select(
            cm.history, d.c.number.label("decision_number"), d.c.issued.label("decision_date")
        )
        .outerjoin(d, d.c.id == cm.history.c.decision_id)
        .where(cm.history.c.code == code)
        .order_by(cm.history.c.id)
    )
    return [dict(r) for r in model.Session.execute(q).mappings()]


def decisions() -> list[dict[str, Any]]:
    q = sa.select(cm.decision).order_by(cm.decision.c.issued, cm.decision.c.number)
    return [dict(r) for r in model.Session.execute(q).mappings()]


def summary(items: list[dict[str, Any]]) -> dict[str, int]:
    out = {s: 0 for s in PUBLICATION_STATES}
    for item in items:
        out[item["publication_status"]] += 1
    return out


def status_label(status: str) -> str:
    return {
        PUBLISHED: tk._("Published"),
        OVERDUE: tk._("Overdue"),
        NOT_PUBLISHED: tk._("Not yet published"),
        WITHDRAWN: tk._("Withdrawn"),
    }[status]
