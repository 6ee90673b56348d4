"""Benchmark of the daily freshness job (angiang_catalogue, Art. 8.3, 12.2).

    .venv/bin/python benchmarks/freshness.py [--size 20000]

Writes ``--size`` datasets (30 agencies, 1-4 resources each, frequencies
annual / quarterly / monthly / irregular / never, created up to 2,000 days
ago: most scheduled ones are overdue, the worst case) into a database of its
own (``angiang_bench_catalogue``) with the generator of benchmarks/search.py,
applies the angiang_catalogue migrations (which record each dataset's last
data update), marks every dataset as indexed with its state of yesterday,
then times, with a real SMTP server on 127.0.0.1 (aiosmtpd):

- the job's first run of the day: re-index the datasets that became overdue
  since yesterday, list the overdue ones, email every agency's focal point
  (one email per agency, every overdue dataset recorded);
- its second run the same day (nothing new to send: the steady state);
- ``freshness.overdue()`` alone (the /catalogue/overdue page's query).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random

from common import (
    ROOT,
    boot,
    database_url,
    generator,
    load_average,
    make_database,
    tests_on_path,
    timed,
    write_ini,
)

DB = "angiang_bench_catalogue"
tests_on_path("catalogue")


def ini_file(smtp: str) -> str:
    return write_ini(
        ROOT / "test.ini",
        {
            "sqlalchemy.url": database_url(DB),
            "ckan.plugins": "angiang angiang_search angiang_catalogue",
            "licenses_group_url": "",
            "ckan.site_id": "bench",
            "smtp.server": smtp,
        },
        level="ERROR",
    )


def prepare(size: int, seed: int):
    import ckan.model as model
    import sqlalchemy as sa
    from ckan.cli.db import _run_migrations
    from ckan.common import config

    gen = generator()
    gen.reset_database()
    rng = random.Random(seed)
    site, orgs, groups = gen.make_agencies_and_groups(rng)
    for i, org in enumerate(orgs):
        group = model.Group.get(org["id"])
        group.extras["focal_point_email"] = f"dau-moi-{i}@angiang.gov.vn"
    model.Session.commit()
    gen.insert_datasets(rng, size, 0, site, orgs, groups, gen.make_tags())
    _run_migrations("angiang_catalogue")  # records each dataset's last data update
    model.Session.remove()
    model.init_model(sa.engine_from_config(dict(config)))
    gen.steady_state()


def mark_indexed_yesterday():
    """As if yesterday's job (or the datasets' last writes) indexed them."""
    import ckan.model as model
    import sqlalchemy as sa

    from ckanext.angiang.catalogue import freshness

    yesterday = dt.date.today() - dt.timedelta(days=1)
    rows = [
        {
            "pid": r["id"],
            "s": freshness.state(freshness.next_due(r["frequency"], r["data_updated"]), yesterday),
        }
        for r in freshness._rows()
    ]
    model.Session.execute(
        sa.text("UPDATE angiang_freshness SET indexed_state = :s WHERE package_id = :pid"), rows
    )
    model.Session.commit()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=62)
    args = parser.parse_args(argv)
    make_database(DB)
    from smtp_server import SMTPServer

    smtp = SMTPServer().start()
    ini = ini_file(smtp.address)
    try:
        boot(ini)
        from ckanext.angiang.catalogue import freshness, reminders

        print(f"Preparing {DB} with {args.size} datasets ...", flush=True)
        seconds, _ = timed(prepare, args.size, args.seed)
        print(f"  generated and migrated in {seconds:.1f} s", flush=True)
        mark_indexed_yesterday()
        first_s, first = timed(reminders.run)
        second_s, second = timed(reminders.run)
        overdue_s, items = timed(freshness.overdue)
        print(
            f"\n{args.size} datasets, {first['overdue']} overdue (public), "
            f"{len(smtp.messages)} emails accepted by the SMTP server"
        )
        print("| run | seconds | re-indexed | reminders sent | emails |")
        print("|---|---|---|---|---|")
        print(
            f"| first of the day | {first_s:.2f} | {first['reindexed']} | {first['sent']} "
            f"| {first['emails']} |"
        )
        print(
            f"| second, same day | {second_s:.2f} | {second['reindexed']} | "
            f"{second['sent']} | {second['emails']} |"
        )
        print(f"| overdue list only | {overdue_s:.2f} | | {len(items)} listed | |")
        print(load_average())
    finally:
        os.unlink(ini)
        smtp.stop()


if __name__ == "__main__":
    main()
