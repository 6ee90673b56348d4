"""Migrations of the search index that fill in what existing rows lack."""

import importlib

import ckan.model as model
import ckan.tests.factories as factories
import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from ckan.lib.dictization.model_dictize import get_group_dataset_counts

from .helpers import SEARCH_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

AGENCY_TERMS = importlib.import_module(
    "ckanext.angiang.migration.angiang_search.versions.c3f8a1d6e250_agency_facet_terms"
)


def _run(step):
    connection = model.Session.connection()
    with Operations.context(MigrationContext.configure(connection)):
        step()
    model.Session.commit()


def _terms(field: str) -> int:
    return model.Session.execute(
        sa.text(
            "SELECT count(*) FROM angiang_search_index, unnest(tsvector_to_array(facet_terms)) t "
            "WHERE t LIKE :prefix"
        ),
        {"prefix": f"{field}:%"},
    ).scalar()


def _counts():
    # CKAN's own call (the agency list's)
    return get_group_dataset_counts(fq="entity_type:package")["owner_org"]


@pytest.mark.ckan_config("ckanext.angiang.search.docsets", "false")
def test_agency_terms_filled_in_for_rows_indexed_before():
    orgs = [factories.Organization() for _ in range(2)]
    for n in range(5):
        factories.Dataset(owner_org=orgs[n % 2]["id"])
    expected = {orgs[0]["id"]: 3, orgs[1]["id"]: 2}
    fields = ("owner_org", "entity_type")
    assert [_terms(f) for f in fields] == [5, 5]  # the indexer writes them

    _run(AGENCY_TERMS.downgrade)  # rows as an index made before the change has them
    assert [_terms(f) for f in fields] == [0, 0]
    assert _counts() == {}

    _run(AGENCY_TERMS.upgrade)
    assert [_terms(f) for f in fields] == [5, 5]
    assert _counts() == expected
    _run(AGENCY_TERMS.upgrade)  # again: nothing doubled
    assert [_terms(f) for f in fields] == [5, 5]
    assert _counts() == expected
