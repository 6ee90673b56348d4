"""Benchmark of counting a use (angiang_catalogue, Art. 17.2): what the
``after_request`` hook adds to a dataset page, and the flush.

    .venv/bin/python benchmarks/usage.py [--requests 5000]

Runs against test.ini with its own database (``angiang_usage_bench_hits``,
created if missing, never dropped) and Redis DB 6. Times, in the same run:

- baseline: a request the hook leaves at once (a 404 answer);
- baseline: one Redis ``PING`` (the round trip the hook cannot avoid);
- the hook counting a dataset page view (classify + one pipelined
  ``HINCRBY`` + ``EXPIRE``);
- a robot's page view (classified, matched, not counted);
- the flush of the counters of ``--datasets`` datasets x 3 kinds
  (without re-indexing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from common import database_url, make_database, write_ini

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DB = "angiang_usage_bench_hits"
sys.path.insert(0, HERE)


def per_call_us(fn, n: int) -> float:
    samples = []
    for _round in range(5):
        started = time.perf_counter()
        for _i in range(n // 5):
            fn()
        samples.append((time.perf_counter() - started) / (n // 5) * 1e6)
    return statistics.median(samples)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--datasets", type=int, default=2000)
    args = parser.parse_args(argv)
    make_database(DB)
    ini = write_ini(
        f"{ROOT}/test.ini",
        {
            "sqlalchemy.url": database_url(DB),
            "ckan.redis.url": "redis://127.0.0.1:6379/6",
            "ckan.plugins": "angiang angiang_search angiang_catalogue",
            "ckan.site_id": "bench-usage",
        },
        level="ERROR",
    )
    try:
        import search as gen

        flask_app = gen.boot(ini).app  # a request context stays pushed
        import ckan.model as model
        import sqlalchemy as sa
        from ckan.cli.db import _run_migrations
        from ckan.lib.redis import connect_to_redis
        from flask import Response

        from ckanext.angiang.catalogue import usage

        gen.reset_database()
        _run_migrations("angiang_catalogue")
        client = connect_to_redis()
        ok, missing = Response("x", status=200), Response("x", status=404)
        n = args.requests
        results = {}
        with flask_app.test_request_context(
            "/dataset/dan-so", headers={"User-Agent": "Mozilla/5.0 Firefox/140.0"}
        ):
            results["baseline: hook leaves at once (404)"] = per_call_us(
                lambda: usage.count_request(missing), n
            )
            results["baseline: Redis PING"] = per_call_us(client.ping, n)
            results["hook counts a page view"] = per_call_us(lambda: usage.count_request(ok), n)
        with flask_app.test_request_context(
            "/dataset/dan-so", headers={"User-Agent": "Googlebot/2.1"}
        ):
            results["hook: a robot's view (not counted)"] = per_call_us(
                lambda: usage.count_request(ok), n
            )
        for key in client.scan_iter(match=usage._prefix() + "*"):
            client.delete(key)

        # the flush: datasets in the DB, counters in Redis
        model.Session.execute(
            sa.text(
                "INSERT INTO package (id, name, title, type, state, private, metadata_created, "
                "metadata_modified) SELECT 'p' || g, 'ds-' || g, 'T' || g, 'dataset', 'active', "
                "false, now(), now() FROM generate_series(1, :n) g ON CONFLICT DO NOTHING"
            ),
            {"n": args.datasets},
        )
        model.Session.commit()
        key = usage._prefix() + usage.local_today().isoformat()
        pipe = client.pipeline(transaction=False)
        for i in range(1, args.datasets + 1):
            for kind in ("view", "download", "api"):
                pipe.hincrby(key, f"{kind}|ds-{i}", i % 7 + 1)
        pipe.execute()
        started = time.perf_counter()
        flushed = usage.flush(reindex=False)
        flush_s = time.perf_counter() - started
        print(f"load average {os.getloadavg()}; {n} calls per figure (median of 5 rounds)")
        print("| step | µs per call |")
        print("|---|---|")
        for name, value in results.items():
            print(f"| {name} | {value:.0f} |")
        print(
            f"\nflush of {flushed['uses']} uses over {args.datasets} datasets x 3 kinds "
            f"({args.datasets * 3} counters): {flush_s:.2f} s"
        )
    finally:
        os.unlink(ini)


if __name__ == "__main__":
    main()
