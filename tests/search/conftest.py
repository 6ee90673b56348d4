"""Fixtures of the search backend tests.

The tests load ``angiang_search`` with CKAN's default dataset schema (and
the few core/extension plugins a call site needs), so that they pin search
behaviour and not the portal schema, which has tests of its own.
"""

import ckan.model as model
import pytest
import sqlalchemy as sa

from ckanext.angiang.search import model as search_model


@pytest.fixture
def clean_db(reset_db, migrate_mapped_harvest):
    """CKAN's clean_db, then the search index's migrations when the reset
    dropped the tables (its first one in a session does; later ones empty
    them), as ``ckan db upgrade`` follows ``ckan db clean``: the backend
    never creates its table itself. Plus harvest's tables when another
    package's tests mapped its model: purging a dataset then reads
    harvest_object."""
    reset_db()
    with model.meta.engine.connect() as conn:
        applied = conn.execute(
            sa.text("SELECT to_regclass(:t) IS NOT NULL"), {"t": search_model.VERSION_TABLE}
        ).scalar()
    if not applied:
        search_model.run_migrations()
    migrate_mapped_harvest()


@pytest.fixture
def index_rows():
    """Rows of the index table, {name: state} (whatever the visibility)."""

    def rows():
        return dict(
            model.Session.execute(sa.text("SELECT name, state FROM angiang_search_index")).all()
        )

    return rows
