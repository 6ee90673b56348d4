"""The usage figures' actions (Art. 17.2) and the six-month report's data.

Private datasets' figures reach only those who may read the dataset (its
agency's members, sysadmins): anonymous users and other agencies see the
figures of public datasets only, in totals too.
"""

from __future__ import annotations

import datetime
from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.angiang.catalogue import schema, usage

__all__ = ["angiang_usage_top", "angiang_usage_summary", "angiang_report_show"]


def _validated(context, data_dict, schema_: dict) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _bounds(data: dict) -> dict[str, Any]:
    found = data.get("period")
    if found is None:
        return {"period": None, "start": None, "end": None}
    return {"period": found.code, "start": found.start, "end": found.end}


def _out_bounds(b: dict) -> dict[str, Any]:
    return {
        "period": b["period"],
        "start": b["start"].isoformat() if b["start"] else None,
        "last_day": (b["end"] - datetime.timedelta(days=1)).isoformat() if b["end"] else None,
    }


@tk.side_effect_free
def angiang_usage_top(context, data_dict):
    """The most used public datasets (views, downloads and API calls), as
    ``package_show`` dicts with ``usage_total`` added. ``limit`` (1-100,
    default 5); ``period`` (``2026H1``) counts that half-year only."""
    tk.check_access("angiang_usage_top", context, data_dict)
    data = _validated(context, data_dict, schema.usage_top())
    b = _bounds(data)
    out = []
    for package_id, uses in usage.top(data.get("limit", 5), b["start"], b["end"]):
        try:
            pkg = tk.get_action("package_show")(
                {"user": context.get("user"), "model": model}, {"id": package_id}
            )
        except (tk.ObjectNotFound, tk.NotAuthorized):
            continue
        pkg["usage_total"] = uses
        out.append(pkg)
    return out


def _readable_private(context, agency_id: str) -> bool:
    user = context.get("user") or ""
    return bool(user) and (
        authz.is_sysadmin(user)
        or authz.has_user_permission_for_group_or_org(agency_id, user, "read")
    )


@tk.side_effect_free
def angiang_usage_summary(context, data_dict):
    """Uses (``view``, ``download``, ``api``, ``total``) of one dataset
    (``id``), of one agency's datasets (``agency``, with each dataset), or
    of every agency (neither); ``period`` (``2026H1``) for one half-year."""
    tk.check_access("angiang_usage_summary", context, data_dict)
    data = _validated(context, data_dict, schema.usage_summary())
    b = _bounds(data)
    if data.get("id"):
        tk.check_access("package_show", context, {"id": data["id"]})
        pkg = model.Package.get(data["id"])
        if pkg is None or pkg.state == "deleted" or pkg.type != "dataset":
            raise tk.ObjectNotFound(tk._("Dataset not found"))
        return {
            "dataset": pkg.name,
            "uses": usage.of_dataset(pkg.id, b["start"], b["end"]),
            **_out_bounds(b),
        }
    if data.get("agency"):
        group = model.Group.get(data["agency"])
        with_private = _readable_private(context, group.id)
        p = model.package_table
        q = model.Session.query(p.c.id, p.c.name, p.c.title, p.c.private).filter(
            p.c.owner_org == group.id, p.c.state == "active", p.c.type == "dataset"
        )
        if not with_private:
            q = q.filter(p.c.private.is_(False))
        rows = q.order_by(p.c.title).all()
        figures = usage.totals_by_dataset([r.id for r in rows], b["start"], b["end"])
        datasets = [
            {
                "id": r.id,
                "name": r.name,
                "title": r.title,
                "private": r.private,
                "uses": figures.get(r.id, usage.empty()),
            }
            for r in rows
        ]
        totals = usage.empty()
        for d in datasets:
            for k in totals:
                totals[k] += d["uses"][k]
        datasets.sort(key=lambda d: (-d["uses"]["total"], d["title"] or ""))
        return {
            "agency": group.name,
            "uses": totals,
            "datasets": datasets,
            "includes_private": with_private,
            **_out_bounds(b),
        }
    figures = usage.by_agency(b["start"], b["end"], public_only=True)
    orgs = (
        model.Session.query(model.Group)
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .all()
    )
    agencies = sorted(
        (
            {"agency": g.name, "title": g.title, "uses": figures.get(g.id, usage.empty())}
            for g in orgs
        ),
        key=lambda a: (-a["uses"]["total"], a["title"]),
    )
    totals = usage.empty()
    for a in agencies:
        for k in totals:
            totals[k] += a["uses"][k]
    return {"uses": totals, "agencies": agencies, **_out_bounds(b)}


@tk.side_effect_free
def angiang_report_show(context, data_dict):
    """The six-month report's figures (``period``: ``2026H1``), per agency and
    for the province, as JSON (sysadmins: the DIC)."""
    from ckanext.angiang.catalogue.report import figures

    tk.check_access("angiang_report_show", context, data_dict)
    data = _validated(context, data_dict, schema.report_show())
    return figures.as_json(figures.collect(data["period"]))
