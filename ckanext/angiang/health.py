"""Health of the services the portal needs (Art. 7.4: 24/7 operation,
Art. 7.6: regular checks and monitoring).

Each check returns ``(ok, detail)``; :func:`report` gathers them into the
JSON document served at ``/healthz``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import ckan.lib.redis as ckan_redis
import ckan.lib.search as search
import ckan.model as model
import sqlalchemy as sa


def _reason(e: Exception) -> str:
    """The driver's first line (SQLAlchemy appends the statement: never shown)."""
    cause = getattr(e, "orig", None) or e
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}".strip()[:300]


def check_database() -> tuple[bool, str]:
    try:
        model.Session.execute(sa.text("SELECT 1")).scalar()
        return True, "ok"
    except Exception as e:  # the failure itself is the report
        try:
            model.Session.rollback()
        except Exception:  # the connection is gone
            pass
        return False, _reason(e)


def check_redis() -> tuple[bool, str]:
    try:
        ckan_redis.connect_to_redis().ping()
        return True, "ok"
    except Exception as e:
        return False, _reason(e)


def check_search() -> tuple[bool, str]:
    """Ask the configured search backend (PostgreSQL or Solr) for one row."""
    try:
        query = search.query_for(model.Package)
        query.run({"q": "*:*", "rows": 0}, permission_labels=None)
        return True, "ok"
    except Exception as e:
        return False, _reason(e)


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
