"""The data.europa.eu Metadata Quality Assessment of the catalogue."""

import http.server
import threading

import pytest
import rdflib
from dcat_helpers import full_dataset

from ckanext.angiang.dcat import mqa

pytestmark = [
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "angiang_dcat_ap"),
]


class _Handler(http.server.BaseHTTPRequestHandler):
    """200 for paths under /ok/, 404 otherwise; HEAD refused under /nohead/."""

    def _answer(self, body: bool):
        if self.path.startswith("/nohead/") and self.command == "HEAD":
            self.send_response(405)
        elif self.path.startswith(("/ok/", "/nohead/")):
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "2" if body else "0")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_weights_and_ratings_follow_the_method():
    assert sum(i.weight for i in mqa.INDICATORS) == 405
    per_dimension = {}
    for indicator in mqa.INDICATORS:
        per_dimension[indicator.dimension] = (
            per_dimension.get(indicator.dimension, 0) + indicator.weight
        )
    assert per_dimension == {
        "Findability": 100,
        "Accessibility": 100,
        "Interoperability": 110,
        "Reusability": 75,
        "Contextuality": 20,
    }
    assert [mqa.rating(p) for p in (405, 351, 350, 221, 220, 121, 120, 0)] == [
        "Excellent",
        "Excellent",
        "Good",
        "Good",
        "Sufficient",
        "Sufficient",
        "Bad",
        "Bad",
    ]


def test_url_checks_use_real_http(web_server):
    results = mqa.check_urls(
        [
            f"{web_server}/ok/a.csv",
            f"{web_server}/missing.csv",
            f"{web_server}/nohead/b.csv",
            "http://127.0.0.1:9/closed",
        ],
        timeout=5,
    )
    assert results[f"{web_server}/ok/a.csv"] == (True, "HTTP 200")
    assert results[f"{web_server}/missing.csv"] == (False, "HTTP 404")
    assert results[f"{web_server}/nohead/b.csv"] == (True, "HTTP 200")
    assert results["http://127.0.0.1:9/closed"][0] is False


@pytest.mark.usefixtures("dcat_plugins", "agency")
def test_score_of_the_full_dataset(web_server):
    """One CSV file (downloadable, sized) and one API (no download URL, no size)."""
    from ckanext.dcat.processors import RDFSerializer

    dataset = full_dataset()
    dataset["resources"][0]["url"] = f"{web_server}/ok/dan-so.csv"
    dataset["resources"][1]["url"] = f"{web_server}/ok/api/dan-so"
    serializer = RDFSerializer(profiles=["angiang_dcat_ap"])
    g = rdflib.Graph()
    g.parse(data=serializer.serialize_catalog({}, [dataset], _format="ttl"), format="turtle")

    report = mqa.assess([g], check_url=lambda urls: mqa.check_urls(urls, timeout=5))
    points = {row.indicator.name: round(row.points, 2) for row in report.rows}
    assert points["dcat:accessURL accessible"] == 50
    assert points["dcat:downloadURL"] == 10  # the API has no download URL
    assert points["dcat:downloadURL accessible"] == 15
    assert points["dcat:byteSize"] == 2.5
    assert points["DCAT-AP compliance"] == 30
    assert points["format machine-readable"] == 20  # best distribution: the CSV
    assert points["dct:license from vocabulary"] == 10
    assert report.dimension_points() == {
        "Findability": (100, 100),
        "Accessibility": (75, 100),
        "Interoperability": (110, 110),
        "Reusability": (75, 75),
        "Contextuality": (17.5, 20),
    }
    assert report.points == pytest.approx(377.5)
    assert report.rating == "Excellent"
    text = mqa.report_text(report)
    assert "Score: 377.5 / 405 (Excellent)" in text


@pytest.mark.usefixtures("dcat_plugins", "agency")
def test_unreachable_urls_and_violations_lower_the_score(web_server):
    from ckanext.dcat.processors import RDFSerializer

    dataset = full_dataset()
    dataset["resources"][0]["url"] = f"{web_server}/gone.csv"
    dataset["resources"][1]["url"] = f"{web_server}/ok/api/dan-so"
    serializer = RDFSerializer(profiles=["angiang_dcat_ap"])
    g = rdflib.Graph()
    g.parse(data=serializer.serialize_catalog({}, [dataset], _format="ttl"), format="turtle")
    # A distribution without access URL violates DCAT-AP.
    distribution = next(
        g.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Distribution"))
    )
    g.remove((distribution, rdflib.URIRef("http://www.w3.org/ns/dcat#accessURL"), None))

    report = mqa.assess([g], check_url=lambda urls: mqa.check_urls(urls, timeout=5))
    points = {row.indicator.name: row.points for row in report.rows}
    assert points["DCAT-AP compliance"] == 0
    assert len(report.dataset_violations) == 1
    assert points["dcat:accessURL accessible"] < 50
    assert (f"{web_server}/gone.csv", "HTTP 404") in report.urls_failed
