"""Themes in search (Art. 5): each theme of a dataset is counted in the
theme facet, filters find it, and the search page shows its label."""

import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def catalogue():
    sysadmin = {"user": ckan_factories.Sysadmin()["name"], "ignore_auth": False}
    org = factories.Agency()
    for title, themes in [
        ("Đất đai 2025", ["ENVI", "REGI"]),
        ("Trường học 2025", ["EDUC"]),
        ("Quy hoạch đô thị", ["REGI"]),
    ]:
        helpers.call_action(
            "package_create",
            sysadmin,
            **factories.dataset_dict(org["id"], title=title, theme=themes),
        )
    return org


def _facet(result, field):
    return {i["name"]: i["count"] for i in result["search_facets"][field]["items"]}


@pytest.mark.parametrize("term_fields", ["theme", ""])
def test_each_theme_of_a_dataset_is_counted(catalogue, ckan_config, monkeypatch, term_fields):
    # "theme": counted from facet_terms; "": grouped in SQL; same result
    monkeypatch.setitem(ckan_config, "ckanext.angiang.search.term_fields", term_fields)
    result = helpers.call_action("package_search", **{"facet.field": ["theme", "organization"]})
    assert _facet(result, "theme") == {"REGI": 2, "ENVI": 1, "EDUC": 1}
    assert helpers.call_action("package_search", fq="theme:REGI")["count"] == 2
    labels = {i["name"]: i["display_name"] for i in result["search_facets"]["theme"]["items"]}
    assert labels["REGI"] == "Regions and cities"  # test.ini: locale en


@pytest.mark.ckan_config("ckan.locale_default", "vi")
def test_search_page_has_a_theme_facet_with_labels(catalogue, app):
    page = app.get("/dataset/").body
    assert "Lĩnh vực" in page
    assert "Giáo dục, văn hóa và thể thao" in page
    page = app.get("/en/dataset/").body
    assert "Education, culture and sport" in page
    page = app.get("/dataset/", query_string={"theme": "EDUC"}).body
    assert "Trường học 2025" in page and "Quy hoạch đô thị" not in page
