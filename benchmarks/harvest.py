"""Harvest benchmark: N records from a local agency API through the real queues.

    .venv/bin/python benchmarks/harvest.py [--ini test.ini] [--records 2000] [--fetch-consumers 1 2]
        [--only-metadata] [--database angiang_bench_harvest] [--redis-db 15]

What it does, on a database of its own (``angiang_bench_harvest``, reset at
start) and a Redis database of its own (``--redis-db``, default 15):

1. serves N dataset records from a local agency API (tests/harvesters/agency_api.py,
   a real HTTP server on 127.0.0.1) and the same N records as a CKAN Action
   API (tests/harvesters/peers.py);
2. for each run starts fresh ``ckan angiang-harvest gather-consumer`` and
   ``fetch-consumer`` processes, queues one harvest job
   (``harvest_job_create run=True``) and waits until the job is Finished;
3. prints datasets per second and the peak resident memory (VmHWM) of each
   consumer process.

Runs: ``angiang_openapi`` (metadata + API-service resource) once per number
of fetch consumers given (default 1, then 2: the same-run baseline of the
second is the first), each into a fresh agency; then (unless
``--only-metadata``) ``angiang_openapi``
again with nothing changed (re-run: no writes), ``angiang_openapi`` with a
data snapshot per record (one more HTTP request, CSV + JSON files stored),
and the baseline in the same process and conditions: ``angiang_ckan``
(ckanext-harvest's CKAN harvester) harvesting the same records from the CKAN peer.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

from common import ROOT, boot, load_average, make_database, tests_on_path

tests_on_path()

PLUGINS = "harvest angiang_harvest angiang_openapi_harvester angiang_ckan_harvester"
DB = "angiang_bench_harvest"


def vm_hwm_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def ckan_package(rec: dict, api_url: str) -> dict:
    """The record as a stock CKAN's package_show would give it."""
    return {
        "id": f"00000000-0000-4000-8000-{int(rec['ma'][3:]):012d}",
        "name": rec["ma"].lower(),
        "title": rec["ten"],
        "notes": rec["mo_ta"],
        "type": "dataset",
        "state": "active",
        "private": False,
        "license_id": rec["giay_phep"],
        "metadata_created": "2025-06-01T00:00:00",
        "metadata_modified": "2026-01-15T00:00:00",
        "owner_org": "peer-org",
        "organization": {"id": "peer-org", "name": "peer-org", "title": "Peer"},
        "tags": [{"name": t} for t in rec["tu_khoa"]],
        "groups": [],
        "extras": [
            {"key": "frequency", "value": "ANNUAL"},
            {"key": "theme", "value": json.dumps(rec["linh_vuc"])},
            {"key": "quality_statement", "value": rec["chat_luong"]},
            {"key": "issued", "value": rec["ngay_ban_hanh"]},
        ],
        "resources": [
            {
                "id": f"r-{rec['ma']}",
                "name": "Dữ liệu (JSON)",
                "format": "JSON",
                "url": f"{api_url}/datasets/{rec['ma']}/rows",
            }
        ],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ini", default=str(ROOT / "test.ini"))
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--redis-db", type=int, default=15)
    ap.add_argument("--fetch-consumers", type=int, nargs="+", default=[1, 2])
    ap.add_argument(
        "--only-metadata",
        action="store_true",
        help="only the metadata harvests, one per number of fetch consumers",
    )
    ap.add_argument("--database", default=DB)
    ap.add_argument("--timeout", type=float, default=3600)
    args = ap.parse_args()

    make_database(args.database)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-harvest-"))
    ini = tmp / "bench.ini"
    base = configparser_plugins(args.ini)
    ini.write_text(
        f"[app:main]\nuse = config:{os.path.abspath(args.ini)}\n"
        f"sqlalchemy.url = postgresql://angiang@127.0.0.1:5432/{args.database}\n"
        f"ckan.redis.url = redis://127.0.0.1:6379/{args.redis_db}\n"
        f"ckan.storage_path = {tmp}/storage\n"
        f"ckan.plugins = {base} {PLUGINS}\n"
        "[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARNING\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
        "formatter = generic\n[formatter_generic]\n"
        "format = %(asctime)s %(levelname)s [%(name)s] %(message)s\n",
        encoding="utf-8",
    )
    ckan = str(pathlib.Path(sys.executable).with_name("ckan"))
    subprocess.run(
        [ckan, "-c", str(ini), "db", "clean", "--yes"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    subprocess.run(
        [ckan, "-c", str(ini), "db", "upgrade"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    boot(str(ini))
    return run(args, ini, ckan, tmp)


def configparser_plugins(path: str) -> str:
    """ckan.plugins of ``path`` (following ``use = config:`` like CKAN does)."""
    import configparser

    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.read(path, encoding="utf-8")
    section = cp["app:main"]
    if "ckan.plugins" in section:
        return section["ckan.plugins"]
    use = section.get("use", "")
    if use.startswith("config:"):
        parent = use[len("config:") :]
        return configparser_plugins(str(pathlib.Path(path).parent / parent))
    return ""


def run(args, ini, ckan, tmp) -> int:
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckan.tests import factories
    from harvesters.agency_api import AgencyAPI, record, source_config
    from harvesters.peers import CKANPeer

    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob, HarvestObject

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}

    def agency(name):
        return factories.Organization(
            name=name,
            title=name,
            focal_point_name="Nguyễn Văn An",
            focal_point_email="nvan@angiang.gov.vn",
            focal_point_phone="0296 3852 000",
            focal_point_position="Chánh Văn phòng",
            agency_level="provincial",
        )

    def source(org, url, kind, config, name):
        return tk.get_action("harvest_source_create")(
            context,
            {
                "name": name,
                "title": name,
                "url": url,
                "source_type": kind,
                "owner_org": org["id"],
                "config": json.dumps(config, ensure_ascii=False),
            },
        )

    def harvest(label, src, fetch_consumers):
        queue.purge_queues()
        procs = {}
        logs = []
        names = ["gather-consumer"] + ["fetch-consumer"] * fetch_consumers
        for i, name in enumerate(names):
            log = open(tmp / f"{label}-{name}-{i}.log", "wb")
            logs.append(log)
            procs[f"{name}-{i}"] = subprocess.Popen(
                [ckan, "-c", str(ini), "angiang-harvest", name],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        time.sleep(8)  # let the consumers load CKAN before the clock starts
        started = time.monotonic()
        job = tk.get_action("harvest_job_create")(
            dict(context), {"source_id": src["id"], "run": True}
        )
        deadline = started + args.timeout
        # Poll the database, not harvest_jobs_run (whose resubmit_objects would
        # re-queue objects while the gather consumer is still publishing them).
        while True:
            time.sleep(0.5)
            model.Session.remove()
            j = HarvestJob.get(job["id"])
            if (
                j.gather_finished is not None
                and model.Session.query(HarvestObject)
                .filter(
                    HarvestObject.harvest_job_id == job["id"],
                    HarvestObject.state.in_(["WAITING", "FETCH", "IMPORT"]),
                )
                .count()
                == 0
            ):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"{label}: job not finished after {args.timeout} s")
        elapsed = time.monotonic() - started
        tk.get_action("harvest_jobs_run")(dict(context), {"source_id": src["id"]})
        model.Session.remove()
        assert HarvestJob.get(job["id"]).status == "Finished"
        peaks = {name: vm_hwm_kb(p.pid) for name, p in procs.items()}
        alive = all(p.poll() is None for p in procs.values())
        for p in procs.values():
            p.terminate()
        for p in procs.values():
            p.wait(30)
        for log in logs:
            log.close()
        statuses = {}
        for (status,) in model.Session.query(HarvestObject.report_status).filter(
            HarvestObject.harvest_job_id == job["id"]
        ):
            statuses[status] = statuses.get(status, 0) + 1
        n = sum(v for k, v in statuses.items() if k in ("added", "updated", "not modified"))
        print(
            f"{label:<44} {elapsed:8.1f} s  {n / elapsed:8.1f} datasets/s  "
            f"objects {json.dumps(statuses, sort_keys=True)}  consumers alive: {alive}  "
            f"{load_average()}",
            flush=True,
        )
        for name, kb in peaks.items():
            print(f"{'':<44}   peak RSS {name}: {kb / 1024:.0f} MB")
        return elapsed

    records = [record(i) for i in range(1, args.records + 1)]
    print(
        f"{args.records} records, fetch consumers {args.fetch_consumers}, database "
        f"{args.database}, Redis db {args.redis_db} {load_average()}",
        flush=True,
    )
    last = args.fetch_consumers[-1]
    with AgencyAPI(records, page_size_default=100) as api:
        packages = [ckan_package(r, api.url) for r in records]
        with CKANPeer(packages) as peer:
            config = source_config(with_snapshot=False)
            config["datasets"][0]["pagination"]["size"] = 100
            s1 = None
            # one source per run: ckanext-harvest wants a distinct URL or config
            for i, n in enumerate(args.fetch_consumers):
                org = agency(f"bench-openapi-{i}")
                s1 = source(
                    org,
                    api.url,
                    "angiang_openapi",
                    dict(config, max_pages=1000 + i),
                    f"bench-openapi-{i}",
                )
                harvest(f"angiang_openapi (metadata + API), {n} fetch", s1, n)
            if args.only_metadata:
                return 0
            harvest(f"angiang_openapi re-run (unchanged), {last} fetch", s1, last)

            org2 = agency("bench-openapi-snapshot")
            snap = source_config(with_snapshot=True)
            snap["datasets"][0]["pagination"]["size"] = 100
            s2 = source(org2, api.url + "/", "angiang_openapi", snap, "bench-openapi-snapshot")
            harvest(f"angiang_openapi + snapshot files, {last} fetch", s2, last)

            org3 = agency("bench-ckan")
            ckan_config = {
                "defaults": {"no_state_secret": True, "language": ["vi"]},
                "max_retries": 0,
            }
            s3 = source(org3, peer.url, "angiang_ckan", ckan_config, "bench-ckan")
            harvest(f"baseline: angiang_ckan (CKAN->CKAN), {last} fetch", s3, last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
