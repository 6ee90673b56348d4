"""ckanext-harvest's CKAN harvester and ckanext-dcat's DCAT RDF harvester,
mapped into the portal's schema (``angiang_ckan``, ``angiang_dcat_rdf``),
against peers on 127.0.0.1 (issue 6, item 3)."""

from __future__ import annotations

import pytest

from . import helpers
from .peers import CKANPeer, DCATPeer, ckan_packages, dcat_pages

CONFIG = {
    "license_map": {"cc-by": "CC-BY-4.0"},
    "defaults": {
        "license_id": "vn-nd47-2020-dieu-18",
        "theme": ["ECON"],
        "frequency": "IRREG",
        "quality_statement": "Theo công bố của cơ quan nguồn.",
        "no_state_secret": True,
    },
    "timeout": 5,
    "max_retries": 0,
}


def _roles(pkg):
    return sorted(r["harvest_resource"].split(":", 1)[0] for r in pkg["resources"])


def test_ckan_peer_into_the_portal_schema(agency):
    with CKANPeer(ckan_packages()) as peer:
        source = helpers.create_source(
            agency["id"], peer.url, "angiang_ckan", CONFIG, name="cuc-thong-ke-ckan"
        )
        result = helpers.run_job(source)

        assert result["gather_errors"] == []
        datasets = helpers.harvested(agency["id"])
        assert set(datasets) == {"Chỉ số giá tiêu dùng năm 2025", "Danh sách chợ truyền thống"}
        cpi = datasets["Chỉ số giá tiêu dùng năm 2025"]
        assert cpi["name"] == "chi-so-gia-tieu-dung-nam-2025"
        assert cpi["owner_org"] == agency["id"]  # the source's agency, not the peer's
        assert cpi["license_id"] == "CC-BY-4.0"  # license_map
        assert cpi["frequency"] == "MONTHLY"  # EU vocabulary URI -> code
        assert cpi["theme"] == ["ECON"]
        assert cpi["language"] == ["vi"]
        assert (cpi["contact_name"], cpi["contact_email"]) == (
            "Trần Thị Bình",
            "ttbinh@example.gov.vn",
        )
        assert (cpi["issued"], cpi["modified"]) == ("2025-02-03", "2026-01-10")
        assert sorted(t["name"] for t in cpi["tags"]) == ["CPI", "giá cả"]
        assert [(r["format"], r["url"]) for r in cpi["resources"]] == [
            ("CSV", "https://peer.example.gov.vn/dataset/cpi/resource/1/download/cpi-2025.csv"),
            ("JSON", "https://peer.example.gov.vn/api/cpi-2025.json"),
        ]
        assert all(r.get("url_type") in (None, "") for r in cpi["resources"])  # links, not copies
        cho = datasets["Danh sách chợ truyền thống"]
        assert cho["license_id"] == "vn-nd47-2020-dieu-18"  # source default licence
        assert cho["frequency"] == "ANNUAL" and cho["theme"] == ["ECON"]

        # the dataset without a description fails the schema: an object error, job goes on
        failed = [o for o in result["objects"].values() if o["errors"]]
        ((stage, message),) = failed[0]["errors"]
        assert len(failed) == 1 and stage == "Import" and "notes" in message

        # re-run: nothing changed, nothing written
        again = helpers.run_job(source)
        reports = sorted(o["report_status"] for o in again["objects"].values())
        assert reports == ["errored", "not modified", "not modified"]


def test_ckan_peer_timeout_is_a_gather_error(agency):
    port = helpers.closed_port()
    source = helpers.create_source(
        agency["id"], f"http://127.0.0.1:{port}", "angiang_ckan", CONFIG, name="ckan-tat"
    )
    result = helpers.run_job(source)
    assert any("connection refused" in e for e in result["gather_errors"])


@pytest.fixture
def dcat_records():
    records = ckan_packages()
    for r in records:  # a peer using the same licence list, as package_show gives it
        r["license_id"] = "CC-BY-4.0"
        r["license_url"] = "https://creativecommons.org/licenses/by/4.0/"
    records[2]["notes"] = "Báo cáo tổng hợp hằng năm."
    return records


# The peer states licences on its distributions (DCAT-AP puts dct:license there).
@pytest.mark.ckan_config("ckanext.dcat.resource.inherit.license", "true")
def test_dcat_peer_into_the_portal_schema_and_withdrawal(agency, dcat_records):
    with DCATPeer([]) as peer:
        peer.pages = dcat_pages(dcat_records, peer.url, per_page=2)
        assert len(peer.pages) == 2
        source = helpers.create_source(
            agency["id"], f"{peer.url}/catalog.ttl", "angiang_dcat_rdf", CONFIG, name="doi-tac-dcat"
        )
        result = helpers.run_job(source)

        assert result["gather_errors"] == []
        assert all(not o["errors"] for o in result["objects"].values()), result["objects"]
        datasets = helpers.harvested(agency["id"])
        assert set(datasets) == {
            "Chỉ số giá tiêu dùng năm 2025",
            "Danh sách chợ truyền thống",
            "Báo cáo tổng hợp",
        }
        cpi = datasets["Chỉ số giá tiêu dùng năm 2025"]
        assert cpi["license_id"] == "CC-BY-4.0"
        assert cpi["frequency"] == "MONTHLY" and cpi["theme"] == ["ECON"]
        assert cpi["language"] == ["vi"]
        assert cpi["name"] == "chi-so-gia-tieu-dung-nam-2025"
        assert sorted(r["format"] for r in cpi["resources"]) == ["CSV", "JSON"]
        assert ("/catalog.ttl", {"page": "2"}) in peer.requests  # Hydra paging followed

        # gone from the catalogue: withdrawn, not deleted
        peer.pages = dcat_pages([dcat_records[0], dcat_records[2]], peer.url, per_page=2)
        helpers.run_job(source)
        cho = helpers.show(datasets["Danh sách chợ truyền thống"]["id"])
        assert cho["state"] == "active" and cho["private"] is True
        assert "no longer in the DCAT catalogue" in helpers.extras(cho)["harvest_withdrawn_reason"]
        assert helpers.show(cpi["id"])["private"] is False
