"""Agencies (Art. 6.2, 16): the schema, the tree page, merge and rename
(the 2025 reorganisation)."""

import ckan.model as model
import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _ctx():
    return {"user": ckan_factories.Sysadmin()["name"], "ignore_auth": False}


def _n_orgs():
    return model.Session.query(model.Group).filter_by(is_organization=True).count()


class TestSchema:
    def test_agency_with_every_field(self):
        factories.Agency(name="ubnd-tinh")
        org = helpers.call_action(
            "organization_create",
            _ctx(),
            **factories.agency_dict(
                title="Sở Nông nghiệp và Môi trường",
                short_name="Sở NN&MT",
                agency_code="000.00.23.H01",
                parent_agency="ubnd-tinh",
                address="Số 1, Long Xuyên",
                website="https://snnmt.angiang.gov.vn",
            ),
        )
        assert org["name"] == "so-nong-nghiep-va-moi-truong"  # derived, đ/ư/ô transliterated
        assert org["agency_level"] == "provincial"
        assert org["parent_agency"] == "ubnd-tinh"
        assert org["focal_point_email"] == "snnmt@angiang.gov.vn"
        assert org["agency_code"] == "000.00.23.H01"

    @pytest.mark.parametrize(
        "field, value",
        [
            ("title", ""),
            ("agency_level", ""),
            ("agency_level", "district"),  # no district level since 1 July 2025
            ("focal_point_name", ""),
            ("focal_point_position", ""),
            ("focal_point_email", ""),
            ("focal_point_email", "not-an-email"),
            ("focal_point_phone", "abc"),
            ("parent_agency", "no-such-agency"),
            ("website", "snnmt.angiang.gov.vn"),
            ("agency_code", "mã có dấu"),
        ],
    )
    def test_field_error_nothing_saved(self, field, value):
        before = _n_orgs()
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "organization_create",
                _ctx(),
                **factories.agency_dict(name="co-quan-x", **{field: value}),
            )
        assert field in e.value.error_dict, e.value.error_dict
        assert _n_orgs() == before

    def test_agency_code_is_unique(self):
        factories.Agency(agency_code="H01.1")
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action(
                "organization_create", _ctx(), **factories.agency_dict(agency_code="H01.1")
            )
        assert "agency_code" in e.value.error_dict

    def test_parent_cycle_refused(self):
        a = factories.Agency(name="a-agency")
        factories.Agency(name="b-agency", parent_agency="a-agency")
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("organization_patch", _ctx(), id=a["id"], parent_agency="b-agency")
        assert "parent_agency" in e.value.error_dict
        with pytest.raises(tk.ValidationError):
            helpers.call_action("organization_patch", _ctx(), id=a["id"], parent_agency="a-agency")

    def test_api_409_for_bad_agency(self, app):
        sysadmin = ckan_factories.SysadminWithToken()
        res = app.post(
            "/api/action/organization_create",
            json=factories.agency_dict(focal_point_email="x"),
            headers={"Authorization": sysadmin["token"]},
            status=409,
        )
        assert "focal_point_email" in res.json["error"]


class TestTree:
    def test_tree_groups_by_level_and_nests_by_parent(self, app):
        factories.Agency(name="ubnd-tinh", title="UBND tỉnh An Giang", agency_level="other")
        factories.Agency(name="so-gd", title="Sở Giáo dục và Đào tạo", parent_agency="ubnd-tinh")
        factories.Agency(name="xa-my-hoa-hung", title="UBND xã Mỹ Hòa Hưng", agency_level="commune")
        factories.Dataset(owner_org="so-gd")
        tree = helpers.call_action("angiang_agency_tree", {"user": ""})
        levels = {lvl["level"]: lvl["agencies"] for lvl in tree}
        assert [lvl["level"] for lvl in tree] == ["provincial", "commune", "other"]
        assert [a["name"] for a in levels["commune"]] == ["xa-my-hoa-hung"]
        # a child of another level sits at its own level, naming its parent
        # (issue #13: communes were listed under the provincial heading)
        assert [a["name"] for a in levels["provincial"]] == ["so-gd"]
        assert levels["provincial"][0]["parent_title"] == "UBND tỉnh An Giang"
        assert levels["provincial"][0]["package_count"] == 1
        top = levels["other"][0]
        assert top["name"] == "ubnd-tinh" and top["children"] == []
        # a child of the same level sits under its parent
        factories.Agency(name="chi-cuc", title="Chi cục Thủy sản", parent_agency="so-gd")
        tree = helpers.call_action("angiang_agency_tree", {"user": ""})
        provincial = {lvl["level"]: lvl["agencies"] for lvl in tree}["provincial"]
        assert [a["name"] for a in provincial] == ["so-gd"]
        assert [c["name"] for c in provincial[0]["children"]] == ["chi-cuc"]
        page = app.get("/agencies")
        assert 'data-agency="so-gd"' in page.body
        assert page.body.index('id="level-commune"') < page.body.index(
            'data-agency="xa-my-hoa-hung"'
        )


class TestMerge:
    def test_merge_moves_datasets_staff_and_redirects(self, app):
        ctx = _ctx()
        editor = ckan_factories.User()
        old_a = factories.Agency(
            name="so-tn-mt", users=[{"name": editor["name"], "capacity": "editor"}]
        )
        old_b = factories.Agency(name="so-nn-ptnt")
        new = factories.Agency(name="so-nn-mt")
        child = factories.Agency(name="chi-cuc-x", parent_agency="so-tn-mt")
        d1 = factories.Dataset(owner_org=old_a["id"])
        d2 = factories.Dataset(owner_org=old_b["id"], private=True, no_state_secret=False)

        result = helpers.call_action(
            "angiang_agency_merge", dict(ctx), sources=["so-tn-mt", "so-nn-ptnt"], target="so-nn-mt"
        )
        assert result["datasets_moved"] == 2
        for d in (d1, d2):
            shown = helpers.call_action("package_show", dict(ctx), id=d["id"])
            assert shown["owner_org"] == new["id"]
            assert shown["identifier"] == d["identifier"]  # identifiers survive
        # history: the dataset's activity stream records the move
        activities = helpers.call_action("package_activity_list", dict(ctx), id=d1["id"])
        assert activities[0]["activity_type"] == "changed package"
        assert activities[0]["data"]["package"]["owner_org"] == new["id"]
        # sources deleted; names kept for redirects; child re-parented
        assert model.Group.get(old_a["id"]).state == "deleted"
        target = helpers.call_action("organization_show", dict(ctx), id="so-nn-mt")
        assert set(target["former_names"]) == {"so-tn-mt", "so-nn-ptnt"}
        assert (
            helpers.call_action("organization_show", dict(ctx), id=child["id"])["parent_agency"]
            == "so-nn-mt"
        )
        # staff follow with their role
        member = (
            model.Session.query(model.Member)
            .filter_by(group_id=new["id"], table_id=editor["id"], state="active")
            .one()
        )
        assert member.capacity == "editor"
        # old URLs redirect
        res = app.get("/organization/so-tn-mt", follow_redirects=False, status=301)
        assert res.headers["Location"].endswith("/organization/so-nn-mt")
        res = app.get("/organization/about/so-nn-ptnt", follow_redirects=False, status=301)
        assert res.headers["Location"].endswith("/organization/about/so-nn-mt")

    def test_failed_merge_changes_nothing(self):
        ctx = _ctx()
        src = factories.Agency(name="old-one")
        factories.Agency(name="new-one")
        d = factories.Dataset(owner_org=src["id"])
        with pytest.raises(tk.ValidationError):
            helpers.call_action(
                "angiang_agency_merge", dict(ctx), sources=["old-one", "no-such"], target="new-one"
            )
        with pytest.raises(tk.ValidationError):
            helpers.call_action(
                "angiang_agency_merge", dict(ctx), sources=["old-one"], target="old-one"
            )
        assert model.Package.get(d["id"]).owner_org == src["id"]
        assert model.Group.get("old-one").state == "active"

    def test_only_sysadmins_merge(self, app):
        user = ckan_factories.UserWithToken()
        factories.Agency(name="m-a", users=[{"name": user["name"], "capacity": "admin"}])
        factories.Agency(name="m-b", users=[{"name": user["name"], "capacity": "admin"}])
        app.post(
            "/api/action/angiang_agency_merge",
            json={"sources": ["m-a"], "target": "m-b"},
            headers={"Authorization": user["token"]},
            status=403,
        )
        assert model.Group.get("m-a").state == "active"

    def test_cli_merge(self, cli):
        from ckanext.angiang.cli import angiang

        src = factories.Agency(name="ubnd-huyen-cho-moi")
        factories.Agency(name="ubnd-xa-cho-moi", agency_level="commune")
        factories.Dataset(owner_org=src["id"])
        result = cli.invoke(
            angiang, ["merge-agencies", "ubnd-huyen-cho-moi", "--into", "ubnd-xa-cho-moi"]
        )
        assert result.exit_code == 0, result.output
        assert "1 datasets moved" in result.output
        assert model.Group.get("ubnd-huyen-cho-moi").state == "deleted"
        bad = cli.invoke(angiang, ["merge-agencies", "nope", "--into", "ubnd-xa-cho-moi"])
        assert bad.exit_code != 0


class TestRename:
    def test_rename_redirects_and_keeps_datasets(self, app):
        ctx = _ctx()
        org = factories.Agency(name="so-tt-tt", title="Sở Thông tin và Truyền thông")
        child = factories.Agency(name="trung-tam-cntt", parent_agency="so-tt-tt")
        d = factories.Dataset(owner_org=org["id"])
        result = helpers.call_action(
            "angiang_agency_rename",
            dict(ctx),
            id="so-tt-tt",
            name="so-kh-cn",
            title="Sở Khoa học và Công nghệ",
        )
        assert result["name"] == "so-kh-cn" and result["former_names"] == ["so-tt-tt"]
        assert (
            helpers.call_action("package_show", dict(ctx), id=d["id"])["organization"]["name"]
            == "so-kh-cn"
        )
        assert (
            helpers.call_action("organization_show", dict(ctx), id=child["id"])["parent_agency"]
            == "so-kh-cn"
        )
        res = app.get("/organization/so-tt-tt", follow_redirects=False, status=301)
        assert res.headers["Location"].endswith("/organization/so-kh-cn")
        # an ordinary edit of the agency keeps its former names
        helpers.call_action(
            "organization_patch",
            dict(ctx),
            id="so-kh-cn",
            address="Long Xuyên",
            former_names='["hijack"]',
        )
        assert helpers.call_action("organization_show", dict(ctx), id="so-kh-cn")[
            "former_names"
        ] == ["so-tt-tt"]

    def test_rename_to_a_taken_name_refused(self):
        factories.Agency(name="r-one")
        factories.Agency(name="r-two")
        with pytest.raises(tk.ValidationError):
            helpers.call_action("angiang_agency_rename", _ctx(), id="r-one", name="r-two")
        assert model.Group.get("r-one") is not None


class TestAgencyForm:
    def _form(self, **extra):
        data = dict(factories.agency_dict(), name="", save="")
        data.update(extra)
        return data

    def test_dic_creates_an_agency_through_the_form(self, app):
        dic = ckan_factories.SysadminWithToken()
        res = app.post(
            tk.url_for("organization.new"),
            headers={"Authorization": dic["token"]},
            data=self._form(title="UBND xã Mỹ Hòa Hưng", agency_level="commune"),
            follow_redirects=False,
        )
        assert res.status_code == 302, res.body[:2000]
        org = model.Group.get("ubnd-xa-my-hoa-hung")
        assert org is not None and org.extras["agency_level"] == "commune"
        about = app.get("/vi/organization/about/ubnd-xa-my-hoa-hung").body
        assert "Cán bộ đầu mối – Họ tên" in about and "Trần Thị Bình" in about

    def test_form_shows_field_errors_and_saves_nothing(self, app):
        dic = ckan_factories.SysadminWithToken()
        before = _n_orgs()
        res = app.post(
            tk.url_for("organization.new"),
            headers={"Authorization": dic["token"]},
            data=self._form(focal_point_email="khong-phai-email", agency_level=""),
        )
        assert "is not an email address" in res.body
        assert _n_orgs() == before
