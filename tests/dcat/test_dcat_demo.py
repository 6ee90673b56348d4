"""The demo catalogue (``ckan angiang demo load``) as the national portal sees
it: every page valid DCAT-AP 3.0.1, and an "Excellent" metadata quality."""

import re

import pytest
import rdflib
from rdflib.namespace import RDF

from ckanext.angiang.dcat import shacl
from ckanext.dcat.profiles.base import DCAT

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "30")
@pytest.mark.usefixtures("dcat_plugins", "clean_db")
def test_demo_catalogue_is_valid_and_excellent(app, cli):
    from ckan.cli.cli import ckan

    from ckanext.angiang import demo

    stats = demo.load()
    assert stats["datasets_created"] > 60

    # 1. Every page: zero violations of the mandatory shapes (+ ranges), and
    #    zero warnings of the recommended ones (the demo fills every field).
    url, pages, datasets = "/catalog.ttl", 0, set()
    while url:
        g = rdflib.Graph()
        g.parse(data=app.get(url).data, format="turtle")
        pages += 1
        datasets |= set(g.subjects(RDF.type, DCAT.Dataset))
        assert [str(r) for r in shacl.violations(g)] == [], url
        assert [str(r) for r in shacl.warnings(g)] == [], url
        next_page = g.value(next(g.subjects(RDF.type, HYDRA.PagedCollection)), HYDRA.next)
        url = str(next_page).replace("http://test.ckan.net", "") if next_page else None
    assert pages >= 3
    public = app.get("/api/3/action/package_search", query_string={"rows": 0}).json
    assert len(datasets) == public["result"]["count"]

    # 2. The data.europa.eu method, as `ckan angiang mqa` prints it.
    result = cli.invoke(ckan, ["angiang", "mqa"])
    assert result.exit_code == 0, result.output
    score = re.search(r"Score: ([\d.]+) / 405 \((\w+)\)", result.output)
    assert score, result.output
    assert float(score.group(1)) >= 351, result.output
    assert score.group(2) == "Excellent"
    assert f"DCAT-AP catalogue: {len(datasets)} public datasets" in result.output
    assert re.search(r"Interoperability\s+DCAT-AP compliance\s+(\d+)\s+\1\s+100\.0%", result.output)
