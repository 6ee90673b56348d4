"""The privacy chains of ckanext/angiang/logic/privacy.py page over what the
caller sees: activity pages neither repeat nor skip an activity when hidden
ones are dropped, and the tag actions select, count and page the public tags
in SQL."""

import ckan.model as model
import ckan.plugins as p
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


@pytest.fixture
def editor_stream():
    """An editor who created six public datasets, two of which became
    private: their "new package" activities were written as public (CKAN
    keeps them), and only the privacy chain drops them."""
    editor = ckan_factories.User()
    dic = ckan_factories.Sysadmin()
    agency = factories.Agency(users=[{"name": editor["name"], "capacity": "editor"}])
    if p.plugin_loaded("angiang_catalogue"):
        helpers.call_action(
            "angiang_review_policy_update",
            {"user": dic["name"]},
            agency=agency["id"],
            required=False,
        )
    made = [
        helpers.call_action(
            "package_create",
            {"user": editor["name"]},
            **factories.dataset_dict(
                agency["id"], name=f"du-lieu-{i}", tags=[{"name": f"the-{i}"}]
            ),
        )
        for i in range(6)
    ]
    for i in (1, 3):
        helpers.call_action(
            "package_patch", {"user": editor["name"]}, id=made[i]["id"], private=True
        )
    return editor, made


def _anonymous(action, **data):
    return helpers.call_action(action, {"user": "", "ignore_auth": False}, **data)


def test_activity_pages_neither_repeat_nor_skip(editor_stream):
    editor, made = editor_stream
    whole = _anonymous("user_activity_list", id=editor["id"], limit=100)
    seen_ids = {a["object_id"] for a in whole}
    hidden = {made[1]["id"], made[3]["id"]}
    assert not seen_ids & hidden
    assert {made[i]["id"] for i in (0, 2, 4, 5)} <= seen_ids
    paged = []
    for offset in range(0, len(whole) + 4, 2):
        page = _anonymous("user_activity_list", id=editor["id"], limit=2, offset=offset)
        assert len(page) == min(2, max(0, len(whole) - offset))
        paged += page
    assert [a["id"] for a in paged] == [a["id"] for a in whole]


def test_tag_actions_page_and_count_the_public_tags_in_sql(editor_stream):
    public = ["the-0", "the-2", "the-4", "the-5"]
    assert _anonymous("tag_list") == public
    assert [t["name"] for t in _anonymous("tag_list", all_fields=True)] == public
    found = _anonymous("tag_search", query="the", limit=2, offset=1)
    assert found["count"] == 4
    assert [t["name"] for t in found["results"]] == ["the-2", "the-4"]
    assert _anonymous("tag_autocomplete", q="the", limit=3) == ["the-0", "the-2", "the-4"]
    assert _anonymous("tag_autocomplete", q="the-1") == []
    assert _anonymous("tag_search", query="")["count"] == 0
    with pytest.raises(p.toolkit.ValidationError) as refused:
        _anonymous("tag_search", query="the", limit="-1")
    assert "limit" in refused.value.error_dict
    # one statement per call, whatever the number of tags
    statements = []
    from sqlalchemy import event

    def count(*args):
        statements.append(args[2])

    event.listen(model.meta.engine, "before_cursor_execute", count)
    try:
        _anonymous("tag_autocomplete", q="the", limit=2)
    finally:
        event.remove(model.meta.engine, "before_cursor_execute", count)
    assert len([s for s in statements if "FROM tag" in s]) == 1
