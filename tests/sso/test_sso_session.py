"""After the login: "SSO only" for staff, CKAN's login sent to the IdP,
single logout, the IdP's metadata from a URL (cached, refreshed)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import ckan.model as model
import pytest
import requests
from ckan.tests import factories

from ckanext.angiang.sso import metadata

PASSWORD = "Mat-khau-dai-2026!"


def _password_login(app, login):
    return app.post(
        "/user/login", data={"login": login, "password": PASSWORD}, follow_redirects=False
    )


def _logged_in_as(app) -> str | None:
    resp = app.get("/dashboard/datasets", follow_redirects=False)
    if resp.status_code != 200:
        return None
    match = re.search(r'/user/([\\w.-]+)"', resp.get_data(as_text=True))
    return match.group(1) if match else "?"


def test_staff_linked_to_sso_cannot_sign_in_with_a_password(sso):
    assert sso.login().status_code == 302
    user = model.User.by_email("nguyenvana@angiang.gov.vn")
    user.password = PASSWORD  # even if a password is known
    model.Session.commit()
    other = sso.app.test_client()
    resp = other.post(
        "/user/login", data={"login": user.name, "password": PASSWORD}, follow_redirects=False
    )
    assert resp.status_code == 403
    assert "đăng nhập bằng hệ thống đăng nhập một lần" in resp.get_data(as_text=True)
    assert _logged_in_as(other) is None


def test_agency_members_cannot_sign_in_with_a_password_but_citizens_and_sysadmins_can(
    sso, agencies
):
    staff = factories.User(name="staff-local", password=PASSWORD)
    factories.User(name="citizen", password=PASSWORD)
    factories.Sysadmin(name="dic-admin", password=PASSWORD)
    model.Session.add(
        model.Member(
            group=model.Group.get(agencies["so-y-te"].id),
            table_name="user",
            table_id=staff["id"],
            capacity="editor",
            state="active",
        )
    )
    model.Session.commit()
    assert _password_login(sso.app.test_client(), "staff-local").status_code == 403
    for name in ("citizen", "dic-admin"):
        browser = sso.app.test_client()
        assert _password_login(browser, name).status_code == 302
        assert _logged_in_as(browser) is not None


@pytest.mark.ckan_config("ckanext.angiang.sso.staff_sso_only", "false")
def test_sso_only_can_be_turned_off(sso, agencies):
    staff = factories.User(name="staff-local", password=PASSWORD)
    model.Session.add(
        model.Member(
            group=model.Group.get(agencies["so-y-te"].id),
            table_name="user",
            table_id=staff["id"],
            capacity="editor",
            state="active",
        )
    )
    model.Session.commit()
    assert _password_login(sso.app.test_client(), "staff-local").status_code == 302


@pytest.mark.ckan_config("ckanext.saml2auth.enable_ckan_internal_login", "false")
def test_without_internal_login_the_login_page_goes_to_the_idp(sso):
    resp = sso.app.get("/user/login", follow_redirects=False)
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith(sso.idp.base + "/sso?SAMLRequest=")


def test_the_login_page_offers_sso(sso):
    page = sso.app.get("/user/login").get_data(as_text=True)
    assert "/user/saml2login" in page
    assert "Đăng nhập bằng tài khoản một lần của tỉnh" in page


def test_single_logout_round_trip(sso):
    assert sso.login().status_code == 302
    assert _logged_in_as(sso.app) is not None
    resp = sso.app.get("/user/_logout", follow_redirects=False)
    assert resp.status_code == 302
    to_idp = resp.headers["Location"]
    assert to_idp.startswith(sso.idp.base + "/slo?SAMLRequest=") and "&Signature=" in to_idp
    assert _logged_in_as(sso.app) is None  # the portal's session ended first
    back = requests.get(to_idp, allow_redirects=False, timeout=30)
    assert back.status_code == 302, back.text  # the IdP verified the signature
    request = sso.idp.requests[-1]
    assert request.name_id.text == "nguyenvana"
    assert request.session_index
    done = sso.app.get(
        urlparse(back.headers["Location"]).path + "?" + urlparse(back.headers["Location"]).query,
        follow_redirects=False,
    )
    assert done.status_code == 302
    assert (
        done.headers["Location"].endswith("/user/logged_out_redirect")
        or "logged_out" in done.headers["Location"]
    )


def test_a_local_user_logs_out_as_before(sso):
    factories.User(name="citizen", password=PASSWORD)
    assert _password_login(sso.app, "citizen").status_code == 302
    resp = sso.app.get("/user/_logout", follow_redirects=False)
    assert resp.status_code == 302
    assert sso.idp.base not in resp.headers["Location"]


@pytest.fixture
def remote_metadata(sso_config, monkeypatch, idp):
    url = f"{idp.base}/{idp.name}/metadata"
    monkeypatch.setitem(sso_config, "ckanext.saml2auth.idp_metadata.location", "remote")
    monkeypatch.setitem(sso_config, "ckanext.saml2auth.idp_metadata.remote_url", url)
    return url


def test_metadata_from_a_url_is_cached_for_every_process(remote_metadata, sso, idp):
    assert sso.login().status_code == 302
    cached = json.loads(metadata.connect_to_redis().get(metadata._key(remote_metadata)))
    assert idp.entity_id in metadata.idp_entity_ids(cached["xml"])
    fetches = sum("GET /idp/metadata" in line for line in idp.log)
    assert sso.login().status_code == 302
    assert sum("GET /idp/metadata" in line for line in idp.log) == fetches


def test_metadata_is_refreshed_and_the_last_good_copy_survives_an_outage(
    remote_metadata, sso, idp, sso_config, monkeypatch
):
    assert sso.login().status_code == 302
    monkeypatch.setitem(sso_config, "ckanext.angiang.sso.metadata_refresh", 0)
    fetches = sum("GET /idp/metadata" in line for line in idp.log)
    assert sso.login().status_code == 302
    assert sum("GET /idp/metadata" in line for line in idp.log) > fetches  # refreshed
    # the URL now answers garbage: the cached copy stays in use
    monkeypatch.setitem(
        sso_config, "ckanext.saml2auth.idp_metadata.remote_url", f"{idp.base}/nothing-here"
    )
    redis = metadata.connect_to_redis()
    redis.set(metadata._key(f"{idp.base}/nothing-here"), redis.get(metadata._key(remote_metadata)))
    assert sso.login().status_code == 302


def test_no_metadata_at_all_is_a_503_page(remote_metadata, sso_config, monkeypatch, sso):
    monkeypatch.setitem(
        sso_config, "ckanext.saml2auth.idp_metadata.remote_url", "http://127.0.0.1:9/unreachable"
    )
    resp = sso.app.get("/user/saml2login", follow_redirects=False)
    assert resp.status_code == 503
    assert 'data-reason="unavailable"' in resp.get_data(as_text=True)


def _path(url: str) -> str:
    parts = urlparse(url)
    return parts.path + "?" + parts.query


def test_the_idp_ends_the_portal_session(sso):
    assert sso.login().status_code == 302
    url = sso.idp.logout_request_url("http://test.ckan.net/saml2/metadata", "nguyenvana")
    resp = sso.app.get(_path(url), follow_redirects=False)
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith(sso.idp.base + "/slo?SAMLResponse=")
    assert _logged_in_as(sso.app) is None


@pytest.mark.parametrize(
    "forge, status, reason",
    [
        ("unsigned", 400, "unsigned"),
        ("rogue-idp", 400, "bad_signature"),
        ("other-person", 302, None),  # answered, but this session is someone else's
    ],
)
def test_a_forged_logout_request_changes_nothing(sso, rogue_idp, forge, status, reason):
    assert sso.login().status_code == 302
    issuer, uid = sso.idp, "nguyenvana"
    if forge == "other-person":
        uid = "someone-else"
    if forge == "rogue-idp":
        rogue_idp.entity_id = sso.idp.entity_id  # claims to be the IdP
        rogue_idp.trust(sso.app.get("/saml2/metadata").get_data(as_text=True))
        issuer = rogue_idp
    url = issuer.logout_request_url("http://test.ckan.net/saml2/metadata", uid)
    if forge == "unsigned":
        url = re.sub(r"&Signature=[^&]+", "", url)
    resp = sso.app.get(_path(url), follow_redirects=False)
    assert resp.status_code == status
    if reason:
        assert f'data-reason="{reason}"' in resp.get_data(as_text=True)
    assert _logged_in_as(sso.app) is not None


def test_without_the_portal_key_sso_is_unavailable_not_broken(sso, sso_config, monkeypatch):
    monkeypatch.setitem(sso_config, "ckanext.saml2auth.key_file_path", "/nonexistent/sp.key")
    for url in ("/saml2/metadata", "/user/saml2login"):
        resp = sso.app.get(url, follow_redirects=False)
        assert resp.status_code == 503, url
        assert 'data-reason="unavailable"' in resp.get_data(as_text=True)


@pytest.fixture
def with_accounts_plugin(ckan_config, monkeypatch):
    names = ckan_config.get("ckan.plugins")
    names = names.split() if isinstance(names, str) else list(names or [])
    monkeypatch.setitem(
        ckan_config, "ckan.plugins", names + ["angiang_accounts", "expire_api_token"]
    )


@pytest.mark.ckan_config("ckanext.angiang.sso.agency_role", "admin")
def test_an_agency_admin_signed_in_by_sso_is_not_asked_for_a_second_factor(
    with_accounts_plugin, sso
):
    # the IdP did the strong authentication; the portal's TOTP is for passwords
    resp = sso.login()
    assert resp.status_code == 302
    page = sso.app.get(urlparse(resp.headers["Location"]).path, follow_redirects=False)
    assert page.status_code == 200
    assert sso.app.get("/dashboard/datasets", follow_redirects=False).status_code == 200
    assert sso.app.get("/user/2fa/setup").status_code == 200  # the plugin is on


def test_a_wrong_password_does_not_tell_who_is_agency_staff(sso, agencies):
    """The "SSO only" message needs the right password: with a wrong one a
    staff name and a citizen's name get the same generic answer."""
    staff = factories.User(name="staff-local", password=PASSWORD)
    factories.User(name="citizen", password=PASSWORD)
    model.Session.add(
        model.Member(
            group=model.Group.get(agencies["so-y-te"].id),
            table_name="user",
            table_id=staff["id"],
            capacity="editor",
            state="active",
        )
    )
    model.Session.commit()
    answers = []
    for name in ("staff-local", "citizen", "nobody-at-all"):
        resp = sso.app.test_client().post(
            "/user/login",
            data={"login": name, "password": "wrong-" + PASSWORD},
            follow_redirects=False,
        )
        body = resp.get_data(as_text=True)
        answers.append((resp.status_code, "đăng nhập bằng hệ thống đăng nhập một lần" in body))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][1] is False
