"""Benchmark of the six-month report (angiang_catalogue, Art. 17.2).

    .venv/bin/python benchmarks/report.py [--size 20000] [--period 2026H2]

Writes ``--size`` datasets (30 agencies) with the generator of
benchmarks/search.py into a database of its own
(``angiang_usage_bench_report``), applies the catalogue's, activity's and
ckanext-harvest's migrations, then adds with SQL:

- a catalogue entry for every fifth dataset (its ``catalogue_code``), and
  1,000 entries no dataset fulfils;
- usage rows: every dataset used on 30 random days of the half-year
  (views, downloads, API calls), about 1.8 million rows;
- an activity per dataset in the half-year;
- 60 harvest sources, 100 jobs each in the half-year, a fifth with errors.

Then times ``figures.collect`` (every figure), the XLSX and the PDF, against
a same-run baseline (one ``count(*)`` over the package table), and prints
the machine's load average beside the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import sys

from common import database_url, make_database, timed, write_ini

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DB = "angiang_usage_bench_report"
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "catalogue"))


def ini_file() -> str:
    return write_ini(
        f"{ROOT}/test.ini",
        {
            "sqlalchemy.url": database_url(DB),
            "ckan.plugins": "activity angiang angiang_search angiang_catalogue harvest",
            "licenses_group_url": "",
            "ckan.site_id": "bench",
        },
        level="ERROR",
    )


def prepare(size: int, seed: int) -> None:
    """The catalogue generator of benchmarks/search.py, then the plugins'
    migrations (the catalogue's records each dataset's last data update)."""
    import ckan.model as model
    import search as gen
    import sqlalchemy as sa
    from ckan.cli.db import _run_migrations
    from ckan.common import config

    gen.reset_database()
    for plugin in ("activity", "harvest"):
        _run_migrations(plugin)
    model.init_model(sa.engine_from_config(dict(config)))
    rng = random.Random(seed)
    site, orgs, groups = gen.make_agencies_and_groups(rng)
    gen.insert_datasets(rng, size, 0, site, orgs, groups, gen.make_tags())
    _run_migrations("angiang_catalogue")
    model.Session.remove()
    model.init_model(sa.engine_from_config(dict(config)))
    gen.steady_state()


def add_report_data(period_code: str, seed: int) -> dict:
    import ckan.model as model
    import sqlalchemy as sa

    from ckanext.angiang.catalogue import period

    p = period.parse(period_code)
    start, end = p.utc_bounds()
    s = model.Session
    s.execute(
        sa.text("""
        INSERT INTO angiang_catalogue_decision (id, number, title, issued, imported_at,
                                                imported_by)
        VALUES ('bench', '1/QĐ-UBND', 'bench', '2025-01-15', now(), 'bench')""")
    )
    s.execute(
        sa.text("""
        WITH d AS (SELECT id, owner_org, row_number() OVER (ORDER BY id) AS n
                   FROM package WHERE type = 'dataset' AND owner_org IS NOT NULL)
        INSERT INTO angiang_catalogue_entry (code, title, agency_id, sector, frequency, formats,
            due_date, decision_id, status, notes, source, created, modified)
        SELECT 'DLM.' || n, 'Mục ' || n, owner_org, '', 'ANNUAL', ARRAY['CSV'],
               DATE '2025-01-01' + (n % 700)::int, 'bench', 'active', '', '', now(), now()
        FROM d WHERE n % 5 = 0""")
    )
    s.execute(
        sa.text("""
        UPDATE package p SET extras = coalesce(p.extras, '{}'::jsonb)
            || jsonb_build_object('catalogue_code', e.code)
        FROM angiang_catalogue_entry e
        WHERE e.title = 'Mục ' || substr(e.code, 5) AND p.id = (
            SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM package
                            WHERE type = 'dataset' AND owner_org IS NOT NULL) q
            WHERE q.n = substr(e.code, 5)::int)""")
    )
    s.execute(
        sa.text("""
        INSERT INTO angiang_catalogue_entry (code, title, agency_id, sector, frequency, formats,
            due_date, decision_id, status, notes, source, created, modified)
        SELECT 'DLM.X.' || g, 'Chưa có ' || g,
               (SELECT id FROM "group" WHERE is_organization ORDER BY id
                OFFSET g % 30 LIMIT 1), '', 'ANNUAL', ARRAY['CSV'],
               DATE '2025-06-30', 'bench', 'active', '', '', now(), now()
        FROM generate_series(1, 1000) g""")
    )
    s.execute(sa.text("SELECT setseed(:seed)"), {"seed": (seed % 100) / 100.0})
    s.execute(
        sa.text("""
        INSERT INTO angiang_usage_daily (day, package_id, kind, agency_id, count)
        SELECT DISTINCT ON (p.id, d.day, k.kind) d.day, p.id, k.kind,
               coalesce(p.owner_org, ''), 1 + (random() * 40)::int
        FROM package p
        CROSS JOIN LATERAL (SELECT :first + (random() * (:days - 1))::int AS day
                            FROM generate_series(1, 30)) d
        CROSS JOIN (VALUES ('view'), ('download'), ('api')) k(kind)
        WHERE p.type = 'dataset'
        ON CONFLICT DO NOTHING"""),
        {"first": p.start, "days": (p.end - p.start).days},
    )
    s.execute(
        sa.text("""
        INSERT INTO activity (id, timestamp, user_id, object_id, activity_type, data)
        SELECT md5(random()::text || id), CAST(:start AS timestamp)
               + random() * (CAST(:end AS timestamp) - CAST(:start AS timestamp)),
               'bench', id, 'changed package', '{}'
        FROM package WHERE type = 'dataset'"""),
        {"start": start, "end": end},
    )
    s.execute(
        sa.text("""
        INSERT INTO package (id, name, title, type, state, private, owner_org,
                             metadata_created, metadata_modified)
        SELECT 'src-' || g, 'nguon-' || g, 'Nguồn ' || g, 'harvest', 'active', false,
               (SELECT id FROM "group" WHERE is_organization ORDER BY id
                OFFSET g % 30 LIMIT 1), now(), now()
        FROM generate_series(1, 60) g""")
    )
    s.execute(
        sa.text("""
        INSERT INTO harvest_source (id, url, title, type, active, config, created)
        SELECT 'src-' || g, 'http://127.0.0.1/' || g, 'Nguồn ' || g, 'angiang_openapi', true,
               '{}', now() FROM generate_series(1, 60) g""")
    )
    s.execute(
        sa.text("""
        INSERT INTO harvest_job (id, created, source_id, status)
        SELECT 'job-' || g || '-' || j, CAST(:start AS timestamp) + j * interval '1 day',
               'src-' || g, 'Finished'
        FROM generate_series(1, 60) g, generate_series(1, 100) j"""),
        {"start": start},
    )
    s.execute(
        sa.text("""
        INSERT INTO harvest_gather_error (id, harvest_job_id, message, created)
        SELECT 'err-' || g || '-' || j, 'job-' || g || '-' || j, 'Không kết nối được', now()
        FROM generate_series(1, 60) g, generate_series(1, 100) j WHERE j % 5 = 0""")
    )
    s.commit()
    with model.meta.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM (ANALYZE)"))
    counts = {
        t: s.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
        for t in ("angiang_catalogue_entry", "angiang_usage_daily", "activity", "harvest_job")
    }
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=62)
    parser.add_argument("--period", default="2026H2")
    parser.add_argument("--out", default=None, help="Also write the XLSX and PDF here.")
    args = parser.parse_args(argv)
    make_database(DB)
    ini = ini_file()
    try:
        import search as gen

        gen.boot(ini)
        import ckan.model as model
        import sqlalchemy as sa

        from ckanext.angiang.catalogue import period
        from ckanext.angiang.catalogue.report import figures, pdf, xlsx

        print(f"Preparing {DB} with {args.size} datasets ...", flush=True)
        seconds, _ = timed(prepare, args.size, args.seed)
        seconds2, counts = timed(add_report_data, args.period, args.seed)
        print(f"  generated in {seconds + seconds2:.1f} s: {counts}", flush=True)
        wanted = period.parse(args.period)
        base_s, _ = timed(
            lambda: model.Session.execute(sa.text("SELECT count(*) FROM package")).scalar()
        )
        collect_s, report = timed(figures.collect, wanted)
        again_s, report = timed(figures.collect, wanted)
        xlsx_s, book = timed(xlsx.write, report)
        pdf_s, document = timed(pdf.write, report)
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            for kind, body in (("xlsx", book), ("pdf", document)):
                with open(
                    os.path.join(args.out, f"bao-cao-6-thang-{wanted.code}.{kind}"), "wb"
                ) as f:
                    f.write(body)
        province = report["province"]
        print(
            f"\n{args.size} datasets, {len(report['agencies'])} agencies, period "
            f"{wanted.code}; load average {os.getloadavg()}"
        )
        print(
            f"province: {province['entries_in_force']} entries, {province['uses']} uses, "
            f"{province['harvest_jobs']} harvest jobs, {province['harvest_failed_jobs']} "
            f"with errors, quality {province['quality']} %"
        )
        print("| step | seconds |")
        print("|---|---|")
        print(f"| baseline: count(*) of package | {base_s:.3f} |")
        print(f"| figures (first) | {collect_s:.2f} |")
        print(f"| figures (again) | {again_s:.2f} |")
        print(f"| XLSX ({len(book) // 1024} KiB) | {xlsx_s:.2f} |")
        print(f"| PDF ({len(document) // 1024} KiB) | {pdf_s:.2f} |")
        print(f"| report in all (figures + XLSX + PDF) | {collect_s + xlsx_s + pdf_s:.2f} |")
    finally:
        os.unlink(ini)


if __name__ == "__main__":
    main()
