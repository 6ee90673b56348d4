"""Maps (issue #13 item 3): a dataset's spatial coverage on its page and the
search page's map filter (``ext_bbox``), served by the PostgreSQL search
(Art. 5.2a: the spatial coverage is part of a dataset's scope).

The pages are rendered by the real application (CKAN's ``app`` fixture) on a
real database; the widgets' behaviour in a browser is tested in
tests/browser/test_journeys.py (the map journey).
"""

import html
import json
import re

import ckan.plugins as plugins
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

from ckanext.angiang.metadata import spatial

pytestmark = [
    pytest.mark.usefixtures("with_plugins"),
    # the portal's language settings (ckan.ini): Vietnamese first, English offered
    pytest.mark.ckan_config("ckan.locale_default", "vi"),
    pytest.mark.ckan_config("ckan.locale_order", "vi en"),
    pytest.mark.ckan_config("ckan.locales_offered", "vi en"),
]

PROVINCE = [103.40, 9.20, 105.60, 11.00]
INSIDE = "103.9,10.1,104.1,10.3"  # Phú Quốc
OUTSIDE = "105.7,20.9,106.0,21.2"  # Hà Nội
OVERLAPPING = "105.5,10.9,106.5,11.5"  # crosses the province's north-east corner


@pytest.fixture(scope="module")
def world(reset_db_with_migrations):
    """One agency with a public and a private dataset, made once for the
    module (the tests only read), with test.ini's plugins loaded."""
    plugins.load_all()
    reset_db_with_migrations()
    editor = ckan_factories.UserWithToken()
    agency = factories.Agency(users=[{"name": editor["name"], "capacity": "editor"}])
    public = factories.Dataset(
        owner_org=agency["id"], name="dan-so-phu-quoc", title="Dân số Phú Quốc", spatial_code=""
    )
    private = factories.Dataset(
        owner_org=agency["id"], name="rieng-tu-ban-do", title="Bản đồ riêng tư", private=True
    )
    return {"editor": editor, "agency": agency, "public": public, "private": private}


def _names(body):
    return set(re.findall(r'href="/dataset/([a-z0-9-]+)"', body))


def _attr(body, name):
    match = re.search(name + r'="([^"]*)"', body)
    assert match, f"{name} not in the page"
    return html.unescape(match.group(1))


class TestSearchPageFilter:
    def test_the_widget_is_on_the_search_page_with_the_province_as_first_view(self, app, world):
        body = app.get("/dataset/").body
        assert 'data-module="spatial-query"' in body
        extent = json.loads(_attr(body, "data-default_extent"))
        xs = [p[0] for p in extent["coordinates"][0]]
        ys = [p[1] for p in extent["coordinates"][0]]
        assert [min(xs), min(ys), max(xs), max(ys)] == PROVINCE
        assert "Lọc theo vùng" in body
        # the clear link appears only with a filter to clear
        assert "Bỏ lọc theo vùng" not in body
        # Leaflet and the widgets are served by the portal itself
        scripts = re.findall(r'<script[^>]+src="([^"]+)"', body)
        assert any("spatial_query" in s for s in scripts)
        assert all(s.startswith("/") and not s.startswith("//") for s in scripts)

    @pytest.mark.parametrize(
        "bbox, found",
        [(INSIDE, {"dan-so-phu-quoc"}), (OVERLAPPING, {"dan-so-phu-quoc"}), (OUTSIDE, set())],
    )
    def test_ext_bbox_filters_the_results(self, app, world, bbox, found):
        body = app.get("/dataset/", params={"ext_bbox": bbox}).body
        assert _names(body) & {"dan-so-phu-quoc", "rieng-tu-ban-do"} == found
        assert "Bỏ lọc theo vùng" in body
        api = helpers.call_action("package_search", ext_bbox=bbox)
        assert {d["name"] for d in api["results"]} == found

    def test_private_datasets_stay_hidden_inside_the_box(self, app, world):
        body = app.get("/dataset/", params={"ext_bbox": INSIDE}).body
        assert "rieng-tu-ban-do" not in body and "Bản đồ riêng tư" not in body
        assert re.search(r"1 tập dữ liệu", body)
        member = app.get(
            "/dataset/",
            params={"ext_bbox": INSIDE},
            headers={"Authorization": world["editor"]["token"]},
        ).body
        assert "rieng-tu-ban-do" in member

    @pytest.mark.parametrize("bbox", ["1,2,3", "110,5,100,6", "a,b,c,d"])
    def test_a_malformed_box_is_a_4xx_saying_why(self, app, world, bbox):
        resp = app.get("/dataset/", params={"ext_bbox": bbox}, status=400)
        assert "ext_bbox" in resp.body
        assert "SELECT" not in resp.body and "Traceback" not in resp.body
        with pytest.raises(Exception) as err:
            helpers.call_action("package_search", ext_bbox=bbox)
        assert "ext_bbox" in str(err.value)


class TestDatasetPageMap:
    def test_the_dataset_page_draws_its_extent(self, app, world):
        body = app.get("/dataset/dan-so-phu-quoc").body
        assert 'data-module="dataset-map"' in body
        extent = json.loads(_attr(body, "data-extent"))
        assert extent == json.loads(spatial.geojson("91"))
        assert "Phạm vi không gian" in body and "Tỉnh An Giang" in body
        assert 'aria-label="Bản đồ phạm vi không gian của tập dữ liệu"' in body

    def test_english_page(self, app, world):
        body = app.get("/en/dataset/dan-so-phu-quoc").body
        assert "Spatial coverage" in body and "An Giang province" in body
        config = json.loads(_attr(body, "data-module-map_config"))
        assert config["i18n"]["zoom_in"] == "Zoom in"

    def test_no_base_map_by_default(self, app, world):
        config = json.loads(
            _attr(app.get("/dataset/dan-so-phu-quoc").body, "data-module-map_config")
        )
        assert config["type"] == "none" and "custom_url" not in config
        assert config["i18n"]["zoom_in"] == "Phóng to"

    @pytest.mark.ckan_config(
        "ckanext.angiang.maps.tile_url", "https://tiles.angiang.gov.vn/{z}/{x}/{y}.png"
    )
    @pytest.mark.ckan_config("ckanext.angiang.maps.attribution", "© Sở KH&CN An Giang")
    @pytest.mark.ckan_config("ckanext.angiang.maps.max_zoom", "16")
    def test_the_tile_server_is_configured(self, app, world):
        for url in ("/dataset/dan-so-phu-quoc", "/dataset/"):
            config = json.loads(_attr(app.get(url).body, "data-module-map_config"))
            assert config["type"] == "custom"
            assert config["custom_url"] == "https://tiles.angiang.gov.vn/{z}/{x}/{y}.png"
            assert config["attribution"] == "© Sở KH&CN An Giang"
            assert config["max_zoom"] == 16

    def test_a_private_dataset_page_shows_nothing_to_others(self, app, world):
        app.get("/dataset/rieng-tu-ban-do", status=404)
        body = app.get(
            "/dataset/rieng-tu-ban-do", headers={"Authorization": world["editor"]["token"]}
        ).body
        assert 'data-module="dataset-map"' in body
