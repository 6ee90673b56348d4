"""The draft rule (Art. 8.2) lives in the permission layer (the ``angiang``
plugin), not in the search backend: with ``angiang_search`` off, a draft
is still labelled for its creator only, and ``package_show``,
``resource_show`` and ``package_update`` refuse it to another member of its
agency. (tests/search/test_search_visibility.py checks the same rule through
every search call site with the search backend on.)

The datasets are written as model rows: without a search engine CKAN's
``package_create`` cannot index them, and what is tested here is the
permission layer alone.
"""

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
from ckan.lib.plugins import get_permission_labels
from ckan.tests import factories

from ckanext.angiang.plugins.core import AngiangPlugin

#: The production plugins (docker/production.ini, ckan.ini) without the
#: search backend or the harvesters.
WITHOUT_SEARCH = (
    "activity angiang angiang_i18n scheming_datasets scheming_organizations angiang_schema"
)

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WITHOUT_SEARCH),
    pytest.mark.usefixtures("with_plugins", "clean_db_with_migrations"),
]


@pytest.fixture
def agency():
    """Agency A with the draft's creator, a colleague (editor) and its admin;
    an officer of agency B; a sysadmin; a draft and a private dataset of A."""
    users = {k: factories.User() for k in ("creator", "colleague", "admin", "outsider")}
    users["sysadmin"] = factories.Sysadmin()
    org_a = model.Group(name="so-a", title="Sở A", type="organization", is_organization=True)
    org_b = model.Group(name="so-b", title="Sở B", type="organization", is_organization=True)
    model.Session.add_all([org_a, org_b])
    model.Session.flush()
    for who, org, capacity in [
        ("creator", org_a, "editor"),
        ("colleague", org_a, "editor"),
        ("admin", org_a, "admin"),
        ("outsider", org_b, "admin"),
    ]:
        model.Session.add(
            model.Member(
                table_name="user",
                table_id=users[who]["id"],
                group=org,
                capacity=capacity,
                state="active",
            )
        )
    draft = model.Package(
        name="nhap-a",
        title="Bản nháp",
        state="draft",
        owner_org=org_a.id,
        private=False,
        creator_user_id=users["creator"]["id"],
    )
    private = model.Package(
        name="rieng-a",
        title="Riêng tư",
        state="active",
        owner_org=org_a.id,
        private=True,
        creator_user_id=users["creator"]["id"],
    )
    model.Session.add_all([draft, private])
    model.Session.flush()
    resource = model.Resource(package_id=draft.id, url="https://x.gov.vn/a.csv")
    model.Session.add(resource)
    model.Session.commit()
    return dict(users=users, draft=draft.id, private=private.id, resource=resource.id, org=org_a.id)


def _ctx(agency, who):
    return {"user": agency["users"][who]["name"], "ignore_auth": False}


def test_the_labels_come_from_the_portal_plugin_not_the_search_backend():
    assert not p.plugin_loaded("angiang_search")
    assert isinstance(get_permission_labels(), AngiangPlugin)


def test_a_draft_is_labelled_for_its_creator_only(agency):
    labels = get_permission_labels()
    draft = model.Package.get(agency["draft"])
    assert labels.get_dataset_labels(draft) == [f"creator-{agency['users']['creator']['id']}"]

    def sees(who):
        user = model.User.get(agency["users"][who]["id"])
        mine = labels.get_user_dataset_labels(user)
        return any(label in mine for label in labels.get_dataset_labels(draft))

    assert sees("creator")
    assert not sees("colleague") and not sees("admin") and not sees("outsider")
    # a private dataset keeps CKAN's labels: every member of the agency
    private = model.Package.get(agency["private"])
    assert f"member-{agency['org']}" in labels.get_dataset_labels(private)


@pytest.mark.parametrize("who", ["colleague", "admin", "outsider"])
def test_others_cannot_read_or_change_a_draft(agency, who):
    for action, data in [
        ("package_show", {"id": agency["draft"]}),
        ("resource_show", {"id": agency["resource"]}),
        ("package_update", {"id": agency["draft"]}),
        ("package_patch", {"id": agency["draft"]}),
        ("package_delete", {"id": agency["draft"]}),
        ("resource_create", {"package_id": agency["draft"]}),
    ]:
        with pytest.raises(tk.NotAuthorized):
            helpers.call_auth(action, _ctx(agency, who), **data)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("package_show", context=_ctx(agency, who), id=agency["draft"])
    # nothing was changed by the attempts
    assert model.Package.get(agency["draft"]).state == "draft"


@pytest.mark.parametrize("who", ["creator", "sysadmin"])
def test_the_creator_and_sysadmins_may_read_and_change_a_draft(agency, who):
    for action, data in [
        ("package_show", {"id": agency["draft"]}),
        ("resource_show", {"id": agency["resource"]}),
        ("package_update", {"id": agency["draft"]}),
        ("package_delete", {"id": agency["draft"]}),
    ]:
        assert helpers.call_auth(action, _ctx(agency, who), **data)


def test_colleagues_keep_their_rights_on_the_agencys_other_datasets(agency):
    for action in ("package_show", "package_update"):
        assert helpers.call_auth(action, _ctx(agency, "colleague"), id=agency["private"])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("package_show", _ctx(agency, "outsider"), id=agency["private"])


def test_a_refused_draft_answers_403_through_the_api(app, agency):
    token = factories.APIToken(user=agency["users"]["colleague"]["name"])["token"]
    res = app.get(
        "/api/3/action/package_show",
        query_string={"id": "nhap-a"},
        headers={"Authorization": token},
        status=403,
    )
    assert res.json["success"] is False
    res = app.post(
        "/api/3/action/package_patch",
        json={"id": "nhap-a", "title": "x"},
        headers={"Authorization": token},
        status=403,
    )
    assert model.Package.get(agency["draft"]).title == "Bản nháp"
