"""Catalogue peers on 127.0.0.1: a CKAN Action API and a DCAT catalogue.

The CKAN peer answers the calls ckanext-harvest's CKAN harvester makes
(``package_search`` with ``rows``/``start`` paging, ``organization_show``,
``group_show``) with package dicts shaped like a stock CKAN 2.x's
``package_show`` (data/ckan_packages.json). The DCAT peer serves Turtle made
by ckanext-dcat's own serializer from the same records, one page per
request, with Hydra paging links. Decision (issue 6): small real HTTP
servers rather than a second CKAN process, so that tests stay fast and the
same records feed the tests and benchmarks/harvest.py.
"""

from __future__ import annotations

import json
import pathlib

from .local_http import LocalServer, send

DATA = pathlib.Path(__file__).parent / "data"


def ckan_packages() -> list[dict]:
    return json.loads((DATA / "ckan_packages.json").read_text(encoding="utf-8"))


class _Server(LocalServer):
    answers_head = True

    def __enter__(self):
        self.requests = []
        return super().__enter__()

    def respond(self, handler, path, query):
        self.requests.append((path, query))
        status, ctype, body = self.route(path, query)
        send(handler, status, body, content_type=ctype)


class CKANPeer(_Server):
    def __init__(self, packages: list[dict]):
        self.packages = packages

    def route(self, path, query):
        def ok(result):
            return (
                200,
                "application/json",
                json.dumps(
                    {"help": "", "success": True, "result": result}, ensure_ascii=False
                ).encode(),
            )

        if path == "/api/3/action/package_search":
            rows, start = int(query.get("rows", 10)), int(query.get("start", 0))
            ordered = sorted(self.packages, key=lambda p: p["id"])
            return ok(
                {
                    "count": len(ordered),
                    "results": ordered[start : start + rows],
                    "sort": "id asc",
                    "facets": {},
                    "search_facets": {},
                }
            )
        if path in ("/api/3/action/organization_show", "/api/3/action/group_show"):
            for p in self.packages:
                if p["organization"]["name"] == query.get("id") or p["owner_org"] == query.get(
                    "id"
                ):
                    return ok(p["organization"])
        return 404, "application/json", b'{"success": false}'


class DCATPeer(_Server):
    """``pages`` is a list of Turtle documents; page n is ``/catalog.ttl?page=n``."""

    def __init__(self, pages: list[str]):
        self.pages = pages

    def route(self, path, query):
        if path == "/catalog.ttl":
            n = int(query.get("page", 1))
            if 1 <= n <= len(self.pages):
                return 200, "text/turtle", self.pages[n - 1].encode("utf-8")
        return 404, "text/plain", b"not found"


def dcat_pages(datasets: list[dict], base_url: str, per_page: int) -> list[str]:
    """Turtle pages of a catalogue of ``datasets``, serialized by ckanext-dcat."""
    from ckanext.dcat.processors import RDFSerializer

    chunks = [datasets[i : i + per_page] for i in range(0, len(datasets), per_page)] or [[]]
    pages = []
    for n, chunk in enumerate(chunks, 1):
        serializer = RDFSerializer()
        pagination = {
            "count": len(datasets),
            "items_per_page": per_page,
            "current": f"{base_url}/catalog.ttl?page={n}",
            "first": f"{base_url}/catalog.ttl?page=1",
            "last": f"{base_url}/catalog.ttl?page={len(chunks)}",
        }
        if n < len(chunks):
            pagination["next"] = f"{base_url}/catalog.ttl?page={n + 1}"
        if n > 1:
            pagination["previous"] = f"{base_url}/catalog.ttl?page={n - 1}"
        pages.append(
            serializer.serialize_catalog(
                {
                    "title": "Danh mục dữ liệu đối tác",
                    "description": "Catalogue of a peer portal",
                    "language": "vi",
                },
                dataset_dicts=chunk,
                _format="turtle",
                pagination_info=pagination,
            )
        )
    return pages
