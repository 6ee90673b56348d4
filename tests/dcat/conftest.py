"""Fixtures of the DCAT tests.

The DCAT plugins come from test.ini's ``ckan.plugins``; ``dcat_plugins``
makes sure they are on (appending them when a configuration lacks them) and
loads the plugins, so the tests run with the portal as configured.
"""

import pytest
from dcat_helpers import DCAT_PLUGINS, make_agency


def _with(ckan_config, monkeypatch, request, extra):
    current = ckan_config.get("ckan.plugins") or []
    names = current.split() if isinstance(current, str) else list(current)
    monkeypatch.setitem(ckan_config, "ckan.plugins", names + [n for n in extra if n not in names])
    request.getfixturevalue("with_plugins")


@pytest.fixture
def dcat_plugins(ckan_config, monkeypatch, request):
    _with(ckan_config, monkeypatch, request, DCAT_PLUGINS)


@pytest.fixture
def harvest_plugins(ckan_config, monkeypatch, request):
    """The DCAT plugins and ckanext-harvest with ckanext-dcat's own RDF harvester."""
    _with(ckan_config, monkeypatch, request, DCAT_PLUGINS + ["harvest", "dcat_rdf_harvester"])


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db, plus the migrations of the enabled plugins
    (angiang_search's index table, activity, harvest): see tests/conftest.py."""


@pytest.fixture
def agency(dcat_plugins, clean_db):
    """The publishing agency of the full dataset, in the database."""
    return make_agency()


@pytest.fixture(scope="session")
def demo_export(reset_db_with_migrations):
    """The demo catalogue exported once per session (see demo_export.py)."""
    import demo_export as export_module

    return export_module.export(reset_db_with_migrations)


def pytest_terminal_summary(terminalreporter):
    """The federation table (test_dcat_federation.py), when it ran."""
    import federation

    table = federation.render_table()
    if table:
        terminalreporter.write_sep(
            "-", "stock ckanext-dcat parsers: datasets read / in catalogue, fields right"
        )
        terminalreporter.write_line(table)
