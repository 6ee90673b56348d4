"""Art. 8.2: each agency's account updates only its own agency's data.

CKAN's own auth with organization roles: an editor/admin of agency A can
create, edit, delete and publish datasets of A, never of B, through the Action
API and the web forms; the DIC (sysadmin) can do all of it everywhere.
"""

import ckan.model as model
import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def agencies():
    staff_a = ckan_factories.UserWithToken()
    admin_a = ckan_factories.UserWithToken()
    dic = ckan_factories.SysadminWithToken()
    a = factories.Agency(
        name="so-a",
        users=[
            {"name": staff_a["name"], "capacity": "editor"},
            {"name": admin_a["name"], "capacity": "admin"},
        ],
    )
    b = factories.Agency(name="so-b")
    b_private = factories.Dataset(
        owner_org=b["id"], private=True, no_state_secret=True, title="B riêng"
    )
    b_public = factories.Dataset(owner_org=b["id"], title="B công khai")
    return {
        "staff_a": staff_a,
        "admin_a": admin_a,
        "dic": dic,
        "a": a,
        "b": b,
        "b_private": b_private,
        "b_public": b_public,
    }


def _auth(user):
    return {"Authorization": user["token"]}


def _ctx(user):
    return {"user": user["name"], "ignore_auth": False}


class TestActionApi:
    @pytest.mark.parametrize("who", ["staff_a", "admin_a"])
    def test_cannot_create_in_another_agency(self, app, agencies, who):
        before = model.Session.query(model.Package).count()
        app.post(
            "/api/action/package_create",
            headers=_auth(agencies[who]),
            json=factories.dataset_dict(agencies["b"]["id"]),
            status=403,
        )
        assert model.Session.query(model.Package).count() == before

    @pytest.mark.parametrize("who", ["staff_a", "admin_a"])
    def test_cannot_edit_delete_or_publish_another_agencys_dataset(self, app, agencies, who):
        user, pub, priv = agencies[who], agencies["b_public"], agencies["b_private"]
        app.post(
            "/api/action/package_patch",
            headers=_auth(user),
            json={"id": pub["id"], "title": "đã sửa"},
            status=403,
        )
        app.post(
            "/api/action/package_delete", headers=_auth(user), json={"id": pub["id"]}, status=403
        )
        app.post(
            "/api/action/package_patch",
            headers=_auth(user),
            json={"id": priv["id"], "private": False},
            status=403,
        )
        app.post(
            "/api/action/bulk_update_public",
            headers=_auth(user),
            json={"datasets": [priv["id"]], "org_id": agencies["b"]["id"]},
            status=403,
        )
        app.post(
            "/api/action/resource_create",
            headers=_auth(user),
            json={"package_id": pub["id"], "url": "https://x.gov.vn/a.csv"},
            status=403,
        )
        # nor move its own dataset into another agency
        own = factories.Dataset(owner_org=agencies["a"]["id"])
        res = app.post(
            "/api/action/package_patch",
            headers=_auth(user),
            json={"id": own["id"], "owner_org": agencies["b"]["id"]},
            status=409,
        )
        assert "owner_org" in res.json["error"]  # CKAN's owner_org_validator refuses it
        assert model.Package.get(pub["id"]).title == "B công khai"
        assert model.Package.get(pub["id"]).state == "active"
        assert model.Package.get(priv["id"]).private is True
        assert model.Package.get(own["id"]).owner_org == agencies["a"]["id"]

    def test_cannot_see_another_agencys_private_dataset(self, app, agencies):
        app.get(
            "/api/action/package_show",
            query_string={"id": agencies["b_private"]["id"]},
            headers=_auth(agencies["staff_a"]),
            status=403,
        )

    def test_own_agency_is_fully_manageable(self, agencies):
        ctx = _ctx(agencies["staff_a"])
        pkg = helpers.call_action(
            "package_create",
            dict(ctx),
            **factories.dataset_dict(agencies["a"]["id"], private=True, no_state_secret=False),
        )
        helpers.call_action(
            "package_patch", dict(ctx), id=pkg["id"], private=False, no_state_secret=True
        )
        # Art. 9.6 (angiang_catalogue): an editor's attestation waits for the agency's admin
        assert model.Package.get(pkg["id"]).private is True
        helpers.call_action("angiang_review_approve", _ctx(agencies["admin_a"]), id=pkg["id"])
        assert model.Package.get(pkg["id"]).private is False
        helpers.call_action("package_delete", dict(ctx), id=pkg["id"])
        assert model.Package.get(pkg["id"]).state == "deleted"

    def test_dic_can_act_on_every_agency(self, app, agencies):
        dic = agencies["dic"]
        res = app.post(
            "/api/action/package_create",
            headers=_auth(dic),
            json=factories.dataset_dict(agencies["b"]["id"], title="Của DIC"),
        )
        assert res.json["result"]["owner_org"] == agencies["b"]["id"]
        app.post(
            "/api/action/package_patch",
            headers=_auth(dic),
            json={"id": agencies["b_private"]["id"], "private": False},
        )
        assert model.Package.get(agencies["b_private"]["id"]).private is False
        app.post(
            "/api/action/package_delete",
            headers=_auth(dic),
            json={"id": agencies["b_public"]["id"]},
        )
        assert model.Package.get(agencies["b_public"]["id"]).state == "deleted"


class TestWebForms:
    def _form(self, org_id, **extra):
        data = {
            "title": "Biểu mẫu web",
            "name": "",
            "notes": "Tạo qua biểu mẫu.",
            "owner_org": org_id,
            "license_id": "CC0-1.0",
            "theme": "ECON",
            "frequency": "MONTHLY",
            "quality_statement": "Đã kiểm tra.",
            "no_state_secret": "true",
            "private": "False",
            "save": "",
        }
        data.update(extra)
        return data

    def test_create_form_into_another_agency_refused(self, app, agencies):
        before = model.Session.query(model.Package).count()
        app.post(
            tk.url_for("dataset.new"),
            headers=_auth(agencies["staff_a"]),
            data=self._form(agencies["b"]["id"]),
            status=403,
        )
        assert model.Session.query(model.Package).count() == before

    def test_edit_and_delete_forms_of_another_agency_refused(self, app, agencies):
        pub = agencies["b_public"]
        user = agencies["staff_a"]
        app.get(tk.url_for("dataset.edit", id=pub["name"]), headers=_auth(user), status=403)
        app.post(
            tk.url_for("dataset.edit", id=pub["name"]),
            headers=_auth(user),
            data=self._form(agencies["b"]["id"], title="đã sửa", name=pub["name"]),
            status=403,
        )
        app.post(tk.url_for("dataset.delete", id=pub["name"]), headers=_auth(user), status=403)
        app.post(
            tk.url_for("organization.bulk_process", id="so-b"),
            headers=_auth(agencies["admin_a"]),
            data={"bulk_action.public": "public", "dataset_" + agencies["b_private"]["id"]: "on"},
            status=403,
        )
        assert model.Package.get(pub["id"]).title == "B công khai"
        assert model.Package.get(pub["id"]).state == "active"
        assert model.Package.get(agencies["b_private"]["id"]).private is True

    def test_create_form_in_own_agency(self, app, agencies):
        res = app.post(
            tk.url_for("dataset.new"),
            headers=_auth(agencies["staff_a"]),
            data=self._form(agencies["a"]["id"]),
            follow_redirects=False,
        )
        assert res.status_code == 302, res.body[:2000]
        pkg = model.Package.by_name("bieu-mau-web")
        assert pkg is not None and pkg.owner_org == agencies["a"]["id"]
        assert pkg.extras["identifier"].startswith("AG-")
        assert pkg.license_id == "CC0-1.0"

    def test_form_errors_are_shown_beside_the_fields(self, app, agencies):
        res = app.post(
            tk.url_for("dataset.new"),
            headers=_auth(agencies["staff_a"]),
            data=self._form(agencies["a"]["id"], license_id="", no_state_secret=""),
        )
        assert "every dataset must state its licence" in res.body
        assert "no state secret" in res.body
        assert model.Package.by_name("bieu-mau-web") is None

    def test_dic_edits_any_agency_through_the_form(self, app, agencies):
        pub = agencies["b_public"]
        form = app.get(tk.url_for("dataset.edit", id=pub["name"]), headers=_auth(agencies["dic"]))
        assert pub["identifier"] in form.body  # shown read-only
        res = app.post(
            tk.url_for("dataset.edit", id=pub["name"]),
            headers=_auth(agencies["dic"]),
            data=self._form(agencies["b"]["id"], title="Sửa bởi DIC", name=pub["name"]),
            follow_redirects=False,
        )
        assert res.status_code == 302, res.body[:2000]
        assert model.Package.get(pub["id"]).title == "Sửa bởi DIC"
        assert model.Package.get(pub["id"]).extras["identifier"] == pub["identifier"]


def test_form_labels_in_both_languages(app):
    user = ckan_factories.UserWithToken()
    factories.Agency(users=[{"name": user["name"], "capacity": "editor"}])
    vi = app.get("/vi" + tk.url_for("dataset.new"), headers=_auth(user)).body
    en = app.get(tk.url_for("dataset.new"), headers=_auth(user)).body
    assert (
        "Giấy phép sử dụng dữ liệu mở" in vi
        and "Tôi xác nhận tập dữ liệu không chứa bí mật nhà nước" in vi
    )
    assert "Licence" in en and "I confirm that the dataset contains no state secret" in en
    assert "Phường Long Xuyên" in en  # spatial coverage choices: the 2025 units
