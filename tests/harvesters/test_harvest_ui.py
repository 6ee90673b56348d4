"""The harvest UI (ckanext-harvest's pages) in Vietnamese, with the portal's
harvesters offered to agencies."""

from __future__ import annotations

import pytest
from ckan.tests import factories


@pytest.fixture
def editor(agency):
    user = factories.User()
    import ckan.plugins.toolkit as tk

    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": agency["id"], "username": user["name"], "role": "editor"}
    )
    return user


def test_harvest_pages_in_vietnamese(sysadmin, app):  # plugins first, then the app
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    body = app.get("/vi/harvest", headers=headers).body
    assert "Nguồn thu thập" in body and "Thêm nguồn thu thập" in body
    form = app.get("/vi/harvest/new", headers=headers).body
    assert "Tần suất thu thập" in form and "Hằng tháng" in form
    assert "API của cơ quan (OpenAPI 3)" in form
    # the source types are a group named in Vietnamese, the button too
    # (ckanext-harvest's own form writes both in English)
    assert '<legend class="form-label control-label">Loại nguồn</legend>' in form
    assert ">Lưu</button>" in form and "Source type" not in form
    english = app.get("/en/harvest/new", headers=headers).body
    assert "Update frequency" in english and "Agency API (OpenAPI 3)" in english
    assert ">Source type</legend>" in english and ">Save</button>" in english


def test_agency_editors_own_their_sources(agency, editor):
    """Sources belong to agencies: an editor of the agency may create one
    (ckanext-harvest delegates to package_create on the organization)."""
    import ckan.plugins.toolkit as tk

    context = {"user": editor["name"]}
    assert tk.check_access("harvest_source_create", context, {"owner_org": agency["id"]})
    other = factories.Organization(
        focal_point_name="X",
        focal_point_email="x@angiang.gov.vn",
        focal_point_phone="0296 3000 000",
        focal_point_position="Y",
        agency_level="provincial",
    )
    with pytest.raises(tk.NotAuthorized):
        tk.check_access("harvest_source_create", context, {"owner_org": other["id"]})
