"""Each pytest-xdist worker but the first gets databases of its own, also
when the ini inherits its settings (``use = config:...``)."""

import os

from angiang_testing.workers import worker_environment

TESTS = os.path.dirname(__file__)


def test_an_inherited_database_is_the_workers_own(monkeypatch):
    for name in ("CKAN_SQLALCHEMY_URL", "CKAN_DATASTORE_WRITE_URL", "CKAN_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    ini = os.path.join(TESTS, "search", "sql_only_test.ini")
    env = worker_environment(ini, "gw1")
    assert env["CKAN_SQLALCHEMY_URL"].endswith("/angiang_test_gw1")
    assert env["CKAN_DATASTORE_WRITE_URL"].endswith("/angiang_test_gw1_datastore")
    assert env["CKAN_REDIS_URL"] == "redis://127.0.0.1:6379/2"
    assert worker_environment(ini, "gw0") == {}
