"""Visitors of the portal, for locust (run by benchmarks/load.py).

Each simulated visitor waits ``LOAD_WAIT`` seconds (``"1,3"``: uniformly 1 to
3 s, reading the page) between requests, and picks one of the page kinds
below with their weights: the search page, dataset pages, resource pages,
the search and show API, and the DCAT pages (one dataset, a catalogue page).
Two kinds are the same-run baseline, not targets: ``status_show`` (the
lightest request through the whole CKAN stack) and a static file (WhiteNoise,
before CKAN).

What to request comes from ``LOAD_TARGETS`` (a JSON file load.py writes:
public dataset names, their resources, catalogue pages).
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["LOAD_TARGETS"], encoding="utf-8") as f:
    TARGETS = json.load(f)
_low, _high = (float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(","))

WORDS = [
    "dân số",
    "đất đai",
    "giáo dục",
    "y tế",
    "giao thông",
    "nông nghiệp",
    "thủy sản",
    "lúa gạo",
    "du lịch",
    "môi trường",
    "dat dai",
    "dan so",
    "doanh nghiệp",
    "ngân sách",
]
FACETS = "&facet.field=%5B%22organization%22%2C%22groups%22%2C%22tags%22%2C%22res_format%22%5D"


class Visitor(HttpUser):
    wait_time = between(_low, _high)

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(2)
    def home_page(self):
        self._get("/", "home page")

    @task(4)
    def search_page(self):
        word = random.choice(WORDS)
        page = random.choice(["", "", "&page=2"])
        self._get(f"/dataset/?q={word}{page}", "search page")

    @task(4)
    def dataset_page(self):
        self._get(f"/dataset/{random.choice(TARGETS['datasets'])}", "dataset page")

    @task(2)
    def resource_page(self):
        name, resource = random.choice(TARGETS["resources"])
        self._get(f"/dataset/{name}/resource/{resource}", "resource page")

    @task(4)
    def api_search(self):
        word = random.choice(WORDS)
        self._get(f"/api/3/action/package_search?q={word}&rows=20{FACETS}", "API package_search")

    @task(3)
    def api_show(self):
        self._get(
            f"/api/3/action/package_show?id={random.choice(TARGETS['datasets'])}",
            "API package_show",
        )

    @task(2)
    def dcat_dataset(self):
        self._get(f"/dataset/{random.choice(TARGETS['datasets'])}.ttl", "DCAT dataset.ttl")

    @task(1)
    def dcat_catalog(self):
        self._get(
            f"/catalog.ttl?page={random.randint(1, TARGETS['catalog_pages'])}",
            "DCAT catalog.ttl (100/page)",
        )

    @task(1)
    def baseline_status(self):
        self._get("/api/3/action/status_show", "baseline: API status_show")

    @task(1)
    def baseline_static(self):
        self._get(TARGETS["static"], "baseline: static file")
