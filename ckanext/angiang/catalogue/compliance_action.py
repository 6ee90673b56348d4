"""The compliance API (Art. 11.1a-b, 15): the dashboard's figures, link
checks and integrity results, for the dashboard and for the DIC's
six-month report (Art. 17.2). Check access → validate → act."""

from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.angiang.catalogue import auth, dashboard, schema
from ckanext.angiang.catalogue.action import _out, _validated

__all__ = ["angiang_compliance_summary", "angiang_link_status", "angiang_integrity_report"]


def scope(context, agency_id: str | None) -> list[str] | None:
    """The agencies the caller may see (None: all, for sysadmins), narrowed
    to ``agency_id`` when given."""
    user = context.get("user") or ""
    if authz.is_sysadmin(user) or context.get("ignore_auth"):
        return [agency_id] if agency_id else None
    mine = auth.admin_agencies(user)
    return [agency_id] if agency_id in mine else ([] if agency_id else mine)


@tk.side_effect_free
def angiang_compliance_summary(context, data_dict):
    """Per agency (``agency``: one): catalogue entries published / overdue /
    not yet published, datasets public and private, datasets overdue for
    update, mean metadata quality (MQA points of 405, rating), linked
    resources by link status, stored files by integrity status; and totals.
    Sysadmins: every agency; an agency's admins: theirs."""
    tk.check_access("angiang_compliance_summary", context, data_dict)
    data = _validated(context, data_dict, schema.compliance_summary())
    return _out(dashboard.summary(scope(context, data.get("agency"))))


def _problems(name: str, schema_, finder, context, data_dict):
    tk.check_access(name, context, data_dict)
    data = _validated(context, data_dict, schema_)
    package_id = None
    agencies = scope(context, data.get("agency"))
    if data.get("id"):
        package_id = model.Package.get(data["id"]).id
        agencies = None if not data.get("agency") else [data["agency"]]
    rows = finder(
        agencies,
        package_id,
        data.get("status"),
        data.get("limit", dashboard.LIST_LIMIT),
        data.get("offset", 0),
    )
    return _out(rows)


@tk.side_effect_free
def angiang_link_status(context, data_dict):
    """Linked resources whose last check failed (``status``: one state of
    ok, broken, unreachable, refused), most consecutive failures first;
    ``agency`` or ``id`` (a dataset) narrow it; ``limit`` (200 at most),
    ``offset``."""
    return _problems(
        "angiang_link_status", schema.link_status(), dashboard.link_problems, context, data_dict
    )


@tk.side_effect_free
def angiang_integrity_report(context, data_dict):
    """Stored files that are missing or whose SHA-256 no longer matches
    (``status``: ok, mismatch, missing, unverified), ``agency`` or ``id``,
    ``limit``, ``offset``."""
    return _problems(
        "angiang_integrity_report",
        schema.integrity_report(),
        dashboard.file_problems,
        context,
        data_dict,
    )
