"""Two-factor login in CKAN's login page, and the set-up page people who
must use it are sent to (``ckanext.angiang.2fa.required_for``)."""

from __future__ import annotations

import time

import ckan.lib.helpers as h
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import current_user, g
from ckan.lib import signals
from ckan.plugins.toolkit import _
from flask import make_response, request, session

from ckanext.angiang.local_accounts import totp

# endpoints a person who still has to set up 2FA can reach
OPEN_ENDPOINTS = (
    "user.logout",
    "user.logged_out_page",
    "user.login",
    "static",
    "webassets.index",
    "api.i18n_js_translations",
)
SSO_SESSION_KEY = "angiang_sso"  # set by angiang_sso: the IdP did the 2FA
SETUP_CHECKED_KEY = "angiang_2fa_checked"
RECHECK_SECONDS = 300


def before_login():
    """IAuthenticator.login: a correct password of an enrolled user also
    needs a correct code; the page again (403) otherwise."""
    if request.method != "POST":
        return None
    login = (request.form.get("login") or "").strip()
    user = (model.User.by_name(login) or model.User.by_email(login)) if login else None
    if (
        user is None
        or not user.is_active
        or not user.validate_password(request.form.get("password") or "")
        or not totp.enrolled(user.id)
    ):
        return None  # CKAN goes on (and reports a wrong password itself)
    if totp.verify(user.id, request.form.get("totp") or ""):
        return None
    # a wrong code is a failed login like a wrong password: the login
    # throttle (angiang_security) counts it, so codes cannot be guessed
    signals.failed_login.send(login)
    h.flash_error(
        _("Enter the 6-digit code of your authenticator app, or one of your recovery codes.")
    )
    return make_response(tk.render("user/login.html", {"totp_needed": True}), 403)


def force_setup():
    """before_request: send who must use 2FA and has not set it up to the set-up page."""
    if (
        not current_user.is_authenticated
        or g.get("login_via_auth_header")
        or session.get(SSO_SESSION_KEY)
    ):
        return None
    endpoint = request.endpoint or ""
    if endpoint.startswith("angiang_accounts.") or endpoint in OPEN_ENDPOINTS:
        return None
    # a session known to be set up (or exempt) is checked again only every
    # few minutes, not with two queries on every request: someone made an
    # agency admin meanwhile is sent to the set-up page within that time
    marker = f"{current_user.id}:{int(time.time() // RECHECK_SECONDS)}"
    if session.get(SETUP_CHECKED_KEY) == marker:
        return None
    user = model.User.get(current_user.id)
    if user is not None and totp.required(user) and not totp.enrolled(user.id):
        return tk.redirect_to("angiang_accounts.twofactor")
    session[SETUP_CHECKED_KEY] = marker
    return None


def setup_page():
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login")
    user = model.User.get(current_user.id)
    if totp.enrolled(user.id):
        return tk.render("angiang/accounts/twofactor.html", {"enabled": True})
    if request.method == "POST":
        codes = totp.confirm(user.id, request.form.get("code") or "")
        if codes is not None:
            return tk.render(
                "angiang/accounts/twofactor.html", {"enabled": True, "recovery_codes": codes}
            )
        h.flash_error(_("This code is not valid. Check your app's time and try again."))
    secret = totp.pending_secret(user.id)
    body = tk.render(
        "angiang/accounts/twofactor.html",
        {
            "enabled": False,
            "secret": secret,
            "uri": totp.provisioning_uri(user, secret),
            "required": totp.required(user),
        },
    )
    return make_response(body, 400 if request.method == "POST" else 200)
