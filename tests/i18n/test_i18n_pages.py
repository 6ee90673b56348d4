"""Real pages in Vietnamese (the site default) and in English (/en/...),
rendered through the app with the plugins of test.ini. The Vietnamese
strings asserted are msgids CKAN core's own catalogue leaves untranslated, so
only our completion (the angiang_i18n plugin) can put them there."""

import html

import polib
import pytest
from angiang_testing import factories as portal_factories
from ckan.lib.i18n import build_js_translations
from ckan.tests import factories

from angiang_dev import translation

_CORE = {
    e.msgid: e
    for e in polib.pofile(str(translation.po_path(translation.core_i18n_dir(), "vi", "ckan")))
}
_OURS = {
    e.msgid: e
    for e in polib.pofile(str(translation.po_path(translation.CORE_COMPLETION_DIR, "vi", "ckan")))
}


def ours_only(msgid):
    """Our Vietnamese for a msgid that core's vi catalogue does not translate."""
    assert not _CORE[msgid].translated(), f"core translates {msgid!r} now: pick another"
    text = _OURS[msgid].msgstr or _OURS[msgid].msgstr_plural[0]
    assert text
    return text


def page(app, url, **kwargs):
    response = app.get(url, **kwargs)
    return html.unescape(response.get_data(as_text=True))


# msgids of CKAN's page layout that core leaves untranslated in vi
LAYOUT = ["Skip to main content", "Toggle navigation", "Search Datasets...", "Breadcrumb"]


@pytest.mark.ckan_config("ckan.locale_default", "vi")
@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestVietnameseByDefault:
    def test_home_page(self, app):
        body = page(app, "/")
        assert '<html lang="vi"' in body
        assert ours_only("Skip to main content") in body
        # the portal's own home page (angiang_portal), in Vietnamese
        for english, vietnamese in [
            ("Newest datasets", "Dữ liệu mới nhất"),
            ("Agencies by level", "Cơ quan theo cấp"),
        ]:
            assert vietnamese in body and english not in body

    def test_dataset_search(self, app):
        agency = portal_factories.Agency(title="Sở Nông nghiệp và Môi trường")
        portal_factories.Dataset(title="Đất đai", owner_org=agency["id"])
        body = page(app, "/dataset/")
        assert "Đất đai" in body
        for msgid in LAYOUT + ["Search datasets"]:
            assert ours_only(msgid) in body
        # core's "{number} dataset found" reads "1 số bộ dữ liệu tìm thấy";
        # the completion harmonises it, and the facet says agency (cơ quan)
        assert "Tìm thấy 1 tập dữ liệu" in body
        assert 'aria-label="Lọc theo: Cơ quan"' in body
        english = page(app, "/en/dataset/")
        assert "1 dataset found" in english
        assert 'aria-label="Filter by: Organizations"' in english

    def test_login_page(self, app):
        body = page(app, "/user/login")
        assert '<html lang="vi"' in body
        for msgid in LAYOUT + ["Username or Email"]:
            assert ours_only(msgid) in body
            assert msgid not in body
        # translated upstream, and still there through the merge
        assert "Mật khẩu" in body

    def test_register_page(self, app):
        body = page(app, "/user/register")
        for msgid in ["Profile picture", "Profile picture URL"]:
            assert ours_only(msgid) in body

    def test_about_page(self, app):
        # the portal's own "about" page (angiang_portal), not CKAN's marketing text
        from ckanext.angiang.portal import pages

        pages.seed(factories.Sysadmin()["name"])
        body = page(app, "/about")
        assert "Giới thiệu Cổng dữ liệu mở tỉnh An Giang" in body
        assert "CKAN là nền tảng cổng dữ liệu mã nguồn mở hàng đầu thế giới." not in body
        assert "world’s leading open-source data portal platform" not in body

    def test_organization_form(self, app):
        sysadmin = factories.SysadminWithToken()
        body = page(app, "/organization/new", headers={"Authorization": sysadmin["token"]})
        assert "Tạo cơ quan" in body
        for msgid in LAYOUT:
            assert ours_only(msgid) in body

    def test_english_under_en_prefix(self, app):
        body = page(app, "/en/user/login")
        assert '<html lang="en"' in body
        for msgid in LAYOUT + ["Username or Email"]:
            assert msgid in body
            assert ours_only(msgid) not in body

    def test_language_switcher_links_both_languages(self, app):
        body = page(app, "/user/login")
        # CKAN's footer selector: one option per offered locale, current one selected
        assert 'value="/vi/user/login" lang="vi" selected="selected"' in body
        assert 'value="/en/user/login" lang="en" >' in body
        english = page(app, "/en/user/login")
        assert 'value="/en/user/login" lang="en" selected="selected"' in english
        # following the switcher's other option gives the other language
        assert '<html lang="vi"' in page(app, "/vi/user/login")


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_test_ini_default_stays_english(app):
    # CKAN core's tests expect English without a prefix (test.ini)
    body = page(app, "/user/login")
    assert '<html lang="en"' in body
    assert "Skip to main content" in body


@pytest.mark.usefixtures("with_plugins")
def test_js_translations_include_the_completion(app, ckan_config, monkeypatch, tmp_path):
    # CKAN builds /api/i18n/<lang> from the .po files of core and of every
    # ITranslation plugin, in order (`ckan translation js`, also run by `ckan run`)
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    build_js_translations()
    assert (tmp_path / "i18n" / "js" / "vi.js").exists()
    strings = app.get("/api/i18n/vi").json
    assert strings["Please Confirm"] == [None, ours_only("Please Confirm")]
    assert strings["Searching..."] == [None, ours_only("Searching...")]
    # a plural: [msgid_plural, the one Vietnamese form]
    msgid = "Input is too short, must be at least one character"
    assert strings[msgid] == [
        "Input is too short, must be at least %(num)d characters",
        ours_only(msgid),
    ]
    # upstream translations still there
    assert strings["Upload"] == [None, "Tải lên"]
