"""The agency (``owner_org``) and the entity type among the facet terms.

CKAN counts every agency's and group's datasets with a facet on
``owner_org`` and ``groups`` over the whole catalogue, filtered on
``entity_type:package`` (``model_dictize.get_group_dataset_counts``): on
every agency page, the agency list, the home page and every dataset page
(through ``h.get_organization``). Both were stored fields only, matched and
counted by reading each row's document: 340 ms at 20,000 datasets, most of
a dataset page's time. As facet terms (the declared default of
``ckanext.angiang.search.term_fields`` now names them) they are matched
and counted in memory or by ``ts_stat`` like the agency's name: 3 ms.

Existing rows get their terms here, from their stored document; a row
indexed from now on gets them from the indexer.

Revision ID: c3f8a1d6e250
Revises: b8e4d0a6c3f5
Create Date: 2026-12-06 01:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c3f8a1d6e250"
down_revision = "b8e4d0a6c3f5"
branch_labels = None
depends_on = None

# Kept in step with ckanext.angiang.search.facets.facet_terms; a migration
# does not import the code it migrates. Both values (an id, "package") are
# far below the 2,046-byte limit of a term.
FIELDS = ("owner_org", "entity_type")


def _term(field: str) -> str:
    return f"'{field}:' || (doc ->> '{field}')"


def upgrade():
    for field in FIELDS:
        op.execute(
            "UPDATE angiang_search_index "
            f"SET facet_terms = facet_terms || array_to_tsvector(ARRAY[{_term(field)}]) "
            # (a term already there is not doubled: || merges lexemes)
            f"WHERE coalesce(doc ->> '{field}', '') <> ''"
        )


def downgrade():
    for field in FIELDS:
        op.execute(
            "UPDATE angiang_search_index "
            f"SET facet_terms = ts_delete(facet_terms, {_term(field)}) "
            f"WHERE coalesce(doc ->> '{field}', '') <> ''"
        )
