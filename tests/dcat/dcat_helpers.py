"""Helpers of the DCAT tests: the full dataset of the metadata model, its
agency, and serialization/parsing with the angiang_dcat_ap profile."""

from __future__ import annotations

import copy
import json
import pathlib
from collections import Counter

import ckan.model as model
import rdflib

DATA = pathlib.Path(__file__).parent / "data"

AGENCY_ID = "7a1c4a8e-2f3b-4c5d-8e9f-0a1b2c3d4e5f"
AGENCY = {
    "id": AGENCY_ID,
    "name": "so-tai-chinh",
    "title": "Sở Tài chính",
    "extras": {
        "short_name": "STC",
        "agency_code": "000.00.15.H01",
        "agency_level": "provincial",
        "focal_point_name": "Phạm Văn Bình",
        "focal_point_position": "Chánh Văn phòng Sở",
        "focal_point_email": "pvbinh.stc@angiang.gov.vn",
        "focal_point_phone": "0297 3862 555",
        "website": "https://sotaichinh.angiang.gov.vn",
    },
}


def full_dataset() -> dict:
    """A public dataset with every field of docs/metadata-model.md filled."""
    return copy.deepcopy(json.loads((DATA / "dataset_full.json").read_text(encoding="utf-8")))


def make_agency(**overrides) -> model.Group:
    """The agency row, written with the model: profile tests need an
    organization in the database, not the organization schema."""
    values = copy.deepcopy(AGENCY)
    values.update(overrides)
    group = model.Group(
        name=values["name"], title=values["title"], type="organization", is_organization=True
    )
    group.id = values["id"]
    group.state = "active"
    group.extras = values["extras"]
    model.Session.add(group)
    model.Session.commit()
    return group


def serialize(dataset_dict: dict) -> tuple[rdflib.Graph, rdflib.URIRef]:
    """The dataset's graph as a harvester reads it (Turtle, parsed back)."""
    from ckanext.dcat.processors import RDFSerializer

    serializer = RDFSerializer(profiles=["angiang_dcat_ap"])
    ref = serializer.graph_from_dataset(dataset_dict)
    graph = rdflib.Graph()
    graph.parse(data=serializer.g.serialize(format="turtle"), format="turtle")
    return graph, ref


def parse(turtle: str) -> list[dict]:
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=["angiang_dcat_ap"])
    parser.parse(turtle, _format="turtle")
    return list(parser.datasets())


# The DCAT plugins (test.ini enables them; the fixtures add them if not).
DCAT_PLUGINS = ["dcat", "structured_data", "angiang_dcat"]


def create_agency(**overrides) -> dict:
    from angiang_testing import factories

    values = {"title": AGENCY["title"], "name": AGENCY["name"]}
    values.update({k: v for k, v in AGENCY["extras"].items()})
    values.update(overrides)
    return factories.Agency(**values)


def sysadmin_name() -> str:
    from ckan import model
    from ckan.tests import factories

    user = model.Session.query(model.User).filter_by(sysadmin=True, state="active").first()
    return user.name if user is not None else factories.Sysadmin()["name"]


def create_dataset(agency: dict, **overrides) -> dict:
    """A dataset with every schema field filled, created through the API."""
    from ckan.tests import helpers

    data = full_dataset()
    for key in (
        "id",
        "name",
        "identifier",
        "owner_org",
        "metadata_created",
        "metadata_modified",
        "spatial",
        "private",
        "state",
        "type",
    ):
        data.pop(key, None)
    for res in data["resources"]:
        for key in ("id", "package_id", "created", "metadata_modified"):
            res.pop(key, None)
    data["resources"][0]["url"] = "https://data.angiang.gov.vn/files/dan-so.csv"
    data["owner_org"] = agency["id"]
    data.update(overrides)
    return helpers.call_action("package_create", context={"user": sysadmin_name()}, **data)


def canonical_triples(g: rdflib.Graph, replace: tuple[str, str] = ("", "")) -> Counter:
    """The triples of ``g`` with every blank node replaced by a digest of what
    it describes (recursively): two graphs whose blank nodes form trees (as
    DCAT's contact points, checksums, periods... do) are isomorphic exactly
    when these multisets are equal. Much faster than rdflib's canonical
    labelling on catalogue pages with hundreds of blank nodes. ``replace``
    rewrites a substring of every URI and literal (the paging links of
    ``/catalog.ttl`` and ``/catalog.xml`` name their own format)."""
    import hashlib

    old, new = replace

    def term(t):
        if isinstance(t, rdflib.BNode):
            return signature(t, ())
        text = str(t).replace(old, new) if old else str(t)
        if isinstance(t, rdflib.Literal):
            return f'"{text}"@{t.language or ""}^^{t.datatype or ""}'
        return f"<{text}>"

    memo: dict = {}

    def signature(node, path):
        if node in memo:
            return memo[node]
        if node in path:  # a cycle: not a tree, give up on this branch
            return "_:cycle"
        parts = sorted(
            f"{term(p)} {signature(o, path + (node,)) if isinstance(o, rdflib.BNode) else term(o)}"
            for p, o in g.predicate_objects(node)
        )
        memo[node] = "_:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
        return memo[node]

    out = Counter()
    for s, p, o in g:
        if isinstance(s, rdflib.BNode) and (None, None, s) in g:
            continue  # described inside the signature of whoever points at it
        out[(term(s), term(p), term(o))] += 1
    return out


class CatalogueServer:
    """Serves fixed bodies (``{path?query: (bytes, content type)}``) on
    127.0.0.1 (port 0); the catalogue's paging links, built from
    ``ckan.site_url`` (see STACK-NOTES), are rebased on this server."""

    SITE = "http://test.ckan.net"

    def __init__(self, bodies: dict[str, tuple[bytes, str]]):
        import http.server
        from urllib.parse import urlsplit

        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_HEAD(self):
                self._send(head=True)

            def do_GET(self):
                self._send(head=False)

            def _send(self, head):
                parts = urlsplit(self.path)
                found = outer.bodies.get(parts.path + (f"?{parts.query}" if parts.query else ""))
                if found is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                body, content_type = found
                body = body.replace(
                    f"{outer.SITE}/catalog.".encode(), f"{outer.url}/catalog.".encode()
                )
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.bodies = bodies
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
