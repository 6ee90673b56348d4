"""Benchmark: exporting the DCAT-AP catalogue page by page (Art. 7.7).

The national portal harvests ``/catalog.ttl`` page after page (Hydra). This
measures, for a catalogue of 2,000 and of 20,000 public datasets:

- seconds per page of 100 datasets (``GET /catalog.ttl?page=N`` through the
  CKAN application, PostgreSQL search backend, angiang_dcat_ap profile);
- peak memory: the Python heap allocated while one page is built
  (tracemalloc, per page), and the process's peak RSS after every page.

Both must stay flat as the catalogue grows: a page costs the same whether it
is page 1 of 20 or page 200 of 200.

Baseline, measured in the same run on the same pages: ckanext-dcat's stock
``euro_dcat_ap_3`` profile (``?profiles=euro_dcat_ap_3``).

Setup of each catalogue (in a database of its own, ``angiang_bench_dcat``):
``ckan db init`` + ``db upgrade``, the demo agencies and datasets (``ckan
angiang demo load``, 68 public datasets made through the Action API), then
copies of those datasets up to the target size, written straight into the
``package`` table and the search index (same dictionaries with a new id,
name and identifier; resources shared): indexing 20,000 datasets through the
API would take an hour and is not what is measured.

Usage (from the repository root; takes about 10 minutes on 2 cores;
``BENCH_DCAT_PROFILE=1`` prints a cProfile of three pages of ours to stderr):

    .venv/bin/python benchmarks/dcat.py               # 2,000 and 20,000
    .venv/bin/python benchmarks/dcat.py --sizes 500 2000

Each size runs in a fresh subprocess, so peak RSS figures are per size.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

from common import ROOT, VENV_BIN, database_url, load_average, make_database
from common import write_ini as common_ini

DATABASE = "angiang_bench_dcat"
PAGE_SIZE = 100


def _plugins() -> str:
    """ckan.ini's plugins, with the DCAT ones."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(ROOT / "ckan.ini")
    plugins = parser.get("app:main", "ckan.plugins").split()
    for name in ("dcat", "structured_data", "angiang_dcat"):
        if name not in plugins:
            plugins.append(name)
    return " ".join(plugins)


def write_ini(directory: pathlib.Path, database: str = DATABASE, redis_db: int = 6) -> pathlib.Path:
    ini = pathlib.Path(
        common_ini(
            ROOT / "ckan.ini",
            {
                "sqlalchemy.url": database_url(database),
                # its DataStore, made beside it by scripts/services.sh (ckan.ini
                # names the portal's, which a fresh machine does not have)
                "ckan.datastore.write_url": database_url(f"{database}_datastore"),
                "ckan.datastore.read_url": database_url(f"{database}_datastore").replace(
                    "angiang@", "angiang_datastore_ro@"
                ),
                "ckan.redis.url": f"redis://127.0.0.1:6379/{redis_db}",
                "ckan.storage_path": directory / "storage",
                "ckan.plugins": _plugins(),
                "ckanext.dcat.rdf.profiles": "angiang_dcat_ap",
                "ckanext.dcat.datasets_per_page": PAGE_SIZE,
            },
            path=directory / "bench-dcat.ini",
        )
    )
    return ini


def ckan(ini: pathlib.Path, *args: str) -> None:
    subprocess.run(
        [str(VENV_BIN / "ckan"), "-c", str(ini), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def prepare_database(ini: pathlib.Path, database: str = DATABASE) -> None:
    make_database(database)
    ckan(ini, "db", "clean", "--yes")
    ckan(ini, "db", "init")
    ckan(ini, "db", "upgrade")
    ckan(ini, "angiang", "demo", "load")


# --- worker (one catalogue size, in its own process) -------------------------------


def _clone_catalogue(target: int) -> int:
    """Copy the public demo datasets (package rows and search index rows)
    until ``target`` public datasets exist. Returns the public count."""
    import ckan.model as model
    import sqlalchemy as sa

    from ckanext.angiang.search.model import index_table

    pkg = model.package_table
    conn = model.Session.connection()
    # Inserting 20,000 rows one by one into GIN indexes built with
    # fastupdate=off takes most of an hour: drop the secondary indexes of the
    # search table for the bulk copy and build them again afterwards.
    indexes = conn.execute(
        sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t "
            "AND indexname NOT LIKE '%_pkey'"
        ),
        {"t": index_table.name},
    ).all()
    for name, _definition in indexes:
        conn.execute(sa.text(f'DROP INDEX "{name}"'))
    templates = (
        conn.execute(
            sa.select(pkg).where(
                pkg.c.state == "active", pkg.c.private.is_(False), pkg.c.type == "dataset"
            )
        )
        .mappings()
        .all()
    )
    indexed = {row["id"]: row for row in conn.execute(sa.select(index_table)).mappings()}
    count = len(templates)
    copies, index_rows, n = [], [], 0
    while count + n < target:
        template = templates[n % len(templates)]
        n += 1
        new_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{template['id']}/{n}"))
        suffix = f"-{n}"
        row = dict(template)
        row.update(
            id=new_id,
            name=(template["name"][:90] + suffix),
            metadata_modified=template["metadata_modified"].replace(microsecond=0)
            - __import__("datetime").timedelta(seconds=n),
        )
        extras = dict(template["extras"] or {})
        if extras.get("identifier"):
            extras["identifier"] = f"{extras['identifier']}{suffix}"
        row["extras"] = extras
        copies.append(row)

        source = indexed[template["id"]]
        irow = dict(source)
        for key in ("data_dict", "validated_data_dict"):
            data = json.loads(source[key])
            data.update(
                id=new_id, name=row["name"], metadata_modified=row["metadata_modified"].isoformat()
            )
            if data.get("identifier"):
                data["identifier"] = extras["identifier"]
            for res in data.get("resources", []):
                res["package_id"] = new_id
            irow[key] = json.dumps(data)
        doc = dict(source["doc"])
        doc.update(id=new_id, name=row["name"])
        irow.update(
            index_id=uuid.uuid5(uuid.NAMESPACE_URL, new_id).hex,
            id=new_id,
            name=row["name"],
            metadata_modified=row["metadata_modified"],
            doc=doc,
        )
        irow.pop("indexed_at", None)
        index_rows.append(irow)
        if len(copies) >= 2000:
            conn.execute(pkg.insert(), copies)
            conn.execute(index_table.insert(), index_rows)
            copies, index_rows = [], []
    if copies:
        conn.execute(pkg.insert(), copies)
        conn.execute(index_table.insert(), index_rows)
    for _name, definition in indexes:
        conn.execute(sa.text(definition))
    conn.execute(sa.text(f"ANALYZE {index_table.name}"))
    conn.execute(sa.text("ANALYZE package"))
    model.Session.commit()
    return model.Session.execute(
        sa.select(sa.func.count())
        .select_from(pkg)
        .where(pkg.c.state == "active", pkg.c.private.is_(False), pkg.c.type == "dataset")
    ).scalar()


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(ini: str, size: int, baseline_every: int) -> dict:
    import gc
    import tracemalloc

    import rdflib
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    flask_app = app._wsgi_app
    with flask_app.app_context():
        public = _clone_catalogue(size)
    client = flask_app.test_client()
    pages = -(-public // PAGE_SIZE)

    def fetch(page: int, profiles: str = "", trace: bool = False) -> tuple[float, float, int]:
        """Seconds, heap MB (when traced) and size of one page. Timing runs
        are not traced: tracemalloc slows Python down several times."""
        query = {"page": str(page)}
        if profiles:
            query["profiles"] = profiles
        gc.collect()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        response = client.get("/catalog.ttl", query_string=query)
        elapsed = time.perf_counter() - started
        heap = 0.0
        if trace:
            heap = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        assert response.status_code == 200, response.status_code
        return elapsed, heap, len(response.data)

    # Warm-up (imports, caches), not counted.
    fetch(1)
    fetch(1, "euro_dcat_ap_3")

    def measure(pages_to_fetch, traced, profiles=""):
        rows = []
        for page in pages_to_fetch:
            elapsed, _heap, nbytes = fetch(page, profiles)
            row = {"page": page, "seconds": elapsed, "bytes": nbytes, "heap_mb": None}
            if page in traced:
                row["heap_mb"] = fetch(page, profiles, trace=True)[1]
            rows.append(row)
            if not profiles:
                rss.append(_rss_mb())
        return rows

    if os.environ.get("BENCH_DCAT_PROFILE"):
        # Where our profile's time goes (stderr): cProfile over three pages.
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for page in range(1, min(pages, 3) + 1):
            fetch(page)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue(), file=sys.stderr)

    rss: list[float] = []
    # Heap traced on about ten pages spread over the catalogue, first and last included.
    traced = set(range(1, pages + 1, max(1, pages // 10))) | {pages}
    ours = measure(range(1, pages + 1), traced)
    baseline_pages = list(range(1, pages + 1, baseline_every))
    baseline = measure(
        baseline_pages, set(baseline_pages[:: max(1, len(baseline_pages) // 10)]), "euro_dcat_ap_3"
    )
    datasets_seen = 0
    for page in (1, pages):
        g = rdflib.Graph()
        g.parse(
            data=client.get("/catalog.ttl", query_string={"page": str(page)}).data, format="turtle"
        )
        datasets_seen += len(
            set(g.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))
        )
    return {
        "size": public,
        "pages": pages,
        "ours": ours,
        "baseline": baseline,
        "rss_mb": rss,
        "first_and_last_page_datasets": datasets_seen,
    }


# --- report -----------------------------------------------------------------------


def _summary(rows: list[dict], key: str) -> dict:
    rows = [r for r in rows if r[key] is not None]
    values = [r[key] for r in rows]
    values_sorted = sorted(values)
    return {
        "mean": statistics.mean(values),
        "p50": statistics.median(values),
        "p95": values_sorted[max(0, int(len(values_sorted) * 0.95) - 1)],
        "max": max(values),
        "first": rows[0][key],
        "last": rows[-1][key],
    }


def report(results: list[dict]) -> str:
    lines = [
        f"DCAT catalogue export, pages of {PAGE_SIZE} datasets "
        "(GET /catalog.ttl?page=N in process; angiang_dcat_ap vs stock euro_dcat_ap_3)",
        "",
    ]
    header = (
        f"{'datasets':>9} {'pages':>6} {'profile':<15} {'s/page mean':>11} {'p50':>6} "
        f"{'p95':>6} {'max':>6} {'first':>6} {'last':>6} {'heap MB/page max':>16} "
        f"{'KB/page':>8}"
    )
    lines += [header, "-" * len(header)]
    for result in results:
        for label, rows in (
            ("angiang_dcat_ap", result["ours"]),
            ("euro_dcat_ap_3", result["baseline"]),
        ):
            t = _summary(rows, "seconds")
            h = _summary(rows, "heap_mb")
            kb = statistics.mean(r["bytes"] for r in rows) / 1024
            lines.append(
                f"{result['size']:>9} {result['pages']:>6} {label:<15} {t['mean']:>11.3f} "
                f"{t['p50']:>6.3f} {t['p95']:>6.3f} {t['max']:>6.3f} {t['first']:>6.3f} "
                f"{t['last']:>6.3f} {h['max']:>16.1f} {kb:>8.0f}"
            )
    lines.append("")
    for result in results:
        ours = statistics.mean(r["seconds"] for r in result["ours"])
        stock = statistics.mean(r["seconds"] for r in result["baseline"])
        lines.append(
            f"{result['size']:>6} datasets: angiang_dcat_ap / euro_dcat_ap_3 = "
            f"{ours / stock:.2f} (mean s/page {ours:.3f} vs {stock:.3f}) "
            f"{result.get('load_average', '')}"
        )
    lines.append("")
    for result in results:
        rss = result["rss_mb"]
        tenth = max(1, len(rss) // 10)
        lines.append(
            f"{result['size']:>6} datasets: peak RSS {rss[tenth - 1]:.0f} MB after "
            f"{tenth} pages, {rss[-1]:.0f} MB after all {len(rss)} pages"
        )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        ratio = statistics.mean(r["seconds"] for r in large["ours"]) / statistics.mean(
            r["seconds"] for r in small["ours"]
        )
        heap = max(r["heap_mb"] or 0 for r in large["ours"]) / max(
            r["heap_mb"] or 0 for r in small["ours"]
        )
        lines.append("")
        lines.append(
            f"{large['size']} vs {small['size']} datasets: seconds per page x{ratio:.2f}, "
            f"heap per page x{heap:.2f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument(
        "--baseline-every", type=int, default=5, help="measure the stock profile on every Nth page"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ini", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print raw results as JSON")
    parser.add_argument("--database", default=DATABASE, help="database of the benchmark (reset)")
    parser.add_argument("--redis-db", type=int, default=6)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(worker(args.ini, args.sizes[0], args.baseline_every)))
        return 0

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-dcat-") as tmp:
        ini = write_ini(pathlib.Path(tmp), args.database, args.redis_db)
        for size in args.sizes:
            started = time.perf_counter()
            prepare_database(ini, args.database)
            proc = subprocess.run(
                [
                    str(VENV_BIN / "python"),
                    __file__,
                    "--worker",
                    "--ini",
                    str(ini),
                    "--sizes",
                    str(size),
                    "--baseline-every",
                    str(args.baseline_every),
                ],
                capture_output=True,
                text=True,
                cwd=str(ROOT),
            )
            if proc.returncode:
                print(proc.stderr[-5000:], file=sys.stderr)
                return proc.returncode
            if os.environ.get("BENCH_DCAT_PROFILE"):
                print(proc.stderr[-20000:], file=sys.stderr)
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            result["load_average"] = load_average()
            results.append(result)
            print(f"size {size}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.json:
        print(json.dumps(results))
    print(report(results))
    print(load_average())
    return 0


if __name__ == "__main__":
    sys.exit(main())
