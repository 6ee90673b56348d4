"""The ``angiang_openapi`` harvester against a real agency API on 127.0.0.1
(Art. 8.1, 8.3: agencies' APIs harvested on the catalogue's schedule;
Art. 9.2: nothing falsified or lost)."""

from __future__ import annotations

import csv
import hashlib
import io

import ckan.plugins.toolkit as tk
import pytest
from ckan.lib.uploader import ResourceUpload

from . import helpers
from .agency_api import AgencyAPI, record, rows_for, source_config


def _file_bytes(resource: dict) -> bytes:
    with open(ResourceUpload(resource).get_path(resource["id"]), "rb") as f:
        return f.read()


def _by_role(pkg: dict) -> dict:
    return {r.get("harvest_resource"): r for r in pkg["resources"]}


@pytest.fixture
def api():
    with AgencyAPI([record(i) for i in range(1, 4)], page_size_default=2) as server:
        yield server


@pytest.fixture
def source(agency, api):
    config = source_config()
    config["datasets"][0]["pagination"]["size"] = 2  # 3 records: two pages
    return helpers.create_source(agency["id"], api.url, "angiang_openapi", config)


def test_first_harvest_maps_records_into_the_schema(agency, api, source):
    api.rows["DD-0002"] = rows_for("DD-0002", 250)  # three snapshot pages of 100
    result = helpers.run_job(source)

    assert result["gather_errors"] == []
    assert [o["errors"] for o in result["objects"].values()] == [[], [], []]
    assert {g: o["report_status"] for g, o in result["objects"].items()} == {
        "listDatasets/DD-0001": "added",
        "listDatasets/DD-0002": "added",
        "listDatasets/DD-0003": "added",
    }
    datasets = helpers.harvested(agency["id"])
    pkg = datasets["Bảng giá đất khu vực 2"]
    # Vietnamese-aware name, the agency as publisher, fields mapped (value map applied)
    assert pkg["name"] == "bang-gia-dat-khu-vuc-2"
    assert pkg["owner_org"] == agency["id"]
    assert pkg["notes"] == "Bảng giá đất của khu vực 2, tỉnh An Giang."
    assert pkg["license_id"] == "CC-BY-4.0"
    assert pkg["frequency"] == "ANNUAL"
    assert pkg["theme"] == ["ENVI"]
    assert sorted(t["name"] for t in pkg["tags"]) == ["giá đất", "đất đai"]
    assert pkg["private"] is False
    assert pkg["identifier"]  # the portal's own identifier, assigned by the schema

    res = _by_role(pkg)
    assert res["api"]["resource_kind"] == "api"
    assert res["api"]["url"] == f"{api.url}/datasets/DD-0002/rows"
    assert res["api"]["openapi_url"] == f"{api.url}/openapi.json"
    # Snapshot: all 250 rows (pagination followed), stored by the portal with SHA-256
    csv_res, json_res = res["snapshot-csv"], res["snapshot-json"]
    assert csv_res["url_type"] == "upload" and csv_res["format"] == "CSV"
    data = _file_bytes(csv_res)
    assert csv_res["hash"] == hashlib.sha256(data).hexdigest()
    assert csv_res["size"] == len(data)
    table = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert table[0] == ["stt", "ma", "thua", "gia", "vi_tri.xa", "vi_tri.to"]
    assert len(table) == 251 and table[250][0] == "250" and table[1][4] == "Long Xuyên"
    assert json_res["hash"] == hashlib.sha256(_file_bytes(json_res)).hexdigest()
    assert [q.get("offset") for _, _, q in api.requests_to("/datasets/DD-0002/rows")] == [
        "0",
        "100",
        "200",
    ]


def test_rerun_updates_only_what_changed(agency, api, source):
    helpers.run_job(source)
    before = helpers.harvested(agency["id"])

    api.records[0]["ten"] = "Bảng giá đất khu vực 1 (điều chỉnh)"  # metadata change
    api.rows["DD-0002"] = rows_for("DD-0002", 5)  # data change
    result = helpers.run_job(source)

    status = {g: o["report_status"] for g, o in result["objects"].items()}
    assert status == {
        "listDatasets/DD-0001": "updated",
        "listDatasets/DD-0002": "updated",
        "listDatasets/DD-0003": "not modified",
    }
    after = helpers.harvested(agency["id"])
    assert "Bảng giá đất khu vực 1 (điều chỉnh)" in after
    # the renamed dataset keeps its id, name and identifier
    renamed = after["Bảng giá đất khu vực 1 (điều chỉnh)"]
    assert (renamed["id"], renamed["name"], renamed["identifier"]) == (
        before["Bảng giá đất khu vực 1"]["id"],
        before["Bảng giá đất khu vực 1"]["name"],
        before["Bảng giá đất khu vực 1"]["identifier"],
    )
    # new data: same resource, new checksum; untouched dataset: not written at all
    old2, new2 = (
        _by_role(before["Bảng giá đất khu vực 2"]),
        _by_role(after["Bảng giá đất khu vực 2"]),
    )
    assert new2["snapshot-csv"]["id"] == old2["snapshot-csv"]["id"]
    assert new2["snapshot-csv"]["hash"] != old2["snapshot-csv"]["hash"]
    assert (
        new2["snapshot-csv"]["hash"]
        == hashlib.sha256(_file_bytes(new2["snapshot-csv"])).hexdigest()
    )
    assert (
        after["Bảng giá đất khu vực 3"]["metadata_modified"]
        == before["Bảng giá đất khu vực 3"]["metadata_modified"]
    )


def test_record_gone_upstream_is_withdrawn_not_purged_then_restored(agency, api, source):
    helpers.run_job(source)
    gone = api.records.pop(1)
    result = helpers.run_job(source)

    assert result["objects"]["listDatasets/DD-0002"]["report_status"] == "deleted"
    pkg = helpers.show("bang-gia-dat-khu-vuc-2")
    assert pkg["state"] == "active" and pkg["private"] is True
    reason = helpers.extras(pkg)["harvest_withdrawn_reason"]
    assert "no longer in the agency API" in reason and "không còn" in reason
    assert helpers.extras(pkg)["harvest_withdrawn_at"]
    # hidden from the public
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("package_show")({"user": ""}, {"id": pkg["id"]})
    # a second run does not withdraw it again
    again = helpers.run_job(source)
    assert "listDatasets/DD-0002" not in again["objects"]

    api.records.insert(1, gone)
    helpers.run_job(source)
    back = helpers.show("bang-gia-dat-khu-vuc-2")
    assert back["id"] == pkg["id"] and back["private"] is False
    assert "harvest_withdrawn_reason" not in helpers.extras(back)


def test_source_default_licence_covers_records_without_one(agency, api, source):
    del api.records[0]["giay_phep"]
    helpers.run_job(source)
    datasets = helpers.harvested(agency["id"])
    assert datasets["Bảng giá đất khu vực 1"]["license_id"] == "vn-nd47-2020-dieu-18"
    assert datasets["Bảng giá đất khu vực 2"]["license_id"] == "CC-BY-4.0"


def test_record_failing_the_schema_is_an_object_error_and_the_job_goes_on(agency, api, source):
    api.records[0]["tan_suat"] = "Thỉnh thoảng"  # not a frequency of the vocabulary
    api.records[2]["linh_vuc"] = {"ma": "ENVI"}  # wrong JSON type
    result = helpers.run_job(source)

    bad = result["objects"]["listDatasets/DD-0001"]
    assert bad["state"] == "ERROR"
    ((stage, message),) = bad["errors"]
    assert stage == "Import" and "frequency" in message and "DD-0001" in message
    wrong = result["objects"]["listDatasets/DD-0003"]
    ((stage, message),) = wrong["errors"]
    assert "theme" in message and "“linh_vuc” must be a string or a list of strings" in message
    assert result["objects"]["listDatasets/DD-0002"]["report_status"] == "added"
    assert list(helpers.harvested(agency["id"])) == ["Bảng giá đất khu vực 2"]


def test_duplicate_identifiers(agency, api, source):
    helpers.run_job(source)
    before = helpers.show("bang-gia-dat-khu-vuc-3")
    # DD-0003 twice with different content; DD-0001 twice, identical (paging overlap)
    api.records.append(record(3, ten="Một tập khác"))
    api.records.append(record(1))
    result = helpers.run_job(source)

    assert any("DD-0003" in e and "more than once" in e for e in result["gather_errors"])
    assert not any("DD-0001" in e for e in result["gather_errors"])
    assert "listDatasets/DD-0003" not in result["objects"]  # neither copy imported
    after = helpers.show("bang-gia-dat-khu-vuc-3")
    assert after["metadata_modified"] == before["metadata_modified"] and not after["private"]
    assert result["objects"]["listDatasets/DD-0001"]["report_status"] == "not modified"


def test_api_key_header_is_sent(agency, api):
    api.required_header = ("X-API-Key", "bi-mat-123")
    config = source_config(with_snapshot=False)
    config["api_key"] = {"header": "X-API-Key", "value": "bi-mat-123"}
    source = helpers.create_source(agency["id"], api.url, "angiang_openapi", config)
    assert helpers.run_job(source)["gather_errors"] == []
    assert len(helpers.harvested(agency["id"])) == 3

    config["api_key"]["value"] = "sai"
    source = helpers.update_config(source, config)
    errors = helpers.run_job(source)["gather_errors"]
    assert len(errors) == 1 and "HTTP 401" in errors[0] and "api_key" in errors[0]


def test_api_key_from_the_workers_environment(agency, api, monkeypatch):
    """``${NAME}`` keeps the key out of the source configuration, which
    anyone who can see the source can read."""
    api.required_header = ("X-API-Key", "bi-mat-456")
    config = source_config(with_snapshot=False)
    config["api_key"] = {"header": "X-API-Key", "value": "${DAT_DAI_API_KEY}"}
    source = helpers.create_source(agency["id"], api.url, "angiang_openapi", config)
    assert "bi-mat-456" not in source["config"]

    monkeypatch.delenv("DAT_DAI_API_KEY", raising=False)
    errors = helpers.run_job(source)["gather_errors"]
    assert len(errors) == 1 and "DAT_DAI_API_KEY" in errors[0]

    monkeypatch.setenv("DAT_DAI_API_KEY", "bi-mat-456")
    assert helpers.run_job(source)["gather_errors"] == []
    assert len(helpers.harvested(agency["id"])) == 3
