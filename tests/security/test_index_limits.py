"""Issue 17, item 8: text that adds up beyond PostgreSQL's tsvector limit
(1 MB) is saved and indexed, not a 500 whose message printed the SQL.

A title or description alone beyond the limit is refused by the schema
(tests/security/test_bad_input_sweep.py); many resources' descriptions can
still add up: the index keeps the first 100,000 characters of each weight
group (``ckanext.angiang.search.index.MAX_GROUP_CHARS``).
"""

import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

from ckanext.angiang.search import index


def test_within_index_limit_cuts_at_a_space():
    text = "từ " * 50000  # 150,000 characters
    cut = index.within_index_limit(text)
    assert len(cut) <= index.MAX_GROUP_CHARS
    assert cut.endswith("từ")
    assert index.within_index_limit("ngắn gọn") == "ngắn gọn"


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_resources_adding_up_beyond_a_tsvector_are_saved_and_searchable(app):
    dic = ckan_factories.SysadminWithToken()
    org = factories.Agency()
    resources = [
        {
            "url": f"https://a.gov.vn/{i}.csv",
            "format": "CSV",
            "name": f"Tệp {i}",
            "description": f"dautien{i} " + " ".join(f"w{i}x{j}" for j in range(9000)),
        }
        for i in range(25)
    ]  # 25 x ~70,000 characters of distinct words
    body = factories.dataset_dict(org["id"], name="nhieu-tai-nguyen", resources=resources)
    res = app.post("/api/action/package_create", json=body, headers={"Authorization": dic["token"]})
    assert res.status_code == 200, res.get_data(as_text=True)[:300]
    assert len(res.json["result"]["resources"]) == 25
    found = helpers.call_action("package_search", q="dautien0")
    assert [d["name"] for d in found["results"]] == ["nhieu-tai-nguyen"]
    # the last resource's words are beyond the indexed part
    assert helpers.call_action("package_search", q="dautien24")["count"] == 0
