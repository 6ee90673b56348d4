"""PostgreSQL restarted under load: the production server answers 503 with
``Retry-After`` while it is down (never 500), and recovers by itself when it
is back (ckanext/angiang/outage.py; Art. 7.4, 24/7 operation).

A throwaway PostgreSQL cluster (``initdb`` in a temporary folder, its own
port) is stopped and started; the shared server is never touched. The
portal is ``scripts/serve-prod.sh`` (gunicorn, 2 workers, production.ini)."""

from __future__ import annotations

import json
import secrets
import time
import urllib.request

import pytest
from angiang_testing.factories import agency_dict, dataset_dict

from . import faults

PG_PORT = faults.PORT_BASE
WEB_PORT = faults.PORT_BASE + 1


def _api(base: str, token: str, action: str, data: dict) -> dict:
    request = urllib.request.Request(
        f"{base}/api/3/action/{action}",
        data=json.dumps(data).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": token},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["result"]


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    pg = faults.ThrowawayPostgres(PG_PORT).create()
    server = None
    try:
        storage = str(tmp_path_factory.mktemp("storage"))
        env = faults.ckan_environment(pg.url, "redis://127.0.0.1:6379/7", WEB_PORT, storage)
        faults.ckan(env, "db", "upgrade")
        faults.ckan(env, "angiang", "ensure-sysadmin")
        token = faults.ckan(env, "angiang", "token").strip().splitlines()[-1]
        server = faults.ProductionServer(env, WEB_PORT).start()
        mark = secrets.token_hex(3)
        org = _api(
            server.url,
            token,
            "organization_create",
            agency_dict(name=f"so-thu-{mark}", title=f"Sở Thử {mark}"),
        )
        dataset = _api(
            server.url,
            token,
            "package_create",
            dataset_dict(org["id"], name=f"dan-so-{mark}", title=f"Dân số {mark}"),
        )
        yield pg, server, dataset
    finally:
        if server is not None:
            server.stop()
        pg.destroy()


def test_postgres_restart_under_load_is_503_with_retry_after_then_recovers(portal):
    pg, server, dataset = portal
    name = dataset["name"]
    paths = [
        "/",
        "/dataset/",
        f"/dataset/{name}",
        "/dataset/?q=d%C3%A2n+s%E1%BB%91",
        "/api/3/action/package_search?q=dan+so",
        f"/api/3/action/package_show?id={name}",
        f"/en/dataset/{name}",
        "/healthz",
    ]
    for path in paths:  # all well before the fault
        assert faults.http_get(server.url + path)[0] == 200, path
    booted = server.log_text().count("Booting worker")

    with faults.Load(server.url, paths, threads=4) as load:
        time.sleep(1.5)
        pg.stop("fast")  # what a restart of PostgreSQL starts with
        down_at = time.monotonic()
        # the outage as a visitor sees it: a database page and the health check
        page = faults.wait_for(
            lambda: (lambda r: r if r[0] != 200 else None)(
                faults.http_get(f"{server.url}/dataset/{name}")
            ),
            30,
            "a page during the outage",
        )
        health = faults.http_get(f"{server.url}/healthz")
        api = faults.http_get(f"{server.url}/api/3/action/package_show?id={name}")
        time.sleep(3)
        pg.start()
        up_at = time.monotonic()

        def recovered():
            return all(faults.http_get(server.url + p)[0] == 200 for p in paths)

        faults.wait_for(recovered, 60, "every page answering 200 after PostgreSQL is back", 0.5)
        recovered_after = time.monotonic() - up_at
        time.sleep(1)

    during = [a for a in load.answers if down_at <= a[0] < up_at]
    counts = load.statuses()
    print(
        f"\nanswers under load: {dict(counts)}; during the outage: "
        f"{dict(load.statuses(during))}; recovered {recovered_after:.1f} s after the start"
    )

    # never a 500 (nor any other 5xx than 503), never a dropped connection
    assert not [a for a in load.answers if a[2] >= 500 and a[2] != 503], counts
    assert 0 not in counts, counts
    # the outage is a 503 with Retry-After, pages and API alike
    assert page[0] == 503 and page[1]["Retry-After"] == "30"
    assert "cơ sở dữ liệu" in page[2].decode() and b"SELECT" not in page[2]
    assert api[0] == 503 and api[1]["Retry-After"] == "30"
    error = json.loads(api[2])
    assert error["success"] is False and error["error"]["__type"] == "Service Unavailable"
    assert health[0] == 503 and health[1]["Retry-After"] == "30"
    report = json.loads(health[2])
    assert report["services"]["database"]["status"] == "down"
    assert "SELECT" not in report["services"]["database"]["detail"]
    unavailable = [a for a in load.answers if a[2] == 503]
    assert unavailable and all(a[3] == "30" for a in unavailable)
    assert [a for a in during if a[2] == 503 and a[1] != "/healthz"]
    # recovered by itself: the same workers, nothing restarted
    assert server.process.poll() is None
    assert server.log_text().count("Booting worker") == booted
    later = [a for a in load.answers if a[0] >= up_at + recovered_after]
    assert later and all(a[2] == 200 for a in later), load.statuses(later)
