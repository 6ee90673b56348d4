"""A fetch consumer killed (``kill -9``) in the middle of a harvest object:
another consumer takes over, the object left behind is queued again once its
lease expires (ckanext/angiang/harvesters/workers.py), the job finishes and
every record is harvested exactly once. Real Redis queues, real consumer
processes (``ckan angiang-harvest fetch-consumer``), a real agency API."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from harvesters import helpers
from harvesters.agency_api import AgencyAPI, record, source_config
from harvesters.conftest import agency, harvest_env  # noqa: F401 (fixtures)
from harvesters.test_queues import CKAN, LOGGING

from ckanext.angiang.harvesters import workers as harvest_workers
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

LEASE = 3


@pytest.fixture
def consumers(harvest_env, request, ckan_config, tmp_path):  # noqa: F811
    base_ini = os.path.abspath(request.config.getoption("ckan_ini"))
    ini = tmp_path / "workers.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{base_ini}\n"
        f"ckan.plugins = {' '.join(ckan_config['ckan.plugins'])}\n"
        f"ckanext.angiang.harvest.object_lease = {LEASE}\n" + LOGGING,
        encoding="utf-8",
    )
    queue.purge_queues()
    procs = []

    def start(name):
        log = open(tmp_path / f"{name}-{len(procs)}.log", "wb")
        proc = subprocess.Popen(
            [CKAN, "-c", str(ini), "angiang-harvest", name], stdout=log, stderr=subprocess.STDOUT
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    queue.purge_queues()


def _object_state(job_id: str, guid: str):
    model.Session.remove()
    obj = model.Session.query(HarvestObject).filter_by(harvest_job_id=job_id, guid=guid).first()
    return obj.state if obj else None


def test_a_fetch_consumer_killed_mid_object_loses_and_duplicates_nothing(
    agency,  # noqa: F811 (the fixture imported above)
    consumers,
    ckan_config,
    monkeypatch,
):
    monkeypatch.setitem(ckan_config, "ckanext.angiang.harvest.object_lease", LEASE)
    consumers("gather-consumer")
    first = consumers("fetch-consumer")
    records = [record(i) for i in range(1, 6)]
    with AgencyAPI(records) as api:
        config = source_config()
        config.update({"timeout": 60, "total_timeout": 120})
        source = helpers.create_source(agency["id"], api.url, "angiang_openapi", config)
        # the third record's data hangs once: the consumer is mid-object when killed
        api.fail("/datasets/DD-0003/rows", times=1, stall=60)
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site["name"], "ignore_auth": True}
        job = tk.get_action("harvest_job_create")(context, {"source_id": source["id"], "run": True})
        guid = "listDatasets/DD-0003"
        deadline = time.monotonic() + 120
        # mid-object: claimed (FETCH) and its data request stalled at the API
        # (on a loaded machine the consumer could be killed between the claim
        # and the request, leaving the stall to the next consumer: an error)
        while _object_state(job["id"], guid) != "FETCH" or not api.requests_to(
            "/datasets/DD-0003/rows"
        ):
            assert time.monotonic() < deadline, "the stalled object was never fetched"
            tk.get_action("harvest_jobs_run")(context, {"source_id": source["id"]})
            time.sleep(0.3)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        consumers("fetch-consumer")

        requeued = []
        deadline = time.monotonic() + 180
        while True:
            model.Session.remove()
            requeued += harvest_workers.requeue_orphans()  # what the scheduler runs
            tk.get_action("harvest_jobs_run")(context, {"source_id": source["id"]})
            model.Session.remove()
            if HarvestJob.get(job["id"]).status == "Finished":
                break
            assert time.monotonic() < deadline, f"job not finished: {helpers.outcome(job['id'])}"
            time.sleep(0.5)

    result = helpers.outcome(job["id"])
    assert requeued == [
        model.Session.query(HarvestObject.id)
        .filter_by(harvest_job_id=job["id"], guid=guid)
        .scalar()
    ]
    assert len(result["objects"]) == 5
    assert {o["state"] for o in result["objects"].values()} == {"COMPLETE"}, result
    assert {o["report_status"] for o in result["objects"].values()} == {"added"}
    datasets = helpers.harvested(agency["id"])
    assert sorted(datasets) == sorted(r["ten"] for r in records)
    # one dataset per record, one current object per dataset
    current = model.Session.query(HarvestObject.guid).filter(HarvestObject.current.is_(True)).all()
    assert sorted(g for (g,) in current) == sorted(f"listDatasets/{r['ma']}" for r in records)
