"""The serializer of the portal's DCAT pages (dcat/serializer.py): its graph
remembers the IRIs without a prefix, which changes no byte of the output,
and only the portal's profile gets it."""

import pytest
import rdflib
from rdflib.namespace import RDF

from ckanext.angiang.dcat.serializer import RememberingNamespaceManager, serializer
from ckanext.dcat.profiles.base import DCAT, DCT

SITE = "https://opendata.angiang.gov.vn"


def _page(graph: rdflib.Graph) -> rdflib.Graph:
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCT)
    for n in range(20):
        dataset = rdflib.URIRef(f"{SITE}/dataset/{n:04d}-gia-dat")
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCT.title, rdflib.Literal(f"Bảng giá đất {n}", lang="vi")))
        for k in range(3):
            distribution = rdflib.URIRef(f"{SITE}/dataset/{n:04d}/resource/{k}")
            graph.add((dataset, DCAT.distribution, distribution))
            graph.add((distribution, DCAT.downloadURL, rdflib.URIRef(f"{SITE}/files/{n}-{k}.csv")))
    return graph


@pytest.mark.parametrize("fmt", ["turtle", "xml", "json-ld", "nt"])
def test_the_output_is_the_same_byte_for_byte(fmt):
    remembering = rdflib.Graph()
    remembering.namespace_manager = RememberingNamespaceManager(remembering)
    plain = _page(rdflib.Graph()).serialize(format=fmt)
    assert _page(remembering).serialize(format=fmt) == plain


def test_an_iri_without_a_prefix_is_split_once():
    graph = rdflib.Graph()
    manager = RememberingNamespaceManager(graph)
    graph.namespace_manager = manager
    _page(graph).serialize(format="turtle")
    dataset = rdflib.URIRef(f"{SITE}/dataset/0000-gia-dat")
    assert dataset in manager._no_prefix
    # a prefixed name is still found, and made where asked
    assert manager.compute_qname(DCAT.Dataset, generate=False)[0] == "dcat"
    with pytest.raises(KeyError):
        manager.compute_qname(dataset, generate=False)
    assert manager.compute_qname(dataset)[0].startswith("ns")


@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "angiang_dcat_ap")
def test_only_the_portal_profile_gets_it():
    assert isinstance(serializer().g.namespace_manager, RememberingNamespaceManager)
    assert isinstance(
        serializer(["angiang_dcat_ap"]).g.namespace_manager, RememberingNamespaceManager
    )
    stock = serializer(["euro_dcat_ap_3"]).g.namespace_manager
    assert type(stock) is rdflib.namespace.NamespaceManager
