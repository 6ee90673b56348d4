"""The resource schema: kinds, open formats (Art. 5.3), SHA-256 (Art. 9.2)."""

import hashlib
import io

import ckan.model as model
import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _ctx():
    return {"user": ckan_factories.Sysadmin()["name"], "ignore_auth": False}


def _n_resources():
    return model.Session.query(model.Resource).count()


class TestFormats:
    @pytest.mark.parametrize(
        "given, stored",
        [
            ("csv", "CSV"),
            (".xlsx", "XLSX"),
            ("text/csv", "CSV"),
            ("GeoJSON", "JSON"),
            ("jpg", "JPEG"),
            ("odata", "OData"),
            ("Turtle", "RDF"),
            ("WMS", "WMS"),
        ],
    )
    def test_open_formats_are_normalised(self, given, stored):
        ds = factories.Dataset()
        res = helpers.call_action(
            "resource_create",
            _ctx(),
            package_id=ds["id"],
            url="https://example.gov.vn/data",
            format=given,
        )
        assert res["format"] == stored

    def test_format_guessed_from_url(self):
        ds = factories.Dataset()
        res = helpers.call_action(
            "resource_create",
            _ctx(),
            package_id=ds["id"],
            url="https://example.gov.vn/files/truong-hoc.ods",
        )
        assert res["format"] == "ODS"
        assert res["resource_kind"] == "file"

    @pytest.mark.parametrize("fmt", ["SHP", "MDB", "exe", "application/x-msaccess"])
    def test_closed_format_refused_naming_the_allowed_ones(self, fmt):
        ds = factories.Dataset()
        before = _n_resources()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "resource_create",
                _ctx(),
                package_id=ds["id"],
                url="https://example.gov.vn/data.bin",
                format=fmt,
            )
        msg = " ".join(e.value.error_dict["format"])
        assert fmt in msg
        for allowed in ("CSV", "JSON", "XLSX", "ODT", "PNG", "WFS"):
            assert allowed in msg
        assert _n_resources() == before

    def test_format_that_cannot_be_guessed_is_required(self):
        ds = factories.Dataset()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "resource_create",
                _ctx(),
                package_id=ds["id"],
                url="https://example.gov.vn/download",
            )
        assert "format" in e.value.error_dict

    def test_site_list_replaces_the_default(self, tmp_path, ckan_config, monkeypatch):
        # the list is data: a site file with only CSV refuses JSON
        path = tmp_path / "formats.yaml"
        path.write_text(
            "groups:\n  - id: exchange\n    label: {vi: x, en: x}\n"
            "    formats:\n      - {code: CSV, media_types: [text/csv], extensions: [csv]}\n"
        )
        monkeypatch.setitem(ckan_config, "ckanext.angiang.open_formats_file", str(path))
        ds = factories.Dataset()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "resource_create",
                _ctx(),
                package_id=ds["id"],
                url="https://example.gov.vn/a.json",
                format="JSON",
            )
        assert "CSV" in e.value.error_dict["format"][0]


class TestApiResources:
    def test_api_resource_with_openapi_document(self):
        ds = factories.Dataset()
        res = helpers.call_action(
            "resource_create",
            _ctx(),
            package_id=ds["id"],
            resource_kind="api",
            url="https://api.angiang.gov.vn/v1/truong-hoc",
            openapi_url="https://api.angiang.gov.vn/v1/openapi.json",
        )
        assert res["format"] == "REST"
        assert res["openapi_url"] == "https://api.angiang.gov.vn/v1/openapi.json"

    def test_rest_api_without_openapi_refused(self):
        ds = factories.Dataset()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "resource_create",
                _ctx(),
                package_id=ds["id"],
                resource_kind="api",
                url="https://api.angiang.gov.vn/v1/x",
            )
        assert "openapi_url" in e.value.error_dict

    def test_bad_kind_and_bad_openapi_url_refused(self):
        ds = factories.Dataset()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "resource_create",
                _ctx(),
                package_id=ds["id"],
                resource_kind="ftp",
                url="https://x.gov.vn/a.csv",
                openapi_url="not a url",
            )
        assert {"resource_kind", "openapi_url"} <= set(e.value.error_dict)

    @pytest.mark.parametrize(
        "field, value",
        [
            ("mimetype", "csv"),
            ("hash", "abc"),
            ("language", "xx"),
            ("size", "big"),
        ],
    )
    def test_field_errors(self, field, value):
        ds = factories.Dataset()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "resource_create",
                _ctx(),
                package_id=ds["id"],
                url="https://x.gov.vn/a.csv",
                **{field: value},
            )
        assert field in e.value.error_dict


class TestChecksum:
    def test_sha256_computed_on_upload_and_kept(self, create_with_upload):
        ds = factories.Dataset()
        content = "mã,tên\n1,Trường Tiểu học Mỹ Bình\n".encode()
        res = create_with_upload(
            content, "truong-hoc.csv", package_id=ds["id"], context=_ctx(), hash="0" * 64
        )
        assert res["hash"] == hashlib.sha256(content).hexdigest()
        assert res["format"] == "CSV"
        assert res["size"] == len(content)
        # a later save without a new file cannot replace the portal's checksum
        again = helpers.call_action(
            "resource_patch", _ctx(), id=res["id"], hash="f" * 64, description="Mô tả mới"
        )
        assert again["hash"] == hashlib.sha256(content).hexdigest()
        assert again["description"] == "Mô tả mới"

    def test_new_upload_gets_a_new_checksum(self, create_with_upload):
        ds = factories.Dataset()
        res = create_with_upload(b"a,b\n1,2\n", "a.csv", package_id=ds["id"], context=_ctx())
        data = b"a,b\n3,4\n"
        updated = helpers.call_action(
            "resource_update",
            _ctx(),
            id=res["id"],
            package_id=ds["id"],
            upload=_storage(data, "a.csv"),
            format="CSV",
        )
        assert updated["hash"] == hashlib.sha256(data).hexdigest()


def _storage(data, name):
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(data), name)


def test_resource_form_refuses_a_closed_format(app):
    dic = ckan_factories.SysadminWithToken()
    ds = factories.Dataset()
    res = app.post(
        tk.url_for("resource.new", id=ds["name"]),
        headers={"Authorization": dic["token"]},
        data={
            "id": "",
            "url": "https://x.gov.vn/ban-do.shp",
            "name": "Bản đồ",
            "format": "SHP",
            "resource_kind": "file",
            "save": "go-metadata",
        },
    )
    assert "is not an open format" in res.body
    assert _n_resources() == 0
