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
- claim each harvest object before fetching it: one atomic
  ``WAITING -> FETCH`` update in PostgreSQL, so that any number of fetch
  consumers (``HARVEST_FETCH_CONSUMERS`` in scripts/run-workers.sh, replicas
  of ``harvest-fetch`` in docker/) never fetch or import the same object
  twice, even when a message is queued twice (``resubmit_objects`` re-queues
  objects a gather is still publishing);
- hold a lease in Redis on the object being fetched and imported
  (:data:`LEASE_KEY`, taken with SET NX *before* the claim, renewed by a
  thread every third of ``ckanext.angiang.harvest.object_lease`` seconds,
  renewed and released only by its owner). A consumer killed mid-object
  (``kill -9``, the OOM killer, a lost machine) leaves it in state FETCH or
  IMPORT, which ckanext-harvest never resubmits (only WAITING objects) and
  which keeps its job running for ever. The scheduler puts such objects
  whose lease expired back to WAITING (:func:`requeue_orphans`);
  ``harvest_jobs_run`` then queues them again, and another consumer
  harvests each record exactly once.

The scheduler runs ``harvest_jobs_run`` every N seconds: it starts the
jobs of sources whose frequency is due (Art. 8.1, 8.3: data updated on the
catalogue's schedule) and marks finished jobs.
"""

from __future__ import annotations

import datetime
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
import redis

log = logging.getLogger(__name__)

BLOCK_SECONDS = 2
RECONNECT_SECONDS = 2
#: Redis key held while a consumer works on a harvest object.
LEASE_KEY = "angiang:harvest:lease:{}"


def lease_seconds() -> int:
    return tk.config.get("ckanext.angiang.harvest.object_lease")


class Lease:
    """The lease of one harvest object: taken only if nobody holds it
    (``held``), renewed by a daemon thread until released, renewed and
    released only by its owner (a token), expiring by itself if the
    process dies."""

    _RENEW = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end"
    )
    _RELEASE = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('del', KEYS[1]) else return 0 end"
    )

    def __init__(self, connection, object_id: str):
        self.connection = connection
        self.key = LEASE_KEY.format(object_id)
        self.seconds = max(3, lease_seconds())
        self.token = f"{os.getpid()}:{uuid.uuid4().hex}"
        self._done = threading.Event()
        self.held = bool(self.connection.set(self.key, self.token, nx=True, ex=self.seconds))
        if self.held:
            self._thread = threading.Thread(target=self._renew, daemon=True)
            self._thread.start()

    def _renew(self) -> None:
        while not self._done.wait(self.seconds / 3):
            try:
                self.connection.eval(self._RENEW, 1, self.key, self.token, self.seconds)
            except redis.exceptions.RedisError:
                log.warning("could not renew %s", self.key)

    def release(self) -> None:
        self._done.set()
        if not self.held:
            return
        try:
            self.connection.eval(self._RELEASE, 1, self.key, self.token)
        except redis.exceptions.RedisError:
            pass  # it expires


def _object_id(body) -> str | None:
    import json

    try:
        found = json.loads(body).get("harvest_object_id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None


def _queues(kind: str):
    from ckanext.harvest import queue

    if kind == "gather":
        return queue.get_gather_consumer, queue.gather_callback
    if kind == "fetch":
        return queue.get_fetch_consumer, queue.fetch_callback
    raise ValueError(kind)


def consume(
    kind: str, should_stop: Callable[[], bool] = lambda: False, max_messages: int | None = None
) -> int:
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
        lease = None
        try:
            # the lease first, then the claim: an object in FETCH always has
            # a live lease while its consumer lives (requeue_orphans)
            object_id = _object_id(body) if kind == "fetch" else None
            if object_id:
                lease = Lease(consumer.redis, object_id)
                if not lease.held:  # another consumer works on it: a duplicate
                    consumer.basic_ack(body)
                    continue
            if kind == "fetch" and not _claim(body):
                consumer.basic_ack(body)
                continue
            callback(consumer, queue.FakeMethod(body), consumer, body)
        except Exception:
            log.exception("%s consumer: message %s failed; carrying on", kind, body)
        finally:
            if lease is not None:
                lease.release()
            try:
                model.Session.remove()
            except Exception:
                log.exception("%s consumer: could not reset the database session", kind)
    return handled


def _claim(body: str) -> bool:
    """Claim the message's harvest object for this consumer: True when it
    was WAITING and is now FETCH (committed), False when another consumer
    has it or it is done (a duplicate message: acknowledged and dropped).

    ckanext-harvest's ``resubmit_objects`` (run by every ``harvest_jobs_run``)
    re-queues WAITING objects it does not see in the queue, including those
    the gather consumer is still publishing; without the claim such objects
    are fetched and imported twice, by two consumers at once."""
    import json

    import sqlalchemy as sa

    try:
        object_id = json.loads(body)["harvest_object_id"]
    except (ValueError, KeyError, TypeError):
        return True  # ckanext-harvest's callback reports a malformed message
    claimed = model.Session.execute(
        sa.text(
            "UPDATE harvest_object SET state = 'FETCH' "
            "WHERE id = :id AND state = 'WAITING' RETURNING id"
        ),
        {"id": object_id},
    ).first()
    model.Session.commit()
    if claimed is not None:
        return True
    # Unknown object: ckanext-harvest's callback logs and drops it.
    return (
        model.Session.execute(
            sa.text("SELECT 1 FROM harvest_object WHERE id = :id"), {"id": object_id}
        ).first()
        is None
    )


def requeue_orphans() -> list[str]:
    """Objects left in FETCH or IMPORT by a consumer that died (no lease in
    Redis) go back to WAITING, for ``harvest_jobs_run`` to queue again.
    Returns their ids."""
    from ckanext.harvest.model import HarvestJob, HarvestObject
    from ckanext.harvest.queue import get_connection

    stuck = (
        model.Session.query(HarvestObject)
        .join(HarvestJob, HarvestJob.id == HarvestObject.harvest_job_id)
        .filter(HarvestObject.state.in_(("FETCH", "IMPORT")), HarvestJob.status == "Running")
        .all()
    )
    if not stuck:
        return []
    connection = get_connection()
    orphans = [o for o in stuck if not connection.exists(LEASE_KEY.format(o.id))]
    for obj in orphans:
        log.warning(
            "harvest object %s was left in %s by a consumer that stopped; queueing it again",
            obj.id,
            obj.state,
        )
        obj.state = "WAITING"
    model.Session.commit()
    return [o.id for o in orphans]


def requeue_lost_jobs(grace: float | None = None) -> list[str]:
    """Jobs created while Redis was down: ckanext-harvest commits the job
    (``New``, or ``Running`` before it publishes) and then fails to publish
    it, and nothing ever sends it again. A job not gathered ``grace``
    seconds (``ckanext.angiang.harvest.lost_job_seconds``) after its
    creation, neither in the gather queue nor taken by a gather consumer
    (its persistence key), is sent again. Returns their ids."""
    import json

    from ckanext.harvest.model import HarvestJob
    from ckanext.harvest.queue import get_connection, get_gather_publisher, get_gather_routing_key

    if grace is None:
        grace = tk.config.get("ckanext.angiang.harvest.lost_job_seconds")
    cutoff = datetime.datetime.utcnow() - datetime.timedelta(seconds=grace)
    waiting = (
        model.Session.query(HarvestJob)
        .filter(
            HarvestJob.status.in_(("New", "Running")),
            HarvestJob.gather_started.is_(None),
            HarvestJob.created < cutoff,
        )
        .all()
    )
    if not waiting:
        return []
    connection = get_connection()
    key = get_gather_routing_key()
    queued = {json.loads(m).get("harvest_job_id") for m in connection.lrange(key, 0, -1)}
    lost = [
        job for job in waiting if job.id not in queued and not connection.exists(f"{key}:{job.id}")
    ]
    if not lost:
        return []
    publisher = get_gather_publisher()
    try:
        for job in lost:
            log.warning("harvest job %s was never queued (Redis down?); queueing it", job.id)
            job.status = "Running"
            model.Session.commit()
            publisher.send({"harvest_job_id": job.id})
    finally:
        publisher.close()
    return [job.id for job in lost]


def run_scheduler_once():
    """Queue again what a dead consumer or a Redis outage left, start due
    jobs and mark finished ones (``ckan harvester run``)."""
    if tk.config.get("ckan.harvest.mq.type", "redis") == "redis":
        requeue_orphans()
        requeue_lost_jobs()
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("harvest_jobs_run")(
        {"user": site_user["name"], "model": model, "session": model.Session}, {}
    )


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
