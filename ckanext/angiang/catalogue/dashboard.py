"""The figures of the DIC's compliance dashboard (Art. 11.1a-b, 15): per
agency, the catalogue entries published / overdue / not yet published,
datasets overdue for update, metadata quality, broken links and stored
files failing their checksum.

Every figure is one SQL aggregate over stored results (the jobs compute
them: :mod:`.linkcheck`, :mod:`.integrity`, :mod:`.quality`, and freshness'
daily re-index), so a page costs a few statements whatever the number of
datasets.

Who sees what: a sysadmin every agency; an agency's admin that agency only
(the auth functions). Both may see all of the agency's datasets, private
ones included, so dataset counts, links and files include private datasets
(drafts never: they are not active). Catalogue entries count as published
only through public datasets (:mod:`.status`), and quality is scored on the
public catalogue only.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import ckan.model as model
import sqlalchemy as sa

from ckanext.angiang.catalogue import freshness, status
from ckanext.angiang.catalogue import model as cm
from ckanext.angiang.catalogue.period import local_today
from ckanext.angiang.dcat.mqa import MAX_POINTS, rating

#: Problems listed on an agency's page (and by the list actions) at most.
LIST_LIMIT = 200


def _datasets(agency_ids: list[str] | None):
    p = model.package_table
    where = [p.c.state == "active", p.c.type == "dataset", p.c.owner_org.isnot(None)]
    if agency_ids is not None:
        where.append(p.c.owner_org.in_(agency_ids))
    return p, where


def _by_agency(query) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in model.Session.execute(query):
        out[row[0]][row[1]] = row[2]
    return out


def _agencies(agency_ids: list[str] | None) -> list[dict[str, Any]]:
    g = model.group_table
    q = (
        sa.select(g.c.id, g.c.name, g.c.title)
        .where(g.c.is_organization.is_(True), g.c.state == "active")
        .order_by(g.c.title)
    )
    if agency_ids is not None:
        q = q.where(g.c.id.in_(agency_ids))
    return [dict(r) for r in model.Session.execute(q).mappings()]


def _catalogue_counts(agency_ids: list[str] | None) -> dict[str, dict[str, int]]:
    """Entries in force by agency and publication status, counted in SQL
    with the rule of :func:`.status.publication_status` (published: a public
    dataset names it; else overdue once its deadline has passed)."""
    e, p = cm.entry, model.package_table
    if agency_ids is None:  # every entry: the public datasets' codes, joined once
        published = (
            sa.select(p.c.extras[status.CODE_FIELD].astext.label("code"))
            .where(status.public_datasets_clause())
            .distinct()
            .subquery()
        )
        is_published = published.c.code.isnot(None)
    else:  # a few agencies' entries: each looked up by the index on the code
        published, is_published = None, status._dataset_count() > 0
    state = sa.case(
        (is_published, status.PUBLISHED),
        (e.c.due_date < local_today(), status.OVERDUE),
        else_=status.NOT_PUBLISHED,
    )
    q = sa.select(e.c.agency_id, state, sa.func.count()).where(e.c.status == cm.ACTIVE)
    if published is not None:
        q = q.outerjoin(published, published.c.code == e.c.code)
    else:
        q = q.where(e.c.agency_id.in_(agency_ids))
    q = q.group_by(e.c.agency_id, state)
    out: dict[str, dict[str, int]] = defaultdict(lambda: {s: 0 for s in status.PUBLICATION_STATES})
    for agency_id, name, count in model.Session.execute(q):
        out[agency_id][name] = count
    return out


def _per_package(table, states: tuple[str, ...], agency_ids: list[str] | None):
    """``table``'s rows counted by state, one row per dataset (of
    ``agency_ids`` only, when given: the planner does not push that filter
    through the grouping by itself)."""
    counts = [sa.func.count().filter(table.c.status == s).label(s) for s in states]
    q = sa.select(table.c.package_id, *counts).group_by(table.c.package_id)
    if agency_ids is not None:
        p = model.package_table
        q = q.where(table.c.package_id.in_(sa.select(p.c.id).where(p.c.owner_org.in_(agency_ids))))
    return q.subquery()


def _dataset_figures(agency_ids: list[str] | None) -> dict[str, dict[str, Any]]:
    """Per agency, in one statement over its active datasets: public and
    private counts, public ones overdue for update (as last indexed), mean
    quality of the scored public ones, link and file results by state."""
    p, where = _datasets(agency_ids)
    f, q = cm.freshness, cm.quality
    links = _per_package(cm.link_status, cm.LINK_STATES, agency_ids)
    files = _per_package(cm.integrity, cm.FILE_STATES, agency_ids)
    public = p.c.private.is_(False)
    count = sa.func.count
    columns = [
        count().filter(public).label("datasets_public"),
        count().filter(~public).label("datasets_private"),
        count().filter(public, f.c.indexed_state == freshness.OVERDUE).label("overdue_updates"),
        sa.func.avg(q.c.points).filter(public).label("quality_mean"),
        count(q.c.package_id).filter(public).label("quality_n"),
        *[sa.func.coalesce(sa.func.sum(links.c[s]), 0).label(f"link_{s}") for s in cm.LINK_STATES],
        *[sa.func.coalesce(sa.func.sum(files.c[s]), 0).label(f"file_{s}") for s in cm.FILE_STATES],
    ]
    stmt = (
        sa.select(p.c.owner_org, *columns)
        .outerjoin(f, f.c.package_id == p.c.id)
        .outerjoin(q, q.c.package_id == p.c.id)
        .outerjoin(links, links.c.package_id == p.c.id)
        .outerjoin(files, files.c.package_id == p.c.id)
        .where(*where)
        .group_by(p.c.owner_org)
    )
    return {row["owner_org"]: dict(row) for row in model.Session.execute(stmt).mappings()}


def _quality(points) -> dict[str, Any]:
    if points is None:
        return {"quality_points": None, "quality_rating": None}
    return {"quality_points": round(float(points), 1), "quality_rating": rating(round(points))}


def summary(agency_ids: list[str] | None = None) -> dict[str, Any]:
    """Per-agency figures (``agency_ids`` None: all agencies) and totals."""
    figures = _dataset_figures(agency_ids)
    catalogue = _catalogue_counts(agency_ids)
    rows = []
    for agency in _agencies(agency_ids):
        aid = agency["id"]
        fig = figures.get(aid, {})
        rows.append(
            {
                **agency,
                "catalogue": dict(catalogue[aid]),
                "datasets_public": fig.get("datasets_public", 0),
                "datasets_private": fig.get("datasets_private", 0),
                "overdue_updates": fig.get("overdue_updates", 0),
                **_quality(fig.get("quality_mean")),
                "quality_scored": fig.get("quality_n", 0),
                "links": {s: int(fig.get(f"link_{s}", 0)) for s in cm.LINK_STATES},
                "files": {s: int(fig.get(f"file_{s}", 0)) for s in cm.FILE_STATES},
            }
        )
    return {"agencies": rows, "totals": _totals(rows), "max_points": MAX_POINTS}


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def add(key, sub=None):
        if sub:
            return {s: sum(r[key][s] for r in rows) for s in sub}
        return sum(r[key] for r in rows)

    scored = sum(r["quality_scored"] for r in rows)
    weighted = sum(r["quality_points"] * r["quality_scored"] for r in rows if r["quality_scored"])
    return {
        "catalogue": add("catalogue", status.PUBLICATION_STATES),
        "datasets_public": add("datasets_public"),
        "datasets_private": add("datasets_private"),
        "overdue_updates": add("overdue_updates"),
        **_quality(weighted / scored if scored else None),
        "quality_scored": scored,
        "links": add("links", cm.LINK_STATES),
        "files": add("files", cm.FILE_STATES),
        "last_link_check": model.Session.execute(
            sa.select(sa.func.max(cm.link_status.c.checked_at))
        ).scalar(),
        "last_integrity_check": model.Session.execute(
            sa.select(sa.func.max(cm.integrity.c.checked_at))
        ).scalar(),
    }


def _problem_query(table, states, agency_ids, package_id, wanted):
    p, where = _datasets(agency_ids)
    r = model.resource_table
    q = (
        sa.select(
            table,
            p.c.name.label("package_name"),
            p.c.title.label("package_title"),
            p.c.owner_org,
            p.c.private,
            r.c.name.label("resource_name"),
        )
        .join(p, p.c.id == table.c.package_id)
        .join(r, r.c.id == table.c.resource_id)
        .where(*where)
    )
    if package_id:
        q = q.where(p.c.id == package_id)
    q = q.where(table.c.status.in_([wanted] if wanted else states))
    return q


def link_problems(agency_ids=None, package_id=None, wanted=None, limit=LIST_LIMIT, offset=0):
    """Linked resources not ``ok`` (or of status ``wanted``), worst first."""
    t = cm.link_status
    states = [s for s in cm.LINK_STATES if s != cm.LINK_OK]
    q = (
        _problem_query(t, states, agency_ids, package_id, wanted)
        .order_by(t.c.failures.desc(), t.c.package_id, t.c.resource_id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(row) for row in model.Session.execute(q).mappings()]


def file_problems(agency_ids=None, package_id=None, wanted=None, limit=LIST_LIMIT, offset=0):
    """Stored files that are missing or fail their checksum (or ``wanted``)."""
    t = cm.integrity
    q = _problem_query(
        t, [cm.FILE_MISMATCH, cm.FILE_MISSING], agency_ids, package_id, wanted
    ).order_by(t.c.status, t.c.package_id, t.c.resource_id)
    return [dict(row) for row in model.Session.execute(q.limit(limit).offset(offset)).mappings()]


def lowest_quality(agency_id: str, limit: int = 20) -> list[dict[str, Any]]:
    """An agency's public datasets with the lowest metadata quality."""
    p, q = model.package_table, cm.quality
    rows = model.Session.execute(
        sa.select(p.c.name, p.c.title, q.c.points)
        .join(q, q.c.package_id == p.c.id)
        .where(p.c.owner_org == agency_id, p.c.state == "active", p.c.private.is_(False))
        .order_by(q.c.points, p.c.name)
        .limit(limit)
    ).mappings()
    return [dict(r, rating=rating(round(r["points"]))) for r in rows]
