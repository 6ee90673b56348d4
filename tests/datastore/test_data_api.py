"""The DataStore API as the portal's data API (Art. 5.2b): tables of private
and draft datasets readable only by their agency (Art. 8.2), the per-column
``q`` object of datastore_search accepted, no SQL endpoint."""

import json

import ckan.plugins.toolkit as tk
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_datastore")

RECORDS = [{"Phường": "Mỹ Phước", "Dân số": 1200}, {"Phường": "Long Xuyên", "Dân số": 900}]


def _table(owner_org, **dataset):
    ds = factories.Dataset(owner_org=owner_org, **dataset)
    resource = factories.Resource(
        package_id=ds["id"], url="https://example.org/a.csv", format="CSV"
    )
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("datastore_create")(
        {"ignore_auth": True, "user": site_user["name"]},
        {
            "resource_id": resource["id"],
            "force": True,
            "fields": [{"id": "Phường", "type": "text"}, {"id": "Dân số", "type": "int"}],
            "records": RECORDS,
        },
    )
    return resource


@pytest.fixture
def agency_member():
    user = ckan_factories.UserWithToken()
    org = factories.Agency(users=[{"name": user["name"], "capacity": "member"}])
    return {"user": user, "org": org, "token": user["token"]}


def _search(app, rid, token=None, status=200, **params):
    headers = {"Authorization": token} if token else {}
    return app.post(
        "/api/action/datastore_search",
        json={"resource_id": rid, **params},
        headers=headers,
        status=status,
    )


def test_public_table_readable_by_anyone(app, agency_member):
    resource = _table(agency_member["org"]["id"])
    result = _search(app, resource["id"]).json["result"]
    assert result["total"] == 2
    assert {r["Phường"] for r in result["records"]} == {"Mỹ Phước", "Long Xuyên"}


def test_private_table_readable_by_its_agency_only(app, agency_member):
    resource = _table(agency_member["org"]["id"], private=True)
    other = ckan_factories.UserWithToken()
    factories.Agency(users=[{"name": other["name"], "capacity": "admin"}])
    for token in (None, other["token"]):
        res = _search(app, resource["id"], token=token, status=403)
        body = res.body
        assert "Mỹ Phước" not in body and "Dân số" not in body
        info = app.post(
            "/api/action/datastore_info",
            json={"id": resource["id"]},
            headers={"Authorization": token} if token else {},
            status=403,
        )
        assert "Dân số" not in info.body
    result = _search(app, resource["id"], token=agency_member["token"]).json["result"]
    assert result["total"] == 2


def test_private_tables_not_listed_through_table_metadata(app, agency_member):
    private = _table(agency_member["org"]["id"], private=True)
    for action in ("datastore_search", "datastore_info"):
        res = app.post(
            f"/api/action/{action}",
            json={"resource_id": "_table_metadata", "id": "_table_metadata"},
        )
        assert res.status_code in (403, 404)
        assert private["id"] not in res.body


def test_draft_table_not_readable_by_the_public(app, agency_member):
    resource = _table(agency_member["org"]["id"], state="draft")
    res = _search(app, resource["id"], status=403)
    assert "Mỹ Phước" not in res.body


def test_q_object_searches_one_column(app, agency_member):
    resource = _table(agency_member["org"]["id"])
    result = _search(app, resource["id"], q={"Phường": "Long Xuyên"}).json["result"]
    assert [r["Phường"] for r in result["records"]] == ["Long Xuyên"]
    # the same as a JSON string in a query string
    res = app.get(
        "/api/action/datastore_search",
        query_string={"resource_id": resource["id"], "q": json.dumps({"Phường": "Mỹ Phước"})},
    )
    assert [r["Phường"] for r in res.json["result"]["records"]] == ["Mỹ Phước"]


def test_q_object_still_refused_where_q_is_a_string(app, agency_member):
    res = app.post("/api/action/package_search", json={"q": {"title": "x"}}, status=409)
    assert res.json["error"]["q"]
    resource = _table(agency_member["org"]["id"])
    res = _search(app, resource["id"], q=["a", "b"], status=409)
    assert res.json["error"]["q"]


def test_no_sql_endpoint(app, agency_member):
    resource = _table(agency_member["org"]["id"])
    res = app.post(
        "/api/action/datastore_search_sql",
        json={"sql": f'SELECT * FROM "{resource["id"]}"'},
        status=400,
    )
    assert "Mỹ Phước" not in res.body
