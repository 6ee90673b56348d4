"""Metadata quality of the catalogue, by the data.europa.eu MQA method.

The Metadata Quality Assessment of data.europa.eu (https://data.europa.eu/mqa/methodology)
scores what a harvester receives: the DCAT-AP catalogue. This module scores
the portal's own catalogue the same way, from the RDF that ``/catalog.ttl``
serves (public datasets only), so a province can see where it stands before
the national portal or an EU-style aggregator harvests it (Art. 7.7).

Dimensions and weights (405 points):

==================  =====================================================  ======  ============
dimension           indicator                                              points  computed on
==================  =====================================================  ======  ============
Findability (100)   dcat:keyword present                                   30      dataset
                    dcat:theme present                                     30      dataset
                    dct:spatial present                                    20      dataset
                    dct:temporal present                                   20      dataset
Accessibility (100) dcat:accessURL answers HTTP 2xx/3xx                    50      distribution
                    dcat:downloadURL present                               20      distribution
                    dcat:downloadURL answers HTTP 2xx/3xx                  30      distribution
Interoperability    dct:format present                                     20      distribution*
(110)               dcat:mediaType present                                 10      distribution*
                    dct:format / dcat:mediaType from the EU file-type       10      distribution*
                    table / IANA register (5 each)
                    dct:format non-proprietary                             20      distribution*
                    dct:format machine-readable                            20      distribution*
                    DCAT-AP compliance (no SHACL violation)                30      dataset
Reusability (75)    dct:license present                                    20      distribution
                    dct:license from a known licence vocabulary            10      distribution
                    dct:accessRights present                               10      dataset
                    dct:accessRights from the EU access-right table        5       dataset
                    dcat:contactPoint present                              20      dataset
                    dct:publisher present                                  10      dataset
Contextuality (20)  dct:rights present                                     5       distribution
                    dcat:byteSize present                                  5       distribution
                    dct:issued present                                     5       dataset
                    dct:modified present                                   5       dataset
==================  =====================================================  ======  ============

Rating: Excellent 351-405, Good 221-350, Sufficient 121-220, Bad 0-120.

How points are aggregated (the method describes per-indicator shares; these
are the choices made here where it leaves details open):

- A dataset indicator scores ``weight x share of datasets`` that have it; a
  distribution indicator ``weight x share of distributions``.
- (*) Interoperability follows the method's "identical content in several
  distributions" assumption: each dataset counts its best-scoring
  distribution, and the indicator scores the mean over datasets.
- DCAT-AP compliance: a dataset complies when no violation of the DCAT-AP
  3.0.1 SHACL shapes (mandatory + ranges) is on it or on any node it links
  to (distributions, publisher, contact point...).
- Accessibility is measured: each distinct URL is requested (HEAD, then GET
  when HEAD is refused). URLs of this portal are answered in process by the
  CKAN application, so the check needs no running web server.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

import ckan.plugins.toolkit as tk
import rdflib
import requests
from rdflib import URIRef
from rdflib.namespace import RDF

from ckanext.angiang.dcat import catalog, shacl
from ckanext.angiang.dcat import vocabularies as voc
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles.base import DCAT, DCT

log = logging.getLogger(__name__)

RATINGS = (("Excellent", 351), ("Good", 221), ("Sufficient", 121), ("Bad", 0))
MAX_POINTS = 405
# Licences recognised as "from vocabulary": the EU licence table and the
# licence families it maps (Creative Commons, Open Data Commons).
KNOWN_LICENCE_PREFIXES = (
    "http://publications.europa.eu/resource/authority/licence/",
    "https://creativecommons.org/licenses/",
    "http://creativecommons.org/licenses/",
    "https://creativecommons.org/publicdomain/",
    "http://creativecommons.org/publicdomain/",
    "https://opendatacommons.org/licenses/",
    "http://opendatacommons.org/licenses/",
)


@dataclasses.dataclass(frozen=True)
class Indicator:
    dimension: str
    name: str
    weight: float
    scope: str  # "dataset", "distribution" or "best-distribution"


INDICATORS = (
    Indicator("Findability", "dcat:keyword", 30, "dataset"),
    Indicator("Findability", "dcat:theme", 30, "dataset"),
    Indicator("Findability", "dct:spatial", 20, "dataset"),
    Indicator("Findability", "dct:temporal", 20, "dataset"),
    Indicator("Accessibility", "dcat:accessURL accessible", 50, "distribution"),
    Indicator("Accessibility", "dcat:downloadURL", 20, "distribution"),
    Indicator("Accessibility", "dcat:downloadURL accessible", 30, "distribution"),
    Indicator("Interoperability", "dct:format", 20, "best-distribution"),
    Indicator("Interoperability", "dcat:mediaType", 10, "best-distribution"),
    Indicator("Interoperability", "format/mediaType from vocabulary", 10, "best-distribution"),
    Indicator("Interoperability", "format non-proprietary", 20, "best-distribution"),
    Indicator("Interoperability", "format machine-readable", 20, "best-distribution"),
    Indicator("Interoperability", "DCAT-AP compliance", 30, "dataset"),
    Indicator("Reusability", "dct:license", 20, "distribution"),
    Indicator("Reusability", "dct:license from vocabulary", 10, "distribution"),
    Indicator("Reusability", "dct:accessRights", 10, "dataset"),
    Indicator("Reusability", "dct:accessRights from vocabulary", 5, "dataset"),
    Indicator("Reusability", "dcat:contactPoint", 20, "dataset"),
    Indicator("Reusability", "dct:publisher", 10, "dataset"),
    Indicator("Contextuality", "dct:rights", 5, "distribution"),
    Indicator("Contextuality", "dcat:byteSize", 5, "distribution"),
    Indicator("Contextuality", "dct:issued", 5, "dataset"),
    Indicator("Contextuality", "dct:modified", 5, "dataset"),
)


def rating(points: float) -> str:
    for name, threshold in RATINGS:
        if points >= threshold:
            return name
    return "Bad"


@dataclasses.dataclass
class Row:
    indicator: Indicator
    count: float = 0.0  # items that meet it (best-distribution: summed shares)
    population: int = 0

    @property
    def share(self) -> float:
        return self.count / self.population if self.population else 0.0

    @property
    def points(self) -> float:
        return self.indicator.weight * self.share


@dataclasses.dataclass
class Report:
    rows: list[Row]
    datasets: int
    distributions: int
    urls_checked: int
    urls_failed: list[tuple[str, str]]
    catalogue_violations: list[shacl.Result]
    dataset_violations: dict[str, list[shacl.Result]]

    @property
    def points(self) -> float:
        return sum(r.points for r in self.rows)

    @property
    def rating(self) -> str:
        return rating(round(self.points))

    def dimension_points(self) -> dict[str, tuple[float, float]]:
        out: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for row in self.rows:
            out[row.indicator.dimension][0] += row.points
            out[row.indicator.dimension][1] += row.indicator.weight
        return {k: (v[0], v[1]) for k, v in out.items()}

    def table(self) -> str:
        lines = [
            f"{'Dimension':<17} {'Indicator':<34} {'Count':>8} {'Of':>6} {'%':>6} "
            f"{'Points':>7} {'Max':>4}"
        ]
        lines.append("-" * len(lines[0]))
        for row in self.rows:
            count = f"{row.count:.0f}" if float(row.count).is_integer() else f"{row.count:.2f}"
            lines.append(
                f"{row.indicator.dimension:<17} {row.indicator.name:<34} {count:>8} "
                f"{row.population:>6} {row.share * 100:>5.1f}% {row.points:>7.2f} "
                f"{row.indicator.weight:>4.0f}"
            )
        lines.append("-" * len(lines[0]))
        for dimension, (points, weight) in self.dimension_points().items():
            lines.append(
                f"{dimension:<17} {'':<34} {'':>8} {'':>6} {'':>6} {points:>7.2f} {weight:>4.0f}"
            )
        lines.append(
            f"{'Total':<17} {'rating: ' + self.rating:<34} {'':>8} {'':>6} {'':>6} "
            f"{self.points:>7.2f} {MAX_POINTS:>4}"
        )
        return "\n".join(lines)


# --- URL checks -----------------------------------------------------------------


def _status_in_process(app, path: str) -> int:
    client = app.test_client()
    response = client.head(path)
    if response.status_code in (405, 501):
        response = client.get(path)
    status = response.status_code
    response.close()
    return status


def _status_remote(url: str, timeout: float) -> int:
    with requests.Session() as session:
        response = session.head(url, timeout=timeout, allow_redirects=True)
        if response.status_code >= 400:
            response = session.get(url, timeout=timeout, allow_redirects=True, stream=True)
            response.close()
        return response.status_code


def check_urls(
    urls: Iterable[str], app=None, timeout: float | None = None
) -> dict[str, tuple[bool, str]]:
    """``{url: (accessible, detail)}``: HTTP 2xx/3xx is accessible."""
    timeout = timeout or tk.asint(tk.config.get("ckanext.angiang.dcat.mqa.url_timeout"))
    site = tk.config.get("ckan.site_url").rstrip("/")
    results: dict[str, tuple[bool, str]] = {}
    remote = []
    for url in set(urls):
        if app is not None and (url == site or url.startswith(site + "/")):
            path = url[len(site) :] or "/"
            status = _status_in_process(app, path)
            results[url] = (200 <= status < 400, f"HTTP {status}")
        else:
            remote.append(url)

    def probe(url):
        try:
            status = _status_remote(url, timeout)
            return url, (200 <= status < 400, f"HTTP {status}")
        except requests.RequestException as error:
            return url, (False, type(error).__name__)

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for url, result in pool.map(probe, remote):
            results[url] = result
    return results


# --- graph helpers ---------------------------------------------------------------


def _has(g: rdflib.Graph, subject, predicate) -> bool:
    return g.value(subject, predicate) is not None


def _reachable(g: rdflib.Graph, start, stop: set) -> set:
    """Nodes linked from ``start`` (objects, transitively), not crossing ``stop``."""
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        for obj in g.objects(node, None):
            if isinstance(obj, rdflib.Literal) or obj in seen or obj in stop:
                continue
            seen.add(obj)
            todo.append(obj)
    return seen


def _distribution_interop(g: rdflib.Graph, distribution) -> dict[str, float]:
    fmt = g.value(distribution, DCT["format"])
    media = g.value(distribution, DCAT.mediaType)
    code = voc.file_type_code(str(fmt)) if isinstance(fmt, URIRef) else None
    vocab = 0.0
    if code:
        vocab += 0.5
    if isinstance(media, URIRef) and str(media).startswith(voc.IANA_MEDIA_TYPES):
        vocab += 0.5
    return {
        "dct:format": 1.0 if fmt is not None else 0.0,
        "dcat:mediaType": 1.0 if media is not None else 0.0,
        "format/mediaType from vocabulary": vocab,
        "format non-proprietary": 1.0 if code in voc.NON_PROPRIETARY else 0.0,
        "format machine-readable": 1.0 if code in voc.MACHINE_READABLE else 0.0,
    }


def pages(page_size: int | None = None) -> Iterator[rdflib.Graph]:
    """The public catalogue, one parsed page graph at a time (as served)."""
    for graph, _datasets in pages_with_datasets():
        yield graph


def pages_with_datasets() -> Iterator[tuple[rdflib.Graph, list[dict]]]:
    """Each page graph of the public catalogue with the datasets it holds."""
    page = 1
    while True:
        query = catalog.search_public({"page": page})
        if not query["results"]:
            return
        serializer = RDFSerializer()
        turtle = serializer.serialize_catalog({}, query["results"], _format="ttl")
        graph = rdflib.Graph()
        graph.parse(data=turtle, format="turtle")
        yield graph, query["results"]
        if page * catalog.page_size() >= query["count"]:
            return
        page += 1


def assess(
    graphs: Iterable[rdflib.Graph],
    check_url: Callable[[list[str]], dict] | None = None,
    progress: Callable[[str], None] | None = None,
    per_dataset: dict[str, float] | None = None,
) -> Report:
    """Score catalogue page graphs. ``check_url`` maps URLs to (accessible,
    detail); without it accessibility is not measured and scores 0.
    ``per_dataset`` (a dict) receives each dataset URI's own points: each
    indicator's weight times the dataset's share (its own distributions' for
    a distribution indicator; one without distributions earns none of those)."""
    rows = {i.name: Row(i) for i in INDICATORS}
    datasets = distributions = 0
    catalogue_violations: list[shacl.Result] = []
    dataset_violations: dict[str, list[shacl.Result]] = {}
    url_results: dict[str, tuple[bool, str]] = {}

    for page_number, g in enumerate(graphs, start=1):
        catalogues = set(g.subjects(RDF.type, DCAT.Catalog))
        page_datasets = list(g.subjects(RDF.type, DCAT.Dataset))
        violations = shacl.violations(g)
        by_focus: dict[str, list[shacl.Result]] = defaultdict(list)
        for result in violations:
            by_focus[result.focus].append(result)
        for cat in catalogues:
            catalogue_violations.extend(by_focus.get(str(cat), []))

        urls = set()
        for dataset in page_datasets:
            for distribution in g.objects(dataset, DCAT.distribution):
                for predicate in (DCAT.accessURL, DCAT.downloadURL):
                    url = g.value(distribution, predicate)
                    if url is not None:
                        urls.add(str(url))
        pending = [u for u in urls if u not in url_results]
        if check_url is not None and pending:
            url_results.update(check_url(pending))

        stop = catalogues | set(page_datasets)
        for dataset in page_datasets:
            datasets += 1
            before = {name: (row.count, row.population) for name, row in rows.items()}
            for name, predicate in (
                ("dcat:keyword", DCAT.keyword),
                ("dcat:theme", DCAT.theme),
                ("dct:spatial", DCT.spatial),
                ("dct:temporal", DCT.temporal),
                ("dct:accessRights", DCT.accessRights),
                ("dcat:contactPoint", DCAT.contactPoint),
                ("dct:publisher", DCT.publisher),
                ("dct:issued", DCT.issued),
                ("dct:modified", DCT.modified),
            ):
                rows[name].population += 1
                rows[name].count += _has(g, dataset, predicate)
            rights = g.value(dataset, DCT.accessRights)
            rows["dct:accessRights from vocabulary"].population += 1
            rows["dct:accessRights from vocabulary"].count += bool(
                rights is not None and str(rights).startswith(voc.ACCESS_RIGHT + "/")
            )

            linked = _reachable(g, dataset, stop - {dataset})
            problems = [r for node in linked for r in by_focus.get(str(node), [])]
            rows["DCAT-AP compliance"].population += 1
            rows["DCAT-AP compliance"].count += not problems
            if problems:
                dataset_violations[str(dataset)] = problems

            best: dict[str, float] = {}
            for distribution in g.objects(dataset, DCAT.distribution):
                distributions += 1
                access = g.value(distribution, DCAT.accessURL)
                download = g.value(distribution, DCAT.downloadURL)
                licence = g.value(distribution, DCT.license)
                for name, met in (
                    (
                        "dcat:accessURL accessible",
                        access is not None and url_results.get(str(access), (False,))[0],
                    ),
                    ("dcat:downloadURL", download is not None),
                    (
                        "dcat:downloadURL accessible",
                        download is not None and url_results.get(str(download), (False,))[0],
                    ),
                    ("dct:license", licence is not None),
                    (
                        "dct:license from vocabulary",
                        licence is not None and str(licence).startswith(KNOWN_LICENCE_PREFIXES),
                    ),
                    ("dct:rights", _has(g, distribution, DCT.rights)),
                    ("dcat:byteSize", _has(g, distribution, DCAT.byteSize)),
                ):
                    rows[name].population += 1
                    rows[name].count += bool(met)
                interop = _distribution_interop(g, distribution)
                if sum(interop.values()) > sum(best.values()) or not best:
                    best = interop
            for name in (
                "dct:format",
                "dcat:mediaType",
                "format/mediaType from vocabulary",
                "format non-proprietary",
                "format machine-readable",
            ):
                rows[name].population += 1
                rows[name].count += best.get(name, 0.0)
            if per_dataset is not None:
                per_dataset[str(dataset)] = sum(
                    rows[name].indicator.weight
                    * (rows[name].count - count)
                    / (rows[name].population - population)
                    for name, (count, population) in before.items()
                    if rows[name].population > population
                )
        if progress:
            progress(
                f"page {page_number}: {len(page_datasets)} datasets, "
                f"{len(violations)} SHACL violations"
            )

    failed = sorted((u, r[1]) for u, r in url_results.items() if not r[0])
    return Report(
        rows=[rows[i.name] for i in INDICATORS],
        datasets=datasets,
        distributions=distributions,
        urls_checked=len(url_results),
        urls_failed=failed,
        catalogue_violations=catalogue_violations,
        dataset_violations=dataset_violations,
    )


def assess_catalogue(
    app=None, check_urls_enabled: bool = True, progress: Callable[[str], None] | None = None
) -> Report:
    """Score the portal's public catalogue (what ``/catalog.ttl`` serves)."""
    checker = (lambda urls: check_urls(urls, app=app)) if check_urls_enabled else None
    return assess(pages(), check_url=checker, progress=progress)


def report_text(report: Report, verbose: bool = False) -> str:
    """The printed result of ``ckan angiang mqa``."""
    lines = [
        f"DCAT-AP catalogue: {report.datasets} public datasets, "
        f"{report.distributions} distributions, {report.urls_checked} URLs checked",
        "",
        report.table(),
        "",
        f"Score: {report.points:.1f} / {MAX_POINTS} ({report.rating})",
    ]
    if report.urls_failed:
        lines.append(
            f"{len(report.urls_failed)} URL(s) not accessible"
            + (":" if verbose else " (--verbose lists them)")
        )
        if verbose:
            lines.extend(f"  {url}  {detail}" for url, detail in report.urls_failed)
    if report.catalogue_violations:
        lines.append(f"{len(report.catalogue_violations)} SHACL violation(s) on the catalogue:")
        lines.extend(f"  {v}" for v in report.catalogue_violations)
    if report.dataset_violations:
        lines.append(
            f"{len(report.dataset_violations)} dataset(s) not DCAT-AP compliant"
            + (":" if verbose else " (--verbose lists them)")
        )
        if verbose:
            for dataset, problems in sorted(report.dataset_violations.items()):
                lines.append(f"  {dataset}")
                lines.extend(f"    {v}" for v in problems)
    return "\n".join(lines)
