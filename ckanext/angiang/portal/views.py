"""Views of the ``angiang_portal`` plugin: the portal's pages, their edit
form (sysadmins) and where a person lands after logging in."""

from __future__ import annotations

import functools

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.angiang.portal import pages

portal = Blueprint("angiang_portal", __name__)


def _context() -> dict:
    return {"user": tk.g.user, "auth_user_obj": tk.g.userobj}


@portal.route("/pages/<name>")
def page(name: str):
    if name not in pages.PAGES:
        return tk.abort(404, tk._("Page not found"))
    return tk.render("angiang_portal/page.html", {"name": name})


@portal.route("/pages/<name>/edit", methods=["GET", "POST"])
def edit(name: str):
    if name not in pages.PAGES:
        return tk.abort(404, tk._("Page not found"))
    context = _context()
    try:
        tk.check_access("angiang_page_update", context, {"name": name})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins can edit the portal's pages"))
    errors: dict[str, dict] = {}
    data: dict[str, dict] = {}
    if tk.request.method == "POST":
        form = tk.request.form
        for lang in pages.LANGUAGES:
            data[lang] = {
                "title": form.get(f"title_{lang}", ""),
                "content": form.get(f"content_{lang}", ""),
            }
        # both languages checked before either is written: nothing half-saved
        for lang in pages.LANGUAGES:
            _, errs = tk.navl_validate(
                {"name": name, "lang": lang, **data[lang]}, pages._update_schema(), dict(context)
            )
            if errs:
                errors[lang] = errs
        if not errors:
            for lang in pages.LANGUAGES:
                tk.get_action("angiang_page_update")(
                    dict(context), {"name": name, "lang": lang, **data[lang]}
                )
            tk.h.flash_success(tk._("The page was saved."))
            return tk.redirect_to("angiang_portal.page", name=name)
    else:
        for lang in pages.LANGUAGES:
            data[lang] = pages.read(name, lang) or {"title": "", "content": ""}
    status = 400 if errors else 200
    return tk.render(
        "angiang_portal/page_edit.html", {"name": name, "data": data, "errors": errors}
    ), status


@portal.route("/user/landing")
def landing():
    """``ckan.auth.route_after_login``: an agency's staff land on their
    agency's page (its datasets, private ones included, and its tasks);
    sysadmins on their dashboard; anyone else on the home page."""
    user = tk.g.userobj
    if user is None:
        return tk.redirect_to("home.index")
    if user.sysadmin:
        return tk.redirect_to("dashboard.datasets")
    agencies = tk.get_action("organization_list_for_user")(
        {"user": user.name}, {"id": user.id, "permission": "read"}
    )
    if agencies:
        # the agency where the person has the highest role
        rank = {"admin": 0, "editor": 1, "member": 2}
        agencies.sort(key=lambda a: (rank.get(a.get("capacity"), 3), a["name"]))
        return tk.redirect_to("organization.read", id=agencies[0]["name"])
    return tk.redirect_to("home.index")


def home():
    """The home page: CKAN's ``home.index`` without its own search.

    CKAN's view runs a ``package_search`` (four datasets by ``view_recent``,
    a field nothing fills, and five facets) that the portal's home page never
    shows: everything it shows comes from :func:`.home.summary`'s one search.
    The notice CKAN gives a signed-in person without an e-mail address stays
    (CKAN's own words, in its catalogue)."""
    user = tk.current_user
    if user.is_authenticated and not user.email:
        notice = tk._(
            'Please <a href="%s">update your profile</a> and add your email address. '
        ) % tk.h.url_for("user.edit") + tk._(
            "%s uses your email address if you need to reset your password."
        ) % tk.config.get("ckan.site_title")
        tk.h.flash_notice(notice, allow_html=True)
    return tk.render("home/index.html", {})


def _home_unless_rdf_is_asked(read_catalog):
    """ckanext-dcat's ``/`` (content negotiation, which the national portal's
    harvester may use): the catalogue in RDF when the request asks for it,
    else the home page (ckanext-dcat calls CKAN's view itself)."""
    from ckanext.dcat.utils import check_access_header

    @functools.wraps(read_catalog)
    def view(_format=None, package_type=None):
        if not _format and not check_access_header():
            return home()
        return read_catalog(_format=_format, package_type=package_type)

    return view


def replace_core_home(app) -> None:
    """Serve the home page with :func:`home`: endpoint ``home.index``, which
    every link to the home page names, and ckanext-dcat's ``/`` when it
    negotiates content (``ckanext.dcat.enable_content_negotiation``)."""
    if "home.index" in app.view_functions:
        app.view_functions["home.index"] = home
    if "dcat.read_catalog" in app.view_functions:
        app.view_functions["dcat.read_catalog"] = _home_unless_rdf_is_asked(
            app.view_functions["dcat.read_catalog"]
        )


def get_blueprints():
    return [portal]
