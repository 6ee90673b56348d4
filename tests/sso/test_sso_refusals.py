"""Every SAML response the portal must refuse: a clear Vietnamese page, a 4xx
status, and no account created or changed (issue 14, item 2)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from ckanext.angiang.sso import pending

from .conftest import accounts, assert_refused


def _assertion_times(response, shift: dt.timedelta):
    """Every time of the response and its assertion moved by ``shift``."""

    def moved(value):
        t = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ") + shift
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")

    a = response.assertion
    response.issue_instant = moved(response.issue_instant)
    a.issue_instant = moved(a.issue_instant)
    a.conditions.not_before = moved(a.conditions.not_before)
    a.conditions.not_on_or_after = moved(a.conditions.not_on_or_after)
    for statement in a.authn_statement:
        statement.authn_instant = moved(statement.authn_instant)
    for confirmation in a.subject.subject_confirmation:
        data = confirmation.subject_confirmation_data
        data.not_on_or_after = moved(data.not_on_or_after)


def test_unsigned_response(sso):
    before = accounts()
    sso.idp.sign = {"response": False, "assertion": False}
    assert_refused(sso.login(), 400, "unsigned", "không được nhà cung cấp định danh ký số")
    assert accounts() == before


def test_response_signed_but_assertion_not(sso):
    before = accounts()
    sso.idp.sign = {"response": True, "assertion": False}
    assert_refused(sso.login(), 400, "unsigned", "không được nhà cung cấp định danh ký số")
    assert accounts() == before


def test_tampered_assertion(sso):
    # a member of one agency rewrites the signed agency code to get into another
    before = accounts()
    sso.idp.tamper = lambda xml: xml.replace("000.00.01.H01", "000.00.02.H01")
    assert_refused(
        sso.login(), 400, "bad_signature", "Chữ ký số của phản hồi đăng nhập không hợp lệ"
    )
    assert accounts() == before


def test_expired_assertion(sso):
    before = accounts()
    sso.idp.mutate = lambda r: _assertion_times(r, -dt.timedelta(hours=2))
    assert_refused(sso.login(), 400, "expired", "đã hết hạn")
    assert accounts() == before


def test_assertion_from_the_future(sso):
    before = accounts()
    sso.idp.mutate = lambda r: _assertion_times(r, dt.timedelta(hours=2))
    assert_refused(sso.login(), 400, "expired", "đã hết hạn")
    assert accounts() == before


def test_assertion_for_another_audience(sso):
    before = accounts()

    def other_audience(response):
        response.assertion.conditions.audience_restriction[0].audience[
            0
        ].text = "https://another-portal.example/saml2/metadata"

    sso.idp.mutate = other_audience
    assert_refused(sso.login(), 400, "audience", "cấp cho một dịch vụ khác")
    assert accounts() == before


def test_replayed_assertion(sso, app):
    action, fields = sso.idp_form()
    assert sso.post(action, fields).status_code == 302
    before = accounts()
    # the same response again: from the same browser, then from another one
    # (a copy of the first's cookies cannot help: the request is forgotten
    # and the assertion is in the database)
    assert_refused(sso.post(action, fields), 400, "replayed", "đã được sử dụng")
    other_browser = app.test_client()
    resp = other_browser.post(urlparse(action).path, data=fields, follow_redirects=False)
    assert_refused(resp, 400, "replayed", "đã được sử dụng")
    assert accounts() == before


def test_response_to_a_request_the_portal_did_not_send(sso):
    before = accounts()
    action, fields = sso.idp_form()
    for request in sso.idp.requests:
        pending.forget(request.id)
    assert_refused(sso.post(action, fields), 400, "unsolicited", "Cổng không yêu cầu")
    assert accounts() == before


def test_unknown_agency_code(sso):
    before = accounts()
    sso.idp.person["agencyCode"] = "999.99.99.H99"
    assert_refused(sso.login(), 403, "unknown_agency", "Mã cơ quan của bạn chưa được đăng ký")
    assert accounts() == before


def test_missing_email(sso):
    before = accounts()
    sso.idp.person["email"] = None
    assert_refused(sso.login(), 400, "no_email", "không gửi địa chỉ thư điện tử")
    assert accounts() == before


def test_idp_not_in_the_metadata(sso, rogue_idp):
    before = accounts()
    rogue_idp.sso_url = sso.idp.sso_url
    rogue_idp.trust(sso.app.get("/saml2/metadata").get_data(as_text=True))
    assert_refused(
        sso.login(at=rogue_idp), 403, "unknown_idp", "nhà cung cấp định danh mà Cổng không tin cậy"
    )
    assert accounts() == before


def test_idp_impersonated_with_another_key(sso, idp, rogue_idp):
    # the rogue IdP claims the trusted IdP's entity ID but signs with its own key
    before = accounts()
    rogue_idp.entity_id, rogue_idp.sso_url = idp.entity_id, idp.sso_url
    rogue_idp.trust(sso.app.get("/saml2/metadata").get_data(as_text=True))
    assert_refused(sso.login(at=rogue_idp), 400, "bad_signature", "Chữ ký số")
    assert accounts() == before
