"""scripts/check_services.py: a missing service is one clear line naming it
and how to start it, never a traceback (run by `make` before CKAN commands)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from urllib.parse import urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "check_services.py")


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(ini: str, **env) -> subprocess.CompletedProcess:
    environ = {
        k: v for k, v in os.environ.items() if k not in ("CKAN_SQLALCHEMY_URL", "CKAN_REDIS_URL")
    }
    environ.update(env)
    return subprocess.run(
        [sys.executable, SCRIPT, ini],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
        cwd=ROOT,
    )


def _ini(tmp_path, ckan_config, **options) -> str:
    lines = ["[app:main]", f"use = config:{ckan_config['__file__']}"]
    lines += [f"{k} = {v}" for k, v in options.items()]
    path = tmp_path / "check.ini"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_silent_when_the_services_answer(tmp_path, ckan_config):
    result = _run(_ini(tmp_path, ckan_config))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_one_line_per_missing_service(tmp_path, ckan_config):
    pg_port, redis_port = _closed_port(), _closed_port()
    ini = _ini(
        tmp_path,
        ckan_config,
        **{
            "sqlalchemy.url": f"postgresql://angiang@127.0.0.1:{pg_port}/angiang",
            "ckan.redis.url": f"redis://127.0.0.1:{redis_port}/0",
        },
    )
    result = _run(ini)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(lines) == 2
    assert lines[0].startswith(f"services: PostgreSQL does not answer at 127.0.0.1:{pg_port}")
    assert lines[1].startswith(f"services: Redis does not answer at 127.0.0.1:{redis_port}")
    assert all("make services" in line for line in lines)


def test_environment_overrides_are_checked_too(tmp_path, ckan_config):
    port = _closed_port()
    result = _run(_ini(tmp_path, ckan_config), CKAN_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if line.startswith("services: Redis")
    ]
    assert f"127.0.0.1:{port}" in result.stderr


def test_a_missing_database_says_how_to_create_it(tmp_path, ckan_config):
    missing = "angiang_no_such_database_xyz"
    server = urlparse(ckan_config["sqlalchemy.url"])
    url = server._replace(path=f"/{missing}").geturl()
    result = _run(_ini(tmp_path, ckan_config, **{"sqlalchemy.url": url}))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"services: PostgreSQL at {server.hostname}:{server.port or 5432} has no database {missing}: "
        f"create it with `scripts/services.sh {missing}`"
    )
