"""The home page's cost against the search page's, in the same run.

    .venv/bin/python benchmarks/home.py --url http://127.0.0.1:5100 [--runs 30]

Against a running portal (e.g. ``make run``, the demo data): requests, one
after the other, the home page (``/``: one package_search with the theme and
organization facets, the agency tree's two SQL queries, nothing cached per
process), the search page (``/dataset/``, CKAN's own page with its facets:
the baseline) and, as a floor, the API's ``package_search`` with the same
facets as the home page. Prints the median and 90th percentile of each and
the machine's load average before and after: figures on a shared machine are
noisy; compare the rows of one run only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import urllib.request

TARGETS = [
    ("home page /", "/"),
    ("search page /dataset/ (baseline)", "/dataset/"),
    (
        "API package_search, 2 facets (floor)",
        "/api/3/action/package_search?rows=6&facet.field=%5B%22theme%22,%22organization%22%5D"
        "&facet.limit=-1&sort=metadata_created+desc",
    ),
]


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as resp:
        resp.read()
        if resp.status != 200:
            raise SystemExit(f"{url}: HTTP {resp.status}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for _, path in TARGETS:  # warm every page once (templates, docsets)
        _get(args.url + path)
    rows = []
    # interleaved, so that a burst of load falls on every target alike
    times: dict[str, list[float]] = {label: [] for label, _ in TARGETS}
    for _ in range(args.runs):
        for label, path in TARGETS:
            times[label].append(_get(args.url + path))
    for label, _ in TARGETS:
        t = sorted(times[label])
        p90 = t[min(len(t) - 1, int(len(t) * 0.9))]
        rows.append((label, statistics.median(t) * 1000, p90 * 1000))
    width = max(len(r[0]) for r in rows)
    print(f"{'request':<{width}}  median ms   p90 ms   ({args.runs} runs each)")
    for label, med, p90 in rows:
        print(f"{label:<{width}}  {med:9.1f}  {p90:7.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
