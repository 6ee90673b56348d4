"""Issue 17, item 7: no identifier of a private dataset, a draft or a purged
dataset reaches an anonymous visitor or another agency's member.

Agency B owns a public dataset, a private one and a draft of its editor;
each leak observed before is replayed as an anonymous visitor and as a
member (editor) of agency A, through the Action API of a real CKAN app, and
the response is searched for the hidden datasets' ids, names and tags. B's
own editor (or a sysadmin) still sees them, so the checks cannot pass by
showing nothing.
"""

import json

import ckan.model as model
import ckan.plugins as p
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

#: test.ini's plugins, plus a view plugin (resource views need one)
WITH_VIEWS = (
    "activity angiang angiang_i18n angiang_search scheming_datasets "
    "scheming_organizations angiang_schema dcat structured_data angiang_dcat image_view"
)

OUTSIDERS = ["anonymous", "member_of_a"]


def _create(user, agency, **fields):
    return helpers.call_action(
        "package_create", {"user": user["name"]}, **factories.dataset_dict(agency["id"], **fields)
    )


@pytest.fixture
def world():
    editor_a = ckan_factories.UserWithToken()
    editor_b = ckan_factories.UserWithToken()
    dic = ckan_factories.SysadminWithToken()
    a = factories.Agency(users=[{"name": editor_a["name"], "capacity": "editor"}])
    b = factories.Agency(users=[{"name": editor_b["name"], "capacity": "editor"}])
    # B's editor publishes directly: review before publishing (Art. 9.6,
    # tests/catalogue/test_review.py) is not what these tests are about
    if p.plugin_loaded("angiang_catalogue"):
        helpers.call_action(
            "angiang_review_policy_update", {"user": dic["name"]}, agency=b["id"], required=False
        )
    # created by B's editor, not the site user, whose activities CKAN hides
    public = _create(editor_b, b, name="b-cong-khai", tags=[{"name": "cong-khai"}])
    private = _create(editor_b, b, name="b-bi-mat", private=True, tags=[{"name": "the-bi-mat"}])
    draft = _create(editor_b, b, name="b-ban-nhap", state="draft", tags=[{"name": "the-nhap"}])
    resource = factories.Resource(
        package_id=private["id"], url="https://b.gov.vn/mat.png", format="PNG"
    )
    return {
        "editor_a": editor_a,
        "editor_b": editor_b,
        "dic": dic,
        "a": a,
        "b": b,
        "public": public,
        "private": private,
        "draft": draft,
        "resource": resource,
    }


def _headers(world, who):
    user = {
        "anonymous": None,
        "member_of_a": world["editor_a"],
        "member_of_b": world["editor_b"],
        "sysadmin": world["dic"],
    }[who]
    return {"Authorization": user["token"]} if user else {}


def _hidden(world):
    """Strings that must not appear: ids and names of the private dataset,
    the draft and the private resource, and the tags only they carry."""
    return [
        world["private"]["id"],
        world["private"]["name"],
        world["draft"]["id"],
        world["draft"]["name"],
        world["resource"]["id"],
        "the-bi-mat",
        "the-nhap",
    ]


def _assert_hides(body: str, world):
    for secret in _hidden(world):
        assert secret not in body, secret


@pytest.mark.parametrize("who", OUTSIDERS)
def test_member_list_hides_private_datasets_and_drafts(app, world, who):
    res = app.get(
        "/api/action/member_list",
        headers=_headers(world, who),
        query_string={"id": world["b"]["id"], "object_type": "package"},
    )
    assert res.json.get("success"), res.json
    ids = [m[0] for m in res.json["result"]]
    assert world["public"]["id"] in ids
    _assert_hides(res.get_data(as_text=True), world)


@pytest.mark.parametrize("who", ["member_of_b", "sysadmin"])
def test_member_list_still_lists_them_to_the_agency(app, world, who):
    res = app.get(
        "/api/action/member_list",
        headers=_headers(world, who),
        query_string={"id": world["b"]["id"], "object_type": "package"},
    )
    ids = {m[0] for m in res.json["result"]}
    assert {world["public"]["id"], world["private"]["id"]} <= ids


@pytest.mark.parametrize("who", OUTSIDERS)
def test_bulk_update_public_checks_rights_before_reading(app, world, who):
    body = {"datasets": [world["private"]["id"], world["draft"]["id"]], "org_id": world["b"]["id"]}
    res = app.post(
        "/api/action/bulk_update_public", headers=_headers(world, who), json=body, status=403
    )
    _assert_hides(
        res.get_data(as_text=True)
        .replace(world["private"]["id"], "")
        .replace(world["draft"]["id"], ""),
        world,
    )
    assert "no_state_secret" not in res.get_data(as_text=True)
    assert model.Package.get(world["private"]["id"]).private is True


def test_bulk_update_public_through_own_agency_reads_no_other(app, world):
    """Naming B's private dataset while acting on one's own agency A: nothing
    of B is read, named or changed (CKAN updates only A's datasets)."""
    private = world["private"]
    pkg = model.Package.get(private["id"])
    pkg.extras = {k: v for k, v in pkg.extras.items() if k != "no_state_secret"}
    model.repo.commit()
    assert "no_state_secret" not in model.Package.get(private["id"]).extras
    admin_a = ckan_factories.UserWithToken()  # bulk updates need the agency's admin role
    helpers.call_action(
        "organization_member_create",
        {"ignore_auth": True},
        id=world["a"]["id"],
        username=admin_a["name"],
        role="admin",
    )
    res = app.post(
        "/api/action/bulk_update_public",
        headers={"Authorization": admin_a["token"]},
        json={"datasets": [private["id"]], "org_id": world["a"]["id"]},
    )
    assert res.json["success"] is True, res.json
    assert private["name"] not in res.get_data(as_text=True)
    assert model.Package.get(private["id"]).private is True


@pytest.mark.ckan_config("ckan.plugins", WITH_VIEWS)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_user_activity_list_hides_resource_views_of_private_datasets(app, world, who):
    helpers.call_action(
        "resource_view_create",
        {"user": world["editor_b"]["name"]},
        resource_id=world["resource"]["id"],
        view_type="image_view",
        title="Ảnh bí mật",
    )
    query = {"id": world["editor_b"]["name"]}
    res = app.get(
        "/api/action/user_activity_list", headers=_headers(world, who), query_string=query
    )
    body = res.get_data(as_text=True)
    _assert_hides(body, world)
    assert "Ảnh bí mật" not in json.loads(body)["result"].__repr__()
    own = app.get(
        "/api/action/user_activity_list", headers=_headers(world, "member_of_b"), query_string=query
    )
    kinds = [a["activity_type"] for a in own.json["result"]]
    assert "new resource view" in kinds  # the agency still sees its own


@pytest.mark.parametrize("who", OUTSIDERS + ["sysadmin"])
def test_recently_changed_packages_forgets_purged_datasets(app, world, who):
    gone = _create(world["editor_b"], world["b"], name="b-da-xoa-han", title="Đã xóa hẳn")
    helpers.call_action("dataset_purge", {"user": world["dic"]["name"]}, id=gone["id"])
    res = app.get(
        "/api/action/recently_changed_packages_activity_list", headers=_headers(world, who)
    )
    body = res.get_data(as_text=True)
    assert gone["id"] not in body and "b-da-xoa-han" not in body
    assert world["public"]["id"] in body  # the stream itself still works
    if who != "sysadmin":
        _assert_hides(body, world)


def test_purging_a_dataset_purges_its_activities(world):
    from ckanext.activity.model import Activity

    gone = _create(world["editor_b"], world["b"], name="b-se-xoa-han")
    assert model.Session.query(Activity).filter_by(object_id=gone["id"]).count() > 0
    helpers.call_action("dataset_purge", {"user": world["dic"]["name"]}, id=gone["id"])
    assert model.Session.query(Activity).filter_by(object_id=gone["id"]).count() == 0


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(
    "action,query",
    [
        ("tag_list", {}),
        ("tag_list", {"query": "the"}),
        ("tag_list", {"all_fields": "true"}),
        ("tag_autocomplete", {"q": "the"}),
        ("tag_search", {"query": "the"}),
    ],
)
def test_tag_lists_hide_tags_only_private_or_draft_datasets_carry(app, world, who, action, query):
    res = app.get(f"/api/action/{action}", headers=_headers(world, who), query_string=query)
    body = res.get_data(as_text=True)
    assert "the-bi-mat" not in body and "the-nhap" not in body
    if "query" not in query and "q" not in query:
        assert "cong-khai" in body


@pytest.mark.parametrize("who", OUTSIDERS)
def test_tag_show_of_a_private_tag_is_not_found(app, world, who):
    app.get(
        "/api/action/tag_show",
        headers=_headers(world, who),
        query_string={"id": "the-bi-mat"},
        status=404,
    )
    app.get(
        "/api/action/tag_show",
        headers=_headers(world, who),
        query_string={"id": "cong-khai"},
        status=200,
    )


def test_sysadmin_still_lists_every_tag(app, world):
    res = app.get("/api/action/tag_list", headers=_headers(world, "sysadmin"))
    assert {"the-bi-mat", "the-nhap", "cong-khai"} <= set(res.json["result"])


@pytest.mark.parametrize("who", OUTSIDERS)
def test_refusals_do_not_echo_the_uuid(app, world, who):
    private = world["private"]
    headers = _headers(world, who)
    calls = [
        app.get(
            "/api/action/package_show",
            headers=headers,
            query_string={"id": private["name"]},
            status=403,
        ),
        app.get(
            "/api/action/resource_show",
            headers=headers,
            query_string={"id": world["resource"]["id"]},
            status=403,
        ),
        app.post(
            "/api/action/package_patch",
            headers=headers,
            json={"id": private["name"], "title": "sửa"},
            status=403,
        ),
        app.post(
            "/api/action/package_delete", headers=headers, json={"id": private["name"]}, status=403
        ),
        app.get(f"/dataset/{private['name']}", headers=headers, status=404),
        app.get(f"/dataset/edit/{private['name']}", headers=headers),
        app.get(
            f"/dataset/{private['name']}/resource/{world['resource']['id']}",
            headers=headers,
            status=404,
        ),
    ]
    for res in calls:
        assert res.status_code in (302, 403, 404)
        assert private["id"] not in res.get_data(as_text=True)
    assert "not authorized to read this dataset" in calls[0].json["error"]["message"]
    assert model.Package.get(private["id"]).title == private["title"]
    assert model.Package.get(private["id"]).state == "active"
