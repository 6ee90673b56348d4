"""Licences (Art. 4): the portal list, agency licences, and the licence
wherever the data is obtained (page, resource page, download, API)."""

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

from ckanext.angiang.metadata import licenses

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

PORTAL_LICENCES = {"vn-nd47-2020-dieu-18", "CC-BY-4.0", "CC0-1.0", "ODC-BY-1.0", "ODbL-1.0"}


def _sysadmin_ctx():
    return {"user": ckan_factories.Sysadmin()["name"], "ignore_auth": False}


def test_portal_list_is_the_package_file():
    items = {lic["id"]: lic for lic in helpers.call_action("license_list")}
    assert set(items) == PORTAL_LICENCES
    statutory = items["vn-nd47-2020-dieu-18"]
    assert (
        statutory["title"] == "Điều khoản sử dụng dữ liệu mở theo Điều 18 Nghị định 47/2020/NĐ-CP"
    )
    assert len(statutory["terms_vi"]) == 5 and len(statutory["terms_en"]) == 5
    # a portal page, made absolute with ckan.site_url
    assert statutory["url"] == "http://test.ckan.net/licenses/vn-nd47-2020-dieu-18"
    for lid in PORTAL_LICENCES - {"vn-nd47-2020-dieu-18"}:
        assert items[lid]["url"].startswith("https://")


def test_licence_page_shows_the_five_statutory_terms(app):
    res = app.get("/licenses/vn-nd47-2020-dieu-18")
    assert res.body.count('<ol class="angiang-license-terms">') == 1
    assert "Article 18 of Decree 47/2020/ND-CP" in res.body
    assert "You must credit the source" in res.body
    res_vi = app.get("/vi/licenses/vn-nd47-2020-dieu-18")
    assert "Điều 18 Nghị định 47/2020/NĐ-CP" in res_vi.body
    assert "Phải ghi rõ nguồn dữ liệu" in res_vi.body
    app.get("/licenses/no-such-licence", status=404)
    listing = app.get("/licenses")
    for lid in PORTAL_LICENCES:
        assert lid in listing.body


class TestAgencyLicence:
    """Art. 4.2: a sysadmin adds an agency-issued licence, no code involved."""

    def test_sysadmin_adds_one_and_datasets_use_it(self, app):
        org = factories.Agency(name="so-tai-chinh")
        ctx = _sysadmin_ctx()
        lic = helpers.call_action(
            "angiang_license_create",
            dict(ctx),
            id="ag-stc-2025",
            title_vi="Giấy phép dữ liệu Sở Tài chính",
            agency="so-tai-chinh",
            terms_vi="Ghi nguồn Sở Tài chính.\nKhông dùng vào mục đích trái pháp luật.",
        )
        assert lic["url"] == "http://test.ckan.net/licenses/ag-stc-2025"
        assert "ag-stc-2025" in [i["id"] for i in helpers.call_action("license_list")]
        pkg = helpers.call_action(
            "package_create",
            dict(ctx),
            **factories.dataset_dict(org["id"], license_id="ag-stc-2025"),
        )
        assert pkg["license_title"] == "Giấy phép dữ liệu Sở Tài chính"
        page = app.get("/licenses/ag-stc-2025")
        assert "Ghi nguồn Sở Tài chính." in page.body
        # stored in the database: a fresh register (another process) sees it
        assert licenses.AngiangLicenseRegister().get("ag-stc-2025") is not None

    def test_deleting_a_used_licence_is_refused(self):
        org = factories.Agency()
        ctx = _sysadmin_ctx()
        helpers.call_action("angiang_license_create", dict(ctx), id="ag-x", title_vi="X")
        helpers.call_action(
            "package_create", dict(ctx), **factories.dataset_dict(org["id"], license_id="ag-x")
        )
        with pytest.raises(tk.ValidationError):
            helpers.call_action("angiang_license_delete", dict(ctx), id="ag-x")
        with pytest.raises(tk.ValidationError):
            helpers.call_action("angiang_license_delete", dict(ctx), id="CC-BY-4.0")

    def test_unused_licence_can_be_deleted(self):
        ctx = _sysadmin_ctx()
        helpers.call_action("angiang_license_create", dict(ctx), id="ag-y", title_vi="Y")
        helpers.call_action("angiang_license_delete", dict(ctx), id="ag-y")
        assert "ag-y" not in [i["id"] for i in helpers.call_action("license_list")]

    @pytest.mark.parametrize(
        "data, field",
        [
            ({"id": "CC-BY-4.0", "title_vi": "dup"}, "id"),
            ({"id": "có dấu", "title_vi": "x"}, "id"),
            ({"id": "ag-z"}, "title_vi"),
            ({"id": "ag-z", "title_vi": "z", "url": "ftp://x"}, "url"),
            ({"id": "ag-z", "title_vi": "z", "agency": "no-such-agency"}, "agency"),
        ],
    )
    def test_bad_licence_refused(self, data, field):
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("angiang_license_create", _sysadmin_ctx(), **data)
        assert field in e.value.error_dict
        assert licenses.extra_licenses() == []

    def test_agency_editor_cannot_add_a_licence(self, app):
        user = ckan_factories.UserWithToken()
        factories.Agency(users=[{"name": user["name"], "capacity": "admin"}])
        res = app.post(
            "/api/action/angiang_license_create",
            json={"id": "ag-q", "title_vi": "Q"},
            headers={"Authorization": user["token"]},
            status=403,
        )
        assert res.json["success"] is False
        assert licenses.extra_licenses() == []


class TestLicenceShown:
    def test_dataset_page_resource_page_and_download(self, app, create_with_upload):
        ds = factories.Dataset(license_id="vn-nd47-2020-dieu-18")
        res = create_with_upload(
            b"a,b\n1,2\n", "data.csv", package_id=ds["id"], context=_sysadmin_ctx()
        )
        link = (
            '<a href="http://test.ckan.net/licenses/vn-nd47-2020-dieu-18" '
            'rel="license dc:rights" class="angiang-license">{}</a>'
        )
        en = link.format("Open data terms of use under Article 18 of Decree 47/2020/ND-CP")
        vi = link.format("Điều khoản sử dụng dữ liệu mở theo Điều 18 Nghị định 47/2020/NĐ-CP")
        assert en in app.get(tk.url_for("dataset.read", id=ds["name"])).body
        assert vi in app.get("/vi" + tk.url_for("dataset.read", id=ds["name"])).body
        rpage = app.get(tk.url_for("resource.read", id=ds["name"], resource_id=res["id"]))
        assert en in rpage.body
        dl = app.get(tk.url_for("resource.download", id=ds["id"], resource_id=res["id"]))
        assert dl.body == "a,b\n1,2\n"
        assert (
            dl.headers["Link"]
            == '<http://test.ckan.net/licenses/vn-nd47-2020-dieu-18>; rel="license"'
        )

    def test_link_header_on_redirected_downloads_too(self, app):
        ds = factories.Dataset(license_id="CC0-1.0")
        res = factories.Resource(package_id=ds["id"], url="https://data.angiang.gov.vn/a.csv")
        dl = app.get(
            tk.url_for("resource.download", id=ds["id"], resource_id=res["id"]),
            follow_redirects=False,
            status=302,
        )
        assert (
            dl.headers["Link"]
            == '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"'
        )

    def test_api_carries_the_licence(self, app):
        ds = factories.Dataset(license_id="ODbL-1.0")
        body = app.get("/api/action/package_show", query_string={"id": ds["id"]}).json["result"]
        assert body["license_id"] == "ODbL-1.0"
        assert body["license_url"] == "https://opendatacommons.org/licenses/odbl/1-0/"
        assert body["license_title"].startswith("Open Data Commons Open Database License")


def test_licence_is_a_search_facet():
    factories.Dataset(license_id="CC0-1.0")
    factories.Dataset(license_id="CC0-1.0")
    factories.Dataset(license_id="vn-nd47-2020-dieu-18")
    result = helpers.call_action("package_search", q="", **{"facet.field": ["license_id"]})
    counts = {i["name"]: i["count"] for i in result["search_facets"]["license_id"]["items"]}
    assert counts == {"CC0-1.0": 2, "vn-nd47-2020-dieu-18": 1}
    hits = helpers.call_action("package_search", fq='license_id:"CC0-1.0"')
    assert hits["count"] == 2


def test_register_as_licenses_group_url_json(app):
    """``/licenses.json`` is the register in CKAN's ``licenses_group_url``
    format, with the licences agencies added (Art. 4.2): a harvesting CKAN
    that loads it maps our DCAT licence URIs to the same ids (Art. 7.7)."""
    from ckan.model.license import LicenseRegister

    helpers.call_action(
        "angiang_license_create",
        _sysadmin_ctx(),
        id="ag-json-2025",
        title_vi="Giấy phép dữ liệu thử",
    )
    response = app.get("/licenses.json")
    assert response.headers["Content-Type"].startswith("application/json")
    data = response.json
    urls = {lic["id"]: lic["url"] for lic in data}
    assert set(urls) == PORTAL_LICENCES | {"ag-json-2025"}
    assert urls["ag-json-2025"] == "http://test.ckan.net/licenses/ag-json-2025"
    assert urls["vn-nd47-2020-dieu-18"] == "http://test.ckan.net/licenses/vn-nd47-2020-dieu-18"
    # CKAN's own register reads it as a licences file.
    register = LicenseRegister.__new__(LicenseRegister)
    register._create_license_list(data)
    assert register["ag-json-2025"].title == "Giấy phép dữ liệu thử"
    assert register["CC-BY-4.0"].url == urls["CC-BY-4.0"]
