"""A-Z on titles follows the Vietnamese alphabet (a ă â b c d đ e ê ...),
not code points ("Ủy ban" before "Văn phòng"), whether the docsets or the
SQL statements answer (issue #13 item 4)."""

import ckan.tests.factories as factories
import pytest

from .helpers import SEARCH_PLUGINS, names
from .test_docsets import both, held

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_PLUGINS),
    pytest.mark.ckan_config("ckanext.angiang.search.docsets", "true"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

#: In Vietnamese alphabetical order.
VIETNAMESE_ORDER = [
    "An Giang",
    "Ăn uống",
    "Âm nhạc",
    "Bảng giá",
    "Dân số",
    "Đất đai",
    "Em bé",
    "Ê-đê",
    "Ô nhiễm",
    "Ơn",
    "Ủy ban nhân dân xã",
    "Ưu đãi",
    "Văn phòng",
    "Yên Bình",
]


def test_title_sort_follows_vietnamese_order_in_memory_and_in_sql(ckan_config):
    org = factories.Organization()
    # created in reverse, so that neither creation nor name order helps
    for i, title in reversed(list(enumerate(VIETNAMESE_ORDER))):
        factories.Dataset(name=f"ds-{i:02d}", title=title, owner_org=org["id"])
    expected = [f"ds-{i:02d}" for i in range(len(VIETNAMESE_ORDER))]
    for direction, want in (("asc", expected), ("desc", expected[::-1])):
        params = {"q": "*:*", "sort": f"title_string {direction}", "rows": 50}
        memory, sql, answered = both(ckan_config, params)
        assert answered, "the docsets did not answer the sort"
        assert names(memory) == want
        assert names(sql) == want
    # the letters CKAN's code-point order puts last come before V here
    assert held() is not None
