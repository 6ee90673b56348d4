"""Check that the services a CKAN config needs answer, before any `ckan`
command runs: PostgreSQL (`sqlalchemy.url`) and Redis (`ckan.redis.url`),
honouring CKAN's CKAN_SQLALCHEMY_URL / CKAN_REDIS_URL overrides.

Prints nothing and exits 0 when both answer. Otherwise prints ONE line per
service that does not, saying which one and how to start it, and exits 1:
CKAN itself would stop with a long traceback instead.

Usage: .venv/bin/python scripts/check_services.py [ckan.ini]   (run by `make`)
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse


def _how_to_start_pg() -> str:
    versions = (
        sorted(
            os.listdir("/etc/postgresql"),
            key=lambda v: [int(x) for x in v.split(".") if x.isdigit()],
        )
        if os.path.isdir("/etc/postgresql")
        else []
    )
    if not versions:
        return "install and start it with `make services` (it uses apt-get install postgresql)"
    return f"start it with `make services` (or: pg_ctlcluster --skip-systemctl-redirect {versions[-1]} main start)"


HOW_TO_START_REDIS = (
    "start it with `make services` (or: redis-server --daemonize yes "
    "--bind 127.0.0.1 --port {port})"
)


def _where(url: str, default_port: int) -> tuple[str, int]:
    parsed = urlparse(url)
    return parsed.hostname or "localhost", parsed.port or default_port


def check_postgres(url: str | None) -> str | None:
    if not url:
        return "sqlalchemy.url is not set in the CKAN config"
    import psycopg2

    host, port = _where(url, 5432)
    database = urlparse(url).path.lstrip("/") or "(default)"
    dsn = url.replace("postgresql+psycopg2://", "postgresql://", 1)
    try:
        psycopg2.connect(dsn, connect_timeout=3).close()
    except psycopg2.OperationalError as e:
        reason = (str(e).strip().splitlines() or ["unknown error"])[0]
        if "does not exist" in reason and "database" in reason:
            return (
                f"PostgreSQL at {host}:{port} has no database {database}: "
                f"create it with `scripts/services.sh {database}`"
            )
        if "authentication" in reason or "role" in reason:
            return f"PostgreSQL at {host}:{port} refused the connection ({reason}): check sqlalchemy.url"
        return f"PostgreSQL does not answer at {host}:{port} ({reason}): {_how_to_start_pg()}"
    return None


def check_redis(url: str | None) -> str | None:
    import redis

    url = url or "redis://localhost:6379/0"
    host, port = _where(url, 6379)
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except redis.exceptions.RedisError as e:
        reason = (str(e).strip().splitlines() or ["unknown error"])[0]
        return f"Redis does not answer at {host}:{port} ({reason}): {HOW_TO_START_REDIS.format(port=port)}"
    return None


def main(argv: list[str]) -> int:
    ini = argv[1] if len(argv) > 1 else os.environ.get("CKAN_INI", "ckan.ini")
    if not os.path.exists(ini):
        print(f"services: CKAN config {ini} not found", file=sys.stderr)
        return 2
    from ckan.cli import CKANConfigLoader

    conf = CKANConfigLoader(ini).get_config()
    problems = [
        check_postgres(os.environ.get("CKAN_SQLALCHEMY_URL") or conf.get("sqlalchemy.url")),
        check_redis(os.environ.get("CKAN_REDIS_URL") or conf.get("ckan.redis.url")),
    ]
    for problem in problems:
        if problem:
            print(f"services: {problem}", file=sys.stderr)
    return 1 if any(problems) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
