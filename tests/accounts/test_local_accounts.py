"""Citizens' and businesses' local accounts (issue 14, item 3; Art. 3.4,
7.5): password policy, e-mail confirmation, password reset by e-mail through
a real SMTP server, API tokens that expire."""

from __future__ import annotations

import re
import time

import ckan.model as model
import pytest
from ckan.tests import factories, helpers

from ckanext.angiang.local_accounts import password

GOOD = "Lua-gao-An-Giang-2026"


def _register(app, name, pw, email=None):
    return app.post(
        "/user/register",
        data={
            "name": name,
            "fullname": "Trần Thị B",
            "email": email or f"{name}@example.vn",
            "password1": pw,
            "password2": pw,
            "save": "",
        },
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    "pw, fragment",
    [
        ("Ngan1!", "ít nhất 10 ký tự"),
        ("chicochulatoi", "chữ cái và ít nhất một chữ số hoặc ký hiệu"),
        ("1234567890123", "chữ cái và ít nhất một chữ số hoặc ký hiệu"),
        ("xin-chao-nguoidan01", "tên người dùng hoặc địa chỉ thư điện tử"),
        ("matkhau123", "quá phổ biến"),
    ],
)
def test_registration_refuses_weak_passwords_with_the_reason(portal, smtp, pw, fragment):
    resp = _register(portal, "nguoidan01", pw)
    assert resp.status_code == 200
    assert fragment in resp.get_data(as_text=True)
    assert model.User.by_name("nguoidan01") is None
    assert smtp.messages == []


def test_a_good_password_passes_and_the_reasons_exist_in_english(portal):
    assert password.problems(GOOD, "nguoidan01", "nguoidan01@example.vn") == []
    resp = portal.post(
        "/en/user/register",
        data={
            "name": "nguoidan01",
            "email": "nguoidan01@example.vn",
            "password1": "matkhau123",
            "password2": "matkhau123",
            "save": "",
        },
    )
    assert "This password is too common" in resp.get_data(as_text=True)


def test_registration_waits_for_the_emailed_link(portal, smtp):
    resp = _register(portal, "nguoidan02", GOOD)
    assert resp.status_code == 302
    user = model.User.by_name("nguoidan02")
    assert user.state == "pending"
    # not signed in, and the password does not work before the confirmation
    login = portal.post(
        "/user/login", data={"login": "nguoidan02", "password": GOOD}, follow_redirects=False
    )
    assert login.status_code == 200
    [body] = smtp.bodies_to("nguoidan02@example.vn")
    link = re.search(r"http://test\.ckan\.net(/user/confirm/\S+)", body).group(1)
    assert portal.get(link.replace("key=", "key=x"), follow_redirects=False).status_code == 400
    assert portal.get(link, follow_redirects=False).status_code == 302
    model.Session.expire_all()
    assert model.User.by_name("nguoidan02").state == "active"
    assert portal.get(link, follow_redirects=False).status_code == 400  # used once
    login = portal.post(
        "/user/login", data={"login": "nguoidan02", "password": GOOD}, follow_redirects=False
    )
    assert login.status_code == 302


def test_accounts_made_by_a_sysadmin_are_active_at_once(portal, smtp):
    user = helpers.call_action(
        "user_create", name="made-by-admin", email="a@example.vn", password=GOOD
    )
    assert user["state"] == "active"
    assert smtp.messages == []


def test_password_reset_by_email(portal, smtp):
    factories.User(name="nguoidan03", email="nguoidan03@example.vn", password=GOOD)
    resp = portal.post(
        "/user/reset", data={"user": "nguoidan03@example.vn"}, follow_redirects=False
    )
    assert resp.status_code == 302
    [body] = smtp.bodies_to("nguoidan03@example.vn")
    link = re.search(r"http://test\.ckan\.net(/user/reset/\S+)", body).group(1)
    weak = portal.post(
        link, data={"password1": "short1", "password2": "short1"}, follow_redirects=False
    )
    assert weak.status_code == 200 and "ít nhất 10 ký tự" in weak.get_data(as_text=True)
    new = "Song-Hau-chay-qua-2026"
    assert (
        portal.post(
            link, data={"password1": new, "password2": new}, follow_redirects=False
        ).status_code
        == 302
    )
    model.Session.expire_all()
    assert model.User.by_name("nguoidan03").validate_password(new)
    # the link worked once
    assert (
        portal.post(
            link, data={"password1": new, "password2": new}, follow_redirects=False
        ).status_code
        == 403
    )


def test_api_tokens_expire(portal):
    user = factories.User(name="script-user", password=GOOD)
    token = helpers.call_action(
        "api_token_create",
        {"user": user["name"]},
        user=user["name"],
        name="script",
        expires_in=2,
        unit=1,
    )["token"]
    headers = {"Authorization": token}
    ok = portal.get("/api/3/action/dashboard_activity_list", headers=headers)
    assert ok.status_code == 200
    time.sleep(3)
    expired = portal.get("/api/3/action/dashboard_activity_list", headers=headers)
    assert expired.status_code == 403


def test_api_token_lifetime_is_capped(portal):
    from ckan.logic import ValidationError

    user = factories.User(name="script-user2", password=GOOD)
    with pytest.raises(ValidationError) as err:
        helpers.call_action(
            "api_token_create",
            {"user": user["name"]},
            user=user["name"],
            name="forever",
            expires_in=366,
            unit=86400,
        )
    assert "expires_in" in err.value.error_dict
    helpers.call_action(
        "api_token_create",
        {"user": user["name"]},
        user=user["name"],
        name="a-year",
        expires_in=365,
        unit=86400,
    )


def test_an_account_made_by_a_signed_in_citizen_waits_for_its_email(portal, smtp):
    """A citizen cannot vouch for another person's address: the account they
    create is pending until its own e-mail link is opened."""
    citizen = factories.User(name="nguoidan04", password=GOOD)
    context = {"user": citizen["name"], "ignore_auth": False}
    made = helpers.call_action(
        "user_create",
        context=context,
        name="ban-cua-toi",
        email="ban-cua-toi@example.vn",
        password=GOOD,
    )
    assert made["state"] == "pending"
    assert model.User.by_name("ban-cua-toi").state == "pending"
    assert len(smtp.bodies_to("ban-cua-toi@example.vn")) == 1
