"""Review before publishing (Art. 9.6): an editor's attestation holds the
dataset for review; an agency admin approves; who did what is recorded."""

import ckan.model as model
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan import logic
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def agency():
    org = factories.Agency()
    people = {"editor": ckan_factories.User(), "admin": ckan_factories.User()}
    for role, user in people.items():
        helpers.call_action(
            "organization_member_create", id=org["id"], role=role, username=user["name"]
        )
    return dict(org, **people)


def _as(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


def _publish(user, agency, **kw):
    return helpers.call_action(
        "package_create", _as(user), **factories.dataset_dict(agency["id"], **kw)
    )


def _events(package_id):
    shown = helpers.call_action("angiang_review_show", id=package_id)
    return shown["status"], [(e["event"], e["user_name"]) for e in shown["events"]]


def test_an_editors_attestation_waits_for_the_agency_admin(agency):
    ds = _publish(agency["editor"], agency, name="cho-duyet")
    assert ds["private"] is True
    assert _events(ds["id"]) == ("awaiting_review", [("attested", agency["editor"]["name"])])
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("package_show", _as(None), id=ds["id"])
    assert helpers.call_action("package_search", q="name:cho-duyet")["count"] == 0
    listed = helpers.call_action(
        "angiang_review_list", _as(agency["editor"]), agency=agency["name"]
    )
    assert [d["name"] for d in listed] == ["cho-duyet"]

    with pytest.raises(logic.NotAuthorized):  # the editor cannot approve their own
        helpers.call_action("angiang_review_approve", _as(agency["editor"]), id=ds["id"])
    outsider = factories.Agency()
    other_admin = ckan_factories.User()
    helpers.call_action(
        "organization_member_create", id=outsider["id"], role="admin", username=other_admin["name"]
    )
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("angiang_review_approve", _as(other_admin), id=ds["id"])

    helpers.call_action("angiang_review_approve", _as(agency["admin"]), id=ds["id"])
    assert helpers.call_action("package_show", _as(None), id=ds["id"])["private"] is False
    assert _events(ds["id"]) == (
        "approved",
        [("attested", agency["editor"]["name"]), ("approved", agency["admin"]["name"])],
    )
    assert (
        helpers.call_action("angiang_review_list", _as(agency["admin"]), agency=agency["name"])
        == []
    )


def test_a_public_dataset_edited_by_an_editor_stays_public(agency):
    ds = _publish(agency["admin"], agency, name="cong-khai")
    assert ds["private"] is False
    assert _events(ds["id"])[1] == [
        ("attested", agency["admin"]["name"]),
        ("approved", agency["admin"]["name"]),
    ]
    edited = helpers.call_action(
        "package_patch", _as(agency["editor"]), id=ds["id"], title="Tên mới"
    )
    assert edited["private"] is False


def test_rejection_needs_a_reason_and_keeps_the_dataset_private(agency):
    ds = _publish(agency["editor"], agency, name="bi-tra-lai")
    with pytest.raises(logic.ValidationError) as e:
        helpers.call_action("angiang_review_reject", _as(agency["admin"]), id=ds["id"])
    assert "note" in e.value.error_dict
    helpers.call_action(
        "angiang_review_reject", _as(agency["admin"]), id=ds["id"], note="Có thông tin mật ở cột 3"
    )
    status, events = _events(ds["id"])
    assert status == "rejected" and events[-1] == ("rejected", agency["admin"]["name"])
    assert helpers.call_action("package_show", id=ds["id"])["private"] is True
    with pytest.raises(logic.ValidationError):  # nothing awaits review any more
        helpers.call_action("angiang_review_approve", _as(agency["admin"]), id=ds["id"])
    # the editor fixes it and asks again
    helpers.call_action("package_patch", _as(agency["editor"]), id=ds["id"], private=False)
    assert _events(ds["id"])[0] == "awaiting_review"


def test_a_private_dataset_is_not_reviewed(agency):
    ds = _publish(agency["editor"], agency, name="rieng-tu", private=True)
    assert _events(ds["id"]) == (None, [])


def test_sysadmins_may_turn_review_off_for_an_agency(agency, sysadmin):
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action(
            "angiang_review_policy_update",
            _as(agency["admin"]),
            agency=agency["name"],
            required=False,
        )
    # a word that is not yes or no leaves review on (boolean_validator reads it as false)
    with pytest.raises(logic.ValidationError, match="required"):
        helpers.call_action(
            "angiang_review_policy_update", _as(sysadmin), agency=agency["name"], required="maybe"
        )
    from ckanext.angiang.catalogue import review

    assert review.required(model.Group.get(agency["name"]).id) is True
    result = helpers.call_action(
        "angiang_review_policy_update", _as(sysadmin), agency=agency["name"], required=False
    )
    assert result == {"agency": agency["name"], "required": False}
    ds = _publish(agency["editor"], agency, name="khong-duyet")
    assert ds["private"] is False
    assert _events(ds["id"]) == (None, [])


def test_the_review_of_a_private_dataset_is_hidden_from_others(agency):
    ds = _publish(agency["editor"], agency, name="an")
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("angiang_review_show", _as(None), id=ds["id"])
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action(
            "angiang_review_list", _as(ckan_factories.User()), agency=agency["name"]
        )


def test_review_from_the_dataset_page(app, agency):
    ds = _publish(agency["editor"], agency, name="trang-duyet", title="Trang duyệt")
    editor_headers = {
        "Authorization": helpers.call_action(
            "api_token_create", user=agency["editor"]["name"], name="t"
        )["token"]
    }
    editor_page = app.get("/dataset/trang-duyet", headers=editor_headers).body
    assert "Awaiting review" in editor_page and "Approve and publish" not in editor_page
    headers = {
        "Authorization": helpers.call_action(
            "api_token_create", user=agency["admin"]["name"], name="t"
        )["token"]
    }
    admin_page = app.get("/dataset/trang-duyet", headers=headers).body
    assert "Approve and publish" in admin_page
    listing = app.get(f"/review/agency/{agency['name']}", headers=headers).body
    assert 'data-name="trang-duyet"' in listing
    app.get(f"/review/agency/{agency['name']}", status=403)
    app.post("/review/trang-duyet/approve", headers=editor_headers, status=403)
    assert helpers.call_action("package_show", id=ds["id"])["private"] is True
    app.post("/review/trang-duyet/approve", headers=headers)
    assert helpers.call_action("package_show", id=ds["id"])["private"] is False


def test_bulk_make_public_is_for_reviewers_only(agency):
    ds = _publish(agency["editor"], agency, name="hang-loat", private=True)
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action(
            "bulk_update_public", _as(agency["editor"]), datasets=[ds["id"]], org_id=agency["id"]
        )
    assert helpers.call_action("package_show", id=ds["id"])["private"] is True
    helpers.call_action(
        "bulk_update_public", _as(agency["admin"]), datasets=[ds["id"]], org_id=agency["id"]
    )
    assert helpers.call_action("package_show", id=ds["id"])["private"] is False


def test_the_note_of_a_reviewers_own_publication_is_translated(app, agency):
    ds = _publish(agency["admin"], agency, name="tu-duyet")
    for lang, text in (("vi", "Do người duyệt"), ("en", "Published by a reviewer")):
        shown = app.get(
            f"/{lang}/api/3/action/angiang_review_show", query_string={"id": ds["id"]}
        ).json["result"]
        assert shown["events"][-1]["event"] == "approved"
        assert shown["events"][-1]["note"].startswith(text)
