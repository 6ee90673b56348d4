"""A whole SAML2 login against a real pysaml2 IdP on 127.0.0.1 (issue 14;
Art. 7.5 single sign-on, Art. 13.2 / 14.2 agencies' accounts)."""

from __future__ import annotations

import logging
import re

import ckan.model as model
import pytest
import requests

from .conftest import accounts, assert_refused


def _capacity(user, agency):
    member = (
        model.Session.query(model.Member)
        .filter_by(group_id=agency.id, table_name="user", table_id=user.id, state="active")
        .first()
    )
    return member.capacity if member else None


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def sp_log():
    """The portal's SSO log lines (test.ini's ckanext logger does not propagate)."""
    logger, handler = logging.getLogger("ckanext.angiang.sso"), _Records()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    for name in ("views", "response", "users"):
        # logging.config.fileConfig disables loggers that existed before it ran
        logging.getLogger(f"ckanext.angiang.sso.{name}").disabled = False
    yield handler.messages
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_first_login_creates_the_user_in_their_agency_and_lands_on_its_page(
    sso, agencies, app, sp_log
):
    resp = sso.login()
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert resp.headers["Location"].endswith("/organization/so-tai-chinh")
    user = model.User.by_email("nguyenvana@angiang.gov.vn")
    assert user is not None and user.fullname == "Nguyễn Văn A"
    assert _capacity(user, agencies["so-tai-chinh"]) == "editor"
    assert _capacity(user, agencies["so-y-te"]) is None
    page = app.get(resp.headers["Location"])
    assert page.status_code == 200
    assert "nguyenvana" in page.get_data(as_text=True)
    assert any("signed AuthnRequest" in line and "verified" in line for line in sso.idp.log)
    assert any("SAML response of " + sso.idp.entity_id in m for m in sp_log)
    # the round trip, for the record (pytest -s): the IdP's log, then the portal's
    print("\n".join(["--- IdP log"] + sso.idp.log + ["--- portal (SP) log"] + sp_log))


def test_a_later_login_updates_the_user_and_keeps_a_higher_role(sso, agencies):
    assert sso.login().status_code == 302
    user = model.User.by_email("nguyenvana@angiang.gov.vn")
    member = (
        model.Session.query(model.Member)
        .filter_by(group_id=agencies["so-tai-chinh"].id, table_id=user.id)
        .one()
    )
    member.capacity = "admin"  # promoted in the portal by an agency admin
    model.Session.commit()
    sso.idp.person["displayName"] = "Nguyễn Văn An"
    assert sso.login().status_code == 302
    model.Session.expire_all()
    users = model.Session.query(model.User).filter(model.User.email == user.email).all()
    assert [u.id for u in users] == [user.id]  # no second account
    assert users[0].fullname == "Nguyễn Văn An"
    assert _capacity(users[0], agencies["so-tai-chinh"]) == "admin"


def test_moving_to_another_agency_moves_the_membership(sso, agencies):
    assert sso.login().status_code == 302
    sso.idp.person["agencyCode"] = "000.00.02.H01"
    resp = sso.login()
    assert resp.headers["Location"].endswith("/organization/so-y-te")
    model.Session.expire_all()
    user = model.User.by_email("nguyenvana@angiang.gov.vn")
    assert _capacity(user, agencies["so-y-te"]) == "editor"
    assert _capacity(user, agencies["so-tai-chinh"]) is None


def test_an_unlinked_local_account_with_the_same_email_is_not_taken_over(sso):
    # someone registered a citizen account with the staff member's address first
    from ckan.tests import factories

    squatter = factories.User(name="squatter", email="nguyenvana@angiang.gov.vn")
    before = accounts()
    assert_refused(sso.login(), 409, "email_taken", "tài khoản cục bộ")
    assert accounts() == before
    assert _capacity(model.User.get(squatter["id"]), model.Group.get("so-tai-chinh")) is None


@pytest.mark.ckan_config("ckanext.angiang.sso.link_existing_by_email", "true")
def test_linking_by_email_when_the_operator_allows_it(sso, agencies):
    from ckan.tests import factories

    local = factories.User(name="vana-local", email="nguyenvana@angiang.gov.vn")
    assert sso.login().status_code == 302
    model.Session.expire_all()
    user = model.User.get(local["id"])
    assert _capacity(user, agencies["so-tai-chinh"]) == "editor"
    assert model.Session.query(model.User).filter_by(email=local["email"]).count() == 1


def test_the_portal_metadata_is_signed_and_names_its_endpoints(sso, app):
    from saml2.md import entity_descriptor_from_string

    xml = app.get("/saml2/metadata").get_data(as_text=True)
    descriptor = entity_descriptor_from_string(xml)
    assert descriptor.signature is not None
    sp = descriptor.spsso_descriptor[0]
    assert sp.authn_requests_signed == "true"
    assert sp.want_assertions_signed == "true"
    assert sp.assertion_consumer_service[0].location == "http://test.ckan.net/acs"
    assert sp.single_logout_service[0].location == "http://test.ckan.net/slo"
    assert sp.key_descriptor


def test_an_unsigned_authn_request_is_refused_by_the_idp(sso):
    # the IdP requires signed requests: the portal's signature is what it checks
    location = sso.start()
    stripped = re.sub(r"&Signature=[^&]+", "", location)
    resp = requests.get(stripped, timeout=30)
    assert resp.status_code == 400
    assert requests.get(sso.start(), timeout=30).status_code == 200
