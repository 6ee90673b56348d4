"""The fixes people asked for in the browser (issue #13 item 4), checked on
the pages the server renders."""

import html as html_lib
import re

import ckan.model as model
import ckan.tests.factories as ckan_factories
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

LONG_A = "Ủy ban nhân dân phường Long Xuyên"
LONG_B = "Ủy ban nhân dân phường Bình Đức"


@pytest.fixture
def agencies():
    prov = factories.Agency(name="ubnd-tinh", title="Ủy ban nhân dân tỉnh An Giang")
    a = factories.Agency(
        name="ubnd-long-xuyen",
        title=LONG_A,
        agency_level="commune",
        parent_agency="ubnd-tinh",
        website="https://longxuyen.angiang.gov.vn",
        description="Phường Long Xuyên thuộc tỉnh An Giang.",
        image_url="logo-long-xuyen.png",
    )
    b = factories.Agency(name="ubnd-binh-duc", title=LONG_B, agency_level="commune")
    factories.Agency(name="van-phong", title="Văn phòng Ủy ban nhân dân tỉnh")
    return prov, a, b


def test_facet_labels_are_whole(app, agencies):
    _, a, b = agencies
    factories.Dataset(owner_org=a["id"])
    factories.Dataset(owner_org=b["id"])
    html = app.get("/dataset/").body
    labels = re.findall(r'<span class="item-label">([^<]*)</span>', html)
    assert LONG_A in labels and LONG_B in labels
    assert not any(label.endswith("...") for label in labels)


def test_facet_values_with_the_same_count_in_vietnamese_order(app, agencies):
    """Ties in a facet: "Ủy ban ..." before "Văn phòng ..." (core's code
    point order puts Ủ after V), the most datasets first still."""
    prov, a, b = agencies
    office = model.Group.get("van-phong")
    for org in (a["id"], a["id"], b["id"], office.id):
        factories.Dataset(owner_org=org)
    html = app.get("/dataset/").body
    labels = re.findall(r'<span class="item-label">([^<]*)</span>', html)
    agencies_shown = [label for label in labels if label in (LONG_A, LONG_B, office.title)]
    assert agencies_shown == [LONG_A, LONG_B, office.title]


def test_vietnamese_sort_key_is_the_order_of_icu():
    from ckanext.angiang.portal.ordering import sort_key

    words = ["Văn phòng", "Ủy ban", "ư", "Đường", "dz", "Dân số", "ông", "Ô tô", "ơn", "mạ"]
    words += ["má", "mã", "mả", "mà", "ma", "Âm nhạc", "Ăn uống", "An Giang", "1 số", "Y tế"]
    expected = [
        *("1 số", "An Giang", "Ăn uống", "Âm nhạc", "Dân số", "dz", "Đường"),
        *("ma", "mà", "mả", "mã", "má", "mạ", "Ô tô", "ông", "ơn", "Ủy ban", "ư"),
        *("Văn phòng", "Y tế"),
    ]
    assert sorted(words, key=sort_key) == expected
    with model.meta.engine.connect() as conn:  # PostgreSQL's own, where it has ICU
        if conn.exec_driver_sql("SELECT 1 FROM pg_collation WHERE collname = 'vi-x-icu'").scalar():
            ordered = conn.exec_driver_sql(
                'SELECT array_agg(w ORDER BY w COLLATE "vi-x-icu") FROM unnest(%(w)s) w',
                {"w": words},
            ).scalar()
            assert ordered == expected


def test_resources_show_whole_name_and_format_in_words(app, agencies):
    _, a, _ = agencies
    name = "Dân số theo phường năm 2025 - bảng tổng hợp đầy đủ các chỉ tiêu"
    ds = factories.Dataset(
        owner_org=a["id"],
        resources=[
            {"url": "https://example.org/a.csv", "name": name, "format": "CSV"},
            {"url": "https://example.org/a.json", "name": name, "format": "JSON"},
        ],
    )
    html = app.get(f"/dataset/{ds['name']}").body
    items = re.findall(
        r'<span class="angiang-resource-name">([^<]*)</span>\s*'
        r'<span class="badge angiang-format"[^>]*>([^<]*)</span>',
        html,
    )
    assert items == [(name, "CSV"), (name, "JSON")]


def test_search_results_show_agency_update_licence_formats(app, agencies):
    _, a, _ = agencies
    factories.Dataset(
        owner_org=a["id"],
        title="Dân số phường",
        license_id="CC-BY-4.0",
        resources=[
            {"url": "https://example.org/x.csv", "format": "CSV"},
            {"url": "https://example.org/x.xlsx", "format": "XLSX"},
        ],
    )
    html = app.get("/dataset/").body
    item = html[html.index('class="dataset-item"') :]
    item = item[: item.index("</li>")]
    assert LONG_A in item
    assert "angiang-meta-modified" in item
    assert (
        re.search(r'angiang-meta-license"><dt>Licence</dt><dd>[^<]*CC', item)
        or "Creative Commons" in item
    )
    assert "CSV, XLSX" in item


def test_search_sorts_by_newest(app, agencies):
    _, a, _ = agencies
    factories.Dataset(owner_org=a["id"], name="cu", title="A cũ hơn")
    factories.Dataset(owner_org=a["id"], name="moi", title="Z mới hơn")
    html = app.get("/dataset/").body
    assert '<option value="metadata_created desc"' in html
    html = app.get("/dataset/", params={"sort": "metadata_created desc"}).body
    assert html.index("/dataset/moi") < html.index("/dataset/cu")


def test_agency_about_page_shows_readable_values(app, agencies):
    html = app.get("/organization/about/ubnd-long-xuyen").body
    about = html[html.index('class="angiang-agency-about"') :]
    about = about[: about.index("</dl>")]
    level = html_lib.unescape(
        re.search(r'data-field="agency_level">([^<]*)<', about).group(1).strip()
    )
    assert level == "Commune-level People's Committee"  # not "commune"
    assert '<a href="/organization/ubnd-tinh">Ủy ban nhân dân tỉnh An Giang</a>' in about
    assert '<a href="https://longxuyen.angiang.gov.vn"' in about
    assert re.search(r'<a href="mailto:[^"]+@angiang.gov.vn">', about)
    assert "logo-long-xuyen.png" not in about  # the logo is a picture, not a file name
    assert "ubnd-tinh</dd>" not in about


def test_agency_box_shows_logo_level_parent(app, agencies):
    html = app.get("/organization/ubnd-long-xuyen").body
    box = html[html.index('id="organization-info"') :]
    box = box[: box.index("</section>")]
    assert re.search(r'<img src="[^"]*logo-long-xuyen.png" alt="Logo of ', box)
    assert (
        "Commune-level People&#39;s Committee" in box or "Commune-level People's Committee" in box
    )
    assert 'href="/organization/ubnd-tinh"' in box


def test_agency_tree_lists_communes_under_communes_and_is_linked(app, agencies):
    html = app.get("/agencies").body
    provincial = html[html.index('id="level-provincial"') : html.index('id="level-commune"')]
    communes = html[html.index('id="level-commune"') : html.index('id="level-other"')]
    assert LONG_A not in provincial and LONG_A in communes
    assert "Reports to" in communes
    assert 'href="/agencies"' in app.get("/").body  # linked from the menu and footer


def test_organization_list_in_vietnamese_order(agencies):
    titles = [
        o["title"]
        for o in helpers.call_action(
            "organization_list", {"user": ""}, all_fields=True, sort="title asc"
        )
    ]
    assert titles == [
        "Ủy ban nhân dân phường Bình Đức",
        "Ủy ban nhân dân phường Long Xuyên",
        "Ủy ban nhân dân tỉnh An Giang",
        "Văn phòng Ủy ban nhân dân tỉnh",
    ]
    names = helpers.call_action(
        "organization_list", {"user": ""}, sort="title desc", limit=2, offset=1
    )
    assert names == ["ubnd-tinh", "ubnd-long-xuyen"]
    # other sorts are CKAN's own
    assert helpers.call_action("organization_list", {"user": ""}, sort="name asc") == [
        "ubnd-binh-duc",
        "ubnd-long-xuyen",
        "ubnd-tinh",
        "van-phong",
    ]


def test_no_groups_in_menu_and_no_gravatar(app, agencies):
    user = ckan_factories.UserWithToken(fullname="Nguyễn Thị Bích", image_url="")
    env = {"Authorization": user["token"]}
    html = app.get("/", headers=env).body
    header = html[html.index("<header") : html.index("</header>")]
    assert "/group/" not in header
    account = html[html.index("account-masthead") : html.index("<header")]
    assert "gravatar.com" not in html and 'alt="Gravatar"' not in html
    assert re.search(r"angiang-initials[^>]*>NB<", account)
    profile = app.get(f"/user/{user['name']}", headers=env).body
    assert "gravatar.com" not in profile and re.search(r"angiang-initials-large[^>]*>NB<", profile)


def test_clerk_lands_on_their_agency(app, agencies):
    _, a, _ = agencies
    clerk = ckan_factories.UserWithToken()
    helpers.call_action(
        "organization_member_create",
        {"ignore_auth": True},
        id=a["id"],
        username=clerk["name"],
        role="editor",
    )
    resp = app.get(
        "/user/landing", headers={"Authorization": clerk["token"]}, follow_redirects=False
    )
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/organization/ubnd-long-xuyen")
    # their tasks above the agency's datasets; not for visitors
    page = app.get("/organization/ubnd-long-xuyen", headers={"Authorization": clerk["token"]})
    assert "angiang-agency-tasks" in page.body and "Add a dataset" in page.body
    assert "angiang-agency-tasks" not in app.get("/organization/ubnd-long-xuyen").body
    # CKAN's /user/me (where a login without "next" goes) sends them there
    resp = app.get("/user/me", headers={"Authorization": clerk["token"]}, follow_redirects=False)
    assert resp.headers["Location"].endswith("/user/landing")
    citizen = ckan_factories.UserWithToken()
    resp = app.get(
        "/user/landing", headers={"Authorization": citizen["token"]}, follow_redirects=False
    )
    assert resp.headers["Location"].rstrip("/").endswith("localhost") or resp.headers[
        "Location"
    ].endswith("/")
    assert model.User.get(clerk["name"]) is not None


def test_groups_facet_only_when_groups_exist(app, agencies):
    _, a, _ = agencies
    factories.Dataset(owner_org=a["id"])
    assert 'name="groups"' not in app.get("/dataset/").body
    assert "/dataset/?groups=" not in app.get("/dataset/").body
    group = ckan_factories.Group(name="nhom-thu", title="Nhóm thử")
    factories.Dataset(owner_org=a["id"], groups=[{"id": group["id"]}])
    assert "groups=nhom-thu" in app.get("/dataset/").body


@pytest.mark.ckan_config("ckan.locale_default", "vi")
def test_licence_titles_and_activity_types_in_vietnamese(app, agencies):
    _, a, _ = agencies
    ds = factories.Dataset(owner_org=a["id"], license_id="CC-BY-4.0")
    search = app.get("/dataset/").body
    facet = (
        search[search.index('aria-label="Lọc theo: Giấy phép"') :][:1500]
        if 'aria-label="Lọc theo: Giấy phép"' in search
        else search
    )
    assert "Creative Commons Ghi công 4.0" in facet
    assert "Creative Commons Attribution 4.0" not in facet
    sysadmin = ckan_factories.SysadminWithToken()
    env = {"Authorization": sysadmin["token"]}
    form = app.get(f"/dataset/edit/{ds['name']}", headers=env).body
    select = form[form.index('id="field-license_id"') :]
    select = select[: select.index("</select>")]
    assert "Creative Commons Ghi công 4.0" in select
    assert "Creative Commons Attribution 4.0" not in select
    activity = app.get(f"/dataset/activity/{ds['name']}", headers=env).body
    selector = activity[activity.index('id="activity_types_filter_select"') :]
    selector = selector[: selector.index("</select>")]
    assert "Tạo tập dữ liệu" in selector and "New Package" not in selector


def test_stylesheet_keeps_words_whole_and_content_first_on_phones(app):
    """CKAN's main.css breaks descriptions anywhere ("Long Xuy|ên") and puts
    the sidebar (a 340 px agency logo) before the dataset on phones; the
    portal's stylesheet, on every page, undoes both."""
    html = app.get("/").body
    href = re.search(r'href="(/webassets/angiang_portal/[^"]+\.css)"', html).group(1)
    css = app.get(href).body
    rule = css[: css.index("word-break: normal")]
    rule = rule[rule.rindex("}") + 1 :]
    for selector in (".media-description", ".context-info .description"):
        assert selector in rule
    phone = css[css.index("@media (max-width: 767.98px)") :]
    assert ".row.wrapper { flex-direction: column;" in phone
    assert ".row.wrapper > .primary { order: 1; }" in phone
    assert "max-height: 64px" in phone
