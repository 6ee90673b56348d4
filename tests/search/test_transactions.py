"""The search backend never commits its caller's transaction.

CKAN's ``commit()`` of the index (``PackageSearchIndex.commit``,
``ckan.lib.search.commit``) is called in the middle of actions, e.g. by
ckanext-harvest's ``harvest_sources_reindex``; the index rows are written
in the action's transaction and become durable with it."""

import ckan.logic as logic
import ckan.model as model
import ckan.tests.factories as factories
import pytest
import sqlalchemy as sa
from ckan.lib import search
from ckan.lib.search.index import clear_index

from .helpers import SEARCH_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _committed(sql, **params):
    """What another connection sees (committed data only)."""
    with model.meta.engine.connect() as other:
        return other.execute(sa.text(sql), params).scalar()


def test_commit_leaves_the_callers_writes_to_the_caller():
    """Regression: ``commit()`` committed the whole ``model.Session``."""
    org = factories.Organization(title="Sở trước")
    factories.Dataset(owner_org=org["id"], title="Alpha")
    group = model.Group.get(org["id"])
    group.title = "Sở giữa chừng"
    model.Session.flush()  # the caller's half-done, unflushed-to-disk work
    search.commit()  # what harvest_sources_reindex does mid-action
    model.Session.rollback()  # the action fails afterwards
    assert _committed('SELECT title FROM "group" WHERE id = :i', i=org["id"]) == "Sở trước"


def test_commit_flushes_no_pending_orm_change():
    org = factories.Organization(title="Sở trước")
    model.Group.get(org["id"]).title = "Chưa ghi"  # pending, not flushed
    search.commit()
    model.Session.rollback()
    assert _committed('SELECT title FROM "group" WHERE id = :i', i=org["id"]) == "Sở trước"


def test_an_index_only_transaction_is_still_committed():
    """``ckan search-index clear``: clear_index() deletes, then commits,
    and nothing else commits after it."""
    factories.Dataset(owner_org=factories.Organization()["id"], title="Alpha")
    assert _committed("SELECT count(*) FROM angiang_search_index") == 1
    clear_index()
    model.Session.rollback()
    assert _committed("SELECT count(*) FROM angiang_search_index") == 0


def test_index_writes_of_an_action_follow_the_action():
    """An action that defers its commit and reindexes (as ckanext-harvest's
    ``harvest_source_reindex`` does), then the index's commit(): all of it
    rolls back with the action."""
    ds = factories.Dataset(owner_org=factories.Organization()["id"], title="Alpha")
    model.Package.get(ds["id"]).title = "Beta"
    model.Session.flush()
    logic.index_update_package({"use_cache": False}, ds["id"], defer_commit=True)
    assert (
        model.Session.execute(sa.text("SELECT title FROM angiang_search_index")).scalar() == "Beta"
    )
    search.commit()
    model.Session.rollback()
    assert _committed("SELECT title FROM angiang_search_index WHERE id = :i", i=ds["id"]) == "Alpha"
    assert _committed("SELECT title FROM package WHERE id = :i", i=ds["id"]) == "Alpha"
