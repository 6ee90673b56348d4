"""The freshness job and the compliance job (link check, integrity, metadata
quality) on CKAN's background jobs (Redis, ``ckan jobs worker``), and the
scheduler that enqueues each once a day (``ckan angiang
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
COMPLIANCE_TITLE = "angiang compliance"


def job() -> dict:
    """What the worker runs."""
    from ckanext.angiang.catalogue import reminders

    result = reminders.run()
    log.info("freshness job: %s", result)
    return result


def enqueue():
    return tk.enqueue_job(job, title=TITLE, rq_kwargs={"timeout": 3600})


def compliance_job() -> dict:
    """Art. 9.2, 11.1: check the links, then the stored files, then score
    the metadata (whose accessibility reads the fresh link results)."""
    from ckanext.angiang.catalogue import integrity, linkcheck, quality

    result = {"links": linkcheck.run(), "integrity": integrity.run(), "quality": quality.run()}
    result["integrity"].pop("failed")
    log.info("compliance job: %s", result)
    return result


def enqueue_compliance():
    return tk.enqueue_job(compliance_job, title=COMPLIANCE_TITLE, rq_kwargs={"timeout": 4 * 3600})


def _day_key(day: datetime.date, name: str = "freshness") -> str:
    return f"{tk.config.get('ckan.site_id')}:angiang:{name}:{day.isoformat()}"


def _once_a_day(name: str, hour: int, now: datetime.datetime, enqueue_it) -> bool:
    if now.hour < hour:
        return False
    if not connect_to_redis().set(_day_key(now.date(), name), "1", nx=True, ex=3 * 86400):
        return False
    enqueue_it()
    log.info("%s job enqueued for %s", name, now.date())
    return True


def tick(now: datetime.datetime | None = None) -> bool:
    """Enqueue today's freshness job if its hour has come and no scheduler
    did yet; the same for the compliance job. Whether freshness was."""
    now = now or datetime.datetime.now()
    enqueued = _once_a_day(
        "freshness", tk.config.get("ckanext.angiang.freshness.hour"), now, enqueue
    )
    _once_a_day(
        "compliance", tk.config.get("ckanext.angiang.compliance.hour"), now, enqueue_compliance
    )
    return enqueued


def flush_usage() -> None:
    """Usage counters from Redis to PostgreSQL (Art. 17.2), every interval."""
    from ckanext.angiang.catalogue import usage

    try:
        result = usage.flush()
        if result["uses"]:
            log.info("usage flushed: %s", result)
    except Exception:  # the counters stay in Redis for the next try
        import ckan.model as model

        model.Session.rollback()
        log.exception("usage flush failed")


def schedule_loop(interval: int | None, once: bool) -> None:
    interval = interval or tk.config.get("ckanext.angiang.freshness.scheduler_interval")
    while True:
        try:
            tick()
        except Exception:  # Redis away: log, keep the loop alive, try again
            log.exception("freshness scheduler: enqueue failed")
        flush_usage()
        if once:
            return
        time.sleep(interval)
