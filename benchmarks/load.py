"""Load test of the production server: locust, 50 visitors for 60 s.

    .venv/bin/python benchmarks/load.py --size demo|20k [--users 50] [--seconds 60]
        [--wait 1,3] [--workers N] [--port 5150] [--ckan-run]

``make bench-load`` runs ``--size demo`` then ``--size 20k``.

1. Prepares a database of its own, kept between runs (``angiang_load_demo``:
   the demo catalogue, 71 datasets; ``angiang_load_20k``: the demo catalogue
   plus generated datasets up to 20,000, written straight into CKAN's tables
   and indexed by CKAN's indexer, as benchmarks/warmup.py does), vacuumed.
2. Starts the portal as production runs it: ``scripts/serve-prod.sh``
   (gunicorn, ``WEB_CONCURRENCY`` sync workers, default 2 x cores,
   docker/production.ini, warm-up, WhiteNoise) on 127.0.0.1:``--port``.
3. Runs locust headless (benchmarks/locustfile.py): ``--users`` visitors,
   each waiting ``--wait`` seconds between requests, over the search page,
   dataset pages, resource pages, the search and show API and the DCAT pages,
   the home page, plus two baselines in the same run (``status_show``: the lightest request
   through CKAN; a static file: WhiteNoise before CKAN).
4. With ``--ckan-run``, the same load against ``ckan run`` (one process,
   threaded: what ``make run`` serves) as a second baseline.

Prints a table per page kind (requests, errors, p50/p95/p99 ms, requests per
second, the target and whether it is met) with the load average before and
after, and writes it as JSON to ``var/load/<size>.json``. Exits 1 on any
error response. Targets: API search p95 <= 150 ms; dataset and search
pages p95 <= 400 ms; 0 errors.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
OUT = os.path.join(ROOT, "var", "load")
SIZES = {"demo": 0, "20k": 20000}
#: p95 targets (ms) of issue #15 item 3, by locust request name.
TARGETS = {"API package_search": 150, "search page": 400, "dataset page": 400}
STATIC = "/base/images/ckan-logo.png"


def psql(db: str, sql: str) -> list[str]:
    out = subprocess.run(
        ["psql", "-qtA", "-h", "127.0.0.1", "-U", "angiang", "-d", db, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line for line in out.splitlines() if line]


def targets(db: str) -> dict:
    public = "p.state = 'active' AND NOT p.private AND p.type = 'dataset'"
    datasets = psql(db, f"SELECT name FROM package p WHERE {public} ORDER BY random() LIMIT 2000")
    resources = [
        line.split("|")
        for line in psql(
            db,
            (
                "SELECT p.name, r.id FROM resource r JOIN package p ON p.id = r.package_id "
                f"WHERE r.state = 'active' AND {public} ORDER BY random() LIMIT 2000"
            ),
        )
    ]
    count = int(psql(db, f"SELECT count(*) FROM package p WHERE {public}")[0])
    return {
        "datasets": datasets,
        "resources": resources,
        "static": STATIC,
        "catalog_pages": max(1, math.ceil(count / 100)),
        "public": count,
    }


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def wait_until_up(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer /healthz within {seconds:.0f} s")


def start_server(kind: str, env: dict, port: int, workers: int, log) -> subprocess.Popen:
    if kind == "gunicorn":
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", BIN=BIN)
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        command = [os.path.join(ROOT, "scripts", "serve-prod.sh")]
    else:  # what `make run` serves: one process, threaded
        command = [
            os.path.join(BIN, "ckan"),
            "-c",
            env["CKAN_INI"],
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--disable-reloader",
            "--threaded",
        ]
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
    )
    wait_until_up(f"http://127.0.0.1:{port}", process, 300)
    if kind == "gunicorn":  # every worker warmed up (gunicorn_conf.post_worker_init)
        want = workers or 2 * (os.cpu_count() or 1)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            log.flush()
            with open(log.name, encoding="utf-8", errors="replace") as f:
                if sum("warmed up" in line for line in f) >= want:
                    break
            time.sleep(0.5)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run_locust(url: str, prefix: str, args, targets_file: str) -> list[dict]:
    env = dict(os.environ, LOAD_TARGETS=targets_file, LOAD_WAIT=args.wait)
    subprocess.run(
        [
            os.path.join(BIN, "locust"),
            "-f",
            os.path.join(HERE, "locustfile.py"),
            "--headless",
            "-u",
            str(args.users),
            "-r",
            str(args.spawn_rate),
            "-t",
            f"{args.seconds}s",
            "-H",
            url,
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    with open(prefix + "_stats.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def rows(stats: list[dict]) -> list[dict]:
    out = []
    for s in stats:
        name = s["Name"]
        target = TARGETS.get(name)
        p95 = float(s["95%"] or 0)
        out.append(
            {
                "kind": "all requests" if name == "Aggregated" else name,
                "requests": int(s["Request Count"]),
                "errors": int(s["Failure Count"]),
                "p50": float(s["50%"] or 0),
                "p95": p95,
                "p99": float(s["99%"] or 0),
                "rps": float(s["Requests/s"] or 0),
                "target": target,
                "met": None if target is None else p95 <= target,
            }
        )
    return out


def print_table(title: str, table: list[dict]) -> None:
    print(f"\n{title}")
    print(
        f"{'page kind':<30} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'req/s':>6}  target p95"
    )
    for r in table:
        target = (
            ""
            if r["target"] is None
            else (f"<= {r['target']} ms {'met' if r['met'] else 'MISSED'}")
        )
        print(
            f"{r['kind']:<30} {r['requests']:>8} {r['errors']:>6} {r['p50']:>7.0f} "
            f"{r['p95']:>7.0f} {r['p99']:>7.0f} {r['rps']:>6.1f}  {target}"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="demo")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--wait", default="1,3", help="seconds between a visitor's requests")
    parser.add_argument("--workers", type=int, default=0, help="0: serve-prod's default")
    parser.add_argument("--port", type=int, default=5150)
    parser.add_argument("--db", help="default: angiang_load_<size>")
    parser.add_argument(
        "--ckan-run",
        action="store_true",
        help="also the same load against `ckan run` (one process)",
    )
    args = parser.parse_args(argv)
    db = args.db or f"angiang_load_{args.size}"
    sys.path.insert(0, HERE)
    import warmup  # the database preparation of the warm-up benchmark

    os.makedirs(OUT, exist_ok=True)
    print(f"preparing {db} ({args.size}) ...", flush=True)
    indexed = warmup.prepare(db, SIZES[args.size])
    found = targets(db)
    targets_file = os.path.join(OUT, f"{args.size}-targets.json")
    with open(targets_file, "w", encoding="utf-8") as f:
        json.dump(found, f)
    env = dict(
        warmup.environment(db),
        CKAN_SECRET_KEY=secrets.token_urlsafe(48),
        CKAN_SITE_URL=f"http://127.0.0.1:{args.port}",
    )
    runs = [("gunicorn", "serve-prod (gunicorn, production.ini)")]
    if args.ckan_run:
        runs.append(("ckan-run", "baseline: ckan run (one process, threaded)"))
    results = {
        "size": args.size,
        "indexed": indexed,
        "public": found["public"],
        "users": args.users,
        "seconds": args.seconds,
        "wait": args.wait,
        "cpus": os.cpu_count(),
        "runs": {},
    }
    failed = False
    for kind, title in runs:
        log = open(os.path.join(OUT, f"{args.size}-{kind}.log"), "w+")
        process = start_server(kind, env, args.port, args.workers, log)
        try:
            before = load_average()
            stats = run_locust(
                f"http://127.0.0.1:{args.port}",
                os.path.join(OUT, f"{args.size}-{kind}"),
                args,
                targets_file,
            )
            after = load_average()
        finally:
            stop(process)
            log.close()
        table = rows(stats)
        results["runs"][kind] = {
            "title": title,
            "load_before": before,
            "load_after": after,
            "table": table,
        }
        print_table(
            f"{title}: {indexed} datasets indexed ({found['public']} public), "
            f"{args.users} users, {args.seconds} s, wait {args.wait} s; load average "
            f"before {before}, after {after} ({os.cpu_count()} CPUs)",
            table,
        )
        failed |= any(r["errors"] for r in table)
        if kind == "gunicorn":
            failed |= any(r["met"] is False for r in table)
    with open(os.path.join(OUT, f"{args.size}.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
    print(
        f"\nfigures: {os.path.join(OUT, args.size + '.json')}; "
        + ("targets or 0 errors MISSED" if failed else "all targets met, 0 errors")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
