"""Federation (Art. 7.7): the demo catalogue read the way the national portal
reads it, a stock CKAN 2.12 with ckanext-dcat 2.4.4.

1. Every page of ``/catalog.{ttl,jsonld,xml,rdf}`` and every
   ``/dataset/<name>.<fmt>`` parsed with ckanext-dcat's ``RDFParser`` and each
   stock profile (``euro_dcat_ap_3``, ``euro_dcat_ap_2``, ``euro_dcat_ap``),
   alone and with ``euro_dcat_ap_scheming`` (on ckanext-dcat's own
   ``dcat_ap_full.yaml`` schema): each dataset with its title, notes,
   publisher, contact point, tags, themes, spatial and temporal coverage,
   frequency, every resource's URL, format, licence and checksum, and its
   licence id mapped through our ``/licenses.json`` as ``licenses_group_url``.
   The counts are printed at the end of the run (``conftest.py``).
2. Every page gives the same graph in every format.
3. ckanext-dcat's stock ``dcat_rdf`` harvester, in a CKAN with no portal
   plugin but the search backend, imports every dataset from the catalogue
   served on 127.0.0.1, and a second run updates them without error.

The demo is exported once per session (``demo_export`` fixture); each page
is parsed once per profile combination.
"""

from __future__ import annotations

import json

import federation
import pytest
from dcat_helpers import CatalogueServer, canonical_triples
from demo_export import CATALOGUE_FORMATS, SITE, graph

STOCK_PROFILES = ("euro_dcat_ap_3", "euro_dcat_ap_2", "euro_dcat_ap")
COMBINATIONS = [(p,) for p in STOCK_PROFILES] + [
    (p, "euro_dcat_ap_scheming") for p in STOCK_PROFILES
]
STOCK_SCHEMA = "ckanext.dcat.schemas:dcat_ap_full.yaml"
STOCK_PRESETS = "ckanext.scheming:presets.json ckanext.dcat.schemas:presets.yaml"
# Combinations that cannot give the extent (counted 0 in the table's bbox
# column; the test requires everything else):
# - ``euro_dcat_ap`` (DCAT-AP 1) reads no ``dcat:bbox``; it gets the unit's
#   URI and names;
# - ``euro_dcat_ap_3`` on a scheming site: ckanext-dcat 2.4.4 builds
#   ``spatial_coverage`` (its ``_parse_dataset_v2_scheming``, reached through
#   ``super().parse_dataset`` from ``_parse_dataset_v2``) before it reads
#   ``dcat:bbox``, and its second pass keeps the first value and drops the
#   bbox extras: the URI and names arrive, the extent does not. A stock bug;
#   ``euro_dcat_ap_2 euro_dcat_ap_scheming`` reads the extent.
NO_BBOX = {
    ("euro_dcat_ap",),
    ("euro_dcat_ap", "euro_dcat_ap_scheming"),
    ("euro_dcat_ap_3", "euro_dcat_ap_scheming"),
}


@pytest.fixture(scope="module")
def licence_server(demo_export):
    """The portal's licence register, served as the national portal would
    fetch it (``licenses_group_url``)."""
    with CatalogueServer(
        {"/licenses.json": (demo_export.licenses_json, "application/json")}
    ) as server:
        yield server


@pytest.fixture
def stock_site(request, ckan_config, monkeypatch, licence_server):
    """A harvesting CKAN's configuration: ckanext-dcat (and scheming with
    ckanext-dcat's schema when the combination has the scheming profile), our
    licence register as ``licenses_group_url``; no plugin of ours."""
    import ckan.model as model

    profiles = request.param
    plugins = ["dcat"]
    if "euro_dcat_ap_scheming" in profiles:
        plugins = ["scheming_datasets", "dcat"]
        monkeypatch.setitem(ckan_config, "scheming.dataset_schemas", STOCK_SCHEMA)
        monkeypatch.setitem(ckan_config, "scheming.presets", STOCK_PRESETS)
    monkeypatch.setitem(ckan_config, "ckan.plugins", plugins)
    monkeypatch.setitem(ckan_config, "licenses_group_url", f"{licence_server.url}/licenses.json")
    monkeypatch.delattr(model.Package, "_license_register", raising=False)
    request.getfixturevalue("with_plugins")
    return profiles


def _parse(body: bytes, fmt: str, profiles) -> list[dict]:
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=list(profiles))
    parser.parse(body, _format=CATALOGUE_FORMATS[fmt])
    return list(parser.datasets())


@pytest.mark.parametrize("fmt", list(CATALOGUE_FORMATS))
@pytest.mark.parametrize(
    "stock_site", COMBINATIONS, indirect=True, ids=["+".join(c) for c in COMBINATIONS]
)
def test_stock_parser_reads_every_dataset(demo_export, stock_site, fmt):
    profiles = stock_site
    expected = {
        uri: federation.expected_facts(d, demo_export.licence_urls)
        for uri, d in demo_export.expected.items()
    }
    sources = {
        "catalogue": demo_export.catalogue[fmt],
        "dataset pages": [
            (f"/dataset/{n}.{fmt}", b) for n, b in sorted(demo_export.datasets[fmt].items())
        ],
    }
    problems = {}
    for source, pages in sources.items():
        counts = {"read": 0, "total": len(expected)}
        seen = set()
        for path, body in pages:
            for parsed in _parse(body, fmt, profiles):
                uri = federation._get(parsed, "uri")
                assert uri in expected, (path, uri)
                assert uri not in seen, (path, uri)
                seen.add(uri)
                counts["read"] += 1
                differences = federation.compare(parsed, expected[uri])
                # Not read (counted 0), never read wrong.
                unread = differences.pop("bbox", None) if profiles in NO_BBOX else None
                assert unread is None or unread[0] is None, (path, uri, unread)
                for field in federation.FIELDS:
                    right = field not in differences and not (field == "bbox" and unread)
                    counts[field] = counts.get(field, 0) + right
                if differences:
                    problems[(source, uri)] = differences
        federation.TABLE[(fmt, "+".join(profiles), source)] = counts
        assert seen == set(expected), source
    assert problems == {}


def _same_graph_pages(demo_export, fmt):
    pages = dict(demo_export.pages(fmt))
    return {path.replace(f".{fmt}", ".FMT"): body for path, body in pages.items()}


@pytest.mark.parametrize("fmt", ["jsonld", "xml", "rdf"])
def test_every_format_gives_the_same_graph(demo_export, fmt):
    """Each page in ``fmt`` is the Turtle page's graph, up to blank nodes
    (RDF/XML used to lose the contact point a dataset shares with its data
    service)."""
    turtle = _same_graph_pages(demo_export, "ttl")
    other = _same_graph_pages(demo_export, fmt)
    assert set(other) == set(turtle)
    differ = {}
    for path, body in turtle.items():
        a = canonical_triples(graph(body, "ttl"), (".ttl", ".FMT"))
        b = canonical_triples(graph(other[path], fmt), (f".{fmt}", ".FMT"))
        if a != b:
            differ[path] = {
                "only in Turtle": len(a - b),
                f"only in {fmt}": len(b - a),
                "example": sorted(a - b)[:3] or sorted(b - a)[:3],
            }
    assert differ == {}
    assert len(turtle) == len(demo_export.catalogue["ttl"]) + len(demo_export.expected)


def test_licence_register_is_in_ckan_format(demo_export):
    """``/licenses.json`` loads into CKAN's own ``LicenseRegister`` with the
    URLs our DCAT writes on every distribution."""
    data = json.loads(demo_export.licenses_json)
    assert {lic["id"]: lic["url"] for lic in data} == demo_export.licence_urls
    used = {d["license_id"] for d in demo_export.expected.values()}
    assert used and used <= set(demo_export.licence_urls)
    assert all(
        url.startswith(SITE) or url.startswith("https://")
        for url in demo_export.licence_urls.values()
    )


@pytest.mark.ckan_config("ckan.plugins", "activity angiang_search harvest dcat dcat_rdf_harvester")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "euro_dcat_ap_3")
@pytest.mark.usefixtures("with_plugins")
def test_stock_harvester_imports_every_dataset(
    demo_export, licence_server, ckan_config, monkeypatch, clean_db
):
    """ckanext-dcat's own ``dcat_rdf`` harvester with its default profile, in
    a CKAN with CKAN's default dataset schema and none of our plugins but the
    search backend (standing in for Solr): every dataset of the Turtle
    catalogue is imported, with its licence mapped through our register; a
    second run updates them all without an error."""
    import ckan.model as model
    from ckan.tests import factories, helpers

    from ckanext.dcat.harvesters import DCATRDFHarvester
    from ckanext.harvest.tests.factories import HarvestJobObj, HarvestSourceObj
    from ckanext.harvest.tests.lib import run_harvest_job

    monkeypatch.setitem(ckan_config, "licenses_group_url", f"{licence_server.url}/licenses.json")
    monkeypatch.delattr(model.Package, "_license_register", raising=False)
    national = factories.Organization(name="cong-du-lieu-quoc-gia")
    pages = {path: (body, "text/turtle") for path, body in demo_export.catalogue["ttl"]}
    with CatalogueServer(pages) as server:
        source = HarvestSourceObj(
            url=f"{server.url}/catalog.ttl", source_type="dcat_rdf", owner_org=national["id"]
        )
        first = run_harvest_job(HarvestJobObj(source=source, run=False), DCATRDFHarvester())
        second = run_harvest_job(HarvestJobObj(source=source, run=False), DCATRDFHarvester())

    for results in (first, second):
        assert {guid: r["errors"] for guid, r in results.items() if r["errors"]} == {}
        assert set(results) == set(demo_export.expected)
    assert {r["report_status"] for r in first.values()} == {"added"}
    assert {r["report_status"] for r in second.values()} == {"updated"}
    # ckanext-dcat's harvest guid is the dataset's URI.
    imported = {guid: r["dataset"] for guid, r in second.items()}
    assert helpers.call_action("package_search", rows=0)["count"] == len(demo_export.expected)
    for uri, dataset in imported.items():
        original = demo_export.expected[uri]
        assert dataset["title"] == original["title"]
        assert dataset["license_id"] == original["license_id"]
        assert len(dataset["resources"]) == len(original["resources"])
        assert {r["url"] for r in dataset["resources"]} == {r["url"] for r in original["resources"]}
