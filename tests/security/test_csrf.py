"""Item 5 of issue 17: CSRF stays on.

CKAN 2.12 exempts a view from CSRF for the rest of the process as soon as a
token-authenticated (or anonymous) request reaches it; the portal scopes the
exemption to that request (ckanext/angiang/security/csrf.py). Cookie-
authenticated Action API writes need the token, JSON or form-encoded;
token-authenticated ones need none. test.ini turns CSRF off globally, so
these tests turn it back on.
"""

import re

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config("WTF_CSRF_ENABLED", True),
]

PASSWORD = "Mat-khau-an-toan-2026"
_META = re.compile(r'<meta name="_csrf_token" content="([^"]+)"')


def _csrf_token(app, url="/dataset/"):
    return _META.search(app.get(url).body).group(1)


def _log_in(app, user):
    token = _csrf_token(app, tk.url_for("user.login"))
    res = app.post(
        tk.url_for("user.login"),
        data={"login": user["name"], "password": PASSWORD, "_csrf_token": token},
    )
    assert "user/logout" in res.body or "/user/_logout" in res.body, "login failed"


@pytest.fixture
def setup():
    """An agency editor (password and token) and a dataset of the agency."""
    user = ckan_factories.UserWithToken(password=PASSWORD)
    org = factories.Agency(users=[{"name": user["name"], "capacity": "editor"}])
    ds = factories.Dataset(owner_org=org["id"], title="Dân số 2025")
    return {"user": user, "token": user["token"], "ds": ds}


def _title(ds):
    model.Session.expire_all()
    return model.Package.get(ds["id"]).title


def _patch_by_cookie(app, ds, title, form=False, **headers):
    url = "/api/3/action/package_patch"
    body = {"id": ds["id"], "title": title}
    if form:
        return app.post(url, data=body, headers=headers)
    return app.post(url, json=body, headers=headers)


class TestCookieApiWrites:
    @pytest.mark.parametrize("form", [False, True], ids=["json", "form-encoded"])
    def test_fresh_process_cookie_post_without_token_refused(self, app, setup, form):
        _log_in(app, setup["user"])
        res = _patch_by_cookie(app, setup["ds"], "Bị giả mạo", form=form)
        assert res.status_code == 400
        assert _title(setup["ds"]) == "Dân số 2025"

    def test_cookie_post_with_the_header_token_passes(self, app, setup):
        # what CKAN's JavaScript client does
        _log_in(app, setup["user"])
        token = _csrf_token(app)
        res = _patch_by_cookie(app, setup["ds"], "Dân số 2026", **{"X-CSRFToken": token})
        assert res.status_code == 200, res.body
        assert _title(setup["ds"]) == "Dân số 2026"

    def test_token_authenticated_post_needs_no_csrf_token(self, app, setup):
        res = app.post(
            "/api/3/action/package_patch",
            headers={"Authorization": setup["token"]},
            json={"id": setup["ds"]["id"], "title": "Qua API"},
        )
        assert res.status_code == 200
        assert _title(setup["ds"]) == "Qua API"

    @pytest.mark.parametrize("form", [False, True], ids=["json", "form-encoded"])
    def test_after_a_token_post_cookie_posts_still_need_the_token(self, app, setup, form):
        # CKAN 2.12 alone: this token call exempts api.action for the process
        ok = app.post(
            "/api/3/action/package_patch",
            headers={"Authorization": setup["token"]},
            json={"id": setup["ds"]["id"], "notes": "Ghi chú"},
        )
        assert ok.status_code == 200
        _log_in(app, setup["user"])
        res = _patch_by_cookie(app, setup["ds"], "Bị giả mạo", form=form)
        assert res.status_code == 400
        assert _title(setup["ds"]) == "Dân số 2025"

    def test_after_anonymous_api_calls_cookie_posts_still_need_the_token(self, app, setup):
        # anonymous calls need no CSRF token (nothing to act with)...
        assert app.post("/api/3/action/package_search", json={"q": "dân số"}).status_code == 200
        # ...and do not exempt the view for a logged-in visitor
        _log_in(app, setup["user"])
        res = _patch_by_cookie(app, setup["ds"], "Bị giả mạo")
        assert res.status_code == 400
        assert _title(setup["ds"]) == "Dân số 2025"


class TestForms:
    def test_after_a_token_post_to_a_form_cookie_posts_still_need_the_token(self, app, setup):
        edit = tk.url_for("dataset.edit", id=setup["ds"]["name"])
        app.post(
            edit, headers={"Authorization": setup["token"]}, data={"title": "Qua token", "save": ""}
        )
        _log_in(app, setup["user"])
        res = app.post(edit, data={"title": "Bị giả mạo", "save": ""})
        assert res.status_code == 400
        assert _title(setup["ds"]) != "Bị giả mạo"

    def test_login_form_needs_the_token_even_after_anonymous_visits(self, app, setup):
        app.get(tk.url_for("user.login"))
        res = app.post(
            tk.url_for("user.login"), data={"login": setup["user"]["name"], "password": PASSWORD}
        )
        assert res.status_code == 400
        _log_in(app, setup["user"])  # with the token: logged in
