"""The six-month report's figures (Art. 17.2: every six months the DIC
reports on the management, operation, updating and use of the portal).

For one half-year (:mod:`..period`), per agency and for the province:

- the catalogue (Art. 7.1, 11.1a, 15): entries in force, entries whose
  deadline fell in or before the half-year ("due"), published (a public
  dataset names the entry), overdue (due, not published);
- datasets: public at the end of the half-year, added during it, updated
  during it (an activity of the dataset in the half-year), and public
  datasets overdue for their periodic update (Art. 8.3, 12.2);
- usage: page views, downloads, API calls of the agency's public datasets;
- harvest sources (Art. 8.3): sources, their jobs in the half-year, jobs
  with an error, errors;
- metadata quality (Art. 5.2a, 11.2): the share of the agency's public
  datasets filling each metadata field the regulation names, and their mean;
- :func:`compliance_section`: link and integrity checks, read from the
  actions of the compliance checks when their plugin is enabled.

Only public datasets count. Catalogue and freshness states are those of
the day the report is made when the half-year is still running, else of
its last day (deadlines are compared with that day; publication is the
state the database holds now: it keeps no history of visibility).
Every figure is an aggregate query, one per kind, grouped by agency.
"""

from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.angiang.catalogue import freshness, status, usage
from ckanext.angiang.catalogue import model as cm
from ckanext.angiang.catalogue.period import Period, local_today

_ = tk._

#: The metadata fields of Art. 5.2a checked for quality: (key, SQL test).
QUALITY_FIELDS = (
    "identifier",
    "issued",
    "spatial_code",
    "temporal_start",
    "theme",
    "quality_statement",
    "contact_email",
    "frequency",
)

#: The figures of each agency and of the province, in report order.
KEYS = (
    "entries_in_force",
    "entries_due",
    "entries_published",
    "entries_overdue",
    "datasets_public",
    "datasets_added",
    "datasets_updated",
    "datasets_update_overdue",
    "views",
    "downloads",
    "api_calls",
    "uses",
    "harvest_sources",
    "harvest_jobs",
    "harvest_failed_jobs",
    "harvest_errors",
    "quality",
)


def labels() -> dict[str, str]:
    """Each figure's heading, in the current language."""
    return {
        "entries_in_force": _("Catalogue entries in force"),
        "entries_due": _("Entries due by the end of the period"),
        "entries_published": _("Entries published"),
        "entries_overdue": _("Entries overdue"),
        "datasets_public": _("Public datasets"),
        "datasets_added": _("Datasets added"),
        "datasets_updated": _("Datasets updated"),
        "datasets_update_overdue": _("Datasets overdue for update"),
        "views": _("Page views"),
        "downloads": _("Downloads"),
        "api_calls": _("API calls"),
        "uses": _("Uses in all"),
        "harvest_sources": _("Harvest sources"),
        "harvest_jobs": _("Harvest jobs"),
        "harvest_failed_jobs": _("Harvest jobs with errors"),
        "harvest_errors": _("Harvest errors"),
        "quality": _("Metadata quality (%)"),
    }


def _public(created_before: datetime.datetime):
    p = model.package_table
    return sa.and_(
        p.c.state == "active",
        p.c.private.is_(False),
        p.c.type == "dataset",
        p.c.owner_org.isnot(None),
        p.c.metadata_created < created_before,
    )


def _grouped(q) -> dict[str, Any]:
    return {row[0]: row[1:] for row in model.Session.execute(q)}


def _exists(table: str) -> bool:
    return bool(
        model.Session.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar()
    )


def _as_of(period: Period, today: datetime.date | None) -> datetime.date:
    """The day states are judged on: today inside the period, else its last day."""
    today = today or local_today()
    return min(today, period.last_day)


def catalogue_figures(period: Period, as_of: datetime.date) -> dict[str, dict[str, int]]:
    e, p = cm.entry, model.package_table
    published = (
        sa.select(p.c.extras[status.CODE_FIELD].astext.label("code"))
        .where(_public(datetime.datetime.max))
        .distinct()
        .subquery()
    )
    is_pub = published.c.code.isnot(None)
    due = e.c.due_date <= period.last_day
    q = (
        sa.select(
            e.c.agency_id,
            sa.func.count(),
            sa.func.count().filter(due),
            sa.func.count().filter(is_pub),
            sa.func.count().filter(sa.and_(~is_pub, e.c.due_date < as_of)),
        )
        .outerjoin(published, published.c.code == e.c.code)
        .where(e.c.status == cm.ACTIVE)
        .group_by(e.c.agency_id)
    )
    return {
        agency: dict(
            zip(
                ("entries_in_force", "entries_due", "entries_published", "entries_overdue"),
                (int(v) for v in values),
                strict=False,
            )
        )
        for agency, values in _grouped(q).items()
    }


def dataset_figures(period: Period, as_of: datetime.date) -> dict[str, dict[str, int]]:
    p = model.package_table
    start, end = period.utc_bounds()
    q = (
        sa.select(
            p.c.owner_org, sa.func.count(), sa.func.count().filter(p.c.metadata_created >= start)
        )
        .where(_public(end))
        .group_by(p.c.owner_org)
    )
    out = {
        agency: {"datasets_public": int(n), "datasets_added": int(added)}
        for agency, (n, added) in _grouped(q).items()
    }
    if _exists("activity"):
        a = sa.table(
            "activity", sa.column("object_id"), sa.column("timestamp"), sa.column("activity_type")
        )
        changed = (
            sa.select(a.c.object_id)
            .where(
                a.c.timestamp >= start,
                a.c.timestamp < end,
                a.c.activity_type.in_(("new package", "changed package")),
            )
            .distinct()
            .subquery()
        )
        q = (
            sa.select(p.c.owner_org, sa.func.count())
            .join(changed, changed.c.object_id == p.c.id)
            .where(_public(end))
            .group_by(p.c.owner_org)
        )
        for agency, (n,) in _grouped(q).items():
            out.setdefault(agency, {})["datasets_updated"] = int(n)
    for row in freshness.overdue(today=as_of):
        item = out.setdefault(row["owner_org"], {})
        item["datasets_update_overdue"] = item.get("datasets_update_overdue", 0) + 1
    return out


def usage_figures(period: Period) -> dict[str, dict[str, int]]:
    return {
        agency: {
            "views": u[usage.VIEW],
            "downloads": u[usage.DOWNLOAD],
            "api_calls": u[usage.API],
            "uses": u["total"],
        }
        for agency, u in usage.by_agency(period.start, period.end).items()
    }


def harvest_figures(period: Period) -> dict[str, dict[str, int]]:
    """Sources, jobs and failures from ckanext-harvest's tables (none when
    its plugin never ran its migrations here)."""
    if not _exists("harvest_source"):
        return {}
    start, end = period.utc_bounds()
    rows = model.Session.execute(
        sa.text("""
        WITH src AS (
            SELECT s.id, p.owner_org FROM harvest_source s
            JOIN package p ON p.id = s.id
            WHERE p.state = 'active' AND p.owner_org IS NOT NULL),
        jobs AS (
            SELECT j.id, j.source_id FROM harvest_job j
            WHERE j.created >= :start AND j.created < :end),
        errs AS (
            SELECT j.id, (SELECT count(*) FROM harvest_gather_error g
                          WHERE g.harvest_job_id = j.id)
                       + (SELECT count(*) FROM harvest_object_error e
                          JOIN harvest_object o ON o.id = e.harvest_object_id
                          WHERE o.harvest_job_id = j.id) AS n
            FROM jobs j)
        SELECT src.owner_org, count(DISTINCT src.id), count(DISTINCT jobs.id),
               count(DISTINCT jobs.id) FILTER (WHERE errs.n > 0), coalesce(sum(errs.n), 0)
        FROM src LEFT JOIN jobs ON jobs.source_id = src.id
        LEFT JOIN errs ON errs.id = jobs.id
        GROUP BY src.owner_org"""),
        {"start": start, "end": end},
    )
    return {
        org: dict(
            zip(
                ("harvest_sources", "harvest_jobs", "harvest_failed_jobs", "harvest_errors"),
                (int(v) for v in values),
                strict=False,
            )
        )
        for org, *values in rows
    }


def quality_figures(period: Period) -> dict[str, dict[str, Any]]:
    """Share (%) of public datasets filling each Art. 5.2a field; ``quality``
    is their mean."""
    p = model.package_table
    _start, end = period.utc_bounds()

    def filled(field: str):
        value = p.c.extras[field].astext
        return sa.func.count().filter(sa.and_(value.isnot(None), value != "", value != "[]"))

    q = (
        sa.select(p.c.owner_org, sa.func.count(), *[filled(f) for f in QUALITY_FIELDS])
        .where(_public(end))
        .group_by(p.c.owner_org)
    )
    out = {}
    for agency, (n, *counts) in _grouped(q).items():
        shares = {
            f: round(100.0 * c / n, 1) if n else 0.0
            for f, c in zip(QUALITY_FIELDS, counts, strict=True)
        }
        out[agency] = {
            "quality": round(sum(shares.values()) / len(shares), 1) if n else 0.0,
            "quality_fields": shares,
            "_quality_counts": (n, counts),
        }
    return out


#: The compliance checks' states the report counts per agency (Art. 9.2,
#: 11.1b): links by their last check, stored files by their last SHA-256.
LINK_KEYS = ("ok", "broken", "unreachable", "refused")
FILE_KEYS = ("ok", "mismatch", "missing", "unverified")


def compliance_section(period: Period, context: dict | None = None) -> dict[str, Any]:
    """Links and stored files per agency by their last check (the state on
    the report's day, like the catalogue's: checks keep no history), from
    the compliance dashboard's figures: ``{"agencies": [{"title", "links":
    {state: n}, "files": {state: n}}...], "totals": {...}}``."""
    from ckanext.angiang.catalogue import dashboard

    summary = dashboard.summary(None)
    rows = [
        {"id": a["id"], "title": a["title"], "links": a["links"], "files": a["files"]}
        for a in summary["agencies"]
    ]
    totals = summary["totals"]
    return {"agencies": rows, "totals": {"links": totals["links"], "files": totals["files"]}}


def collect(period: Period, today: datetime.date | None = None) -> dict[str, Any]:
    """Every figure of ``period``: ``{"period", "agencies": [row...],
    "province": row, "top_datasets", "compliance"}``; a row holds
    :data:`KEYS` and the agency's ``id``, ``name``, ``title``."""
    as_of = _as_of(period, today)
    parts = [
        catalogue_figures(period, as_of),
        dataset_figures(period, as_of),
        usage_figures(period),
        harvest_figures(period),
        quality_figures(period),
    ]
    g = model.group_table
    orgs = model.Session.execute(
        sa.select(g.c.id, g.c.name, g.c.title)
        .where(g.c.is_organization.is_(True), g.c.state == "active")
        .order_by(g.c.title)
    ).all()
    agencies = []
    for org in orgs:
        row: dict[str, Any] = {k: 0 for k in KEYS}
        row.update(id=org.id, name=org.name, title=org.title, quality_fields={})
        for part in parts:
            row.update(part.get(org.id, {}))
        agencies.append(row)
    province = _province(agencies)
    top = usage.top(10, period.start, period.end)
    p = model.package_table
    titles = (
        dict(
            model.Session.execute(
                sa.select(p.c.id, p.c.title).where(p.c.id.in_([pid for pid, _n in top]))
            ).all()
        )
        if top
        else {}
    )
    return {
        "period": period,
        "as_of": as_of,
        "agencies": agencies,
        "province": province,
        "top_datasets": [{"id": pid, "title": titles.get(pid, pid), "uses": n} for pid, n in top],
        "compliance": compliance_section(period),
        "generated": datetime.datetime.now(usage.timezone()).replace(microsecond=0),
    }


def _province(agencies: list[dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {k: sum(a[k] for a in agencies) for k in KEYS if k != "quality"}
    n = sum(a.get("_quality_counts", (0, []))[0] for a in agencies)
    shares = {}
    for i, field in enumerate(QUALITY_FIELDS):
        filled = sum(a["_quality_counts"][1][i] for a in agencies if "_quality_counts" in a)
        shares[field] = round(100.0 * filled / n, 1) if n else 0.0
    row["quality"] = round(sum(shares.values()) / len(shares), 1) if n else 0.0
    row["quality_fields"] = shares
    row.update(id="", name="", title=_("An Giang province"))
    return row


def as_json(report: dict[str, Any]) -> dict[str, Any]:
    def clean(row):
        return {k: v for k, v in row.items() if not k.startswith("_")}

    return {
        "period": report["period"].code,
        "start": report["period"].start.isoformat(),
        "last_day": report["period"].last_day.isoformat(),
        "as_of": report["as_of"].isoformat(),
        "generated": report["generated"].isoformat(),
        "province": clean(report["province"]),
        "agencies": [clean(a) for a in report["agencies"]],
        "top_datasets": report["top_datasets"],
        "compliance": report["compliance"],
    }
