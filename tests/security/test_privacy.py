"""Item 6 of issue 17: anonymous visitors do not get registered users' full
names and last-active times (user_list, user_show, user_autocomplete)."""

import ckan.tests.helpers as helpers
import pytest
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

FULLNAME = "Nguyễn Thị Hồng Nhung"


@pytest.fixture
def citizen():
    user = ckan_factories.User(fullname=FULLNAME, name="cong-dan-nhung")
    helpers.call_action("user_show", {"user": user["name"]}, id=user["id"])
    return user


def _visible(body):
    return FULLNAME in body or "Hồng Nhung" in body


class TestAnonymous:
    def test_user_list_names_only(self, app, citizen):
        res = app.get("/api/3/action/user_list").json["result"]
        mine = [u for u in res if u["name"] == "cong-dan-nhung"][0]
        assert mine["fullname"] is None and mine["display_name"] == "cong-dan-nhung"
        assert "last_active" not in mine
        assert not _visible(app.get("/api/3/action/user_list").body)

    def test_user_show_names_only(self, app, citizen):
        res = app.get("/api/3/action/user_show", query_string={"id": citizen["name"]})
        user = res.json["result"]
        assert user["name"] == "cong-dan-nhung" and user["fullname"] is None
        assert "last_active" not in user and not _visible(res.body)

    def test_full_name_cannot_be_searched(self, app, citizen):
        assert app.get("/api/3/action/user_list", query_string={"q": "Hồng"}).json["result"] == []
        found = app.get("/api/3/action/user_list", query_string={"q": "cong-dan"}).json["result"]
        assert [u["name"] for u in found] == ["cong-dan-nhung"]

    def test_user_page_shows_no_full_name(self, app, citizen):
        assert not _visible(app.get(f"/user/{citizen['name']}").body)


class TestLoggedIn:
    def test_a_logged_in_user_sees_full_names(self, app, citizen):
        other = ckan_factories.UserWithToken()
        res = app.get(
            "/api/3/action/user_show",
            query_string={"id": citizen["name"]},
            headers={"Authorization": other["token"]},
        )
        assert res.json["result"]["fullname"] == FULLNAME

    def test_internal_calls_unchanged(self, citizen):
        user = helpers.call_action("user_show", {"ignore_auth": True, "user": ""}, id=citizen["id"])
        assert user["fullname"] == FULLNAME


@pytest.mark.ckan_config("ckanext.angiang.security.hide_user_details_from_anonymous", False)
def test_configurable(app, citizen):
    user = app.get("/api/3/action/user_show", query_string={"id": citizen["name"]}).json["result"]
    assert user["fullname"] == FULLNAME
