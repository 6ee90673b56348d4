"""The dataset schema (Art. 4, 5.2a, 9.6): what is stored, and every refusal."""

import datetime
import json
from zoneinfo import ZoneInfo

import ckan.model as model
import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _sysadmin_ctx():
    return {"user": ckan_factories.Sysadmin()["name"], "ignore_auth": False}


def _errors(excinfo):
    return excinfo.value.error_dict


def _count():
    return model.Session.query(model.Package).count()


class TestCreate:
    def test_full_dataset_is_stored_with_derived_fields(self):
        org = factories.Agency(
            focal_point_name="Lê Văn Cường",
            focal_point_email="cuong@angiang.gov.vn",
            focal_point_phone="0296 3841 000",
        )
        data = factories.dataset_dict(
            org["id"],
            title="Đất đai và quy hoạch năm 2025",
            spatial_code="30307",  # Phường Long Xuyên
            temporal_start="2025-01-01",
            temporal_end="2025-12-31",
            issued="2025-02-01",
            modified="2025-06-30",
            theme=["ENVI", "REGI"],
            conforms_to="TCVN 12345:2018",
            language=["vi", "en"],
            catalogue_code="DM-2025/01",
            tags=[{"name": "đất đai"}],
        )
        pkg = helpers.call_action("package_create", _sysadmin_ctx(), **data)

        # Name from the title, Vietnamese transliteration (đ -> d)
        assert pkg["name"] == "dat-dai-va-quy-hoach-nam-2025"
        # Art. 5.2a identifier: generated, prefixed, numeric
        assert pkg["identifier"].startswith("AG-") and pkg["identifier"][3:].isdigit()
        # Spatial extent for ckanext-spatial: a GeoJSON polygon from the code
        geom = json.loads(pkg["spatial"])
        assert geom["type"] == "Polygon"
        assert pkg["spatial_code"] == "30307"
        # Contact point defaults to the agency's focal point
        assert pkg["contact_name"] == "Lê Văn Cường"
        assert pkg["contact_email"] == "cuong@angiang.gov.vn"
        assert pkg["contact_phone"] == "0296 3841 000"
        assert pkg["theme"] == ["ENVI", "REGI"]
        assert pkg["language"] == ["vi", "en"]
        assert pkg["no_state_secret"] is True
        assert pkg["license_id"] == "CC-BY-4.0"
        assert pkg["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
        assert pkg["issued"] == "2025-02-01"
        assert pkg["catalogue_code"] == "DM-2025/01"

    def test_defaults_when_optional_fields_are_empty(self):
        org = factories.Agency()
        pkg = helpers.call_action(
            "package_create", _sysadmin_ctx(), **factories.dataset_dict(org["id"])
        )
        assert pkg["spatial_code"] == "91"  # the whole province
        assert json.loads(pkg["spatial"])["coordinates"][0][0] == [103.4, 9.2]
        assert pkg["language"] == ["vi"]
        assert len(pkg["issued"]) == 10  # today, ISO date

    @pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
    def test_issued_defaults_to_the_portals_day_not_the_servers(self, zone, ckan_config):
        # UTC+14 and UTC-11: 25 hours apart, never the same day; the server's
        # clock (UTC) agrees with at most one of them
        ckan_config["ckan.display_timezone"] = zone
        org = factories.Agency()
        before = datetime.datetime.now(ZoneInfo(zone)).date().isoformat()
        pkg = helpers.call_action(
            "package_create", _sysadmin_ctx(), **factories.dataset_dict(org["id"])
        )
        after = datetime.datetime.now(ZoneInfo(zone)).date().isoformat()
        assert pkg["issued"] in (before, after)

    def test_contact_given_is_kept(self):
        org = factories.Agency()
        pkg = helpers.call_action(
            "package_create",
            _sysadmin_ctx(),
            **factories.dataset_dict(
                org["id"], contact_name="Phòng Thống kê", contact_email="tk@angiang.gov.vn"
            ),
        )
        assert pkg["contact_name"] == "Phòng Thống kê"
        assert pkg["contact_email"] == "tk@angiang.gov.vn"

    def test_name_derived_twice_is_unique(self):
        org = factories.Agency()
        ctx = _sysadmin_ctx()
        a = helpers.call_action(
            "package_create",
            dict(ctx),
            **factories.dataset_dict(org["id"], title="Đường giao thông"),
        )
        b = helpers.call_action(
            "package_create",
            dict(ctx),
            **factories.dataset_dict(org["id"], title="Đường giao thông"),
        )
        assert a["name"] == "duong-giao-thong"
        assert b["name"] == "duong-giao-thong-2"


class TestIdentifier:
    def test_unique_and_never_reused_after_purge(self):
        org = factories.Agency()
        ctx = _sysadmin_ctx()
        first = helpers.call_action(
            "package_create", dict(ctx), **factories.dataset_dict(org["id"], title="Một")
        )
        helpers.call_action("dataset_purge", dict(ctx), id=first["id"])
        second = helpers.call_action(
            "package_create", dict(ctx), **factories.dataset_dict(org["id"], title="Hai")
        )
        assert second["identifier"] != first["identifier"]
        assert int(second["identifier"][3:]) > int(first["identifier"][3:])

    def test_kept_on_update_and_cannot_change(self):
        ds = factories.Dataset()
        ctx = _sysadmin_ctx()
        updated = helpers.call_action("package_patch", dict(ctx), id=ds["id"], title="Tên mới")
        assert updated["identifier"] == ds["identifier"]
        # an update that leaves it out keeps it
        full = helpers.call_action("package_show", id=ds["id"])
        full.pop("identifier")
        again = helpers.call_action("package_update", dict(ctx), **full)
        assert again["identifier"] == ds["identifier"]
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("package_patch", dict(ctx), id=ds["id"], identifier="AG-999999")
        assert "identifier" in _errors(e)
        assert helpers.call_action("package_show", id=ds["id"])["identifier"] == ds["identifier"]

    def test_agency_staff_cannot_supply_one(self):
        editor = ckan_factories.User()
        org = factories.Agency(users=[{"name": editor["name"], "capacity": "editor"}])
        before = _count()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "package_create",
                {"user": editor["name"]},
                **factories.dataset_dict(org["id"], identifier="AG-000001"),
            )
        assert "identifier" in _errors(e)
        assert _count() == before

    def test_sysadmin_restores_a_dataset_with_its_identifier_once(self):
        org = factories.Agency()
        ctx = _sysadmin_ctx()
        gone = helpers.call_action(
            "package_create", dict(ctx), **factories.dataset_dict(org["id"], title="Cũ")
        )
        helpers.call_action("package_delete", dict(ctx), id=gone["id"])
        # held by a deleted dataset: refused
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "package_create",
                dict(ctx),
                **factories.dataset_dict(org["id"], title="Khác", identifier=gone["identifier"]),
            )
        assert "identifier" in _errors(e)
        # after a purge, a restore (e.g. a harvest of the exported catalogue) keeps it
        helpers.call_action("dataset_purge", dict(ctx), id=gone["id"])
        back = helpers.call_action(
            "package_create",
            dict(ctx),
            **factories.dataset_dict(org["id"], title="Cũ", identifier=gone["identifier"]),
        )
        assert back["identifier"] == gone["identifier"]
        # and the sequence never hands it out again
        new = helpers.call_action(
            "package_create", dict(ctx), **factories.dataset_dict(org["id"], title="Mới")
        )
        assert new["identifier"] not in (gone["identifier"],)

    def test_shown_on_the_dataset_page(self, app):
        ds = factories.Dataset()
        res = app.get(tk.url_for("dataset.read", id=ds["name"]))
        assert ds["identifier"] in res.body


class TestRefusals:
    """Each rule's refusal: a field-level error, nothing saved."""

    @pytest.mark.parametrize(
        "field, value",
        [
            ("license_id", ""),
            ("license_id", "no-such-licence"),
            ("spatial_code", "01001"),  # a ward of Hà Nội, not of the province
            ("theme", ["NOPE"]),
            ("theme", []),
            ("frequency", "sometimes"),
            ("frequency", ""),
            ("language", ["xx"]),
            ("quality_statement", ""),
            ("notes", ""),
            ("contact_email", "not-an-email"),
            ("contact_phone", "12"),
            ("catalogue_code", "có dấu cách"),
            ("issued", "31/12/2025"),
        ],
    )
    def test_field_error(self, field, value):
        org = factories.Agency()
        before = _count()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "package_create",
                _sysadmin_ctx(),
                **factories.dataset_dict(org["id"], **{field: value}),
            )
        assert field in _errors(e), _errors(e)
        assert _count() == before

    def test_unknown_licence_error_names_the_allowed_ones(self):
        org = factories.Agency()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "package_create",
                _sysadmin_ctx(),
                **factories.dataset_dict(org["id"], license_id="cc-nc"),
            )
        msg = " ".join(_errors(e)["license_id"])
        assert "CC-BY-4.0" in msg and "vn-nd47-2020-dieu-18" in msg

    def test_licence_cannot_be_removed_on_update(self):
        ds = factories.Dataset()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("package_patch", _sysadmin_ctx(), id=ds["id"], license_id="")
        assert "license_id" in _errors(e)
        assert helpers.call_action("package_show", id=ds["id"])["license_id"] == "CC-BY-4.0"

    def test_temporal_end_before_start(self):
        org = factories.Agency()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "package_create",
                _sysadmin_ctx(),
                **factories.dataset_dict(
                    org["id"], temporal_start="2025-06-01", temporal_end="2025-01-01"
                ),
            )
        assert list(_errors(e)) == ["temporal_end"]

    def test_modified_before_issued(self):
        org = factories.Agency()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "package_create",
                _sysadmin_ctx(),
                **factories.dataset_dict(org["id"], issued="2025-06-01", modified="2025-01-01"),
            )
        assert list(_errors(e)) == ["modified"]

    def test_owner_org_required(self):
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("package_create", _sysadmin_ctx(), **factories.dataset_dict(""))
        assert "owner_org" in _errors(e)

    def test_spatial_geojson_without_code_is_checked(self):
        # a harvested dataset may bring its own geometry, but it must be GeoJSON
        org = factories.Agency()
        data = factories.dataset_dict(org["id"])
        with pytest.raises(tk.ValidationError):
            helpers.call_action(
                "package_create", _sysadmin_ctx(), **dict(data, spatial_code="nowhere")
            )


class TestStateSecretAttestation:
    """Art. 9.6: public only with the attestation."""

    def test_public_without_attestation_is_refused(self):
        org = factories.Agency()
        before = _count()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "package_create",
                _sysadmin_ctx(),
                **factories.dataset_dict(org["id"], no_state_secret=False, private=False),
            )
        assert "no_state_secret" in _errors(e)
        assert _count() == before

    def test_private_draft_without_attestation_then_publish(self):
        org = factories.Agency()
        ctx = _sysadmin_ctx()
        pkg = helpers.call_action(
            "package_create",
            dict(ctx),
            **factories.dataset_dict(org["id"], no_state_secret=False, private=True),
        )
        assert pkg["no_state_secret"] is False
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("package_patch", dict(ctx), id=pkg["id"], private=False)
        assert "no_state_secret" in _errors(e)
        assert helpers.call_action("package_show", id=pkg["id"])["private"] is True
        done = helpers.call_action(
            "package_patch", dict(ctx), id=pkg["id"], private=False, no_state_secret="true"
        )
        assert done["private"] is False and done["no_state_secret"] is True

    def test_bulk_make_public_is_refused_without_attestation(self):
        org = factories.Agency()
        ctx = _sysadmin_ctx()
        pkg = helpers.call_action(
            "package_create",
            dict(ctx),
            **factories.dataset_dict(org["id"], no_state_secret=False, private=True),
        )
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "bulk_update_public", dict(ctx), datasets=[pkg["id"]], org_id=org["id"]
            )
        assert "no_state_secret" in _errors(e)
        assert model.Package.get(pkg["id"]).private is True


class TestApi:
    def test_409_with_field_errors_in_english_and_vietnamese(self, app):
        sysadmin = ckan_factories.SysadminWithToken()
        org = factories.Agency()
        data = factories.dataset_dict(org["id"], license_id="", frequency="sometimes")
        res = app.post(
            "/api/action/package_create",
            json=data,
            headers={"Authorization": sysadmin["token"]},
            status=409,
        )
        err = res.json["error"]
        assert err["__type"] == "Validation Error"
        assert "licence" in err["license_id"][0].lower()
        assert "frequency" in err
        # the user's language: CKAN's locale prefix works for the API too
        res_vi = app.post(
            "/vi/api/action/package_create",
            json=data,
            headers={"Authorization": sysadmin["token"]},
            status=409,
        )
        assert "giấy phép" in res_vi.json["error"]["license_id"][0].lower()
