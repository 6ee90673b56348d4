"""Loading the demo into a real portal (PostgreSQL, the portal's schema and
search): idempotent, every dataset valid and complete against the schema,
every file served by the portal with the checksum it computed (Art. 9.2)."""

from __future__ import annotations

import hashlib
import os
from urllib.parse import urlparse

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
import pytest
from ckan.cli.cli import ckan as ckan_command
from ckan.lib.plugins import lookup_package_plugin

from ckanext.angiang import accounts, demo
from ckanext.angiang.demo import content, loader

pytestmark = [
    pytest.mark.slow,  # the whole demo catalogue loaded
    pytest.mark.usefixtures("with_plugins"),
]

# Fields the portal fills itself, or that only apply to some resources.
FILE_ONLY = {"mimetype", "size", "hash"}
API_ONLY = {"openapi_url"}
ORG_SYSTEM_FIELDS = {"former_names"}  # kept by renames and merges, empty for a new agency


@pytest.fixture(scope="module")
def loads(reset_db_with_migrations, reset_index):
    """The demo loaded twice into an empty database: (first, second) counts."""
    p.load_all()
    reset_db_with_migrations()
    reset_index()
    first = demo.load()
    second = demo.load()
    yield first, second
    p.unload_all()


@pytest.fixture(scope="module")
def demo_content():
    return content.read()


def _sysadmin_context():
    return {"user": loader.DEMO_SYSADMIN, "ignore_auth": True}


def _show(name):
    return tk.get_action("package_show")(_sysadmin_context(), {"id": name})


def test_first_load_creates_everything_and_second_nothing(loads, demo_content):
    first, second = loads
    n_agencies, n_datasets = len(demo_content.agencies), len(demo_content.datasets)
    n_resources = sum(len(d.resources) for d in demo_content.datasets)
    assert first == {
        "agencies_created": n_agencies,
        "agencies_existing": 0,
        "datasets_created": n_datasets,
        "datasets_existing": 0,
        "datasets_completed": 0,
        "resources_created": n_resources,
        "files_restored": 0,
        "pages_written": 10,  # the portal's five pages, vi and en (angiang_portal)
    }
    assert second == {
        "agencies_created": 0,
        "agencies_existing": n_agencies,
        "datasets_created": 0,
        "datasets_existing": n_datasets,
        "datasets_completed": 0,
        "resources_created": 0,
        "files_restored": 0,
        "pages_written": 0,
    }
    names = {d.name for d in demo_content.datasets}
    stored = model.Session.query(model.Package).filter(model.Package.name.in_(names)).count()
    assert stored == n_datasets  # nothing duplicated under another name
    assert (
        model.Session.query(model.Resource).filter(model.Resource.state == "active").count()
        == n_resources
    )


def test_every_dataset_validates_against_the_schema(loads, demo_content):
    schema = lookup_package_plugin("dataset").update_package_schema()
    for d in demo_content.datasets:
        shown = _show(d.name)
        context = {
            "model": model,
            "session": model.Session,
            "user": loader.DEMO_SYSADMIN,
            "package": model.Package.get(shown["id"]),
        }
        _, errors = tk.navl_validate(dict(shown), schema, context)
        assert not errors, (d.name, errors)


def test_every_schema_field_is_filled(loads, demo_content):
    from ckanext.scheming.helpers import (
        scheming_get_dataset_schema,
        scheming_get_organization_schema,
    )

    dataset_schema = scheming_get_dataset_schema("dataset")
    dataset_fields = [f["field_name"] for f in dataset_schema["dataset_fields"]]
    resource_fields = [f["field_name"] for f in dataset_schema["resource_fields"]]
    for d in demo_content.datasets:
        shown = _show(d.name)
        for field in dataset_fields:
            value = shown.get("tags") if field == "tag_string" else shown.get(field)
            assert value not in (None, "", [], {}), (d.name, field)
        for res in shown["resources"]:
            skip = API_ONLY if res["resource_kind"] == "file" else FILE_ONLY
            for field in resource_fields:
                if field not in skip:
                    assert res.get(field) not in (None, ""), (d.name, res["name"], field)

    org_fields = [
        f["field_name"] for f in scheming_get_organization_schema("organization")["fields"]
    ]
    for a in demo_content.agencies:
        org = tk.get_action("organization_show")(_sysadmin_context(), {"id": a.name})
        for field in org_fields:
            if field in ORG_SYSTEM_FIELDS or (
                field == "parent_agency" and not a.fields.get("parent_agency")
            ):
                continue
            assert org.get(field) not in (None, "", []), (a.name, field)


def test_private_and_draft_datasets_stay_hidden_from_anonymous_users(loads, demo_content):
    hidden = [
        d
        for d in demo_content.datasets
        if d.fields.get("private") or d.fields.get("state") == "draft"
    ]
    assert hidden
    for d in hidden:
        shown = _show(d.name)
        assert shown["private"] == bool(d.fields.get("private"))
        assert shown["state"] == d.fields.get("state", "active")
        with pytest.raises(tk.NotAuthorized):
            tk.get_action("package_show")({"user": ""}, {"id": d.name})


def test_files_are_served_by_the_portal_with_their_sha256(loads, demo_content, app):
    expected = loader.expected_files()
    sysadmin = {"Authorization": accounts.new_api_token(loader.DEMO_SYSADMIN)}
    checked = 0
    for d in demo_content.datasets:
        shown = _show(d.name)
        public = not shown["private"] and shown["state"] == "active"
        for res in shown["resources"]:
            if res["resource_kind"] != "file":
                continue
            # anonymous users download public files (Art. 13.1); hidden ones need a login
            body = app.get(urlparse(res["url"]).path, headers=None if public else sysadmin).data
            digest = hashlib.sha256(body).hexdigest()
            assert body == expected[(d.name, res["name"])], res["url"]
            assert res["hash"] == digest, res["url"]  # computed by the portal on upload
            assert res["size"] == len(body)
            checked += 1
    assert checked == len(expected)


def test_api_resources_point_at_their_openapi_document_on_the_portal(loads, demo_content, app):
    apis = 0
    for d in demo_content.datasets:
        resources = {r["name"]: r for r in _show(d.name)["resources"]}
        for spec in d.resources:
            if spec.kind != "api":
                continue
            api = resources[spec.name]
            assert api["format"] == "REST" and api["url"] == spec.url
            assert api["openapi_url"] == resources[spec.openapi_name]["url"]
            doc = app.get(urlparse(api["openapi_url"]).path).json
            assert doc["servers"][0]["url"] + spec.path == spec.url
            apis += 1
    assert apis >= 3


def test_an_interrupted_load_is_completed(loads, demo_content):
    """A load that died half-way (a dataset missing, one without its
    resources, a stored file lost) is completed by the next one."""
    ctx = _sysadmin_context()
    purged, emptied, damaged = (
        demo_content.datasets[0],
        demo_content.datasets[1],
        demo_content.datasets[2],
    )
    tk.get_action("dataset_purge")(ctx, {"id": purged.name})
    for res in _show(emptied.name)["resources"]:
        tk.get_action("resource_delete")(ctx, {"id": res["id"]})
    lost = next(r for r in _show(damaged.name)["resources"] if r["url_type"] == "upload")
    os.remove(uploader.get_resource_uploader({}).get_path(lost["id"]))

    stats = demo.load()

    assert stats["datasets_created"] == 1
    assert stats["datasets_existing"] == len(demo_content.datasets) - 1
    assert stats["datasets_completed"] == 1
    assert stats["resources_created"] == len(purged.resources) + len(emptied.resources)
    assert stats["files_restored"] == 1
    assert [r["name"] for r in _show(emptied.name)["resources"]] == [
        r.name for r in emptied.resources
    ]
    with open(uploader.get_resource_uploader({}).get_path(lost["id"]), "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == lost["hash"]
    assert demo.load()["resources_created"] == 0


def test_cli_command_reports_the_counts(loads, demo_content, cli):
    # --upgrade-db (used by `make run`) applies pending migrations in the same process
    result = cli.invoke(ckan_command, ["angiang", "demo", "load", "--upgrade-db"])
    assert result.exit_code == 0, result.output
    assert "Upgrading DB: SUCCESS" in result.output
    assert (
        f"0 agencies and 0 datasets created, {len(demo_content.agencies)} agencies and "
        f"{len(demo_content.datasets)} datasets already there"
    ) in result.output


def _write_data_dir(path, dataset_extra: str) -> str:
    (path / "datasets").mkdir()
    (path / "defaults.yaml").write_text(
        "dataset: {license_id: CC-BY-4.0, language: [vi], no_state_secret: true}\n",
        encoding="utf-8",
    )
    (path / "agencies.yaml").write_text(
        "- title: Sở Thử nghiệm Dữ liệu\n"
        "  short_name: Sở TNDL\n  agency_code: TEST.DEMO.01\n  agency_level: provincial\n"
        "  description: Cơ quan thử nghiệm.\n  focal_point_name: Nguyễn Văn A\n"
        "  focal_point_position: Chuyên viên\n  focal_point_email: nva@angiang.gov.vn\n"
        "  focal_point_phone: '0297 3000 000'\n  address: Phường Rạch Giá\n  website: https://example.angiang.gov.vn\n",
        encoding="utf-8",
    )
    (path / "datasets" / "so-thu-nghiem-du-lieu.yaml").write_text(
        "agency: Sở Thử nghiệm Dữ liệu\n"
        "datasets:\n"
        "  - title: Dữ liệu thử nghiệm sai địa chỉ thư\n"
        "    notes: Thử.\n    tags: [thử nghiệm]\n    theme: [GOVE]\n    frequency: ANNUAL\n"
        "    temporal: [2025-01-01, 2025-12-31]\n    issued: 2026-01-01\n    modified: 2026-01-01\n"
        "    catalogue_code: TEST.01\n    conforms_to: Không\n    quality_statement: Thử.\n"
        f"{dataset_extra}"
        "    table: {rows: {count: 2}, columns: [{id: a, title: A, value: '{n}'}]}\n"
        "    resources: [{format: CSV}]\n",
        encoding="utf-8",
    )
    return str(path)


def test_a_dataset_the_schema_rejects_stops_the_load_with_its_field(loads, tmp_path):
    data_dir = _write_data_dir(tmp_path, "    contact_email: not-an-address\n")
    with pytest.raises(loader.DemoLoadError) as e:
        loader.load(data_dir)
    message = str(e.value)
    assert "dataset 'du-lieu-thu-nghiem-sai-dia-chi-thu'" in message and "contact_email" in message
    # nothing half-written: the dataset does not exist
    assert model.Package.get("du-lieu-thu-nghiem-sai-dia-chi-thu") is None


def test_inconsistent_data_files_stop_the_load_before_anything_is_written(loads, tmp_path):
    data_dir = _write_data_dir(tmp_path, "    frequency: SOMETIMES\n")
    before = model.Session.query(model.Group).count()
    with pytest.raises(loader.DemoLoadError, match="unknown frequency 'SOMETIMES'"):
        loader.load(data_dir)
    assert model.Session.query(model.Group).count() == before
