"""The DIC's compliance dashboard (Art. 11.1a-b, 15): ``/dashboard/compliance``
(every agency for sysadmins, an agency admin's own agencies) and
``/dashboard/compliance/<agency>`` (one agency: its entries, lowest
metadata quality, broken links, failing files). Others get 403. Charts are
SVG drawn by the templates (no script, no outside request)."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.angiang.catalogue import dashboard, status

#: Failing links and files listed on an agency's page (the API lists more).
PAGE_LIMIT = 50

compliance_bp = Blueprint("angiang_compliance", __name__, url_prefix="/dashboard/compliance")


def _context():
    return {
        "user": tk.current_user.name if tk.current_user.is_authenticated else "",
        "model": model,
    }


def _summary(agency_id=None):
    try:
        return tk.get_action("angiang_compliance_summary")(
            _context(), {"agency": agency_id} if agency_id else {}
        )
    except tk.NotAuthorized:
        if not tk.current_user.is_authenticated:
            return tk.abort(403, tk._("Log in as a portal or agency administrator."))
        return tk.abort(
            403,
            tk._(
                "Only portal administrators and the agency's admins may see its compliance figures."
            ),
        )


@compliance_bp.route("/")
def index():
    summary = _summary()
    if len(summary["agencies"]) == 1 and not tk.current_user.sysadmin:
        return tk.redirect_to("angiang_compliance.agency", id=summary["agencies"][0]["name"])
    return tk.render(
        "angiang/compliance/index.html",
        {"summary": summary, "states": status.PUBLICATION_STATES[:3]},
    )


@compliance_bp.route("/<id>")
def agency(id: str):
    org = model.Group.get(id)
    if org is None or not org.is_organization or org.state != "active":
        return tk.abort(404, tk._("Agency not found"))
    summary = _summary(org.id)
    context = _context()
    entries = [
        e
        for e in tk.get_action("angiang_catalogue_entry_list")(context, {"agency": org.id})
        if e["publication_status"] != status.PUBLISHED
    ]
    shown = {"agency": org.id, "limit": PAGE_LIMIT}  # the API pages through the rest
    links = tk.get_action("angiang_link_status")(context, shown)
    files = tk.get_action("angiang_integrity_report")(context, shown)
    return tk.render(
        "angiang/compliance/agency.html",
        {
            "summary": summary,
            "row": summary["agencies"][0],
            "agency": org,
            "entries": entries,
            "lowest": dashboard.lowest_quality(org.id),
            "links": links,
            "files": files,
            "list_limit": PAGE_LIMIT,
            "states": status.PUBLICATION_STATES[:3],
        },
    )
