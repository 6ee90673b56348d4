"""Run CKAN core's own search tests, from the installed ``ckan`` package,
against the PostgreSQL search backend (the second pytest run of
``make test``).

    .venv/bin/python tests/search/run_ckan_core.py [pytest args...]
    .venv/bin/python tests/search/run_ckan_core.py --parallel [pytest args...]

The ini is tests/search/ckan_core_test.ini unless ``--ckan-ini`` is given.
``--parallel`` runs them twice side by side, with the docsets and with the
SQL statements alone (ckan_core_sql_only_test.ini), the second on xdist
worker gw1's databases (``scripts/services.sh angiang_test_gw1``), and
prints each run's output when both have ended.
Tests listed in tests/search/ckan_core_excluded.txt are deselected (each
line says why).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

#: What the search issue asks to pass, inside the ckan package.
CORE_TESTS = [
    "ckan/tests/lib/search",
    "ckan/tests/logic/action/test_get.py::TestPackageSearch",
    "ckan/tests/logic/action/test_get.py::TestPackageAutocomplete",
    "ckan/tests/logic/action/test_get.py::TestOrganizationList",
    "ckan/tests/logic/action/test_get.py::TestGroupList",
]


def excluded() -> list[str]:
    with open(os.path.join(HERE, "ckan_core_excluded.txt"), encoding="utf-8") as f:
        return [line.split()[0] for line in f if line.strip() and not line.lstrip().startswith("#")]


class Exclusions:
    """Deselects the excluded tests whatever the rootdir makes node ids."""

    def __init__(self, ids: list[str]):
        self.ids = ids

    def pytest_collection_modifyitems(self, config, items):
        keep, drop = [], []
        for item in items:
            nodeid = item.nodeid.replace(os.sep, "/")
            if any(nodeid == i or nodeid.endswith("/" + i) for i in self.ids):
                drop.append(item)
            else:
                keep.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep


class Migrations:
    """CKAN's ``reset_db`` followed by the search index's migrations.

    CKAN core's tests reset the database with ``reset_db`` (through
    ``clean_db``, ``non_clean_db``...), which drops every table the first
    time and rebuilds only CKAN's own; upstream that leaves Solr alone. The
    PostgreSQL index is a table, and the backend never creates it while
    serving (migrations only), so each reset here is followed by the
    plugin's migrations, as ``ckan db upgrade`` follows ``ckan db clean``.
    The migrations are found by path (the plugin may be unloaded by a
    test's ``with_plugins``; the backend stays installed)."""

    @pytest.fixture(scope="session")
    def reset_db(self):
        from ckan.tests import factories, helpers

        from ckanext.angiang.search.model import run_migrations

        factories.fake.unique.clear()

        def reset():
            helpers.reset_db()
            run_migrations()

        return reset


class Plugins:
    def __init__(self, ids: list[str]):
        self.exclusions = Exclusions(ids)

    def pytest_configure(self, config):
        # registered after CKAN's pytest plugin, so that its fixture wins
        config.pluginmanager.register(self.exclusions, "angiang-exclusions")
        config.pluginmanager.register(Migrations(), "angiang-migrations")

    def pytest_collection(self, session):
        """A database no test has used yet (worker gw1's, with ``--parallel``)
        gets its tables before the test modules are imported, as ``ckan db
        init`` would: CKAN's index tests skip themselves at import when the
        search backend is not ready, and read the tables without a reset."""
        import sqlalchemy as sa
        from ckan import model
        from ckan.tests import helpers

        from ckanext.angiang.search.model import run_migrations

        if not sa.inspect(model.meta.engine).has_table("package"):
            helpers.reset_db()
            run_migrations()


def main(argv: list[str]) -> int:
    # located, not imported: pytest must import ckan itself (assert rewriting)
    spec = importlib.util.find_spec("ckan")
    site = os.path.dirname(list(spec.submodule_search_locations)[0])
    args = list(argv)
    if not any(a.startswith("--ckan-ini") for a in args):
        args.append("--ckan-ini=" + os.path.join(HERE, "ckan_core_test.ini"))
    args += [os.path.join(site, t) for t in CORE_TESTS]
    return pytest.main(args, plugins=[Plugins(excluded())])


def parallel(argv: list[str]) -> int:
    sys.path.insert(0, os.path.dirname(HERE))  # tests/, for angiang_testing
    from angiang_testing.workers import worker_environment

    sql_only = os.path.join(HERE, "ckan_core_sql_only_test.ini")
    runs = [([], {}), (["--ckan-ini=" + sql_only], worker_environment(sql_only, "gw1"))]
    started = []
    for extra, env in runs:
        if "CKAN_STORAGE_PATH" in env:
            os.makedirs(env["CKAN_STORAGE_PATH"], exist_ok=True)
        log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        command = [sys.executable, os.path.abspath(__file__), *extra, *argv]
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env}
        )
        started.append((process, log))
    status = 0
    for process, log in started:
        code = process.wait()
        status = status or code
        log.seek(0)
        sys.stdout.write(log.read())
        sys.stdout.flush()
    return status


if __name__ == "__main__":
    if "--parallel" in sys.argv[1:]:
        sys.exit(parallel([a for a in sys.argv[1:] if a != "--parallel"]))
    sys.exit(main(sys.argv[1:]))
