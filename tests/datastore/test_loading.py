"""Uploaded and harvested CSV/XLSX files loaded into the DataStore by real
xloader jobs (Art. 5.2b), Vietnamese intact, or refused with a message on the
resource page; the portal's SHA-256 kept; URLs fetched from allowed hosts only."""

import io

import ckan.plugins.toolkit as tk
import pytest
from angiang_testing import factories

from .conftest import run_jobs
from .samples import HEADER, ROWS, encoded, xlsx

pytestmark = pytest.mark.usefixtures("loading")


def _upload(app, editor, content, filename, fmt="CSV", package_id=None):
    package_id = package_id or factories.Dataset(owner_org=editor["org"]["id"])["id"]
    res = app.post(
        "/api/action/resource_create",
        data={"package_id": package_id, "format": fmt, "upload": (io.BytesIO(content), filename)},
        headers={"Authorization": editor["token"]},
    )
    return res.json["result"]


def _search(app, rid, **params):
    res = app.get("/api/action/datastore_search", query_string={"resource_id": rid, **params})
    return res.json["result"]


def _resource_page(app, resource, lang=""):
    return app.get(f"{lang}/dataset/{resource['package_id']}/resource/{resource['id']}").body


@pytest.mark.parametrize("name", ["utf-8-bom", "utf-16", "windows-1258", "tcvn3"])
def test_vietnamese_headers_and_text_survive(app, editor, name):
    resource = _upload(app, editor, encoded(name), f"dan-so-{name}.csv")
    run_jobs()
    result = _search(app, resource["id"], limit=100)
    assert [f["id"] for f in result["fields"][1:]] == HEADER
    assert result["total"] == len(ROWS)
    assert [[r[h] for h in HEADER] for r in result["records"]] == ROWS
    shown = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    assert shown["datastore_active"] is True
    # the portal's SHA-256 of the upload, not the MD5 xloader computes
    assert shown["hash"] == resource["hash"] and len(shown["hash"]) == 64


def test_xlsx_loaded(app, editor):
    content = xlsx([HEADER, *ROWS[:3]])
    resource = _upload(app, editor, content, "dan-so.xlsx", fmt="XLSX")
    run_jobs()
    result = _search(app, resource["id"])
    assert [f["id"] for f in result["fields"][1:]] == HEADER
    assert result["records"][0]["Tên khu phố"] == ROWS[0][0]


def test_xlsx_with_merged_header_cells_loaded_or_refused_with_a_message(app, editor):
    rows = [["Đơn vị", "Dân số", None], [None, "Nam", "Nữ"], ["Mỹ Phước", 10, 12]]
    resource = _upload(app, editor, xlsx(rows, merge="B1:C1"), "gop-o.xlsx", fmt="XLSX")
    run_jobs()
    shown = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    page = _resource_page(app, resource, "/vi")
    if shown.get("datastore_active"):
        assert _search(app, resource["id"])["total"] >= 1
    else:
        assert 'data-state="error"' in page
        assert "Không có bảng xem trước" in page


def test_unknown_encoding_refused_with_a_message_on_the_resource_page(app, editor):
    content = "コード,名前\n1,東京都\n2,大阪府\n".encode("shift_jis")
    resource = _upload(app, editor, content, "bang.csv")
    run_jobs()
    shown = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    assert not shown.get("datastore_active")
    page = _resource_page(app, resource, "/vi")
    assert 'data-state="error"' in page
    assert "không nhận ra bảng mã" in page
    english = _resource_page(app, resource, "/en")
    assert "character encoding was not recognised" in english


def test_pending_load_said_on_the_page(app, editor):
    resource = _upload(app, editor, encoded("utf-8"), "dan-so.csv")
    page = _resource_page(app, resource, "/en")
    assert 'data-state="pending"' in page
    run_jobs()
    assert "data-state=" not in _resource_page(app, resource, "/en")


def _url_resource(editor, url, fmt="CSV"):
    ds = factories.Dataset(owner_org=editor["org"]["id"])
    context = {"user": editor["user"]["name"], "ignore_auth": False}
    return tk.get_action("resource_create")(
        context, {"package_id": ds["id"], "url": url, "format": fmt, "name": "Dân số"}
    )


@pytest.mark.ckan_config("ckanext.angiang.datastore.allowed_hosts", "127.0.0.1")
def test_file_given_by_url_loaded_from_an_allowed_host(app, editor, file_host):
    file_host.files["/dan-so.csv"] = encoded("tcvn3")
    resource = _url_resource(editor, file_host.url("/dan-so.csv"))
    run_jobs()
    result = _search(app, resource["id"])
    assert result["records"][0]["Tên khu phố"] == ROWS[0][0]
    # xloader's MD5 is not written as the resource's hash (SHA-256 or nothing)
    shown = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    assert shown.get("hash") in ("", None)


@pytest.mark.ckan_config("ckanext.angiang.datastore.allowed_hosts", "opendata.example.gov.vn")
def test_file_given_by_url_not_fetched_from_another_host(app, editor, file_host, monkeypatch):
    file_host.files["/dan-so.csv"] = encoded("utf-8")
    # the portal itself is 127.0.0.1 here: ask through another name of the host
    resource = _url_resource(editor, file_host.url("/dan-so.csv", host="localhost"))
    run_jobs()
    shown = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    assert not shown.get("datastore_active")
    page = _resource_page(app, resource, "/en")
    assert 'data-state="refused"' in page


@pytest.mark.ckan_config("ckanext.angiang.datastore.allowed_hosts", "127.0.0.1")
def test_a_csv_that_is_not_csv_refused_with_a_message(app, editor, file_host):
    file_host.files["/not.csv"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    resource = _url_resource(editor, file_host.url("/not.csv"))
    run_jobs()
    page = _resource_page(app, resource, "/en")
    assert 'data-state="error"' in page
    assert "not a text table" in page
    assert "psycopg" not in page and "SELECT" not in page


def test_preview_is_a_datatables_view_under_the_csp(app, editor):
    resource = _upload(app, editor, encoded("utf-8"), "dan-so.csv")
    run_jobs()
    views = tk.get_action("resource_view_list")({"ignore_auth": True}, {"id": resource["id"]})
    assert [v["view_type"] for v in views] == ["datatables_view"]
    res = app.get(
        f"/dataset/{resource['package_id']}/resource/{resource['id']}/view/{views[0]['id']}"
    )
    body = res.body
    nonce = body.split('<script nonce="', 1)[1].split('"', 1)[0]
    assert f"'nonce-{nonce}'" in res.headers["Content-Security-Policy"]
    assert "onclick=" not in body and "<script type=text/javascript>" not in body
    assert "Tên khu phố" in body  # the Vietnamese column names in the table head
