"""gunicorn's settings for the portal, from the environment.

    CKAN_INI=docker/production.ini gunicorn -c python:ckanext.angiang.serving.gunicorn_conf

=========================  ==============================================  =====================
variable                   meaning                                         default
=========================  ==============================================  =====================
``GUNICORN_BIND``          address(es) to listen on, space separated       ``127.0.0.1:5000``
``WEB_CONCURRENCY``        worker processes                                2 × CPU cores
``GUNICORN_THREADS``       threads per worker (>1: the gthread worker)     1 (sync workers)
``GUNICORN_TIMEOUT``       seconds a worker may be silent (also at boot)   60
``ANGIANG_WARM_UP``        0: no warm-up (for measuring it)                1
``ANGIANG_WORKER_HEADER``  1: ``X-Angiang-Worker`` on every response       0
=========================  ==============================================  =====================

Workers are sync by default: nginx (``docker/``) buffers slow clients, and a
process per request keeps each worker's search docsets single-threaded.
Each worker builds the application itself (no ``preload_app``): CKAN opens
connections and threads at start-up that must not be shared across a fork.
Any other gunicorn setting can be given on the command line or in
``GUNICORN_CMD_ARGS``.
"""

import multiprocessing
import os

from ckanext.angiang.serving.wsgi import require_secret

wsgi_app = "ckanext.angiang.serving.wsgi:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000").split()
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
# restart a worker now and then: bounds the memory a long-lived process gathers
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Refuse in the master, before any worker boots, without a secret."""
    require_secret()


def post_worker_init(worker):
    """Warm the worker up before its first accept() (:mod:`.warmup`)."""
    if os.environ.get("ANGIANG_WARM_UP", "1") == "0":
        return
    from ckanext.angiang.serving.warmup import warm_up

    try:
        figures = warm_up(worker.wsgi, heartbeat=worker.notify)
    except Exception:  # a worker that could not warm up still serves (cold)
        worker.log.exception("worker %s: warm-up failed; serving cold", worker.pid)
        return
    worker.log.info(
        "worker %s warmed up in %.2f s (docsets %s)",
        worker.pid,
        figures["seconds"],
        "read" if figures["docsets"] else "not read",
    )
