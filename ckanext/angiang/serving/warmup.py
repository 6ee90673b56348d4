"""A worker's first requests, made to itself before it accepts connections.

A fresh process pays once for what it keeps in memory: Jinja's compiled
templates, the translation catalogues and, above all, the search docsets
(:mod:`ckanext.angiang.search.docsets`: about 2 s at 20,000 datasets). Without
a warm-up the first visitor of every worker, after every restart, waits for
them. gunicorn's ``post_worker_init`` hook (:mod:`.gunicorn_conf`) calls
:func:`warm_up` after the application is built and before the worker's first
``accept()``.

The warm-up goes through the public paths only (the whole WSGI stack, as an
anonymous visitor): the search page and the home page with their facets and
default sort, then the search API until one search is answered from the
docsets (a large catalogue reads a sort order in a thread; the SQL
statements answer meanwhile). Nothing in the search package changes for it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: Pages that read what every later request uses.
PAGES = ("/dataset/", "/")
#: A search answered from the docsets once they are read (default sort).
PROBE = "/api/3/action/package_search?rows=1"
#: Seconds to wait for the docsets' sort orders (read in a thread).
PATIENCE = 30.0


def _docsets():
    """The docsets of this process's database, when the search plugin serves
    search from them; otherwise None."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk

    from ckanext.angiang.search import backend, docsets

    if not backend.installed() or not tk.asbool(tk.config.get("ckanext.angiang.search.docsets")):
        return None
    return docsets.for_engine(model.meta.engine)


def warm_up(
    app, heartbeat: Callable[[], Any] | None = None, patience: float = PATIENCE
) -> dict[str, Any]:
    """Run the warm-up requests through ``app``; returns figures for the log:
    ``{"pages": {path: [status, seconds]}, "docsets": bool, "seconds": s}``."""
    import ckan.plugins.toolkit as tk
    from werkzeug.test import Client

    client = Client(app)
    base_url = tk.config.get("ckan.site_url") or "http://localhost"
    beat = heartbeat or (lambda: None)
    started = time.perf_counter()
    pages = {}
    for path in PAGES:
        t = time.perf_counter()
        response = client.get(path, base_url=base_url)
        pages[path] = [response.status_code, round(time.perf_counter() - t, 3)]
        response.close()
        beat()
    held = _docsets()
    answered = False
    deadline = time.monotonic() + patience
    while held is not None and time.monotonic() < deadline:
        before = held.answered
        response = client.get(PROBE, base_url=base_url)
        response.close()
        answered = held.answered > before
        if answered or response.status_code != 200:
            break
        beat()
        time.sleep(0.1)
    figures = {
        "pages": pages,
        "docsets": answered,
        "seconds": round(time.perf_counter() - started, 3),
    }
    log.info("Worker warmed up: %s", figures)
    return figures
