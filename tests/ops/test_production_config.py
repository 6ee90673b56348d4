"""The production configuration (docker/, ``make serve-prod``) is the tested
path: PostgreSQL search with the docsets, the plugin list ``make run`` and
the suite run, Secure cookies, the secret from the environment. Solr is an
opt-in overlay. There is no Docker engine here: the compose file is checked
as YAML, the ini files with CKAN's own loader and ``ckan config validate``;
``scripts/check_workers.py`` (run by ``.ci/run``) serves production.ini
under gunicorn."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from ckanext.angiang.serving import wsgi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCKER = os.path.join(ROOT, "docker")
SECRET = "s" * 20 + "-production-test-secret-0123456789"


def _load(path: str) -> dict:
    """The config CKAN reads from ``path`` (in a subprocess: CKAN's loader
    also reconfigures logging, which would silence this process's loggers)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys; from ckan.cli import CKANConfigLoader; "
            "print(json.dumps(CKANConfigLoader(sys.argv[1]).get_config()))",
            path,
        ],
        env=dict(os.environ, CKAN_SECRET_KEY=SECRET),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _plugins(conf) -> list[str]:
    return conf["ckan.plugins"].split()


def test_production_runs_the_plugins_of_the_tested_path():
    prod = _load(f"{DOCKER}/production.ini")
    dev = _load(f"{ROOT}/ckan.ini")
    assert _plugins(prod) == _plugins(dev)
    assert "angiang_search" in _plugins(prod)
    assert prod["ckanext.angiang.search.docsets"] == "true"


def test_production_cookies_are_secure_and_the_secret_comes_from_the_environment():
    prod = _load(f"{DOCKER}/production.ini")
    for key in (
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "REMEMBER_COOKIE_SECURE",
        "REMEMBER_COOKIE_HTTPONLY",
        "WTF_CSRF_ENABLED",
    ):
        assert prod[key] == "true", key
    assert prod["SESSION_COOKIE_SAMESITE"] == prod["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert prod["SECRET_KEY"] == SECRET
    with open(os.path.join(DOCKER, "production.ini"), encoding="utf-8") as f:
        assert "SECRET_KEY = %(CKAN_SECRET_KEY)s" in f.read()


def test_solr_is_an_overlay_without_the_postgresql_search_plugin():
    prod, solr = _load(f"{DOCKER}/production.ini"), _load(f"{DOCKER}/solr.ini")
    assert _plugins(solr) == [p for p in _plugins(prod) if p != "angiang_search"]
    assert solr["solr_url"].startswith("http://solr:")
    assert solr["SESSION_COOKIE_SECURE"] == "true"


def test_compose_defaults_to_postgresql_search_with_solr_behind_a_profile():
    with open(os.path.join(DOCKER, "docker-compose.yml"), encoding="utf-8") as f:
        compose = yaml.safe_load(f)
    services = compose["services"]
    assert services["solr"]["profiles"] == ["solr"]
    for name, service in services.items():
        if name == "solr":
            continue
        assert "profiles" not in service, name
        solr_dep = (
            (service.get("depends_on") or {}).get("solr")
            if isinstance(service.get("depends_on"), dict)
            else None
        )
        assert solr_dep is None or solr_dep.get("required") is False, name
        env = service.get("environment") or {}
        if "CKAN_INI" in env:
            assert env["CKAN_INI"] == "/srv/app/src/docker/${CKAN_CONFIG:-production.ini}", name
            assert "CKAN_SOLR_URL" not in env, name
            assert env["CKAN_SECRET_KEY"].startswith("${CKAN_SECRET_KEY:?"), name
    backup = services["backup"]
    assert backup["command"][:3] == ["python", "scripts/backup.py", "schedule"]
    assert backup["environment"]["BACKUP_KEEP"] == "${BACKUP_KEEP:-14}"
    assert "ckan-backups" in compose["volumes"]


def test_ckan_validates_the_production_config(tmp_path, ckan_config):
    # CKAN's command line connects to the database: the test database's
    env = dict(
        os.environ,
        CKAN_SECRET_KEY=SECRET,
        CKAN_STORAGE_PATH=str(tmp_path),
        CKAN_SQLALCHEMY_URL=ckan_config["sqlalchemy.url"],
        CKAN_REDIS_URL=ckan_config["ckan.redis.url"],
        CKAN_DATASTORE_WRITE_URL=ckan_config["ckan.datastore.write_url"],
        CKAN_DATASTORE_READ_URL=ckan_config["ckan.datastore.read_url"],
    )
    bin_dir = os.path.dirname(sys.executable)
    for name in ("production.ini", "solr.ini"):
        done = subprocess.run(
            [os.path.join(bin_dir, "ckan"), "-c", os.path.join(DOCKER, name), "config", "validate"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (name, done.stdout[-2000:], done.stderr[-2000:])


@pytest.mark.parametrize(
    "environ, reason",
    [
        ({}, "CKAN_SECRET_KEY is not set"),
        ({"CKAN_SECRET_KEY": "   "}, "CKAN_SECRET_KEY is not set"),
        ({"CKAN_SECRET_KEY": "short-secret"}, "at least 32"),
        ({"CKAN_SECRET_KEY": "angiang-dev-only-secret-change-me"}, "development secret"),
        ({"CKAN_SECRET_KEY_FILE": "/nonexistent/secret"}, "cannot be read"),
    ],
)
def test_a_missing_or_weak_secret_is_refused(environ, reason):
    with pytest.raises(wsgi.RefusedToStart) as e:
        wsgi.require_secret(dict(environ))
    assert reason in str(e.value)


def test_the_secret_can_come_from_a_file(tmp_path):
    path = tmp_path / "secret"
    path.write_text(SECRET + "\n")
    environ = {"CKAN_SECRET_KEY_FILE": str(path)}
    assert wsgi.require_secret(environ) == SECRET
    assert environ["CKAN_SECRET_KEY"] == SECRET


def test_gunicorn_refuses_to_start_without_a_secret_and_an_ini_with_its_own(tmp_path):
    bin_dir = os.path.dirname(sys.executable)
    command = [
        os.path.join(bin_dir, "gunicorn"),
        "-c",
        "python:ckanext.angiang.serving.gunicorn_conf",
        "--bind",
        "127.0.0.1:0",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_SECRET")}
    env["CKAN_INI"] = os.path.join(DOCKER, "production.ini")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Refusing to start the portal: CKAN_SECRET_KEY is not set" in done.stderr
    # a strong secret, but an ini that writes SECRET_KEY itself (ckan.ini)
    with pytest.raises(wsgi.RefusedToStart, match="sets SECRET_KEY itself"):
        wsgi.require_config_secret(_load(f"{ROOT}/ckan.ini"), SECRET)
