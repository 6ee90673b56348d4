"""A harvest source's blanket attestation ("no_state_secret" in its
defaults) goes through review before publishing like an editor's (Art. 9.6),
unless a sysadmin exempts the source."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories

from . import helpers
from .agency_api import AgencyAPI, record, source_config
from .conftest import make_agency


@pytest.fixture
def reviewed_agency(harvest_env):
    return make_agency(review=True)


@pytest.fixture
def api():
    with AgencyAPI([record(i) for i in range(1, 3)]) as server:
        yield server


def _review(package_id):
    shown = tk.get_action("angiang_review_show")({"ignore_auth": True}, {"id": package_id})
    return shown["status"], [e["event"] for e in shown["events"]]


def test_harvested_datasets_wait_for_review_until_the_source_is_exempted(reviewed_agency, api):
    source = helpers.create_source(
        reviewed_agency["id"], api.url, "angiang_openapi", source_config(with_snapshot=False)
    )
    result = helpers.run_job(source)
    assert [o["errors"] for o in result["objects"].values()] == [[], []]
    held = helpers.harvested(reviewed_agency["id"])
    assert {p["private"] for p in held.values()} == {True}
    first = held["Bảng giá đất khu vực 1"]
    assert _review(first["id"]) == ("awaiting_review", ["attested"])
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("package_show")({"user": ""}, {"id": first["id"]})

    # an agency admin approves one; a re-run asks nothing again
    admin = factories.User()
    tk.get_action("organization_member_create")(
        {"ignore_auth": True},
        {"id": reviewed_agency["id"], "role": "admin", "username": admin["name"]},
    )
    tk.get_action("angiang_review_approve")({"user": admin["name"]}, {"id": first["id"]})
    api.records[0]["mo_ta"] = "Mô tả mới."
    helpers.run_job(source)
    assert helpers.show(first["id"])["private"] is False
    second = held["Bảng giá đất khu vực 2"]
    assert _review(second["id"]) == ("awaiting_review", ["attested"])

    # only a sysadmin exempts a source
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("angiang_review_source_exempt")(
            {"user": admin["name"]}, {"source": source["name"]}
        )
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("angiang_review_source_exempt")(
            {"user": factories.Sysadmin()["name"]}, {"source": first["name"]}
        )
    sysadmin = factories.Sysadmin()
    assert tk.get_action("angiang_review_source_exempt")(
        {"user": sysadmin["name"]}, {"source": source["name"]}
    ) == {"source": source["name"], "exempt": True}
    api.records.append(record(3))
    helpers.run_job(source)
    third = helpers.harvested(reviewed_agency["id"])["Bảng giá đất khu vực 3"]
    assert third["private"] is False and _review(third["id"])[0] is None

    # the exemption ends: the next new record waits again
    tk.get_action("angiang_review_source_exempt")(
        {"user": sysadmin["name"]}, {"source": source["id"], "exempt": False}
    )
    api.records.append(record(4))
    helpers.run_job(source)
    fourth = helpers.harvested(reviewed_agency["id"])["Bảng giá đất khu vực 4"]
    assert fourth["private"] is True and _review(fourth["id"])[0] == "awaiting_review"
