"""A whole SAML2 login against a real pysaml2 IdP on 127.0.0.1 (issue 14;
Art. 7.5 single sign-on, Art. 13.2 / 14.2 agencies' accounts)."""
from __future__ import annotations

import pytest

import ckan.model as model

from .conftest import AGENCY_CODE


def _capacity(user, agency):
    member = (model.Session.query(model.Member)
              .filter_by(group_id=agency.id, table_name="user", table_id=user.id,
                         state="active").first())
    return member.capacity if member else None


def test_first_login_creates_the_user_in_their_agency_and_lands_on_its_page(sso, agencies, app):
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
