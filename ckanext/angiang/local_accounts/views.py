"""The e-mail confirmation link and the two-factor set-up page."""

from __future__ import annotations

import ckan.lib.helpers as h
import ckan.plugins.toolkit as tk
from ckan.plugins.toolkit import _
from flask import Blueprint, request

from ckanext.angiang.local_accounts import confirmation, twofactor


def confirm(id: str):
    user = confirmation.confirm(id, request.args.get("key"))
    if user is None:
        return tk.abort(400, _("This confirmation link is not valid or was already used."))
    h.flash_success(_("Your account is active: you can sign in now."))
    return tk.redirect_to("user.login")


def get_blueprints():
    bp = Blueprint("angiang_accounts", __name__)
    bp.add_url_rule("/user/confirm/<id>", "confirm", confirm)
    bp.add_url_rule("/user/2fa/setup", "twofactor", twofactor.setup_page, methods=["GET", "POST"])
    return [bp]
