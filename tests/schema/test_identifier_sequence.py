"""The dataset identifier sequence (Art. 5.2a) is made by the
``angiang_schema`` plugin's migration (``ckan db upgrade``), never by the
first dataset's creation: without it a new number is refused with a
message naming the command, and nothing is created."""

import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.cli.cli import ckan

from ckanext.angiang.metadata import identifier

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _exists():
    with model.meta.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": identifier.SEQUENCE}
        ).scalar()


def test_the_sequence_comes_from_db_upgrade_only(cli):
    assert _exists()  # the migrations of clean_db made it
    assert identifier._nextval() >= 1
    model.Session.remove()
    with model.meta.engine.begin() as conn:  # a database never upgraded
        conn.execute(sa.text(f"DROP SEQUENCE {identifier.SEQUENCE}"))
        conn.execute(sa.text("DROP TABLE angiang_schema_alembic_version"))
    with pytest.raises(identifier.SequenceMissing, match="ckan db upgrade"):
        identifier._nextval()
    # regression: the first number used to create the sequence
    assert not _exists()
    res = cli.invoke(ckan, ["db", "upgrade"])
    assert res.exit_code == 0, res.output
    assert _exists()
    assert identifier._nextval() == 1  # a new database numbers from 1
