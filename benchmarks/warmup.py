"""The first search of a fresh worker, with and without the warm-up.

    .venv/bin/python benchmarks/warmup.py [--db angiang_bench_warmup] [--size N] [--runs 3]

Prepares a database of its own (created by scripts/services.sh if missing):
the demo catalogue (``ckan angiang demo load``, 71 datasets), then, with
``--size N``, generated datasets up to N (benchmarks/search.py's generator,
written into CKAN's tables and indexed by CKAN's indexer; existing ones are
kept, so sizes can be measured one after the other).

Each run is a fresh process that builds the production application exactly
as a gunicorn worker does (``ckanext.angiang.serving.wsgi.create_app`` with
docker/production.ini), then, "cold", sends the first visitor's request at
once, or, "warm", runs :func:`ckanext.angiang.serving.warmup.warm_up` (what
``post_worker_init`` does before the worker accepts a connection) and then
sends it. The first request is either the search page (``/dataset/?q=dân số``:
results, facets) or the API (``package_search?q=đất đai`` with 5 facets);
requests go through the whole WSGI stack in process (no socket).

Prints, per size and kind: the first request's time (median of the runs,
and each run), the warm-up's own time, and the app build time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

from common import ROOT, boot, load_average, make_database

INI = os.path.join(ROOT, "docker", "production.ini")
FIRST = {
    "page": "/dataset/?q=d%C3%A2n+s%E1%BB%91",
    "api": "/api/3/action/package_search?q=%C4%91%E1%BA%A5t+%C4%91ai&rows=20&facet.field="
    "%5B%22organization%22%2C%22groups%22%2C%22tags%22%2C%22res_format%22%2C%22license_id%22%5D",
}


def environment(db: str) -> dict[str, str]:
    return dict(
        os.environ,
        CKAN_INI=INI,
        CKAN_SECRET_KEY="b" * 16 + "-benchmark-only-secret-0123456789",
        CKAN_SQLALCHEMY_URL=f"postgresql://angiang@127.0.0.1:5432/{db}",
        # its DataStore, made beside it by scripts/services.sh (the ini names
        # production's, which a fresh machine does not have)
        CKAN_DATASTORE_WRITE_URL=f"postgresql://angiang@127.0.0.1:5432/{db}_datastore",
        CKAN_DATASTORE_READ_URL=f"postgresql://angiang_datastore_ro@127.0.0.1:5432/{db}_datastore",
        CKAN_SITE_URL="http://127.0.0.1:5000",
        CKAN_STORAGE_PATH=os.path.join(ROOT, "var", f"storage-{db}"),
        PATH=f"{os.path.dirname(sys.executable)}:{os.environ.get('PATH', '')}",
    )


def child(kind: str, warm: bool) -> None:
    """One fresh worker: build the app, [warm up], time the first request."""
    from werkzeug.test import Client

    from ckanext.angiang.serving.warmup import warm_up
    from ckanext.angiang.serving.wsgi import create_app

    started = time.perf_counter()
    app = create_app()
    out = {"build_s": time.perf_counter() - started, "warm_up_s": None}
    if warm:
        out["warm_up_s"] = warm_up(app)["seconds"]
    started = time.perf_counter()
    response = Client(app).get(FIRST[kind], base_url="http://127.0.0.1:5000")
    out["first_s"] = time.perf_counter() - started
    out["status"] = response.status_code
    print(json.dumps(out))


def fill(size: int) -> None:
    """Generated datasets up to ``size`` (search.py's generator), indexed."""
    import search as gen
    import sqlalchemy as sa

    boot(INI)
    import ckan.model as model

    count = model.Session.execute(
        sa.text("SELECT count(*) FROM package WHERE type = 'dataset'")
    ).scalar()
    if count >= size:
        return
    made = model.Session.execute(
        sa.text("SELECT count(*) FROM package WHERE name LIKE 'ds-%'")
    ).scalar()
    orgs = [
        dict(id=i, title=t)
        for i, t in model.Session.execute(
            sa.text("SELECT id, title FROM \"group\" WHERE is_organization AND state = 'active'")
        )
    ]
    for i in range(10):  # the generator puts datasets in up to 2 of 10 groups
        if not model.Group.get(f"bench-group-{i}"):
            model.Session.add(
                model.Group(
                    name=f"bench-group-{i}", type="group", title=f"Chủ đề {gen.SUBJECTS[i]}"
                )
            )
    model.Session.commit()
    groups = [
        dict(id=i)
        for (i,) in model.Session.execute(
            sa.text("SELECT id FROM \"group\" WHERE name LIKE 'bench-group-%'")
        )
    ]
    site = dict(
        id=model.Session.execute(sa.text('SELECT id FROM "user" WHERE sysadmin LIMIT 1')).scalar()
    )
    tag_ids = [i for (i,) in model.Session.execute(sa.text("SELECT id FROM tag LIMIT 60"))]
    rng = random.Random(62 + made)
    gen.insert_datasets(rng, size - count, made, site, orgs, groups, tag_ids)
    new_ids = [
        r[0]
        for r in model.Session.execute(
            sa.text(
                "SELECT id FROM package WHERE type = 'dataset' AND id NOT IN "
                "(SELECT index_id FROM angiang_search_index)"
            )
        ).all()
    ]
    model.Session.commit()
    gen.rebuild(new_ids, os.cpu_count() or 1)
    gen.steady_state()


def prepare(db: str, size: int) -> int:
    env = environment(db)
    make_database(db)
    ckan = [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", INI]
    subprocess.run(
        ckan + ["angiang", "demo", "load", "--upgrade-db"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if size:
        subprocess.run(
            [sys.executable, __file__, "--fill", str(size), "--db", db], env=env, check=True
        )
    subprocess.run(
        ckan + ["asset", "build"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out = subprocess.run(
        [
            "psql",
            "-qtA",
            "-h",
            "127.0.0.1",
            "-U",
            "angiang",
            "-d",
            db,
            "-c",
            "SELECT count(*) FROM angiang_search_index",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out)


def measure(db: str, runs: int) -> dict:
    env = environment(db)
    results = {}
    for kind in FIRST:
        for warm in (False, True):
            got = []
            for _ in range(runs):
                done = subprocess.run(
                    [sys.executable, __file__, "--child", kind, "--warm" if warm else "--cold"],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                got.append(json.loads(done.stdout.strip().splitlines()[-1]))
            results[(kind, warm)] = got
    return results


def report(size: int, results: dict) -> None:
    print(f"\n{size} datasets in the index; first request of a fresh worker (s):")
    print(
        f"{'request':<8} {'warm-up':<8} {'first (median)':>14}  {'runs':<24} "
        f"{'warm-up took':>12} {'app build':>9}"
    )
    for (kind, warm), got in results.items():
        firsts = [g["first_s"] for g in got]
        assert all(g["status"] == 200 for g in got), got
        took = statistics.median(g["warm_up_s"] for g in got) if warm else None
        print(
            f"{kind:<8} {'yes' if warm else 'no':<8} {statistics.median(firsts):>14.3f}  "
            f"{' '.join(f'{f:.3f}' for f in firsts):<24} "
            f"{(f'{took:.2f}' if took is not None else '-'):>12} "
            f"{statistics.median(g['build_s'] for g in got):>9.2f}"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="angiang_bench_warmup")
    parser.add_argument(
        "--size", type=int, default=0, help="fill the catalogue up to this many datasets first"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=sorted(FIRST))
    parser.add_argument("--warm", action="store_true")
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--fill", type=int)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.warm)
    if args.fill:
        return fill(args.fill)
    size = prepare(args.db, args.size)
    report(size, measure(args.db, args.runs))
    print(load_average())


if __name__ == "__main__":
    main()
