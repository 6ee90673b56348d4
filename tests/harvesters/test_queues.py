"""Harvesting through ckanext-harvest's real Redis queues, with the gather
and fetch consumers running as separate processes (``ckan angiang-harvest
gather-consumer`` / ``fetch-consumer``, as scripts/run-workers.sh starts
them). Faulty sources must leave errors on their jobs and never stop a
consumer (issue 6, item 4), and neither may idleness: ckanext-harvest's own
consumers die 5 s after their last job with redis-py 8 (see
ckanext/angiang/harvesters/workers.py)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from . import helpers
from .agency_api import AgencyAPI, record, source_config

CKAN = str(pathlib.Path(sys.executable).with_name("ckan"))
LOGGING = """
[loggers]
keys = root, harvest
[handlers]
keys = console
[formatters]
keys = generic
[logger_root]
level = WARNING
handlers = console
[logger_harvest]
level = INFO
handlers = console
qualname = ckanext.harvest
propagate = 0
[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic
[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


@pytest.fixture
def workers(harvest_env, request, ckan_config, tmp_path):
    base_ini = os.path.abspath(request.config.getoption("ckan_ini"))
    ini = tmp_path / "workers.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{base_ini}\n"
        f"ckan.plugins = {' '.join(ckan_config['ckan.plugins'])}\n" + LOGGING,
        encoding="utf-8",
    )
    queue.purge_queues()
    procs = {}
    fetch_consumers = getattr(request, "param", 1)  # indirect parametrization
    names = ["gather-consumer"] + [f"fetch-consumer-{n}" for n in range(1, fetch_consumers + 1)]
    for name in names:
        log = open(tmp_path / f"{name}.log", "wb")
        command = name.rsplit("-", 1)[0] if name.startswith("fetch") else name
        procs[name] = subprocess.Popen(
            [CKAN, "-c", str(ini), "angiang-harvest", command], stdout=log, stderr=subprocess.STDOUT
        )
    yield procs
    for proc in procs.values():
        proc.terminate()
    for proc in procs.values():
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    queue.purge_queues()


def _run_through_queues(source: dict, timeout: float = 120) -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    job = tk.get_action("harvest_job_create")(context, {"source_id": source["id"], "run": True})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        model.Session.remove()
        tk.get_action("harvest_jobs_run")(context, {"source_id": source["id"]})
        model.Session.remove()
        if HarvestJob.get(job["id"]).status == "Finished":
            return helpers.outcome(job["id"])
    raise AssertionError(f"job {job['id']} did not finish within {timeout} s")


def _logs(tmp_path) -> str:
    return "\n".join(
        f"--- {p.name}\n" + p.read_text("utf-8", "replace")[-3000:]
        for p in sorted(tmp_path.glob("*.log"))
    )


@pytest.mark.slow  # worker processes
def test_gather_and_fetch_consumers_survive_faults_and_recover(agency, workers):
    with AgencyAPI([record(i) for i in range(1, 4)]) as api:
        config = source_config()
        # a loaded CI machine can hold a loopback answer for over a second:
        # generous limits, except the total deadline the slow drip must pass
        config.update({"timeout": 10, "total_timeout": 4, "max_retries": 0})
        source = helpers.create_source(agency["id"], api.url, "angiang_openapi", config)

        good = _run_through_queues(source)
        assert good["gather_errors"] == []
        assert {o["report_status"] for o in good["objects"].values()} == {"added"}
        before = {t: p["metadata_modified"] for t, p in helpers.harvested(agency["id"]).items()}
        assert len(before) == 3
        time.sleep(7)  # idle for longer than redis-py's 5 s socket timeout
        assert all(p.poll() is None for p in workers.values()), "an idle consumer died"

        faults = [
            ("/datasets", dict(status=500), "HTTP 500"),
            ("/datasets", dict(body=b"<html>not json"), "is not valid JSON"),
            ("/openapi.json", dict(body=b'{"openapi": "3.0.0"}'), "OpenAPI document"),
            ("/datasets", dict(drip=(100, 0.1)), "sends too slowly"),  # 10 s > 4 s
        ]
        for path, fault, expected in faults:
            api.always(path, **fault)
            result = _run_through_queues(source)
            api.clear()
            assert any(expected in e for e in result["gather_errors"]), result
            assert all(p.poll() is None for p in workers.values()), "a consumer died"
        # fetch- and import-stage failures, in the fetch consumer
        api.always("/datasets/DD-0001/rows", status=500)
        api.records[1]["tan_suat"] = "Thỉnh thoảng"
        result = _run_through_queues(source)
        api.clear()
        errors = {g: o["errors"] for g, o in result["objects"].items()}
        assert errors["listDatasets/DD-0001"][0][0] == "Fetch"
        assert errors["listDatasets/DD-0002"][0][0] == "Import"
        assert all(p.poll() is None for p in workers.values()), "a consumer died"
        after = {t: p["metadata_modified"] for t, p in helpers.harvested(agency["id"]).items()}
        assert after == before  # nothing harvested before was touched

        # the next good run recovers
        api.records[1]["tan_suat"] = "Hàng tháng"
        result = _run_through_queues(source)
        assert result["gather_errors"] == []
        assert result["objects"]["listDatasets/DD-0002"]["report_status"] == "updated"
        assert helpers.harvested(agency["id"])["Bảng giá đất khu vực 2"]["frequency"] == "MONTHLY"
        assert all(p.poll() is None for p in workers.values())


@pytest.mark.parametrize("workers", [2], indirect=True)
def test_two_fetch_consumers_never_do_the_same_object_twice(agency, workers, tmp_path):
    """Every fetch message queued twice (as ``resubmit_objects`` does while a
    gather is still publishing), two fetch consumers: each object is claimed
    once, so each record's data is fetched once and its dataset added once."""
    records = [record(i) for i in range(1, 13)]
    with AgencyAPI(records) as api:
        source = helpers.create_source(
            agency["id"], api.url, "angiang_openapi", source_config(with_snapshot=True)
        )
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        job_dict = tk.get_action("harvest_job_create")(
            {"user": site_user["name"], "ignore_auth": True},
            {"source_id": source["id"], "run": False},
        )
        job = HarvestJob.get(job_dict["id"])
        object_ids = queue.gather_stage(queue.get_harvester("angiang_openapi"), job)
        assert len(object_ids) == len(records)
        publisher = queue.get_fetch_publisher()
        for object_id in object_ids + object_ids:
            publisher.send({"harvest_object_id": object_id})

        deadline = time.monotonic() + 120
        while True:
            model.Session.remove()
            states = [
                o.state
                for o in model.Session.query(HarvestObject).filter(
                    HarvestObject.harvest_job_id == job.id
                )
            ]
            if all(state in ("COMPLETE", "ERROR") for state in states):
                break
            assert time.monotonic() < deadline, (states, _logs(tmp_path))
            time.sleep(0.5)
        # the duplicates still queued are taken and dropped, not imported
        consumer = queue.get_fetch_consumer()
        while consumer.redis.llen(consumer.routing_key):
            assert time.monotonic() < deadline, _logs(tmp_path)
            time.sleep(0.2)
        time.sleep(0.5)  # the last one taken is being dropped

        outcome = helpers.outcome(job.id)
        assert {o["report_status"] for o in outcome["objects"].values()} == {"added"}, _logs(
            tmp_path
        )
        for rec in records:
            assert len(api.requests_to(f"/datasets/{rec['ma']}/rows")) == 1, rec["ma"]
        assert len(helpers.harvested(agency["id"])) == len(records)
        assert all(p.poll() is None for p in workers.values()), "a consumer died"
