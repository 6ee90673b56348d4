"""The compliance dashboard (Art. 11.1a-b, 15) and its API: who sees what,
the figures per agency (private datasets counted for those who may see
them), metadata quality scores, and the pages with their SVG charts."""

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
from ckan.tests import factories as ckan_factories

from ckanext.angiang.catalogue import integrity, jobs, linkcheck, quality

from .conftest import import_first_decision
from .link_server import LinkServer

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config("ckanext.angiang.linkcheck.allow_private", "true"),
]


@pytest.fixture(scope="module")
def server():
    with LinkServer() as s:
        yield s


@pytest.fixture
def portal(agencies, sysadmin, server):
    """Two agencies with a catalogue; Sở Y tế has a public dataset with a
    working and a broken link, and a private one with a broken link."""
    from angiang_testing import factories

    import_first_decision(sysadmin["name"])
    users = {k: ckan_factories.UserWithToken() for k in ("yte_admin", "yte_editor", "gd_admin")}
    for key, agency, role in (
        ("yte_admin", "yte", "admin"),
        ("yte_editor", "yte", "editor"),
        ("gd_admin", "gd", "admin"),
    ):
        helpers.call_action(
            "organization_member_create",
            {"user": sysadmin["name"]},
            id=agencies[agency]["id"],
            username=users[key]["name"],
            role=role,
        )
    ctx = {"user": sysadmin["name"]}

    def dataset(name, private, urls, **kw):
        data = factories.dataset_dict(agencies["yte"]["id"], name=name, private=private, **kw)
        data["resources"] = [{"url": server.url(u), "format": "CSV", "name": u} for u in urls]
        return helpers.call_action("package_create", dict(ctx), **data)

    public = dataset("co-so-kham-benh", False, ["/ok", "/404"], catalogue_code="DLM.YT.01")
    private = dataset("noi-bo", True, ["/500"])
    linkcheck.run()
    integrity.run()
    return {"users": users, "public": public, "private": private, **agencies}


def _summary(user, **data):
    return helpers.call_action(
        "angiang_compliance_summary", {"user": user, "ignore_auth": False}, **data
    )


def test_sysadmin_sees_every_agency_with_private_datasets_counted(portal, sysadmin):
    result = _summary(sysadmin["name"])
    by = {a["name"]: a for a in result["agencies"]}
    yte = by["so-y-te"]
    assert yte["catalogue"]["published"] == 1  # DLM.YT.01 by the public dataset
    assert yte["catalogue"]["not_published"] == 1  # DLM.YT.02, deadline ahead
    assert by["so-giao-duc-va-dao-tao"]["catalogue"]["overdue"] == 1  # Quý II/2025 passed
    assert (yte["datasets_public"], yte["datasets_private"]) == (1, 1)
    assert yte["links"] == {"ok": 1, "broken": 2, "unreachable": 0, "refused": 0}
    assert result["totals"]["links"]["broken"] == 2


def test_agency_admin_sees_only_own_agency(portal):
    admin = portal["users"]["yte_admin"]["name"]
    result = _summary(admin)
    assert [a["name"] for a in result["agencies"]] == ["so-y-te"]
    with pytest.raises(tk.NotAuthorized):
        _summary(admin, agency=portal["gd"]["name"])
    links = helpers.call_action("angiang_link_status", {"user": admin, "ignore_auth": False})
    assert {row["http_status"] for row in links} == {404, 500}  # own private one included


@pytest.mark.parametrize("who", ["yte_editor", "anonymous"])
def test_others_are_refused(portal, who):
    user = "" if who == "anonymous" else portal["users"][who]["name"]
    for action in ("angiang_compliance_summary", "angiang_link_status", "angiang_integrity_report"):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action(action, {"user": user, "ignore_auth": False})


def test_other_agency_admin_never_sees_the_private_dataset(portal):
    gd_admin = portal["users"]["gd_admin"]["name"]
    assert (
        helpers.call_action("angiang_link_status", {"user": gd_admin, "ignore_auth": False}) == []
    )
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "angiang_link_status",
            {"user": gd_admin, "ignore_auth": False},
            id=portal["private"]["name"],
        )


def test_editor_sees_own_dataset_links(portal):
    editor = portal["users"]["yte_editor"]["name"]
    rows = helpers.call_action(
        "angiang_link_status", {"user": editor, "ignore_auth": False}, id=portal["private"]["name"]
    )
    assert [r["http_status"] for r in rows] == [500]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"status": "gone"}, "status"),
        ({"limit": "-1"}, "limit"),
        ({"agency": "khong-co"}, "agency"),
    ],
)
def test_bad_input_is_a_field_error(portal, sysadmin, data, field):
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("angiang_link_status", {"user": sysadmin["name"]}, **data)
    assert field in e.value.error_dict


def test_quality_scores_public_datasets_only(portal, sysadmin):
    with helpers.changed_config("ckan.site_url", "http://test.ckan.net"):
        result = quality.run()
    assert result["datasets"] == 1
    yte = _summary(sysadmin["name"], agency=portal["yte"]["name"])["agencies"][0]
    assert 0 < yte["quality_points"] <= 405
    assert yte["quality_rating"] in ("Excellent", "Good", "Sufficient", "Bad")


def test_the_daily_job_runs_all_three(portal):
    result = jobs.compliance_job()
    assert result["links"]["links"] == 3
    assert result["integrity"]["files"] == 0
    assert result["quality"]["datasets"] == 1


def test_pages(app, portal, sysadmin):
    users = portal["users"]
    dic = ckan_factories.SysadminWithToken()
    page = app.get(tk.url_for("angiang_compliance.index"), headers={"Authorization": dic["token"]})
    assert "<svg" in page.body and 'data-agency="so-y-te"' in page.body
    assert "cdn" not in page.body.lower().split("<svg", 1)[1]
    # an agency admin lands on their agency; its private dataset's link is listed
    res = app.get(
        tk.url_for("angiang_compliance.index"),
        headers={"Authorization": users["yte_admin"]["token"]},
        follow_redirects=False,
    )
    assert res.status_code == 302 and "/dashboard/compliance/so-y-te" in res.headers["Location"]
    page = app.get(
        tk.url_for("angiang_compliance.agency", id="so-y-te"),
        headers={"Authorization": users["yte_admin"]["token"]},
    )
    assert 'data-status="broken"' in page.body and "noi-bo" in page.body
    for token in (users["gd_admin"]["token"], users["yte_editor"]["token"]):
        res = app.get(
            tk.url_for("angiang_compliance.agency", id="so-y-te"),
            headers={"Authorization": token},
            status=403,
        )
        assert "noi-bo" not in res.body
    app.get(tk.url_for("angiang_compliance.index"), status=403)
    app.get("/dashboard/compliance/khong-co", headers={"Authorization": dic["token"]}, status=404)
