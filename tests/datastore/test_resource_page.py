"""The resource page and form (issue 13 item 4, resource part): title and
download first, whole names with their format, no internal fields, the
agency's data date, no media type asked, no preselected frequency, no
Ctrl-click multi-selects."""

import re

import ckan.plugins.toolkit as tk
import pytest
from angiang_testing import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

LONG = "Dân số và số hộ theo khu phố phường Long Xuyên năm 2025 (số liệu chính thức)"


@pytest.fixture
def dataset(editor):
    ds = factories.Dataset(
        owner_org=editor["org"]["id"], issued="2025-03-01", modified="2025-06-30"
    )
    csv = factories.Resource(
        package_id=ds["id"],
        name=LONG,
        format="CSV",
        url="https://example.org/dan-so.csv",
        hash="a" * 64,
    )
    xlsx = factories.Resource(
        package_id=ds["id"], name=LONG, format="XLSX", url="https://example.org/dan-so.xlsx"
    )
    return ds, csv, xlsx


def _page(app, ds, res, lang="/en"):
    return app.get(f"{lang}/dataset/{ds['name']}/resource/{res['id']}").body


def test_title_then_download_first(app, dataset):
    ds, csv, _ = dataset
    body = _page(app, ds, csv)
    module = body[body.index("module-resource") :]
    title = module.index("angiang-resource-title")
    download = module.index("https://example.org/dan-so.csv")
    assert title < download
    assert LONG in module[title:download]  # the whole title, not cut


def test_resources_told_apart_by_name_and_format_in_words(app, dataset):
    ds, csv, _ = dataset
    body = _page(app, ds, csv)
    sidebar = body[body.index("module-narrow resources") :]
    assert sidebar.count(f"{LONG} <span") == 2
    assert "(CSV)" in sidebar and "(XLSX)" in sidebar
    dataset_page = app.get(f"/en/dataset/{ds['name']}").body
    # the dataset page's list (angiang_portal's resource item): name and format badge
    assert dataset_page.count(LONG) >= 2
    assert 'class="badge angiang-format" data-format="xlsx"' in dataset_page


def test_no_internal_fields_and_the_agency_data_date(app, dataset):
    ds, csv, _ = dataset
    body = _page(app, ds, csv)
    info = body[body.index("angiang-resource-info") :]
    for internal in (
        "Has views",
        "Package id",
        "State",
        "Url type",
        "Datastore active",
        "Position",
        'class="toggle-more"',
    ):
        assert internal not in info
    assert "June 30, 2025" in info  # the dataset's modification date (Art. 5.2a)
    assert "a" * 64 in info  # the SHA-256 still shown (and wraps: CSS)


def test_form_asks_no_media_type(app, dataset, editor):
    ds, _, _ = dataset
    form = app.get(
        f"/en/dataset/{ds['name']}/resource/new", headers={"Authorization": editor["token"]}
    ).body
    assert 'name="format"' in form
    assert 'name="mimetype"' not in form


def test_dataset_form_frequency_not_preselected_and_checkboxes(app, editor):
    form = app.get("/en/dataset/new", headers={"Authorization": editor["token"]}).body
    select = re.search(r'<select[^>]*name="frequency".*?</select>', form, re.S).group(0)
    first = re.search(r"<option[^>]*>", select).group(0)
    assert 'value=""' in first
    assert "selected" not in select
    assert re.search(r'type="checkbox"[^>]*name="theme"|name="theme"[^>]*type="checkbox"', form)
    assert not re.search(r"<select[^>]*multiple", form)


@pytest.mark.ckan_config("ckan.plugins", " ".join([*tk.config.get("ckan.plugins"), "text_view"]))
@pytest.mark.ckan_config("ckanext.angiang.datastore.text_preview_max_mb", "0.001")
def test_large_json_not_fetched_by_the_preview(app, editor):
    import io
    import json

    ds = factories.Dataset(owner_org=editor["org"]["id"])
    small = json.dumps({"a": 1}).encode()
    big = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"ten": "phường Mỹ Phước"},
                    "geometry": {"type": "Point", "coordinates": [105.4, 10.4]},
                }
            ]
            * 40,
        }
    ).encode()
    for content, state in ((big, True), (small, False)):
        res = app.post(
            "/api/action/resource_create",
            headers={"Authorization": editor["token"]},
            data={
                "package_id": ds["id"],
                "format": "GeoJSON" if state else "JSON",
                "upload": (io.BytesIO(content), "ranh-gioi.json"),
            },
        ).json["result"]
        views = app.get("/api/action/resource_view_list", query_string={"id": res["id"]}).json[
            "result"
        ]
        assert [v["view_type"] for v in views] == ["text_view"]
        page = app.get(f"/vi/dataset/{ds['id']}/resource/{res['id']}/view/{views[0]['id']}").body
        assert ('data-state="too-large"' in page) is state
        if state:
            assert "Tệp quá lớn để xem trước" in page
