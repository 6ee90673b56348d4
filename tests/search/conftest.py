"""Fixtures of the search backend tests.

The tests load ``angiang_search`` with CKAN's default dataset schema (and
the few core/extension plugins a call site needs), so that they pin search
behaviour and not the portal schema, which has tests of its own.
"""
import pytest
import sqlalchemy as sa

import ckan.model as model


@pytest.fixture
def clean_db(reset_db, migrate_mapped_harvest):
    """CKAN's clean_db (the index table comes back through the plugin's own
    ensure_schema), plus harvest's tables when another package's tests
    mapped its model: purging a dataset then reads harvest_object."""
    reset_db()
    migrate_mapped_harvest()


@pytest.fixture
def index_rows():
    """Rows of the index table, {name: state} (whatever the visibility)."""
    def rows():
        return dict(model.Session.execute(sa.text(
            "SELECT name, state FROM angiang_search_index")).all())
    return rows
