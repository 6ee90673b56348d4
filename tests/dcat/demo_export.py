"""The demo catalogue as a harvester downloads it, exported once per test
session: every page of ``/catalog.<fmt>`` and every ``/dataset/<name>.<fmt>``
as served, the public datasets as ``package_show`` gives them, and the
licence register ``/licenses.json``.

The export needs the portal's plugins and the demo in the database; what it
returns is bytes and dicts, so the tests that read it (stock parsers, a
stock harvester) run afterwards with whatever plugins a harvesting CKAN has.
"""

from __future__ import annotations

import copy
import dataclasses

import rdflib

SITE = "http://test.ckan.net"
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
PAGE_SIZE = "30"

# Catalogue formats: URL suffix -> rdflib parser format.
CATALOGUE_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "xml": "xml", "rdf": "xml"}
# Dataset formats (ckanext-dcat serves the same suffixes for one dataset).
DATASET_FORMATS = CATALOGUE_FORMATS


@dataclasses.dataclass
class DemoExport:
    # format -> [(path, body)] in paging order
    catalogue: dict[str, list[tuple[str, bytes]]]
    # format -> {dataset name: body}
    datasets: dict[str, dict[str, bytes]]
    # dataset URI -> package_show of the public dataset
    expected: dict[str, dict]
    licenses_json: bytes
    # the register as the portal knows it: id -> url
    licence_urls: dict[str, str]

    def pages(self, fmt: str) -> list[tuple[str, bytes]]:
        """Every page of format ``fmt``: the catalogue's, then each dataset's."""
        return list(self.catalogue[fmt]) + [
            (f"/dataset/{name}.{fmt}", body) for name, body in sorted(self.datasets[fmt].items())
        ]


def graph(body: bytes, fmt: str) -> rdflib.Graph:
    g = rdflib.Graph()
    # CKAN serves text/turtle without a charset: parse the bytes.
    g.parse(data=body, format=CATALOGUE_FORMATS[fmt])
    return g


def _catalogue_pages(client, fmt: str) -> list[tuple[str, bytes]]:
    pages, url = [], f"/catalog.{fmt}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        pages.append((url, response.data))
        g = graph(response.data, fmt)
        next_page = g.value(next(g.subjects(rdflib.RDF.type, HYDRA.PagedCollection)), HYDRA.next)
        url = str(next_page)[len(SITE) :] if next_page else None
    return pages


def export(reset_db_with_migrations) -> DemoExport:
    """Load the demo with test.ini's plugins, export it, unload the plugins
    and restore the configuration."""
    import ckan.model as model
    import ckan.plugins as plugins
    from ckan.common import config
    from ckan.lib.app_globals import _CONFIG_CACHE
    from ckan.tests import helpers

    from ckanext.angiang import demo

    original = copy.deepcopy(config)
    config["ckanext.dcat.datasets_per_page"] = PAGE_SIZE
    plugins.load_all()
    try:
        reset_db_with_migrations()
        demo.load()
        _CONFIG_CACHE.clear()
        client = helpers._get_test_app()
        catalogue = {fmt: _catalogue_pages(client, fmt) for fmt in CATALOGUE_FORMATS}
        ids = helpers.call_action("package_search", rows=1000, fl="id", include_private=False)[
            "results"
        ]
        expected = {}
        for row in ids:
            dataset = helpers.call_action("package_show", id=row["id"])
            expected[f"{SITE}/dataset/{dataset['id']}"] = dataset
        datasets = {
            fmt: {
                d["name"]: client.get(f"/dataset/{d['name']}.{fmt}").data for d in expected.values()
            }
            for fmt in DATASET_FORMATS
        }
        licenses_json = client.get("/licenses.json").data
        licence_urls = {lic.id: lic.url for lic in model.Package.get_license_register().values()}
    finally:
        plugins.unload_all()
        config.clear()
        config.update(original)
        _CONFIG_CACHE.clear()
    return DemoExport(catalogue, datasets, expected, licenses_json, licence_urls)
