"""Validity against the official DCAT-AP 3.0.1 SHACL shapes (Art. 7.7)."""

import hashlib
import pathlib

import pytest
import rdflib
from dcat_helpers import full_dataset

from ckanext.angiang.dcat import shacl

REFERENCE = (
    pathlib.Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "reference"
    / "dcat-ap-shacl"
    / "3.0.1"
)
VENDORED = {
    "dcat-ap-SHACL.ttl": (
        "shacl/dcat-ap-SHACL.ttl",
        "990d3e42721de6a4be8cc338a7171559f195e62dea89c0b56531356b78cc026f",
    ),
    "ranges.ttl": (
        "shacl/ranges.ttl",
        "a6eed0fae8d0f5ca977fe2098ca12081ac60b0efe1ddce802d5c08e49505ebcc",
    ),
    "shapes_recommended.ttl": (
        "html/shacl/shapes_recommended.ttl",
        "9afbf23f1f56d10d6839259684934137e20506a9aedce0249b619bbc593b9abd",
    ),
}

pytestmark = [
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "angiang_dcat_ap"),
]


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_vendored_shapes_are_the_official_ones(name):
    upstream, sha256 = VENDORED[name]
    data = (shacl.SHAPES_DIR / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256
    reference = REFERENCE / upstream
    if reference.exists():  # the shared reference copy beside the clone (CI, dev)
        assert reference.read_bytes() == data


def test_dangling_property_links_are_dropped():
    raw = rdflib.Graph()
    raw.parse(shacl.SHAPES_DIR / "dcat-ap-SHACL.ttl", format="turtle")
    assert shacl.drop_dangling_property_links(raw) > 0  # upstream SEMICeu/DCAT-AP#448
    assert shacl.drop_dangling_property_links(shacl.load_shapes()) == 0


def test_shapes_catch_an_incomplete_dataset():
    g = rdflib.Graph()
    g.parse(
        data="""
        @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        <http://x.example/d> a dcat:Dataset ; dct:title "t" ; dcat:distribution <http://x.example/r> .
        <http://x.example/r> a dcat:Distribution ; dct:format "CSV" .
    """,
        format="turtle",
    )
    found = {
        (r.focus.rsplit("/", 1)[-1], r.path.rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        for r in shacl.violations(g)
    }
    assert ("d", "description") in found
    assert ("r", "accessURL") in found
    assert ("r", "format") in found  # a literal is not a dct:MediaTypeOrExtent


@pytest.mark.usefixtures("dcat_plugins", "agency")
def test_full_dataset_and_catalogue_have_no_violation_and_no_warning():
    from ckanext.dcat.processors import RDFSerializer

    serializer = RDFSerializer(profiles=["angiang_dcat_ap"])
    turtle = serializer.serialize_catalog({}, [full_dataset()], _format="ttl")
    g = rdflib.Graph()
    g.parse(data=turtle, format="turtle")
    assert [str(r) for r in shacl.violations(g)] == []
    # The catalogue's dct:issued/dct:modified come from the public datasets in
    # the database (none here); the demo catalogue test covers them.
    catalogue = "http://test.ckan.net"
    assert [str(r) for r in shacl.warnings(g) if r.focus != catalogue] == []
    assert {r.path.rsplit("/", 1)[-1] for r in shacl.warnings(g)} <= {"issued", "modified"}
