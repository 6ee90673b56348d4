"""Item 4 of issue 17: uploads cannot attack the portal's users.

Content is read by libmagic and must agree with the declared open format
(Art. 5.3); files are served with nosniff, as attachments when a browser
would run them, under a sandboxing CSP; resource URLs are web addresses.
"""

import io
import os

import ckan.model as model
import ckan.plugins.toolkit as tk
import openpyxl
import pytest
from angiang_testing import factories
from ckan.lib import uploader

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x40\x00\x00\x00"
    + b"PE\x00\x00L\x01\x03\x00"
    + b"\x00" * 200
)


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["Mã trường", "Tên trường"])
    wb.active.append([1, "Trường Tiểu học Mỹ Bình"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _stored_files() -> list[str]:
    root = os.path.join(tk.config["ckan.storage_path"], "resources")
    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)


def _upload(app, token, package_id, content, filename, lang="", **fields):
    data = {"package_id": package_id, "upload": (io.BytesIO(content), filename), **fields}
    return app.post(
        f"{lang}/api/action/resource_create", data=data, headers={"Authorization": token}
    )


class TestContentAgreesWithFormat:
    @pytest.mark.parametrize(
        "content, filename, fields, detected",
        [
            (HTML, "data.csv", {"format": "CSV"}, "text/html"),
            (HTML, "data.csv", {}, "text/html"),  # format from the name
            (SVG, "logo.png", {"format": "PNG"}, "image/svg+xml"),
            (EXE, "data.csv", {"format": "CSV"}, "executable"),
            (HTML, "bang.xlsx", {"format": "XLSX"}, "text/html"),
            (b"a,b\n1,2\n", "anh.png", {"format": "PNG"}, "text/"),
            (SVG, "data.xml", {"format": "XML"}, "image/svg+xml"),  # SVG is XML that runs
        ],
        ids=[
            "html-as-csv",
            "html-named-csv",
            "svg-as-png",
            "exe-as-csv",
            "html-as-xlsx",
            "csv-as-png",
            "svg-as-xml",
        ],
    )
    def test_disagreeing_upload_refused_with_409_and_nothing_stored(
        self, app, editor, content, filename, fields, detected
    ):
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        files_before = _stored_files()
        res = _upload(app, editor["token"], ds["id"], content, filename, **fields)
        assert res.status_code == 409
        error = res.json["error"]
        assert error["__type"] == "Validation Error"
        assert detected in error["url"][0] and filename in error["url"][0]
        assert model.Session.query(model.Resource).filter_by(package_id=ds["id"]).count() == 0
        assert _stored_files() == files_before

    def test_refusal_in_vietnamese(self, app, editor):
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        res = _upload(app, editor["token"], ds["id"], HTML, "data.csv", lang="/vi", format="CSV")
        assert res.status_code == 409
        msg = res.json["error"]["url"][0]
        assert "Nội dung của tệp" in msg and "text/html" in msg

    @pytest.mark.parametrize(
        "content, filename, fmt",
        [
            ("mã,tên\n1,Trường Tiểu học Mỹ Bình\n".encode(), "truong-hoc.csv", "CSV"),
            (b'{"truong": [{"ma": 1}]}', "truong-hoc.json", "JSON"),
            (b'<?xml version="1.0"?><truong><ma>1</ma></truong>', "truong-hoc.xml", "XML"),
            (_xlsx(), "truong-hoc.xlsx", "XLSX"),
            (PNG, "ban-do.png", "PNG"),
            (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "bao-cao.pdf", "PDF"),
        ],
        ids=["csv", "json", "xml", "xlsx", "png", "pdf"],
    )
    def test_genuine_files_accepted(self, app, editor, content, filename, fmt):
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        res = _upload(app, editor["token"], ds["id"], content, filename, format=fmt)
        assert res.status_code == 200, res.body
        assert res.json["result"]["format"] == fmt
        assert res.json["result"]["size"] == len(content)

    def test_replacing_a_file_is_checked_too(self, app, editor):
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        first = _upload(app, editor["token"], ds["id"], b"a,b\n1,2\n", "a.csv", format="CSV")
        rid = first.json["result"]["id"]
        res = app.post(
            "/api/action/resource_patch",
            headers={"Authorization": editor["token"]},
            data={"id": rid, "upload": (io.BytesIO(HTML), "a.csv")},
            status=409,
        )
        assert "text/html" in res.json["error"]["url"][0]
        dl = app.get(tk.url_for("resource.download", id=ds["id"], resource_id=rid))
        assert dl.body == "a,b\n1,2\n"

    def test_resource_form_shows_the_error_beside_the_field(self, app, editor):
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        res = app.post(
            tk.url_for("resource.new", id=ds["name"]),
            headers={"Authorization": editor["token"]},
            data={
                "id": "",
                "name": "Trường học",
                "format": "CSV",
                "resource_kind": "file",
                "save": "go-metadata",
                "url_type": "upload",
                "upload": (io.BytesIO(HTML), "truong-hoc.csv"),
            },
        )
        assert res.status_code == 200
        assert "text/html" in res.body and "not the declared format" in res.body
        assert model.Session.query(model.Resource).filter_by(package_id=ds["id"]).count() == 0


class TestResourceUrls:
    @pytest.mark.parametrize(
        "url",
        [
            "javascript:alert(document.cookie)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "file:///etc/passwd",
            "vbscript:msgbox(1)",
        ],
    )
    def test_dangerous_schemes_refused(self, app, editor, url):
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        res = app.post(
            "/api/action/resource_create",
            headers={"Authorization": editor["token"]},
            json={"package_id": ds["id"], "url": url, "format": "CSV"},
            status=409,
        )
        assert "http://" in res.json["error"]["url"][0]
        assert model.Session.query(model.Resource).filter_by(package_id=ds["id"]).count() == 0

    def test_refused_in_vietnamese(self, app, editor):
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        res = app.post(
            "/vi/api/action/resource_create",
            headers={"Authorization": editor["token"]},
            json={"package_id": ds["id"], "url": "javascript:alert(1)", "format": "CSV"},
            status=409,
        )
        assert "Không chấp nhận" in res.json["error"]["url"][0]

    @pytest.mark.parametrize(
        "url",
        [
            "https://data.angiang.gov.vn/a.csv",
            "http://x.gov.vn/b.csv",
            "ftp://ftp.angiang.gov.vn/c.csv",
        ],
    )
    def test_web_addresses_accepted(self, app, editor, url):
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        res = app.post(
            "/api/action/resource_create",
            headers={"Authorization": editor["token"]},
            json={"package_id": ds["id"], "url": url, "format": "CSV"},
            status=200,
        )
        assert res.json["result"]["url"] == url


class TestDownloads:
    def test_download_headers(self, app, editor):
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        rid = _upload(app, editor["token"], ds["id"], b"a,b\n1,2\n", "a.csv", format="CSV").json[
            "result"
        ]["id"]
        dl = app.get(tk.url_for("resource.download", id=ds["id"], resource_id=rid))
        assert dl.headers["X-Content-Type-Options"] == "nosniff"
        csp = dl.headers["Content-Security-Policy"]
        assert "sandbox" in csp and "default-src 'none'" in csp
        assert dl.content_type.startswith("text/csv")

    @pytest.mark.parametrize(
        "mimetype",
        [
            "text/html",
            "image/svg+xml",
            "application/xml",
            "text/javascript",
            "application/xhtml+xml",
        ],
    )
    def test_active_media_type_served_as_attachment(self, app, editor, mimetype):
        # an editor may set any media type on a genuine file: the download
        # is then an attachment, never a page of the portal's origin
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        content = b'<?xml version="1.0"?><a>1</a>'
        rid = _upload(
            app, editor["token"], ds["id"], content, "a.xml", format="XML", mimetype=mimetype
        ).json["result"]["id"]
        dl = app.get(tk.url_for("resource.download", id=ds["id"], resource_id=rid))
        assert dl.headers["Content-Disposition"].startswith("attachment")
        assert dl.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in dl.headers["Content-Security-Policy"]

    def test_refused_download_sends_no_licence_link(self, app, editor):
        # issue 17 item 7: a 403/404 must not name the private dataset's licence
        ds = factories.Dataset(
            owner_org=editor["org"]["id"], private=True, license_id="vn-nd47-2020-dieu-18"
        )
        rid = _upload(app, editor["token"], ds["id"], b"a,b\n1,2\n", "a.csv", format="CSV").json[
            "result"
        ]["id"]
        url = tk.url_for("resource.download", id=ds["id"], resource_id=rid)
        refused = app.get(url, status=403)
        assert "Link" not in refused.headers
        missing = app.get(
            tk.url_for("resource.download", id=ds["id"], resource_id="nope"), status=404
        )
        assert "Link" not in missing.headers
        allowed = app.get(url, headers={"Authorization": editor["token"]}, status=200)
        assert 'rel="license"' in allowed.headers["Link"]

    def test_missing_stored_file_is_404_not_500(self, app, editor):
        # a file lost from the storage (the integrity job reports it): the
        # download says there is none, in the portal's page, never a 500
        ds = factories.Dataset(owner_org=editor["org"]["id"])
        rid = _upload(app, editor["token"], ds["id"], b"a,b\n1,2\n", "a.csv", format="CSV").json[
            "result"
        ]["id"]
        path = uploader.get_resource_uploader({}).get_path(rid)
        os.remove(path)
        for url in (
            tk.url_for("resource.download", id=ds["id"], resource_id=rid),
            tk.url_for("resource.download", id=ds["id"], resource_id=rid, filename="a.csv"),
        ):
            res = app.get(url, status=404, headers={"Accept-Language": "vi"})
            assert "No download is available" in res.body or "Không thể tải về" in res.body
