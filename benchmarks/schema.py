"""Benchmark: the cost of the portal's metadata model on every dataset save.

Measures, in one process on a database of its own (``angiang_bench_schema``):

- **validation**: milliseconds to validate one complete dataset (12 resources
  of mixed open formats) with the portal schema (scheming + angiang_schema:
  licence register, open formats, 2025 units, contact defaults, identifier
  from the PostgreSQL sequence, name from the Vietnamese title), and — the
  baseline, same input, same process — with CKAN core's default create schema;
- **package_create**: milliseconds per ``package_create`` through the Action
  API (validation + save + PostgreSQL search index) with the portal schema;
- **identifier**: milliseconds per ``next_identifier()`` (one ``nextval`` on a
  connection of its own).

Usage (from the repository root; about a minute on 2 cores):

    .venv/bin/python benchmarks/schema.py [--runs 300]
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

from common import (
    ROOT,
    VENV_BIN,
    boot,
    database_url,
    load_average,
    make_database,
    tests_on_path,
    write_ini,
)

DATABASE = "angiang_bench_schema"


def _ini(tmp: pathlib.Path) -> pathlib.Path:
    return pathlib.Path(
        write_ini(
            ROOT / "test.ini",
            {
                "sqlalchemy.url": database_url(DATABASE),
                "ckan.redis.url": "redis://127.0.0.1:6379/14",
                "ckan.storage_path": tmp / "storage",
            },
            path=tmp / "bench-schema.ini",
        )
    )


def _dataset(org_id: str, n: int) -> dict:
    formats = ["CSV", "xlsx", "JSON", "application/pdf", "ods", "xml"]
    return {
        "title": f"Số liệu đất đai và dân cư xã Mỹ Hòa Hưng năm {2000 + n}",
        "notes": "Thống kê diện tích đất và dân số theo ấp.",
        "owner_org": org_id,
        "license_id": "vn-nd47-2020-dieu-18",
        "theme": ["ENVI", "SOCI"],
        "frequency": "ANNUAL",
        "quality_statement": "Tổng hợp từ sổ địa chính.",
        "no_state_secret": True,
        "spatial_code": "30313",
        "temporal_start": "2024-01-01",
        "temporal_end": "2024-12-31",
        "language": ["vi"],
        "tags": [{"name": "đất đai"}, {"name": "dân số"}],
        "resources": [
            {
                "url": f"https://data.angiang.gov.vn/files/{n}-{i}.bin",
                "name": f"Tệp {i}",
                "format": formats[i % len(formats)],
            }
            for i in range(12)
        ],
    }


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    return (
        f"median {statistics.median(samples) * 1000:.2f} ms, "
        f"p95 {samples[int(len(samples) * 0.95) - 1] * 1000:.2f} ms"
    )


def inner(ini: str, runs: int) -> None:
    boot(ini)
    tests_on_path()
    import ckan.lib.plugins as lib_plugins
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from angiang_testing.factories import agency_dict
    from ckan.lib.navl.dictization_functions import validate
    from ckan.logic.schema import default_create_package_schema

    from ckanext.angiang.metadata import identifier

    model.repo.rebuild_db()
    subprocess.run(
        [str(VENV_BIN / "ckan"), "-c", ini, "db", "upgrade"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    ctx = {"user": site_user["name"]}
    org = tk.get_action("organization_create")(dict(ctx), agency_dict(name="bench-agency"))
    plugin = lib_plugins.lookup_package_plugin("dataset")

    portal, core = [], []
    for n in range(runs):
        data = _dataset(org["id"], n)
        t0 = time.perf_counter()
        _, errors = lib_plugins.plugin_validate(
            plugin,
            dict(ctx, model=model, session=model.Session),
            dict(data, type="dataset"),
            plugin.create_package_schema(),
            "package_create",
        )
        portal.append(time.perf_counter() - t0)
        assert not errors, errors
        model.Session.rollback()
        t0 = time.perf_counter()
        _, errors = validate(
            dict(data, name=f"bench-{n}"),
            default_create_package_schema(),
            dict(ctx, model=model, session=model.Session),
        )
        core.append(time.perf_counter() - t0)
        model.Session.rollback()

    creates = []
    for n in range(max(runs // 5, 20)):
        t0 = time.perf_counter()
        tk.get_action("package_create")(dict(ctx), _dataset(org["id"], 10_000 + n))
        creates.append(time.perf_counter() - t0)

    ids = []
    for _ in range(runs):
        t0 = time.perf_counter()
        identifier.next_identifier()
        ids.append(time.perf_counter() - t0)

    print(f"schema benchmark: {runs} validations of a dataset with 12 resources")
    print(f"  validation, portal schema      : {_ms(portal)}")
    print(f"  validation, CKAN core (baseline): {_ms(core)}")
    print(
        f"  package_create, portal schema  : {_ms(creates)} "
        f"({len(creates)} datasets, incl. search index)"
    )
    print(f"  next_identifier()              : {_ms(ids)}")
    print(load_average())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner, args.runs)
        return 0
    make_database(DATABASE)
    with tempfile.TemporaryDirectory() as tmp:
        ini = _ini(pathlib.Path(tmp))
        return subprocess.run(
            [sys.executable, __file__, "--runs", str(args.runs), "--inner", str(ini)]
        ).returncode


if __name__ == "__main__":
    sys.exit(main())
