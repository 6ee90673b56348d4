"""Private datasets never reach anonymous users or other agencies, in results,
counts or facets, at any call site that reads the search index; drafts reach
their creator only; deleted datasets only the trash (Art. 8.2, 9.6, 13.1).

Each call site is the real view or action served with the PostgreSQL backend:
dataset search page, agency and group pages, home page, action API,
autocomplete (action and util API), dashboard and user pages, Atom feeds,
DCAT catalogue (RDF and JSON).
"""

import json

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan.lib.helpers import url_for

from .helpers import SEARCH_PLUGINS, facet, names, search

PUBLIC = "cong-khai-a"
PRIVATE = "rieng-tu-a"
PRIVATE_TITLE = "Riêng tư Xyzzy"
PUBLIC_TITLE = "Công khai Xyzzy"
DRAFT = "nhap-a"
DRAFT_TITLE = "Bản nháp Xyzzy"
SECRET_TAG = "bi-mat-xyzzy"


@pytest.fixture
def world():
    """Agency A (creator and another member), agency B, a group holding all
    of A's datasets, and one public, one private and one draft dataset."""
    creator = factories.UserWithToken()
    colleague = factories.UserWithToken()
    outsider = factories.UserWithToken()
    sysadmin = factories.SysadminWithToken()
    org_a = factories.Organization(
        name="so-a",
        title="Sở A",
        users=[
            {"name": creator["name"], "capacity": "editor"},
            {"name": colleague["name"], "capacity": "editor"},
        ],
    )
    factories.Organization(
        name="so-b", title="Sở B", users=[{"name": outsider["name"], "capacity": "admin"}]
    )
    group = factories.Group(name="nhom-g", users=[{"name": creator["name"], "capacity": "admin"}])
    context = {"user": creator["name"], "ignore_auth": False}
    common = dict(owner_org=org_a["id"], groups=[{"name": group["name"]}])
    helpers.call_action(
        "package_create",
        context=dict(context),
        name=PUBLIC,
        title=PUBLIC_TITLE,
        tags=[{"name": "chung"}],
        **common,
    )
    helpers.call_action(
        "package_create",
        context=dict(context),
        name=PRIVATE,
        title=PRIVATE_TITLE,
        private=True,
        tags=[{"name": "chung"}, {"name": SECRET_TAG}],
        resources=[{"url": "http://x/a.csv", "format": "XLSX"}],
        **common,
    )
    helpers.call_action(
        "package_create",
        context=dict(context),
        name=DRAFT,
        title=DRAFT_TITLE,
        state="draft",
        **common,
    )
    return dict(
        creator=creator,
        colleague=colleague,
        outsider=outsider,
        sysadmin=sysadmin,
        org=org_a,
        group=group,
    )


def headers(user):
    return {"Authorization": user["token"]} if user else {}


def as_user(user, **params):
    context = {"ignore_auth": False, "user": user["name"] if user else ""}
    return search(context=context, **params)


@pytest.mark.ckan_config("ckan.plugins", f"{SEARCH_PLUGINS} dcat dcat_json_interface")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestPrivateDatasets:
    @pytest.mark.parametrize("who", [None, "outsider"])
    def test_api_results_counts_and_facets(self, world, who):
        user = world[who] if who else None
        result = as_user(
            user,
            q="Xyzzy",
            include_private=True,
            include_drafts=True,
            **{"facet.field": ["tags", "res_format", "organization", "groups"]},
        )
        assert names(result) == [PUBLIC]
        assert result["count"] == 1
        assert SECRET_TAG not in facet(result, "tags")
        assert facet(result, "tags") == {"chung": 1}
        assert facet(result, "res_format") == {}
        assert facet(result, "organization") == {"so-a": 1}
        assert facet(result, "groups") == {"nhom-g": 1}
        # asking for the private ones by field gives nothing either
        assert as_user(user, fq=f"tags:{SECRET_TAG}", include_private=True)["count"] == 0
        assert as_user(user, fq="capacity:private", include_private=True)["count"] == 0

    def test_members_of_the_agency_see_private_datasets(self, world):
        result = as_user(
            world["colleague"], q="Xyzzy", include_private=True, **{"facet.field": ["tags"]}
        )
        assert sorted(names(result)) == [PUBLIC, PRIVATE]
        assert facet(result, "tags") == {"chung": 2, SECRET_TAG: 1}

    @pytest.mark.parametrize("who", [None, "outsider"])
    def test_web_pages(self, app, world, who):
        user = world[who] if who else None
        pages = [
            url_for("dataset.search", q="Xyzzy"),
            url_for("dataset.search", tags=SECRET_TAG),
            url_for("organization.read", id="so-a"),
            url_for("group.read", id="nhom-g"),
            url_for("home.index"),
        ]
        for page in pages:
            body = app.get(page, headers=headers(user)).body
            assert PRIVATE_TITLE not in body, page
            assert SECRET_TAG not in body or "tags=" + SECRET_TAG in page, page
        body = app.get(url_for("organization.read", id="so-a"), headers=headers(user)).body
        assert PUBLIC_TITLE in body
        assert "1 dataset found" in body

    def test_agency_page_shows_private_datasets_to_members(self, app, world):
        body = app.get(
            url_for("organization.read", id="so-a"), headers=headers(world["colleague"])
        ).body
        assert PRIVATE_TITLE in body and "2 datasets found" in body

    @pytest.mark.parametrize("who", [None, "outsider"])
    def test_autocomplete(self, app, world, who):
        user = world[who] if who else None
        res = app.get(
            "/api/2/util/dataset/autocomplete",
            query_string={"incomplete": "Xyzzy"},
            headers=headers(user),
        )
        got = [r["name"] for r in res.json["ResultSet"]["Result"]]
        assert got == [PUBLIC]
        context = {"ignore_auth": False, "user": user["name"] if user else ""}
        got = helpers.call_action("package_autocomplete", context=context, q="rieng")
        assert got == []

    def test_dashboard_and_user_pages(self, app, world):
        # the outsider's dashboard and the creator's public profile
        body = app.get(url_for("dashboard.datasets"), headers=headers(world["outsider"])).body
        assert PRIVATE_TITLE not in body
        profile = url_for("user.read", id=world["creator"]["name"])
        for who in (None, world["outsider"]):
            body = app.get(profile, headers=headers(who)).body
            assert PUBLIC_TITLE in body
            assert PRIVATE_TITLE not in body and DRAFT_TITLE not in body
        body = app.get(profile, headers=headers(world["creator"])).body
        assert PRIVATE_TITLE in body and DRAFT_TITLE in body

    def test_feeds(self, app, world):
        for feed in (
            "/feeds/dataset.atom",
            "/feeds/organization/so-a.atom",
            "/feeds/group/nhom-g.atom",
            f"/feeds/tag/{SECRET_TAG}.atom",
            "/feeds/custom.atom?q=Xyzzy",
        ):
            body = app.get(feed).body
            assert PRIVATE_TITLE not in body, feed
        assert PUBLIC_TITLE in app.get("/feeds/dataset.atom").body

    @pytest.mark.parametrize("who", [None, "outsider"])
    def test_dcat_catalogue(self, app, world, who):
        user = world[who] if who else None
        ttl = app.get("/catalog.ttl", headers=headers(user)).body
        assert PUBLIC_TITLE in ttl and PRIVATE_TITLE not in ttl
        ttl = app.get("/catalog.ttl", query_string={"q": "Xyzzy"}, headers=headers(user)).body
        assert PRIVATE_TITLE not in ttl
        datasets = json.loads(app.get("/dcat.json", headers=headers(user)).body)
        titles = {d.get("title") for d in datasets}
        assert PUBLIC_TITLE in titles and PRIVATE_TITLE not in titles


# The draft rule is the portal's permission layer (the ``angiang`` plugin,
# tests/test_permissions.py), applied by CKAN to every search.
@pytest.mark.ckan_config("ckan.plugins", f"angiang {SEARCH_PLUGINS}")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestDrafts:
    def test_only_the_creator_finds_a_draft(self, world):
        for who in (None, "colleague", "outsider"):
            user = world[who] if who else None
            result = as_user(user, q="Xyzzy", include_drafts=True, include_private=True)
            assert DRAFT not in names(result), who
        result = as_user(world["creator"], q="Xyzzy", include_drafts=True, include_private=True)
        assert DRAFT in names(result)
        # and sysadmins
        result = as_user(world["sysadmin"], q="Xyzzy", include_drafts=True)
        assert DRAFT in names(result)

    def test_drafts_are_left_out_unless_asked_for(self, world):
        result = as_user(world["creator"], q="Xyzzy", include_private=True)
        assert DRAFT not in names(result)

    def test_a_published_draft_becomes_visible(self, world):
        helpers.call_action("package_patch", id=DRAFT, state="active")
        assert DRAFT in names(as_user(None, q="Xyzzy"))


@pytest.mark.ckan_config("ckan.plugins", SEARCH_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_the_search_backend_applies_ckans_labels_unchanged(world):
    """The search backend adds no rule of its own: without the ``angiang``
    plugin CKAN's labels let the agency's members list a draft."""
    result = as_user(world["colleague"], q="Xyzzy", include_drafts=True, include_private=True)
    assert DRAFT in names(result)


@pytest.mark.ckan_config("ckan.plugins", SEARCH_PLUGINS)
@pytest.mark.ckan_config("ckan.search.remove_deleted_packages", "false")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestTrash:
    def test_deleted_datasets_only_with_state_deleted(self, app, world):
        for name in (PUBLIC, PRIVATE):
            helpers.call_action("package_delete", id=name)
        # the trash page's query (+state:deleted, as sysadmin)
        result = helpers.call_action("package_search", fq="+state:deleted", include_private=True)
        assert sorted(names(result)) == [PUBLIC, PRIVATE]
        # nobody else finds them, whatever they ask for
        for who in (None, "outsider"):
            user = world[who] if who else None
            assert as_user(user, fq="+state:deleted", include_private=True)["count"] == 0
            assert as_user(user, q="Xyzzy", include_deleted=True)["count"] == 0
        assert names(helpers.call_action("package_search", q="Xyzzy")) == []
        body = app.get(url_for("admin.trash"), headers=headers(world["sysadmin"])).body
        assert PRIVATE_TITLE in body and PUBLIC_TITLE in body
