"""Benchmark of the compliance dashboard pages (Art. 11.1a-b, 15).

    .venv/bin/python benchmarks/dashboard.py [--size 20000] [--requests 40]

Writes ``--size`` datasets (30 agencies, 1-4 resources each, 10% private)
into a database of its own (``angiang_compliance_bench``) with the
generator of benchmarks/search.py, applies the angiang_catalogue migrations,
then fills what the jobs would have stored: a catalogue decision with an
entry per second dataset (named by it) and 10% more no dataset fulfils,
freshness states (30% overdue), a link status for every linked resource
(15% failing), an integrity result for every fifth resource (2% failing),
an MQA score for every public dataset.

It then requests, through the CKAN application in this process (Flask
test client: no network, one process), each page ``--requests`` times
after one warm-up request, and prints p50 / p95 / max in milliseconds:

- ``/dashboard/compliance/`` as a sysadmin (every agency);
- ``/dashboard/compliance/<agency>`` as a sysadmin and as the agency's admin;
- ``angiang_compliance_summary`` through the Action API;
- baselines in the same run: ``/api/3/action/status_show`` (the framework
  alone) and the public ``/catalogue/`` page (the whole catalogue by agency,
  ``--catalogue-requests`` times: it takes seconds at 20,000).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

from common import database_url, make_database, write_ini

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DB = "angiang_compliance_bench"


def ini_file() -> str:
    return write_ini(
        f"{ROOT}/test.ini",
        {
            "sqlalchemy.url": database_url(DB),
            "ckan.plugins": "angiang angiang_search angiang_catalogue",
            "licenses_group_url": "",
            "ckan.site_id": "bench-compliance",
        },
        level="ERROR",
    )


def prepare(size: int, seed: int):
    import ckan.model as model
    import search as gen  # benchmarks/search.py: the catalogue generator
    import sqlalchemy as sa
    from ckan.cli.db import _run_migrations
    from ckan.common import config

    gen.reset_database()
    rng = random.Random(seed)
    site, orgs, groups = gen.make_agencies_and_groups(rng)
    gen.insert_datasets(rng, size, 0, site, orgs, groups, gen.make_tags())
    _run_migrations("angiang_catalogue")
    model.Session.remove()
    model.init_model(sa.engine_from_config(dict(config)))
    fill_compliance()
    gen.steady_state()
    return site, orgs


FILL = [
    """INSERT INTO angiang_catalogue_decision VALUES
       ('bench', '1/QĐ-UBND', '2025-01-15', 'Bench', now(), 'bench')""",
    # an entry for every second dataset, named by it (public or not)
    """UPDATE package SET extras = extras || jsonb_build_object('catalogue_code', 'B.' || name)
       WHERE abs(hashtext(id)) % 2 = 0""",
    """INSERT INTO angiang_catalogue_entry
       SELECT 'B.' || name, title, owner_org, 'Bench', 'ANNUAL', ARRAY['CSV'],
              DATE '2025-06-30', 'bench', 'active', '', '', now(), now()
       FROM package WHERE extras ? 'catalogue_code'""",
    # 10% more entries nobody publishes: half overdue, half not yet due
    """INSERT INTO angiang_catalogue_entry
       SELECT 'X.' || name, title, owner_org, 'Bench', 'ANNUAL', ARRAY['CSV'],
              CASE WHEN abs(hashtext(id)) % 2 = 0 THEN DATE '2025-06-30'
                   ELSE DATE '2099-01-01' END, 'bench', 'active', '', '', now(), now()
       FROM package WHERE abs(hashtext(id)) % 10 = 1""",
    """UPDATE angiang_freshness SET indexed_state = CASE
       WHEN abs(hashtext(package_id)) % 10 < 3 THEN 'overdue' ELSE 'current' END""",
    """INSERT INTO angiang_link_status
       SELECT r.id, r.package_id, r.url,
              CASE abs(hashtext(r.id)) % 20 WHEN 0 THEN 'broken' WHEN 1 THEN 'unreachable'
                   WHEN 2 THEN 'refused' ELSE 'ok' END,
              CASE abs(hashtext(r.id)) % 20 WHEN 0 THEN 404 WHEN 1 THEN NULL
                   WHEN 2 THEN NULL ELSE 200 END,
              '', now(), 120, abs(hashtext(r.id)) % 3
       FROM resource r WHERE r.state = 'active'""",
    """INSERT INTO angiang_integrity
       SELECT r.id, r.package_id, md5(r.id), md5(r.id),
              CASE abs(hashtext(r.id)) % 100 WHEN 0 THEN 'mismatch' WHEN 1 THEN 'missing'
                   ELSE 'ok' END, 1000, now()
       FROM resource r WHERE r.state = 'active' AND abs(hashtext(r.id)) % 5 = 0""",
    """INSERT INTO angiang_quality
       SELECT id, (abs(hashtext(id)) % 4050) / 10.0, now()
       FROM package WHERE NOT private AND state = 'active'""",
]


def fill_compliance():
    import ckan.model as model
    import sqlalchemy as sa

    for statement in FILL:
        model.Session.execute(sa.text(statement))
    model.Session.commit()


def token(user: str) -> str:
    import ckan.plugins.toolkit as tk

    return tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": user}, {"user": user, "name": "bench"}
    )["token"]


def agency_admin(org_id: str) -> str:
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    import ckan.tests.factories as factories

    if model.User.get("bench_agency_admin") is None:
        factories.User(name="bench_agency_admin")
    user = {"name": "bench_agency_admin"}
    tk.get_action("organization_member_create")(
        {"ignore_auth": True, "user": "bench_admin"},
        {"id": org_id, "username": user["name"], "role": "admin"},
    )
    return user["name"]


def measure(client, path: str, headers: dict, n: int) -> tuple[float, float, float, int]:
    response = client.get(path, headers=headers)  # warm-up
    status = response.status_code
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        status = max(status, response.status_code)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, times[-1], status


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument(
        "--catalogue-requests",
        type=int,
        default=5,
        help="requests of the /catalogue/ baseline (seconds each at 20,000)",
    )
    parser.add_argument("--seed", type=int, default=62)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database a previous run left"
    )
    args = parser.parse_args(argv)
    make_database(DB)
    ini = ini_file()
    try:
        sys.path.insert(0, HERE)
        import search as gen

        ctx = gen.boot(ini)
        import ckan.model as model

        if args.reuse:
            orgs = model.Session.query(model.Group.id).filter_by(is_organization=True).all()
            print(f"Reusing {DB}", flush=True)
        else:
            print(f"Preparing {DB} with {args.size} datasets ...", flush=True)
            started = time.perf_counter()
            site, orgs = prepare(args.size, args.seed)
            took = time.perf_counter() - started
            print(f"  generated, migrated and filled in {took:.1f} s", flush=True)
        import sqlalchemy as sa

        busiest = model.Session.execute(
            sa.text(
                'SELECT g.name, g.id, count(*) FROM package p JOIN "group" g ON g.id = p.owner_org '
                "GROUP BY g.name, g.id ORDER BY count(*) DESC LIMIT 1"
            )
        ).one()
        counts = model.Session.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM angiang_catalogue_entry), "
                "(SELECT count(*) FROM angiang_link_status), "
                "(SELECT count(*) FROM angiang_integrity), "
                "(SELECT count(*) FROM angiang_quality)"
            )
        ).one()
        sys_headers = {"Authorization": token("bench_admin")}
        admin_headers = {"Authorization": token(agency_admin(busiest.id))}
        model.Session.commit()
        ctx.pop()
        from flask import current_app  # noqa: F401  (the app stays importable)

        flask_app = ctx.app
        client = flask_app.test_client()
        pages = [
            ("baseline: /api/3/action/status_show", "/api/3/action/status_show", {}),
            ("baseline: /catalogue/ (public page)", "/catalogue/", {"n": args.catalogue_requests}),
            ("/dashboard/compliance/ (sysadmin)", "/dashboard/compliance/", sys_headers),
            (
                f"/dashboard/compliance/{busiest.name} (sysadmin)",
                f"/dashboard/compliance/{busiest.name}",
                sys_headers,
            ),
            (
                f"/dashboard/compliance/{busiest.name} (agency admin)",
                f"/dashboard/compliance/{busiest.name}",
                admin_headers,
            ),
            (
                "angiang_compliance_summary (API, sysadmin)",
                "/api/3/action/angiang_compliance_summary",
                sys_headers,
            ),
        ]
        print(
            f"\n{args.size} datasets in {len(orgs)} agencies; {counts[0]} catalogue entries, "
            f"{counts[1]} link results, {counts[2]} file results, {counts[3]} quality scores; "
            f"busiest agency {busiest.name} ({busiest.count} datasets)"
        )
        print(f"{args.requests} requests per page after a warm-up, in process (Flask test client)")
        print("| page | p50 ms | p95 ms | max ms | HTTP |")
        print("|---|---|---|---|---|")
        for label, path, headers in pages:
            n = headers.pop("n", args.requests)
            p50, p95, worst, status = measure(client, path, headers, n)
            print(f"| {label} | {p50:.0f} | {p95:.0f} | {worst:.0f} | {status} |", flush=True)
        load = os.getloadavg()
        print(
            f"(load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on "
            f"{os.cpu_count()} cores)"
        )
    finally:
        os.unlink(ini)


if __name__ == "__main__":
    main()
