"""Redis down under the production server: pages are still served, /healthz
answers 503 naming Redis, starting a harvest job is a clean 503 with
Retry-After (never 500), and when Redis is back the scheduler queues the job
that was committed without being queued (ckanext/angiang/outage.py,
harvesters/workers.py ``requeue_lost_jobs``). A throwaway redis-server on its
own port is stopped; the shared one is never touched."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import urllib.error
import urllib.request

import pytest
from angiang_testing.factories import agency_dict, dataset_dict
from harvesters.agency_api import source_config

from . import faults

REDIS_PORT = faults.PORT_BASE + 2
WEB_PORT = faults.PORT_BASE + 3
DB = "angiang_load_fault_redis"


def _psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-qtA", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _post(base: str, token: str, action: str, data: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        f"{base}/api/3/action/{action}",
        data=json.dumps(data).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": token},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"{}")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    subprocess.run(
        [os.path.join(faults.ROOT, "scripts", "services.sh"), DB], check=True, capture_output=True
    )
    redis = faults.ThrowawayRedis(REDIS_PORT)
    redis.start()
    server = scheduler = None
    tmp = tmp_path_factory.mktemp("redis-fault")
    try:
        env = faults.ckan_environment(
            f"postgresql://angiang@127.0.0.1:5432/{DB}", redis.url, WEB_PORT, str(tmp / "storage")
        )
        faults.ckan(env, "db", "upgrade")
        faults.ckan(env, "angiang", "ensure-sysadmin")
        token = faults.ckan(env, "angiang", "token").strip().splitlines()[-1]
        server = faults.ProductionServer(env, WEB_PORT).start()
        mark = secrets.token_hex(3)
        status, _h, org = _post(
            server.url,
            token,
            "organization_create",
            agency_dict(name=f"so-thu-{mark}", title=f"Sở Thử {mark}"),
        )
        assert status == 200, org
        org = org["result"]
        status, _h, dataset = _post(
            server.url,
            token,
            "package_create",
            dataset_dict(org["id"], name=f"gia-dat-{mark}", title=f"Giá đất {mark}"),
        )
        assert status == 200, dataset
        status, _h, source = _post(
            server.url,
            token,
            "harvest_source_create",
            {
                "name": f"nguon-{mark}",
                "title": f"Nguồn {mark}",
                "url": "http://127.0.0.1:9/",
                "source_type": "angiang_openapi",
                "owner_org": org["id"],
                "frequency": "MANUAL",
                "config": json.dumps(source_config(), ensure_ascii=False),
            },
        )
        assert status == 200, source
        # the scheduler as scripts/run-workers.sh runs it, quick for the test
        ini = tmp / "scheduler.ini"
        ini.write_text(
            f"[app:main]\nuse = config:{faults.INI}\n"
            "ckanext.angiang.harvest.lost_job_seconds = 1\n",
            encoding="utf-8",
        )
        scheduler = subprocess.Popen(
            [
                os.path.join(faults.BIN, "ckan"),
                "-c",
                str(ini),
                "angiang-harvest",
                "scheduler",
                "--interval",
                "1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp / "scheduler.log", "wb"),
        )
        yield redis, server, token, dataset["result"], source["result"]
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(20)
        if server is not None:
            server.stop()
        redis.destroy()
        _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def _gather_queue(port: int) -> list[str]:
    out = subprocess.run(
        ["redis-cli", "-p", str(port), "--raw", "KEYS", "ckanext-harvest:*"],
        capture_output=True,
        text=True,
    ).stdout.split()
    lists = [k for k in out if k.endswith(":harvest_job_id")]
    found = []
    for key in lists:
        found += subprocess.run(
            ["redis-cli", "-p", str(port), "--raw", "LRANGE", key, "0", "-1"],
            capture_output=True,
            text=True,
        ).stdout.split()
    return found


def test_redis_down_pages_served_health_503_jobs_refused_cleanly_then_queued(portal):
    redis, server, token, dataset, source = portal
    pages = [
        "/",
        "/dataset/",
        f"/dataset/{dataset['name']}",
        f"/en/dataset/{dataset['name']}",
        "/api/3/action/package_search?q=gia",
        f"/api/3/action/package_show?id={dataset['id']}",
        f"/dataset/{dataset['name']}.ttl",
    ]
    assert faults.http_get(server.url + "/healthz")[0] == 200
    redis.stop()

    for path in pages:
        status, _headers, _body = faults.http_get(server.url + path)
        assert status == 200, path
    status, headers, body = faults.http_get(server.url + "/healthz")
    report = json.loads(body)
    assert status == 503 and report["services"]["redis"]["status"] == "down"
    assert headers["Retry-After"] == "30"  # as every 503 of an outage
    assert report["services"]["database"]["status"] == "up"

    status, headers, answer = _post(
        server.url, token, "harvest_job_create", {"source_id": source["id"], "run": True}
    )
    assert status == 503 and headers["Retry-After"] == "30", answer
    assert answer["success"] is False and "hàng đợi" in answer["error"]["message"]
    jobs = _psql(f"SELECT id, status FROM harvest_job WHERE source_id = '{source['id']}'", DB)
    assert jobs, "ckanext-harvest commits the job before queueing it"
    job_id = jobs.split("|")[0]

    redis.start()  # the same port, empty (no persistence), as after a crash
    faults.wait_for(
        lambda: faults.http_get(server.url + "/healthz")[0] == 200, 30, "/healthz back to 200"
    )
    # the scheduler queues the job created during the outage, once
    faults.wait_for(
        lambda: any(job_id in m for m in _gather_queue(REDIS_PORT)),
        60,
        "the lost job in the gather queue",
    )
    assert _psql(f"SELECT status FROM harvest_job WHERE id = '{job_id}'", DB) == "Running"
    assert sum(job_id in m for m in _gather_queue(REDIS_PORT)) == 1
    for path in pages:
        assert faults.http_get(server.url + path)[0] == 200, path
