"""The DCAT endpoints the national portal harvests (Art. 7.7): the catalogue
page by page, per-dataset RDF, content negotiation, schema.org JSON-LD; and
never a private or draft dataset."""

import datetime
import json

import pytest
import rdflib
from ckan.tests import helpers
from dcat_helpers import create_agency, create_dataset, sysadmin_name
from rdflib import URIRef
from rdflib.namespace import RDF

from ckanext.dcat.profiles.base import DCAT, DCT, FOAF

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")

pytestmark = [
    pytest.mark.usefixtures("dcat_plugins", "clean_db"),
]


def graph_of(response, fmt="turtle") -> rdflib.Graph:
    g = rdflib.Graph()
    # CKAN serves text/turtle without a charset: parse the bytes.
    g.parse(data=response.data, format=fmt)
    return g


def datasets_in(g: rdflib.Graph) -> set[str]:
    return {str(d) for d in g.subjects(RDF.type, DCAT.Dataset)}


@pytest.fixture
def catalogue():
    agency = create_agency()
    public = [create_dataset(agency, title=f"Dữ liệu công khai số {i}") for i in range(2)]
    private = create_dataset(agency, title="Dữ liệu nội bộ", private=True)
    draft = create_dataset(agency, title="Dữ liệu nháp", state="draft")
    deleted = create_dataset(agency, title="Dữ liệu đã xóa")
    helpers.call_action("package_delete", context={"user": sysadmin_name()}, id=deleted["id"])
    return {
        "agency": agency,
        "public": public,
        "private": private,
        "draft": draft,
        "deleted": deleted,
    }


def uri(dataset):
    return f"http://test.ckan.net/dataset/{dataset['id']}"


def test_catalogue_has_public_datasets_only(app, catalogue):
    response = app.get("/catalog.ttl")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    g = graph_of(response)
    assert datasets_in(g) == {uri(d) for d in catalogue["public"]}
    (cat,) = g.subjects(RDF.type, DCAT.Catalog)
    assert {str(d) for d in g.objects(cat, DCAT.dataset)} == {uri(d) for d in catalogue["public"]}
    # The catalogue is described in both languages and published by the PPC.
    titles = {(t.language, str(t)) for t in g.objects(cat, DCT.title)}
    assert ("vi", "Cổng dữ liệu mở tỉnh An Giang") in titles
    assert ("en", "An Giang Province Open Data Portal") in titles
    publisher = g.value(cat, DCT.publisher)
    assert (publisher, FOAF.name, rdflib.Literal("Ủy ban nhân dân tỉnh An Giang", lang="vi")) in g
    assert g.value(cat, DCT.modified) is not None


def test_a_logged_in_editor_does_not_see_private_datasets(app, catalogue):
    """The catalogue is the public one whoever asks (a sysadmin here)."""
    from ckan.tests import factories

    sysadmin = factories.SysadminWithToken()
    response = app.get("/catalog.ttl", headers={"Authorization": sysadmin["token"]})
    assert datasets_in(graph_of(response)) == {uri(d) for d in catalogue["public"]}
    response = app.get(
        f"/dataset/{catalogue['private']['id']}.ttl",
        headers={"Authorization": sysadmin["token"]},
        status=404,
    )


def test_catalogue_formats(app, catalogue):
    for fmt, rdflib_format, content_type in (
        ("rdf", "xml", "application/rdf+xml"),
        ("xml", "xml", "application/rdf+xml"),
        ("jsonld", "json-ld", "application/ld+json"),
    ):
        response = app.get(f"/catalog.{fmt}")
        assert response.headers["Content-Type"].startswith(content_type)
        assert datasets_in(graph_of(response, rdflib_format)) == {
            uri(d) for d in catalogue["public"]
        }


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
def test_catalogue_pages_with_hydra(app, catalogue):
    extra = [create_dataset(catalogue["agency"], title=f"Dữ liệu thêm {i}") for i in range(3)]
    expected = {uri(d) for d in catalogue["public"] + extra}  # 5 datasets, 3 pages
    seen, url, pages = set(), "/catalog.ttl", 0
    while url:
        g = graph_of(app.get(url))
        pages += 1
        page_datasets = datasets_in(g)
        assert len(page_datasets) <= 2
        assert not (page_datasets & seen)
        seen |= page_datasets
        (collection,) = g.subjects(RDF.type, HYDRA.PagedCollection)
        assert int(g.value(collection, HYDRA.totalItems)) == 5
        assert str(g.value(collection, HYDRA.last)).endswith("page=3")
        next_page = g.value(collection, HYDRA.next)
        url = str(next_page).replace("http://test.ckan.net", "") if next_page else None
    assert pages == 3
    assert seen == expected


def test_modified_since(app, catalogue):
    since = datetime.datetime.utcnow().isoformat()
    newer = create_dataset(catalogue["agency"], title="Dữ liệu mới")
    helpers.call_action(
        "package_patch",
        context={"user": sysadmin_name()},
        id=catalogue["public"][0]["id"],
        notes="Cập nhật mô tả.",
    )
    g = graph_of(app.get("/catalog.ttl", query_string={"modified_since": since}))
    assert datasets_in(g) == {uri(newer), uri(catalogue["public"][0])}
    response = app.get("/catalog.ttl", query_string={"modified_since": "hôm qua"}, status=409)
    assert "modified_since" in response.get_data(as_text=True)


def test_filters_cannot_reveal_drafts_or_private_datasets(app, catalogue):
    for fq in ("+state:draft", "+state:(active OR draft)", "capacity:private", "+state:deleted"):
        g = graph_of(app.get("/catalog.ttl", query_string={"fq": fq}))
        assert datasets_in(g) <= {uri(d) for d in catalogue["public"]}, fq


def test_bad_page_is_a_client_error(app):
    app.get("/catalog.ttl", query_string={"page": "0"}, status=409)
    app.get("/catalog.ttl", query_string={"page": "abc"}, status=409)


def test_dataset_endpoints(app, catalogue):
    dataset = catalogue["public"][0]
    for fmt, rdflib_format in (("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")):
        for ref in (dataset["id"], dataset["name"]):
            g = graph_of(app.get(f"/dataset/{ref}.{fmt}"), rdflib_format)
            assert datasets_in(g) == {uri(dataset)}
            assert g.value(URIRef(uri(dataset)), DCT.identifier) == rdflib.Literal(
                dataset["identifier"]
            )


def test_private_draft_and_deleted_datasets_are_not_found(app, catalogue):
    for key in ("private", "draft", "deleted"):
        app.get(f"/dataset/{catalogue[key]['id']}.ttl", status=404)
        app.get(f"/dataset/{catalogue[key]['id']}.jsonld", status=404)


def test_content_negotiation(app, catalogue):
    dataset = catalogue["public"][0]
    response = app.get(f"/dataset/{dataset['name']}", headers={"Accept": "text/turtle"})
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert datasets_in(graph_of(response)) == {uri(dataset)}
    response = app.get("/", headers={"Accept": "application/ld+json"})
    assert datasets_in(graph_of(response, "json-ld")) == {uri(d) for d in catalogue["public"]}
    response = app.get(f"/dataset/{dataset['name']}", headers={"Accept": "text/html"})
    assert response.headers["Content-Type"].startswith("text/html")
    app.get(f"/dataset/{catalogue['private']['id']}", headers={"Accept": "text/turtle"}, status=404)


def test_dataset_page_embeds_schema_org_json_ld(app, catalogue):
    dataset = catalogue["public"][0]
    html = app.get(f"/dataset/{dataset['name']}").get_data(as_text=True)
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    nodes = data.get("@graph", [data])
    (node,) = [n for n in nodes if n.get("@type") in ("schema:Dataset", "Dataset")]
    assert node.get("schema:name") == dataset["title"] or node.get("name") == dataset["title"]
