"""The portal's pages (issue #13 item 1): five pages in Vietnamese and
English, edited by sysadmins only, validated field by field, nothing
half-written; /about shows the portal's own text."""

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from angiang_testing.factories import Agency

from ckanext.angiang.portal import pages

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _sysadmin_env():
    user = factories.SysadminWithToken()
    return user, {"Authorization": user["token"]}


def test_seed_writes_the_five_pages_once_in_both_languages():
    admin = factories.Sysadmin()
    assert pages.seed(admin["name"]) == 10
    assert pages.seed(admin["name"]) == 0  # idempotent: nothing rewritten
    shown = helpers.call_action("angiang_page_list", {"user": ""}, lang="en")
    assert [p["name"] for p in shown] == list(pages.PAGES)
    assert all(p["stored"] and p["title"] and p["content"] for p in shown)
    about = helpers.call_action("angiang_page_show", {"user": ""}, name="about", lang="vi")
    assert "62/2024/QĐ-UBND" in about["content"]


def test_a_sysadmin_edit_is_kept_by_a_later_seed():
    admin = factories.Sysadmin()
    helpers.call_action(
        "angiang_page_update",
        {"user": admin["name"]},
        name="contact",
        lang="vi",
        title="Liên hệ Sở KH&CN",
        content="Gọi 0296 000 000",
    )
    pages.seed(admin["name"])
    page = helpers.call_action("angiang_page_show", {"user": ""}, name="contact", lang="vi")
    assert page["title"] == "Liên hệ Sở KH&CN"


def test_only_sysadmins_update():
    user = factories.User()
    org_admin = factories.User()
    Agency(users=[{"name": org_admin["name"], "capacity": "admin"}])
    for who in (user["name"], org_admin["name"], ""):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action(
                "angiang_page_update",
                {"user": who, "ignore_auth": False},
                name="about",
                lang="vi",
                title="x",
                content="y",
            )
    assert pages.read("about", "vi") is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "no-such-page"),
        ("lang", "fr"),
        ("title", ""),
        ("title", "t" * 201),
        ("content", "c" * 100_001),
    ],
)
def test_field_errors_write_nothing(field, value):
    admin = factories.Sysadmin()
    data = {"name": "about", "lang": "vi", "title": "Giới thiệu", "content": "Nội dung"}
    data[field] = value
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("angiang_page_update", {"user": admin["name"]}, **data)
    assert field in e.value.error_dict
    assert pages.read("about", "vi") is None


def test_api_answers_409_with_the_field_in_vietnamese(app):
    _, env = _sysadmin_env()
    resp = app.post(
        "/api/3/action/angiang_page_update",
        headers=env,
        status=409,
        json={"name": "about", "lang": "vi", "title": "", "content": "x"},
    )
    assert "title" in resp.json["error"]
    resp = app.post(
        "/vi/api/3/action/angiang_page_update",
        headers=env,
        status=409,
        json={"name": "khong-co", "lang": "vi", "title": "a"},
    )
    assert "Phải là một trong" in str(resp.json["error"]["name"])


def test_page_view_and_about_in_both_languages(app):
    pages.seed(factories.Sysadmin()["name"])
    body = app.get("/pages/api-guide", status=200).body
    assert "API guide" in body and "/api/docs" in body
    vi = app.get("/about", status=200).body
    assert "Decision 62/2024/QĐ-UBND" in vi  # test.ini's default locale is English
    assert "CKAN is the world" not in vi
    app.get("/pages/no-such-page", status=404)
    # anonymous visitors do not get the edit link or form
    assert "/pages/about/edit" not in vi
    app.get("/pages/about/edit", status=403)


@pytest.mark.ckan_config("ckan.locale_default", "vi")
def test_vietnamese_page_and_english_fallback(app):
    admin = factories.Sysadmin()
    helpers.call_action(
        "angiang_page_update",
        {"user": admin["name"]},
        name="licences",
        lang="vi",
        title="Giấy phép",
        content="Điều 4",
    )
    assert "Giấy phép" in app.get("/pages/licences").body
    # no English text yet: the Vietnamese one, not an empty page
    assert "Điều 4" in app.get("/en/pages/licences").body


def test_edit_form_saves_both_languages_or_neither(app):
    user, env = _sysadmin_env()
    form = app.get("/pages/contact/edit", headers=env, status=200).body
    assert 'name="title_vi"' in form and 'name="content_en"' in form
    bad = app.post(
        "/pages/contact/edit",
        headers=env,
        status=400,
        data={"title_vi": "Liên hệ", "content_vi": "Mới", "title_en": "", "content_en": "New"},
    )
    assert "Missing value" in bad.body
    assert pages.read("contact", "vi") is None  # the valid half was not written
    app.post(
        "/pages/contact/edit",
        headers=env,
        data={
            "title_vi": "Liên hệ",
            "content_vi": "**Mới**",
            "title_en": "Contact",
            "content_en": "New <script>alert(1)</script>",
        },
        status=200,
    )
    page = app.get("/pages/contact").body
    assert "<script>alert(1)</script>" not in page  # Markdown is sanitised
    assert pages.read("contact", "vi")["content"] == "**Mới**"
