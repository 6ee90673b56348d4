"""The harvest workers: gather and fetch consumers that do not die, and the scheduler.

ckanext-harvest 1.6.3's own consumers (``ckan harvester gather-consumer``)
block on ``BLPOP`` with no timeout, but redis-py 8 (pinned by CKAN 2.12)
gives every connection a 5-second socket timeout: an idle consumer dies
with ``redis.exceptions.TimeoutError`` five seconds after its last job
(measured here; see tests/harvesters/test_queues.py). Its gather callback
also re-raises any exception of a harvester. These loops use the same
queues, messages and callbacks (``ckanext.harvest.queue``) but:

- block in short server-side waits (``BLPOP key 2``), well inside the
  socket timeout;
- reconnect after a Redis error instead of exiting;
- log and survive any exception of a callback (the message keeps its
  persistence key, so ckanext-harvest's ``resubmit_jobs`` retries it);
- drop fetch messages of objects already done (duplicates queued by
  ``resubmit_objects`` while a gather is still publishing).

The scheduler runs ``harvest_jobs_run`` every N seconds: it starts the
jobs of sources whose frequency is due (Art. 8.1, 8.3: data updated on the
catalogue's schedule) and marks finished jobs.
"""
from __future__ import annotations

import datetime
import logging
import time
from typing import Callable, Optional

import redis

import ckan.model as model
import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

BLOCK_SECONDS = 2
RECONNECT_SECONDS = 2


def _queues(kind: str):
    from ckanext.harvest import queue

    if kind == "gather":
        return queue.get_gather_consumer, queue.gather_callback
    if kind == "fetch":
        return queue.get_fetch_consumer, queue.fetch_callback
    raise ValueError(kind)


def consume(kind: str, should_stop: Callable[[], bool] = lambda: False,
            max_messages: Optional[int] = None) -> int:
    """Consume the ``gather`` or ``fetch`` queue until ``should_stop()``
    (or ``max_messages`` handled); returns the number of messages handled."""
    from ckanext.harvest import queue

    if tk.config.get("ckan.harvest.mq.type", "redis") != "redis":
        # RabbitMQ: ckanext-harvest's own loop (pika has no such timeout).
        from ckanext.harvest import utils
        (utils.gather_consumer if kind == "gather" else utils.fetch_consumer)()
        return 0
    get_consumer, callback = _queues(kind)
    handled = 0
    consumer = None
    while not should_stop() and (max_messages is None or handled < max_messages):
        try:
            if consumer is None:
                consumer = get_consumer()
            item = consumer.redis.blpop(consumer.routing_key, timeout=BLOCK_SECONDS)
            if item is None:
                continue
            _, body = item
            consumer.redis.set(consumer.persistance_key(body), str(datetime.datetime.now()))
        except redis.exceptions.RedisError as e:
            log.warning("%s consumer: Redis error (%s); reconnecting", kind, e)
            consumer = None
            time.sleep(RECONNECT_SECONDS)
            continue
        handled += 1
        try:
            if kind == "fetch" and _already_done(body):
                consumer.basic_ack(body)
                continue
            callback(consumer, queue.FakeMethod(body), consumer, body)
        except Exception:
            log.exception("%s consumer: message %s failed; carrying on", kind, body)
        finally:
            try:
                model.Session.remove()
            except Exception:
                log.exception("%s consumer: could not reset the database session", kind)
    return handled


def _already_done(body: str) -> bool:
    """A fetch message for an object already COMPLETE or in ERROR: a
    duplicate. ckanext-harvest's ``resubmit_objects`` (run by every
    ``harvest_jobs_run``) re-queues WAITING objects it does not see in the
    queue, which includes those the gather consumer is still publishing;
    without this check such objects are fetched and imported twice (and
    their report turns from "added" to "not modified")."""
    import json

    from ckanext.harvest.model import HarvestObject

    try:
        obj = HarvestObject.get(json.loads(body)["harvest_object_id"])
    except (ValueError, KeyError, TypeError):
        return False
    return obj is not None and obj.state in ("COMPLETE", "ERROR")


def run_scheduler_once():
    """Start due jobs and mark finished ones (``ckan harvester run``)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("harvest_jobs_run")({"user": site_user["name"], "model": model,
                                       "session": model.Session}, {})


def schedule(interval: float, should_stop: Callable[[], bool] = lambda: False):
    while not should_stop():
        try:
            run_scheduler_once()
        except Exception:
            log.exception("harvest scheduler: harvest_jobs_run failed; carrying on")
        finally:
            model.Session.remove()
        end = time.monotonic() + interval
        while time.monotonic() < end and not should_stop():
            time.sleep(min(1.0, interval))
