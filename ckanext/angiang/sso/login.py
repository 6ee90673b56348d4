"""CKAN's own login page under SSO: "SSO only" for agency staff, and the
whole login sent to the IdP when CKAN's internal login is off."""

from __future__ import annotations

import ckan.lib.helpers as h
import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import make_response, request

from ckanext.angiang.sso import users


def staff_must_use_sso(user: model.User | None) -> bool:
    """Accounts linked to SSO and agency members (sysadmins excepted: the
    portal's break-glass accounts) sign in through the IdP only."""
    if user is None or user.sysadmin or not tk.config.get("ckanext.angiang.sso.staff_sso_only"):
        return False
    if users.is_sso_user(user.id):
        return True
    return (
        model.Session.query(model.Member)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(
            model.Member.table_name == "user",
            model.Member.table_id == user.id,
            model.Member.state == "active",
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
        )
        .first()
    ) is not None


def before_login():
    """IAuthenticator.login: a response that replaces CKAN's login, or None."""
    from ckanext.angiang.sso.views import start_login

    if not tk.config.get("ckanext.saml2auth.enable_ckan_internal_login"):
        return start_login(request.args.get("came_from") or request.args.get("next"))
    if request.method != "POST":
        return None
    login = (request.form.get("login") or "").strip()
    user = model.User.by_name(login) or (model.User.by_email(login) if login else None)
    # The "SSO only" answer is given only to whoever knows the password: to
    # anyone else it would tell which names are agency staff (enumeration).
    # A wrong password goes on to CKAN's own generic failure (and throttling).
    if user is None or not user.validate_password(request.form.get("password") or ""):
        return None
    if not staff_must_use_sso(user):
        return None
    h.flash_error(
        tk._(
            "Agency staff sign in with the province's single sign-on "
            "(the button below), not with a password."
        )
    )
    return make_response(tk.render("user/login.html", {}), 403)
