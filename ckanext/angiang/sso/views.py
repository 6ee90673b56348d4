"""SSO endpoints: the portal's SAML2 metadata, login (a signed AuthnRequest
sent by HTTP-Redirect), the assertion consumer service and single logout.

Nothing the IdP or the browser sends decides where a person lands: the page
to return to is kept on the server with the request's ID, and only a local
path is ever kept.
"""

from __future__ import annotations

import logging

import ckan.lib.helpers as h
import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.config.middleware.flask_app import csrf
from ckan.views.user import regenerate_session, rotate_token
from flask import Blueprint, make_response, request, session
from saml2 import BINDING_HTTP_REDIRECT
from saml2.ident import decode as decode_name_id
from saml2.xmldsig import SIG_RSA_SHA256

from ckanext.angiang.sso import client as sp
from ckanext.angiang.sso import pending, response, users
from ckanext.angiang.sso.errors import SsoError
from ckanext.angiang.sso.metadata import MetadataUnavailable

log = logging.getLogger(__name__)
SESSION_KEY = "angiang_sso"


def error_page(err: SsoError):
    log.warning("SSO refused (%s): %s", err.reason, err)
    body = tk.render("angiang/sso/error.html", {"reason": err.reason, "message": err.message})
    resp = make_response(body, err.status)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _local(target: str | None) -> str | None:
    """``target`` when it is a path of this site (browsers read ``/\\x`` and
    ``//x`` as another host), else None."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or len(target) > 2000
    ):
        return None
    return target if h.url_is_local(target) else None


def metadata():
    try:
        xml = sp.sp_metadata_xml()
    except MetadataUnavailable as e:
        return error_page(SsoError("unavailable", str(e)))
    resp = make_response(xml)
    resp.headers["Content-Type"] = "application/samlmetadata+xml; charset=utf-8"
    return resp


def start_login(came_from: str | None = None):
    """Redirect to the IdP with a signed AuthnRequest."""
    try:
        client = sp.get_client()
        idp = sp.idp_entity_id(client)
        reqid, info = client.prepare_for_authenticate(
            entityid=idp,
            relay_state="",
            binding=BINDING_HTTP_REDIRECT,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
    except MetadataUnavailable as e:
        return error_page(SsoError("unavailable", str(e)))
    pending.remember(reqid, _local(came_from) or "")
    log.info("SSO: signed AuthnRequest %s sent to %s", reqid, idp)
    location = dict(info["headers"])["Location"]
    resp = tk.redirect_to(location)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def login():
    return start_login(request.args.get("came_from"))


def acs():
    limit = tk.config.get("ckanext.angiang.sso.max_response_kb") * 1024
    if (request.content_length or 0) > limit * 2:
        return error_page(SsoError("too_large"))
    saml_response = request.form.get("SAMLResponse", "")
    if not saml_response:
        return error_page(SsoError("malformed", "no SAMLResponse"))
    try:
        client = sp.get_client()
        identity = response.check(client, saml_response)
        plan = users.plan(identity)
        user = users.apply(plan)
    except MetadataUnavailable as e:
        return error_page(SsoError("unavailable", str(e)))
    except SsoError as e:
        return error_page(e)
    regenerate_session()
    tk.login_user(user)
    rotate_token()
    session[SESSION_KEY] = {
        "idp": identity.idp,
        "name_id": identity.name_id,
        "session_index": identity.session_index,
    }
    log.info("SSO login: %s (%s) in %s", user.name, identity.idp, plan.agency.name)
    return tk.redirect_to(
        _local(identity.came_from) or tk.url_for("organization.read", id=plan.agency.name)
    )


def start_logout():
    """Log out here, then ask the IdP to end its session (signed LogoutRequest);
    None when the user did not come through SSO."""
    state = session.get(SESSION_KEY)
    if not state or not current_user.is_authenticated:
        return None
    tk.logout_user()
    session.pop(SESSION_KEY, None)
    try:
        client = sp.get_client()
        services = client.metadata.single_logout_service(
            state["idp"], BINDING_HTTP_REDIRECT, "idpsso"
        )
    except MetadataUnavailable:
        services = []
    if not services:
        return tk.redirect_to("user.logged_out_page")
    destination = services[0]["location"]
    _reqid, logout_request = client.create_logout_request(
        destination,
        state["idp"],
        name_id=decode_name_id(state["name_id"]),
        session_indexes=[state["session_index"]] if state.get("session_index") else None,
        sign=False,
    )
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(logout_request),
        destination,
        relay_state="",
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return tk.redirect_to(dict(info["headers"])["Location"])


def slo():
    """The IdP's answer to our LogoutRequest, or its own LogoutRequest."""
    args = request.args
    try:
        client = sp.get_client()
        if "SAMLRequest" in args:
            req = response.logout_request(client, args)
            state = session.get(SESSION_KEY) or {}
            name_id = req.message.name_id
            if (
                current_user.is_authenticated
                and state
                and name_id is not None
                and state.get("idp") == req.message.issuer.text.strip()
                and decode_name_id(state["name_id"]).text == name_id.text
            ):
                tk.logout_user()
                session.pop(SESSION_KEY, None)
                log.info("SSO: logged out by the IdP (%s)", state["idp"])
            answer = client.create_logout_response(req.message, [BINDING_HTTP_REDIRECT])
            destination = client.metadata.single_logout_service(
                req.message.issuer.text.strip(), BINDING_HTTP_REDIRECT, "idpsso"
            )[0]["location"]
            info = client.apply_binding(
                BINDING_HTTP_REDIRECT,
                str(answer),
                destination,
                relay_state=args.get("RelayState", ""),
                sign=True,
                sigalg=SIG_RSA_SHA256,
                response=True,
            )
            return tk.redirect_to(dict(info["headers"])["Location"])
    except MetadataUnavailable as e:
        return error_page(SsoError("unavailable", str(e)))
    except SsoError as e:
        return error_page(e)
    except Exception as e:  # pysaml2 raises plain Exceptions: a bad message is a 400
        return error_page(response.classify(e))
    # a LogoutResponse (or nothing): the local session already ended
    return tk.redirect_to("user.logged_out_page")


def get_blueprints():
    bp = Blueprint("angiang_sso", __name__)
    bp.add_url_rule("/saml2/metadata", "metadata", metadata)
    bp.add_url_rule("/user/saml2login", "login", login)
    bp.add_url_rule("/slo", "slo", slo)
    # the IdP posts the response cross-site: its signature and the pending
    # request it answers protect it, a CSRF token cannot
    bp.add_url_rule(tk.config.get("ckanext.saml2auth.acs_endpoint"), "acs", acs, methods=["POST"])
    csrf.exempt(f"{acs.__module__}.{acs.__name__}")
    return [bp]
