"""The home page, header and footer (issue #13 item 1): the province's own
identity, counts that never include private data or drafts, the theme grid,
agencies by level, newest datasets."""

import re

import ckan.tests.factories as ckan_factories
import pytest
from angiang_testing import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _text(html):
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def portal():
    prov = factories.Agency(name="so-nn", title="Sở Nông nghiệp và Môi trường")
    commune = factories.Agency(
        name="ubnd-my-hoa", title="Ủy ban nhân dân phường Mỹ Hòa", agency_level="commune"
    )
    factories.Dataset(
        name="lua-gao", title="Sản lượng lúa gạo", owner_org=prov["id"], theme=["AGRI"]
    )
    factories.Dataset(
        name="dan-so-xa",
        title="Dân số phường Mỹ Hòa",
        owner_org=commune["id"],
        theme=["SOCI", "REGI"],
    )
    factories.Dataset(
        name="bi-mat-rieng",
        title="Tập riêng tư không lộ",
        owner_org=prov["id"],
        private=True,
        theme=["ENER"],
    )
    factories.Dataset(
        name="ban-nhap",
        title="Bản nháp không lộ",
        owner_org=prov["id"],
        state="draft",
        theme=["ENER"],
    )
    return prov, commune


def test_home_is_the_provinces_own(app, portal):
    html = _text(app.get("/", status=200).body)
    assert "An Giang Open Data Portal" in html
    assert "/angiang-portal/logo.svg" in html
    # no CKAN demo leftovers in the page chrome
    for leftover in (
        "Chào mừng bạn đến với CKAN",
        "420 x 220",
        "ckan-footer-logo",
        "Powered by",
        "ckan-logo",
        "CKAN Association",
    ):
        assert leftover not in html
    assert 'action="/dataset/"' in html and 'name="q"' in html


def test_counts_themes_agencies_and_newest_leave_private_and_drafts_out(app, portal):
    html = _text(app.get("/", status=200).body)
    assert re.search(r'angiang-stat-datasets"><span>2</span>', html)
    assert re.search(r'angiang-stat-agencies">2<', html)
    assert re.search(r'angiang-stat-themes">3<', html)  # AGRI, SOCI, REGI; not ENER
    # every theme of the vocabulary, with its label and count
    assert 'data-theme="AGRI"' in html and "Agriculture, fisheries, forestry and food" in html
    assert 'href="/dataset/?theme=AGRI"' in html
    energy = html[html.index('data-theme="ENER"') :][:400]
    assert "0 datasets" in energy
    # agencies by level: the commune under the communes
    commune_level = html[html.index('data-level="commune"') :][:800]
    assert "Ủy ban nhân dân phường Mỹ Hòa" in commune_level
    provincial = html[html.index('data-level="provincial"') : html.index('data-level="commune"')]
    assert "Sở Nông nghiệp và Môi trường" in provincial and "Mỹ Hòa" not in provincial
    # newest datasets, public only
    assert "Sản lượng lúa gạo" in html and "Dân số phường Mỹ Hòa" in html
    assert "không lộ" not in html and "bi-mat-rieng" not in html and "ban-nhap" not in html


@pytest.mark.ckan_config("ckan.locale_default", "vi")
def test_home_in_vietnamese_and_english(app, portal):
    html = _text(app.get("/", status=200).body)
    assert "Cổng dữ liệu mở tỉnh An Giang" in html
    assert "Nông nghiệp, thủy sản, lâm nghiệp và thực phẩm" in html
    assert "Dữ liệu mới nhất" in html
    html = _text(app.get("/en/", status=200).body)
    assert "An Giang Open Data Portal" in html
    assert "Agriculture, fisheries, forestry and food" in html


def test_most_used_block_is_empty_without_the_usage_action(app, portal):
    html = app.get("/", status=200).body
    assert "angiang-most-used" not in html


def test_header_menu_and_footer_links(app, portal):
    html = app.get("/", status=200).body
    header = html[html.index("<header") : html.index("</header>")]
    assert 'href="/group/"' not in header  # "Nhóm" led to an empty page
    assert 'href="/agencies"' in header and 'href="/dataset/"' in header
    footer = html[html.index("<footer") : html.index("</footer>")]
    for href in (
        "/pages/about",
        "/pages/using-data",
        "/pages/licences",
        "/pages/api-guide",
        "/pages/contact",
        "/agencies",
        "/catalog.ttl",
    ):
        assert f'href="{href}"' in footer, href
    assert "docs.ckan.org" not in footer and "ckan.org" not in footer


def test_logo_is_served_by_the_portal(app):
    resp = app.get("/angiang-portal/logo.svg", status=200)
    assert "<svg" in resp.body
    assert "http://" not in resp.body.replace("http://www.w3.org/2000/svg", "")


def test_another_process_write_shows_at_once(app, portal):
    """Nothing is cached per process: a dataset made public shows next view."""
    prov, _ = portal
    ds = factories.Dataset(
        name="moi-cong-bo", title="Vừa công bố hôm nay", owner_org=prov["id"], private=True
    )
    assert "Vừa công bố hôm nay" not in app.get("/").body
    sysadmin = ckan_factories.Sysadmin()
    import ckan.tests.helpers as helpers

    helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=ds["id"], private=False)
    assert "Vừa công bố hôm nay" in app.get("/").body


def test_home_runs_one_search(app, portal):
    """CKAN's own home view searched for four datasets and five facets the
    page never shows; the portal's runs only the search it shows."""
    from ckan.lib import signals

    searches = []

    def count(sender, **kwargs):
        if sender == "package_search":
            searches.append(kwargs.get("data_dict"))

    signals.action_succeeded.connect(count)
    try:
        html = _text(app.get("/", status=200).body)
    finally:
        signals.action_succeeded.disconnect(count)
    assert "Sản lượng lúa gạo" in html
    assert len(searches) == 1, searches
    assert "view_recent desc" not in str(searches)


def test_a_signed_in_person_without_an_email_is_asked_for_one(app, portal):
    import ckan.model as model

    user = ckan_factories.UserWithToken()
    model.User.get(user["name"]).email = None  # as an account made by SSO may be
    model.Session.commit()
    html = app.get("/", status=200, headers={"Authorization": user["token"]}).body
    assert '<a href="/user/edit">update your profile</a>' in html
    assert "view_recent" not in html
