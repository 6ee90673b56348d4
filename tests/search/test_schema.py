"""The search index's database objects come from migrations only
(``ckan db upgrade``), never from a request: after ``ckan db clean`` a
search is refused with a message naming the command, and creates nothing;
``ckan db upgrade`` brings the index back."""

import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.cli.cli import ckan
from ckan.lib.search.common import make_connection

from ckanext.angiang.search.model import SchemaMissing

from .helpers import SEARCH_PLUGINS, names, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def _exists(name):
    with model.meta.engine.connect() as conn:
        return conn.execute(sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar()


def test_after_db_clean_only_db_upgrade_brings_the_index_back(cli):
    model.Session.remove()
    res = cli.invoke(ckan, ["db", "clean", "--yes"])
    assert res.exit_code == 0, res.output  # its clear_all is a no-op now
    assert not _exists("angiang_search_index")
    with pytest.raises(SchemaMissing, match="ckan db upgrade"):
        make_connection().search(q="*:*", rows=1)
    with pytest.raises(SchemaMissing):
        make_connection().add([{"id": "x", "index_id": "x", "site_id": "x"}])
    model.Session.rollback()
    # regression: the search used to create the table (DDL at request time)
    assert not _exists("angiang_search_index")
    res = cli.invoke(ckan, ["db", "upgrade"])
    assert res.exit_code == 0, res.output
    assert _exists("angiang_search_index")
    assert names(search(q="*:*")) == []
