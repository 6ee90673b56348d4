"""Faults of agency APIs, with a real HTTP server on 127.0.0.1 (issue 6, item 4).

Each fault must end as a recorded gather/fetch/object error with a message
an agency can act on; the datasets harvested before stay as they were;
the next good run recovers (Art. 8.3, 9.2).
"""

from __future__ import annotations

import json

import pytest

from . import helpers
from .agency_api import AgencyAPI, record, source_config

TITLES = {"Bảng giá đất khu vực 1", "Bảng giá đất khu vực 2", "Bảng giá đất khu vực 3"}


@pytest.fixture
def api():
    with AgencyAPI([record(i) for i in range(1, 4)]) as server:
        yield server


def _config(**limits):
    """Generous limits for the good runs (a loaded CI machine can hold a
    loopback answer for over a second); the timeout faults tighten them."""
    config = source_config()
    config.update({"timeout": 10, "total_timeout": 20, "max_retries": 1, "retry_backoff": 0})
    config.update(limits)
    return config


def _snapshot_state(agency_id):
    return {
        title: (
            pkg["metadata_modified"],
            pkg["private"],
            sorted((r.get("harvest_resource"), r.get("hash")) for r in pkg["resources"]),
        )
        for title, pkg in helpers.harvested(agency_id).items()
    }


def _harvest_fault_recover(agency, api, source, inject, expected, *, gather=True, config=None):
    """Good run; the fault (datasets untouched, error recorded); good run again."""
    first = helpers.run_job(source)
    assert first["gather_errors"] == [] and set(helpers.harvested(agency["id"])) == TITLES
    before = _snapshot_state(agency["id"])

    restore = inject()
    if config is not None:
        source = helpers.update_config(source, config)
    faulty = helpers.run_job(source)
    messages = (
        faulty["gather_errors"]
        if gather
        else [m for o in faulty["objects"].values() for _, m in o["errors"]]
    )
    assert any(expected in m for m in messages), messages
    # bilingual, and nothing else changed: no dataset added, altered or withdrawn
    assert all(" / " in m for m in messages)
    assert _snapshot_state(agency["id"]) == before
    assert faulty["status"] == "Finished"

    if restore:
        restore()
    if config is not None:
        source = helpers.update_config(source, _config())
    api.records[0]["mo_ta"] = "Mô tả mới sau sự cố."
    recovered = helpers.run_job(source)
    assert recovered["gather_errors"] == []
    assert all(not o["errors"] for o in recovered["objects"].values())
    assert (
        helpers.harvested(agency["id"])["Bảng giá đất khu vực 1"]["notes"] == "Mô tả mới sau sự cố."
    )
    return faulty


@pytest.fixture
def source(agency, api):
    return helpers.create_source(agency["id"], api.url, "angiang_openapi", _config())


def test_connection_refused(agency, api, source):
    port = helpers.closed_port()
    bad = dict(source, url=f"http://127.0.0.1:{port}")
    site_user = __import__("ckan.plugins.toolkit", fromlist=["x"]).get_action("get_site_user")(
        {"ignore_auth": True}, {}
    )

    def inject():
        import ckan.plugins.toolkit as tk

        tk.get_action("harvest_source_update")(
            {"user": site_user["name"], "ignore_auth": True}, bad
        )

        def restore():
            tk.get_action("harvest_source_update")(
                {"user": site_user["name"], "ignore_auth": True}, dict(source)
            )

        return restore

    faulty = _harvest_fault_recover(agency, api, source, inject, "connection refused")
    assert any("máy chủ từ chối kết nối" in m for m in faulty["gather_errors"])


def test_timeout(agency, api, source):
    def inject():
        api.always("/datasets", stall=3)
        return api.clear

    _harvest_fault_recover(
        agency, api, source, inject, "stopped sending for more than 1 s", config=_config(timeout=1)
    )


def test_slow_drip(agency, api, source):
    def inject():
        # one byte every 0.2 s: never silent for the 1 s read timeout,
        # but far past the 2 s total deadline
        api.always("/datasets", drip=(200, 0.2))
        return api.clear

    _harvest_fault_recover(
        agency,
        api,
        source,
        inject,
        "sends too slowly: not finished after 2 s",
        config=_config(timeout=1, total_timeout=2),
    )


def test_http_500(agency, api, source):
    def inject():
        api.always("/datasets", status=500, body=b'{"loi": "database down"}')
        return api.clear

    faulty = _harvest_fault_recover(agency, api, source, inject, "failed (HTTP 500)")
    assert any("after 2 attempts" in m and "database down" in m for m in faulty["gather_errors"])


def test_http_429_retry_after_is_honoured(agency, api, source):
    helpers.run_job(source)
    api.records[1]["mo_ta"] = "Cập nhật sau khi bị giới hạn."
    api.fail("/datasets", status=429, retry_after=1)
    result = helpers.run_job(source)

    assert result["gather_errors"] == []
    assert (
        helpers.harvested(agency["id"])["Bảng giá đất khu vực 2"]["notes"]
        == "Cập nhật sau khi bị giới hạn."
    )
    (t_limited, _, _), (t_retry, _, _) = api.requests_to("/datasets")[-2:]
    assert t_retry - t_limited >= 1.0  # waited as the API asked


def test_http_429_retry_after_beyond_the_limit(agency, api, source):
    def inject():
        api.always("/datasets", status=429, retry_after=3600)
        return api.clear

    _harvest_fault_recover(
        agency,
        api,
        source,
        inject,
        "asking to wait 3600 s (Retry-After), more than the source's limit",
    )


def test_malformed_json(agency, api, source):
    def inject():
        api.always("/datasets", body=b'{"data": {"items": [{"ma": "DD-0001",')
        return api.clear

    _harvest_fault_recover(agency, api, source, inject, "is not valid JSON")


def test_invalid_openapi_document(agency, api, source):
    def inject():
        document = api.document
        api.document = {"swagger": "2.0", "info": {"title": "cũ"}, "paths": {}}

        def restore():
            api.document = document

        return restore

    faulty = _harvest_fault_recover(agency, api, source, inject, "OpenAPI document")
    assert any("OpenAPI 3 is needed" in m for m in faulty["gather_errors"])


def test_operation_missing_from_the_openapi_document(agency, api, source):
    def inject():
        document = json.loads(json.dumps(api.document))
        api.document["paths"]["/datasets"]["get"]["operationId"] = "danhSach"

        def restore():
            api.document = document

        return restore

    _harvest_fault_recover(
        agency,
        api,
        source,
        inject,
        "Operation “listDatasets” (datasets[0].operation) is not in the OpenAPI",
    )


def test_response_above_the_size_limit(agency, api, source):
    def inject():
        api.always("/datasets", huge=3 * 1024 * 1024, declare=False)
        return api.clear

    _harvest_fault_recover(
        agency, api, source, inject, "larger than the 1 MB limit", config=_config(max_response_mb=1)
    )


def test_snapshot_failure_is_a_fetch_error_and_keeps_the_dataset(agency, api, source):
    def inject():
        api.always("/datasets/DD-0002/rows", status=500)
        return api.clear

    faulty = _harvest_fault_recover(
        agency, api, source, inject, "Could not fetch the data", gather=False
    )
    obj = faulty["objects"]["listDatasets/DD-0002"]
    assert obj["state"] == "ERROR" and obj["errors"][0][0] == "Fetch"
    assert faulty["objects"]["listDatasets/DD-0001"]["errors"] == []


def test_failure_on_a_later_page_harvests_nothing_wrongly_and_withdraws_nothing(agency, api):
    api.records = [record(i) for i in range(1, 6)]
    config = _config()
    config["datasets"][0]["pagination"]["size"] = 2
    source = helpers.create_source(agency["id"], api.url, "angiang_openapi", config)
    helpers.run_job(source)
    assert len(helpers.harvested(agency["id"])) == 5

    # page 3 fails: records of pages 1-2 are fine, but nothing may be
    # withdrawn since the listing is incomplete
    api.fail("/datasets", times=0)
    original_route = api.route

    def route(path, query):
        if path == "/datasets" and query.get("page") == "3":
            return 500, {"error": "page 3"}
        return original_route(path, query)

    api.route = route
    result = helpers.run_job(source)
    assert any("HTTP 500" in e for e in result["gather_errors"])
    assert all(not pkg["private"] for pkg in helpers.harvested(agency["id"]).values())
    assert len(result["objects"]) == 4
