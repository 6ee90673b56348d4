"""The agency tree page (``/agencies``) and redirects from the URL of a
merged or renamed agency to the agency that replaced it."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint, redirect, request

from ckanext.angiang.agencies import merge, tree

agencies_bp = Blueprint("angiang_agencies", __name__)


@agencies_bp.route("/agencies")
def agency_tree():
    return tk.render("angiang/agency_tree.html", {"levels": tree.tree()})


def get_blueprints():
    return [agencies_bp]


def redirect_former_name():
    """``before_request`` hook: ``/organization/<old-name>`` (any of its
    pages) answers 301 to the same page of the agency now holding that name
    in ``former_names``."""
    endpoint = request.endpoint or ""
    if not endpoint.startswith("organization.") or not request.view_args:
        return None
    ref = request.view_args.get("id")
    if not ref:
        return None
    current = model.Group.get(ref)
    if current is not None and current.state == "active":
        return None
    target = merge.redirect_target(ref)
    if target is None:
        return None
    args = dict(request.view_args, id=target.name)
    return redirect(tk.url_for(endpoint, **args, **request.args.to_dict()), code=301)
