"""Real responses of the portal validate against the document's schemas
(what `make fuzz` checks for generated requests, here for chosen ones with
a dataset, a resource, a private dataset and a sysadmin's token)."""

from __future__ import annotations

import json

import jsonschema
import pytest

URL = "/api/openapi.json"
ACTION = "/api/3/action/"


@pytest.fixture
def doc(app, catalogue):
    return app.get(URL).json


def response_schema(doc: dict, path: str, method: str, status: int, media_type: str) -> dict:
    """The documented schema of one response, with the document's components
    at its root so that `#/components/...` references resolve."""
    responses = doc["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path}: status {status} not documented"
    response = responses[str(status)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    schema = response["content"][media_type]["schema"]
    return {**schema, "components": doc["components"]}


def check(doc: dict, response, path: str, method: str = "get") -> None:
    media_type = response.headers["Content-Type"].split(";")[0]
    schema = response_schema(doc, path, method, response.status_code, media_type)
    body = json.loads(response.get_data(as_text=True))
    jsonschema.Draft202012Validator(schema).validate(body)


READS = [
    (
        "package_search",
        {"q": "y tế", "facet.field": '["organization", "tags", "theme"]', "rows": 5},
    ),
    ("package_search", {"include_private": "true"}),
    ("package_show", {"id": "co-so-y-te"}),
    ("package_list", {"limit": 10}),
    ("current_package_list_with_resources", {"limit": 2}),
    ("package_autocomplete", {"q": "co-so"}),
    ("package_activity_list", {"id": "co-so-y-te"}),
    ("organization_list", {}),
    ("organization_list", {"all_fields": "true"}),
    ("organization_show", {"id": "so-y-te", "include_datasets": "true"}),
    ("angiang_agency_tree", {}),
    ("group_list", {"all_fields": "true"}),
    ("tag_list", {}),
    ("tag_list", {"all_fields": "true"}),
    ("tag_show", {"id": "y tế"}),
    ("license_list", {}),
    ("vocabulary_list", {}),
    ("scheming_dataset_schema_show", {"type": "dataset"}),
    ("status_show", {}),
]


ERRORS = [
    ("package_show", {"id": "khong-co"}, 404),
    ("package_show", {"id": "ho-so-noi-bo"}, 403),  # private: anonymous refused
    ("package_show", {}, 409),  # id missing
    ("package_search", {"rows": "abc"}, 409),
    ("package_search", {"facet.field": "tags"}, 409),  # not a JSON list
    ("package_create", {}, 400),  # GET on a write: a JSON string
]


def test_read_and_error_responses_conform(app, doc, catalogue):
    # one database for all the cases (each clean database costs seconds);
    # every case is checked and all failures are reported together
    cases = [(name, params, 200) for name, params in READS]
    cases += [("resource_show", {"id": catalogue["resource"]["id"]}, 200)] + ERRORS
    failures = []
    for name, params, status in cases:
        response = app.get(ACTION + name, query_string=params)
        method = "post" if name == "package_create" else "get"
        try:
            assert response.status_code == status, response.get_data(as_text=True)[:300]
            check(doc, response, ACTION + name, method)
        except (AssertionError, jsonschema.ValidationError) as e:
            failures.append(f"{name} {params}: {str(e)[:500]}")
    assert failures == []


def test_writes_with_a_token_conform(app, doc, catalogue):
    token = {"Authorization": catalogue["sysadmin"]["token"]}
    path = ACTION + "package_patch"
    response = app.post(path, json={"id": "co-so-y-te", "notes": "Cập nhật."}, headers=token)
    assert response.status_code == 200
    check(doc, response, path, "post")
    anonymous = app.post(path, json={"id": "co-so-y-te", "notes": "x"})
    assert anonymous.status_code == 403
    check(doc, anonymous, path, "post")
    invalid = app.post(ACTION + "package_create", json={"name": "x"}, headers=token)
    assert invalid.status_code == 409
    check(doc, invalid, ACTION + "package_create", "post")


def test_a_response_that_breaks_the_schema_is_caught(app, doc):
    # the checks above can fail: a dataset without its resources is refused
    response = app.get(ACTION + "package_show", query_string={"id": "co-so-y-te"})
    body = response.json
    del body["result"]["resources"]
    schema = response_schema(doc, ACTION + "package_show", "get", 200, "application/json")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(body)


def test_dcat_endpoints_answer_the_documented_media_types(app, doc):
    for fmt in ("ttl", "jsonld", "xml", "rdf"):
        path = f"/catalog.{fmt}"
        response = app.get(path)
        assert response.status_code == 200
        media_type = response.headers["Content-Type"].split(";")[0]
        assert media_type in doc["paths"][path]["get"]["responses"]["200"]["content"]
        dataset = app.get(f"/dataset/co-so-y-te.{fmt}")
        assert dataset.status_code == 200
    # a private dataset is a documented 404, not its metadata
    assert app.get("/dataset/ho-so-noi-bo.ttl").status_code == 404
    assert "404" in doc["paths"]["/dataset/{id}.ttl"]["get"]["responses"]
