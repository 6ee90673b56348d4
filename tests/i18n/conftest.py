"""``clean_db`` here also applies the ``activity`` plugin's migrations: CKAN's
own ``clean_db`` rebuilds only core's tables, and creating a user writes an
activity row (column ``permission_labels`` comes from the plugin)."""
import pytest


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    reset_db()
    migrate_db_for("activity")
