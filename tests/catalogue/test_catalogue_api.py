"""Who may read and change the catalogue, through the actions and the HTTP
API (sysadmins write; everyone reads, Art. 7.1, 13.1), and the dataset's
controlled link to its entry."""

import io

import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan import logic
from ckan.tests import factories as ckan_factories

from .conftest import csv_bytes, import_first_decision

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

ENTRY = {
    "code": "DLM.YT.07",
    "title": "Nhà thuốc",
    "agency": "so-y-te",
    "frequency": "hằng năm",
    "due_date": "31/12/2026",
    "formats": "csv, json",
    "decision_number": "500/QĐ-UBND",
    "decision_date": "2026-01-05",
}


@pytest.fixture
def catalogue(sysadmin, agencies):
    import_first_decision(sysadmin["name"])
    return agencies


def _agency_admin(agency):
    user = ckan_factories.User()
    helpers.call_action(
        "organization_member_create", role="admin", id=agency["id"], username=user["name"]
    )
    return user


@pytest.mark.parametrize(
    "action",
    [
        "angiang_catalogue_import",
        "angiang_catalogue_entry_create",
        "angiang_catalogue_entry_update",
        "angiang_catalogue_entry_withdraw",
    ],
)
def test_only_sysadmins_write(catalogue, action):
    admin = _agency_admin(catalogue["yte"])
    for user in ("", admin["name"]):
        with pytest.raises(logic.NotAuthorized):
            helpers.call_action(
                action, {"user": user, "ignore_auth": False}, code="DLM.YT.01", title="x"
            )
    assert (
        helpers.call_action("angiang_catalogue_entry_show", code="DLM.YT.01")["title"]
        == "Danh sách cơ sở khám chữa bệnh"
    )


def test_everyone_reads(catalogue):
    anonymous = {"user": "", "ignore_auth": False}
    assert len(helpers.call_action("angiang_catalogue_entry_list", anonymous)) == 3
    assert (
        helpers.call_action("angiang_catalogue_entry_show", anonymous, code="DLM.GD.01")[
            "agency_name"
        ]
        == "so-giao-duc-va-dao-tao"
    )
    assert [
        d["number"] for d in helpers.call_action("angiang_catalogue_decision_list", anonymous)
    ] == ["125/QĐ-UBND"]
    history = helpers.call_action("angiang_catalogue_entry_show", anonymous, code="DLM.GD.01")[
        "history"
    ]
    assert history[0]["change"] == "added" and "changed_by" not in history[0]


def test_create_update_withdraw_one_entry(catalogue, sysadmin):
    context = {"user": sysadmin["name"], "ignore_auth": False}
    created = helpers.call_action("angiang_catalogue_entry_create", context, **ENTRY)
    assert (created["frequency"], created["formats"], created["due_date"]) == (
        "ANNUAL",
        ["CSV", "JSON"],
        "2026-12-31",
    )
    updated = helpers.call_action(
        "angiang_catalogue_entry_update", context, code="DLM.YT.07", title="Nhà thuốc đạt chuẩn"
    )
    assert updated["title"] == "Nhà thuốc đạt chuẩn"
    assert updated["decision_number"] == "500/QĐ-UBND"  # a correction keeps the decision
    withdrawn = helpers.call_action(
        "angiang_catalogue_entry_withdraw",
        context,
        code="DLM.YT.07",
        decision_number="600/QĐ-UBND",
        decision_date="2026-03-01",
    )
    assert withdrawn["status"] == "withdrawn"
    assert [h["change"] for h in withdrawn["history"]] == ["added", "corrected", "withdrawn"]


def test_field_errors_of_one_entry(catalogue, sysadmin):
    context = {"user": sysadmin["name"], "ignore_auth": False}
    with pytest.raises(logic.ValidationError) as e:
        helpers.call_action(
            "angiang_catalogue_entry_create",
            context,
            **dict(
                ENTRY,
                code="DLM.YT.01",
                agency="Sở Không Có",
                frequency="thỉnh thoảng",
                due_date="hôm qua",
            ),
        )
    assert set(e.value.error_dict) == {"agency", "frequency", "due_date"}
    with pytest.raises(logic.ValidationError) as e:
        helpers.call_action(
            "angiang_catalogue_entry_create", context, **dict(ENTRY, code="DLM.YT.01")
        )
    assert "already in the catalogue" in e.value.error_dict["code"][0]
    with pytest.raises(logic.ValidationError) as e:  # same number, another date
        helpers.call_action(
            "angiang_catalogue_entry_create", context, **dict(ENTRY, decision_number="125/QĐ-UBND")
        )
    assert "2025-01-15" in e.value.error_dict["decision_date"][0]
    with pytest.raises(logic.NotFound):
        helpers.call_action("angiang_catalogue_entry_show", code="KHONG.CO")


def test_http_import_by_multipart_upload(app, catalogue, sysadmin):
    token = helpers.call_action("api_token_create", user=sysadmin["name"], name="t")["token"]
    rows = [[1, "DLM.YT.08", "Trạm y tế", "Sở Y tế", "", "CSV", "Hằng năm", "2026", ""]]
    resp = app.post(
        "/api/3/action/angiang_catalogue_import",
        headers={"Authorization": token},
        data={
            "decision_number": "700/QĐ-UBND",
            "decision_date": "2026-02-02",
            "upload": (io.BytesIO(csv_bytes(rows)), "phu-luc.csv"),
        },
    )
    assert resp.status_code == 200, resp.body
    assert resp.json["result"]["added"] == 1
    bad = [[1, "DLM.YT.09", "Trạm y tế", "Sở Không Có", "", "CSV", "Hằng năm", "2026", ""]]
    resp = app.post(
        "/api/3/action/angiang_catalogue_import",
        headers={"Authorization": token},
        data={
            "decision_number": "701/QĐ-UBND",
            "decision_date": "2026-02-03",
            "upload": (io.BytesIO(csv_bytes(bad)), "phu-luc.csv"),
        },
    )
    assert resp.status_code == 409
    problem = resp.json["error"]["rows"][0]
    assert (problem["row"], problem["column"]) == (2, "Cơ quan chủ trì")
    user = ckan_factories.User()
    user_token = helpers.call_action("api_token_create", user=user["name"], name="t")["token"]
    resp = app.post(
        "/api/3/action/angiang_catalogue_import",
        headers={"Authorization": user_token},
        data={
            "decision_number": "702/QĐ-UBND",
            "decision_date": "2026-02-03",
            "upload": (io.BytesIO(csv_bytes(rows)), "phu-luc.csv"),
        },
    )
    assert resp.status_code == 403
    assert "DLM.YT.09" not in {
        e["code"] for e in helpers.call_action("angiang_catalogue_entry_list")
    }


class TestDatasetLink:
    @pytest.fixture(autouse=True)
    def _editor(self, clean_db, sysadmin):
        self.context = {"user": sysadmin["name"]}

    def _create(self, org, **kw):
        return helpers.call_action(
            "package_create", dict(self.context), **factories.dataset_dict(org["id"], **kw)
        )

    def test_codes_are_free_while_the_catalogue_is_empty(self, agencies):
        ds = self._create(agencies["yte"], catalogue_code="DM-2025/01")
        assert ds["catalogue_code"] == "DM-2025/01"

    def test_the_code_must_be_an_entry_of_the_agency(self, catalogue):
        with pytest.raises(logic.ValidationError) as e:
            self._create(catalogue["yte"], catalogue_code="DLM.XX.99")
        assert "No entry with this code" in e.value.error_dict["catalogue_code"][0]
        with pytest.raises(logic.ValidationError) as e:
            self._create(catalogue["yte"], catalogue_code="DLM.GD.01")
        assert "Sở Giáo dục và Đào tạo" in e.value.error_dict["catalogue_code"][0]
        ds = self._create(catalogue["yte"], catalogue_code="DLM.YT.01")
        assert ds["catalogue_code"] == "DLM.YT.01"

    def test_a_dataset_keeps_the_code_of_a_withdrawn_entry(self, catalogue, sysadmin):
        ds = self._create(catalogue["yte"], catalogue_code="DLM.YT.01")
        helpers.call_action(
            "angiang_catalogue_entry_withdraw",
            code="DLM.YT.01",
            decision_number="800/QĐ-UBND",
            decision_date="2026-04-01",
        )
        edited = helpers.call_action(
            "package_patch", dict(self.context), id=ds["id"], title="Tên mới"
        )
        assert edited["catalogue_code"] == "DLM.YT.01"
        other = self._create(catalogue["yte"], name="ds-khac")
        with pytest.raises(logic.ValidationError):
            helpers.call_action(
                "package_patch", dict(self.context), id=other["id"], catalogue_code="DLM.YT.01"
            )
