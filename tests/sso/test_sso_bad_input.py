"""Hostile input at the ACS and the login: refused with a 4xx page, never a
500, never a redirect to another site (issue 14, "Bad input")."""

from __future__ import annotations

import base64
from urllib.parse import urlparse

import pytest

from .conftest import accounts, assert_refused

ACS = "/acs"
SAMLP = 'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'
SAML = 'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'


def _b64(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")


def _response_doc(idp, prolog: str = "", issuer: str | None = None) -> str:
    return (
        f'<?xml version="1.0"?>{prolog}<samlp:Response {SAMLP} {SAML} ID="_x" '
        f'Version="2.0" IssueInstant="2026-12-04T00:00:00Z">'
        f"<saml:Issuer>{issuer or idp.entity_id}</saml:Issuer></samlp:Response>"
    )


XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
BILLION_LAUGHS = (
    '<!DOCTYPE r [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    + "]>"
)


@pytest.mark.parametrize(
    "value, reason",
    [
        ("not base64 at all %%%", "malformed"),
        (_b64("<samlp:Response"), "malformed"),
        (_b64("<html><body>hello</body></html>"), "malformed"),
        (_b64("just text"), "malformed"),
    ],
    ids=["not-base64", "truncated-xml", "not-saml", "not-xml"],
)
def test_malformed_responses(sso, value, reason):
    before = accounts()
    assert_refused(
        sso.app.post(ACS, data={"SAMLResponse": value}),
        400,
        reason,
        "không phải là thông điệp SAML hợp lệ",
    )
    assert accounts() == before


def test_no_response_at_all(sso):
    assert_refused(sso.app.post(ACS, data={}), 400, "malformed", "SAML")


@pytest.mark.parametrize("prolog", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_xml_with_a_document_type_is_refused_before_any_parsing(sso, prolog):
    doc = _response_doc(sso.idp, prolog, issuer="&xxe;" if prolog == XXE else "&lol9;")
    before = accounts()
    resp = sso.app.post(ACS, data={"SAMLResponse": _b64(doc)})
    assert_refused(resp, 400, "forbidden_xml", "XML bị cấm")
    assert "root:" not in resp.get_data(as_text=True)  # nothing of /etc/passwd
    assert accounts() == before


def test_xxe_inside_a_real_signed_login(sso):
    # a real login whose signed response gains a DTD on its way
    before = accounts()
    sso.idp.tamper = lambda xml: (
        xml.replace("?>", "?>" + XXE, 1) if xml.startswith("<?xml") else XXE + xml
    )
    assert_refused(sso.login(), 400, "forbidden_xml", "XML bị cấm")
    assert accounts() == before


def test_huge_response(sso):
    before = accounts()
    huge = _b64(_response_doc(sso.idp) + " " * (3 * 1024 * 1024))
    assert_refused(sso.app.post(ACS, data={"SAMLResponse": huge}), 413, "too_large", "quá lớn")
    assert accounts() == before


def test_response_just_over_the_limit_inside_a_small_body(sso, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.angiang.sso.max_response_kb", 1)
    doc = _b64(_response_doc(sso.idp) + " " * 2048)
    assert_refused(sso.app.post(ACS, data={"SAMLResponse": doc}), 413, "too_large", "quá lớn")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_relay_state_to_another_site_is_ignored(sso, target):
    resp = sso.login(RelayState=target)
    assert resp.status_code == 302
    assert urlparse(resp.headers["Location"]).netloc in ("", "test.ckan.net")
    assert resp.headers["Location"].endswith("/organization/so-tai-chinh")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_came_from_another_site_is_dropped_at_login(sso, target):
    resp = sso.login(came_from=target)
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert location.endswith("/organization/so-tai-chinh")


def test_came_from_a_local_page_is_honoured(sso):
    resp = sso.login(came_from="/dataset/")
    assert resp.status_code == 302
    assert urlparse(resp.headers["Location"]).path == "/dataset/"
