"""Public pages of the open data catalogue (Art. 7.1: the portal publishes
the catalogue): the whole catalogue, each agency's part, each entry with
its datasets, status and history."""

from __future__ import annotations

import itertools
from collections import Counter

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page
from flask import Blueprint, request

from ckanext.angiang.catalogue import freshness, status

catalogue_bp = Blueprint("angiang_catalogue", __name__, url_prefix="/catalogue")


def _context():
    return {
        "user": tk.current_user.name if tk.current_user.is_authenticated else "",
        "model": model,
    }


def _filter():
    wanted = request.args.get("status") or None
    return wanted if wanted in status.PUBLICATION_STATES else None


#: Rows on one page of the catalogue and of the overdue list: a province's
#: catalogue runs to thousands of entries, a page stays quick to load and read.
PAGE_SIZE = 100


def _page(rows: list, **params) -> Page:
    """Page ``?page=`` of ``rows`` (the first for anything but a page number),
    its links keeping ``params``."""
    try:
        number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        number = 1
    kept = {k: v for k, v in params.items() if v}

    def url(q=None, page=None):
        return tk.h.url_for(request.endpoint, **request.view_args, **kept, page=page)

    return Page(
        collection=rows, page=number, url=url, item_count=len(rows), items_per_page=PAGE_SIZE
    )


def _by_agency(items: list) -> list[dict]:
    """Each agency's entries counted by publication status, in the order of
    ``items`` (by agency title; two agencies of one title stay apart)."""
    counts: dict[str, Counter] = {}
    titles: dict[str, str] = {}
    for item in items:
        counts.setdefault(item["agency_name"], Counter())[item["publication_status"]] += 1
        titles[item["agency_name"]] = item["agency_title"]
    return [
        {"title": titles[n], "name": n, "total": sum(c.values()), **c} for n, c in counts.items()
    ]


def _render(template: str, items: list, **extra):
    wanted = _filter()
    shown = [i for i in items if not wanted or i["publication_status"] == wanted]
    page = _page(shown, status=wanted)
    groups = [
        (rows[0]["agency_title"], rows)
        for rows in (
            list(g) for _, g in itertools.groupby(page.items, key=lambda i: i["agency_name"])
        )
    ]
    return tk.render(
        template,
        {
            "groups": groups,
            "page": page,
            "agencies": _by_agency(items) if extra.get("agency") is None else [],
            "summary": status.summary(items),
            "wanted": wanted,
            "states": status.PUBLICATION_STATES[:3],
            **extra,
        },
    )


@catalogue_bp.route("/")
def index():
    items = tk.get_action("angiang_catalogue_entry_list")(_context(), {})
    decisions = tk.get_action("angiang_catalogue_decision_list")(_context(), {})
    return _render("angiang/catalogue/index.html", items, decisions=decisions, agency=None)


@catalogue_bp.route("/agency/<id>")
def agency(id: str):
    org = model.Group.get(id)
    if org is None or not org.is_organization or org.state != "active":
        return tk.abort(404, tk._("Agency not found"))
    items = tk.get_action("angiang_catalogue_entry_list")(_context(), {"agency": org.id})
    return _render("angiang/catalogue/index.html", items, decisions=None, agency=org)


@catalogue_bp.route("/entry/<path:code>")
def entry(code: str):
    try:
        item = tk.get_action("angiang_catalogue_entry_show")(_context(), {"code": code})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("No catalogue entry has this code."))
    return tk.render("angiang/catalogue/entry.html", {"entry": item})


@catalogue_bp.route("/import", methods=["GET", "POST"])
def import_appendix():
    """Sysadmins import a decision's appendix; problems are listed by row."""
    try:
        tk.check_access("angiang_catalogue_import", _context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only portal administrators may change the open data catalogue."))
    form = request.form.to_dict()
    errors: dict = {}
    if request.method == "POST":
        data = dict(form, upload=request.files.get("upload"), replace=form.get("replace") == "on")
        try:
            result = tk.get_action("angiang_catalogue_import")(_context(), data)
        except tk.ValidationError as e:
            errors = e.error_dict
        else:
            tk.h.flash_success(
                tk._(
                    "Decision {decision}: {rows} rows; {added} added, "
                    "{amended} amended, {restored} restored, {withdrawn} "
                    "withdrawn."
                ).format(**result)
            )
            return tk.redirect_to("angiang_catalogue.index")
    return tk.render("angiang/catalogue/import.html", {"form": form, "errors": errors})


_EDITABLE = (
    "title",
    "agency",
    "frequency",
    "formats",
    "due_date",
    "sector",
    "notes",
    "source",
    "decision_number",
    "decision_date",
)


@catalogue_bp.route("/entry/<path:code>/edit", methods=["GET", "POST"])
def edit(code: str):
    """Sysadmins amend an entry (by a later decision, or a correction without
    one) or withdraw it (by a decision)."""
    try:
        tk.check_access("angiang_catalogue_entry_update", _context(), {"code": code})
        item = tk.get_action("angiang_catalogue_entry_show")(_context(), {"code": code})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only portal administrators may change the open data catalogue."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("No catalogue entry has this code."))
    form = dict(
        item,
        agency=item["agency_name"],
        formats=", ".join(item["formats"]),
        decision_number="",
        decision_date="",
    )
    errors: dict = {}
    if request.method == "POST":
        form.update({k: request.form.get(k, "") for k in _EDITABLE})
        withdraw = "withdraw" in request.form
        action = (
            "angiang_catalogue_entry_withdraw" if withdraw else "angiang_catalogue_entry_update"
        )
        data = {k: v for k, v in form.items() if k in _EDITABLE and (v or k == "formats")}
        try:
            tk.get_action(action)(_context(), dict(data, code=code))
        except tk.ValidationError as e:
            errors = e.error_dict
        else:
            tk.h.flash_success(tk._("The catalogue entry was saved."))
            return tk.redirect_to("angiang_catalogue.entry", code=code)
    return tk.render("angiang/catalogue/edit.html", {"entry": item, "form": form, "errors": errors})


@catalogue_bp.route("/overdue")
def overdue():
    """Public datasets whose data update is overdue (Art. 8.3, 12.2), by agency."""
    items = freshness.overdue()
    page = _page(items)
    titles = {
        g.id: g
        for g in model.Session.query(model.Group).filter(
            model.Group.id.in_({i["owner_org"] for i in page.items})
        )
    }
    groups = [
        (titles[org], list(rows))
        for org, rows in itertools.groupby(page.items, key=lambda i: i["owner_org"])
        if org in titles
    ]
    overdue_by_agency = Counter(i["owner_org"] for i in items)
    return tk.render(
        "angiang/catalogue/overdue.html",
        {"groups": groups, "page": page, "counts": overdue_by_agency, "total": len(items)},
    )


review_bp = Blueprint("angiang_review", __name__, url_prefix="/review")


@review_bp.route("/<id>/<any(approve, reject):verdict>", methods=["POST"])
def decide(id: str, verdict: str):
    """Approve or reject a dataset awaiting review (Art. 9.6), from its page."""
    action = f"angiang_review_{verdict}"
    try:
        tk.get_action(action)(_context(), {"id": id, "note": request.form.get("note", "")})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only an admin of the dataset's agency may review it."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as e:
        for messages in e.error_dict.values():
            for message in messages:
                tk.h.flash_error(message)
    else:
        tk.h.flash_success(
            tk._("The dataset is published.")
            if verdict == "approve"
            else tk._("The dataset was sent back to its editor.")
        )
    return tk.redirect_to("dataset.read", id=id)


@review_bp.route("/agency/<id>")
def awaiting(id: str):
    """An agency's datasets awaiting review, for its editors and admins."""
    try:
        items = tk.get_action("angiang_review_list")(_context(), {"agency": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Agency not found"))
    except tk.NotAuthorized:
        return tk.abort(
            403, tk._("Only the agency's editors and admins may see its datasets awaiting review.")
        )
    return tk.render(
        "angiang/catalogue/awaiting.html", {"items": items, "agency": model.Group.get(id)}
    )


def get_blueprints():
    from ckanext.angiang.catalogue.compliance_views import compliance_bp
    from ckanext.angiang.catalogue.report.views import report_bp

    return [catalogue_bp, review_bp, report_bp, compliance_bp]
