"""Health of the services the portal needs (Art. 7.4: 24/7 operation,
Art. 7.6: regular checks and monitoring).

Each check returns ``(ok, detail)``; :func:`report` gathers them into the
JSON document served at ``/healthz``.
"""
from __future__ import annotations

import time
from typing import Any, Callable

import sqlalchemy as sa

import ckan.lib.redis as ckan_redis
import ckan.lib.search as search
import ckan.model as model


def check_database() -> tuple[bool, str]:
    try:
        model.Session.execute(sa.text("SELECT 1")).scalar()
        return True, "ok"
    except Exception as e:  # the failure itself is the report
        model.Session.rollback()
        return False, f"{type(e).__name__}: {e}".strip()[:300]


def check_redis() -> tuple[bool, str]:
    try:
        ckan_redis.connect_to_redis().ping()
        return True, "ok"
    except Exception as e:
        return False, f"{type(e).__name__}: {e}".strip()[:300]


def check_search() -> tuple[bool, str]:
    """Ask the configured search backend (PostgreSQL or Solr) for one row."""
    try:
        query = search.query_for(model.Package)
        query.run({"q": "*:*", "rows": 0}, permission_labels=None)
        return True, "ok"
    except Exception as e:
        return False, f"{type(e).__name__}: {e}".strip()[:300]


CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {
    "database": check_database,
    "redis": check_redis,
    "search": check_search,
}


def report() -> dict[str, Any]:
    """Run every check; ``status`` is ``up`` only when all of them pass."""
    services = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        ok, detail = check()
        services[name] = {
            "status": "up" if ok else "down",
            "detail": detail,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    up = all(s["status"] == "up" for s in services.values())
    return {"status": "up" if up else "down", "services": services}
