"""The freshness job on CKAN's background jobs (Redis, ``ckan jobs worker``)
and the scheduler that enqueues it once a day (``ckan angiang
freshness-scheduler``, started with the other workers by
``scripts/run-workers.sh``)."""
from __future__ import annotations

import datetime
import logging
import time

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

log = logging.getLogger(__name__)
TITLE = "angiang freshness"


def job() -> dict:
    """What the worker runs."""
    from ckanext.angiang.catalogue import reminders

    result = reminders.run()
    log.info("freshness job: %s", result)
    return result


def enqueue():
    return tk.enqueue_job(job, title=TITLE, rq_kwargs={"timeout": 3600})


def _day_key(day: datetime.date) -> str:
    return f"{tk.config.get('ckan.site_id')}:angiang:freshness:{day.isoformat()}"


def tick(now: datetime.datetime | None = None) -> bool:
    """Enqueue today's job if its hour has come and no scheduler did yet."""
    now = now or datetime.datetime.now()
    if now.hour < tk.config.get("ckanext.angiang.freshness.hour"):
        return False
    if not connect_to_redis().set(_day_key(now.date()), "1", nx=True, ex=3 * 86400):
        return False
    enqueue()
    log.info("freshness job enqueued for %s", now.date())
    return True


def schedule_loop(interval: int | None, once: bool) -> None:
    interval = interval or tk.config.get("ckanext.angiang.freshness.scheduler_interval")
    while True:
        try:
            tick()
        except Exception:  # Redis away: log, keep the loop alive, try again
            log.exception("freshness scheduler: enqueue failed")
        if once:
            return
        time.sleep(interval)
