"""The production WSGI application.

    gunicorn -c python:ckanext.angiang.serving.gunicorn_conf

builds it with :func:`create_app` from the ini named by ``CKAN_INI``
(``docker/production.ini`` in production). The secret is taken from the
environment (``CKAN_SECRET_KEY``, or a file named by ``CKAN_SECRET_KEY_FILE``,
e.g. a Docker secret): without one, with a short or known development one, or
with an ini that sets ``SECRET_KEY`` to anything else, the server refuses to
start. Every cookie CKAN signs (the session, which holds the CSRF token, and
the remember-me cookie) and every API token depends on it.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping, MutableMapping
from typing import Any

SECRET_ENV = "CKAN_SECRET_KEY"
SECRET_FILE_ENV = "CKAN_SECRET_KEY_FILE"
MIN_SECRET_LENGTH = 32
#: Secrets committed to this repository (ckan.ini, test.ini): never production's.
KNOWN_SECRETS = frozenset({"angiang-dev-only-secret-change-me", "angiang-test-secret"})
#: ``ANGIANG_WORKER_HEADER=1`` adds this header to every response: an opaque
#: id of the worker process that answered (random per process, not its pid).
#: Off by default; ``scripts/check_workers.py`` turns it on.
WORKER_HEADER = "X-Angiang-Worker"
WORKER_HEADER_ENV = "ANGIANG_WORKER_HEADER"


class RefusedToStart(SystemExit):
    """Raised before anything is served; gunicorn's master stops with it."""

    def __init__(self, reason: str):
        super().__init__(f"Refusing to start the portal: {reason}")


def require_secret(environ: MutableMapping[str, str] = os.environ) -> str:
    """The production secret from the environment, or :class:`RefusedToStart`."""
    path = environ.get(SECRET_FILE_ENV)
    if path and not environ.get(SECRET_ENV):
        try:
            with open(path, encoding="utf-8") as f:
                environ[SECRET_ENV] = f.read().strip()
        except OSError as e:
            raise RefusedToStart(
                f"{SECRET_FILE_ENV}={path} cannot be read ({e.strerror})"
            ) from None
    secret = environ.get(SECRET_ENV, "").strip()
    if not secret:
        raise RefusedToStart(
            f"{SECRET_ENV} is not set. Generate one once and keep it with the "
            f"site's secrets: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    if secret in KNOWN_SECRETS:
        raise RefusedToStart(f"{SECRET_ENV} is a development secret from this repository")
    if len(secret) < MIN_SECRET_LENGTH:
        raise RefusedToStart(
            f"{SECRET_ENV} has {len(secret)} characters; at least {MIN_SECRET_LENGTH} are needed"
        )
    return secret


def require_config_secret(config: Mapping[str, Any], secret: str) -> None:
    if config.get("SECRET_KEY") != secret:
        raise RefusedToStart(
            f"the ini sets SECRET_KEY itself; production takes it from {SECRET_ENV} "
            f"(SECRET_KEY = %({SECRET_ENV})s, as in docker/production.ini)"
        )


def ini_path(environ: Mapping[str, str] = os.environ) -> str:
    path = environ.get("CKAN_INI")
    if not path:
        raise RefusedToStart(
            "CKAN_INI does not name the production ini (e.g. CKAN_INI=docker/production.ini)"
        )
    if not os.path.isfile(path):
        raise RefusedToStart(f"CKAN_INI={path}: no such file")
    return os.path.abspath(path)


class WorkerHeader:
    """Adds :data:`WORKER_HEADER` to every response (multi-worker checks)."""

    def __init__(self, app):
        self.app = app
        self.pid = 0
        self.token = ""

    def __call__(self, environ, start_response):
        if self.pid != os.getpid():  # one id per process, also after a fork
            self.pid, self.token = os.getpid(), secrets.token_hex(6)

        def start(status, headers, exc_info=None):
            return start_response(status, list(headers) + [(WORKER_HEADER, self.token)], exc_info)

        return self.app(environ, start)


def _keep_server_loggers() -> None:
    """CKAN's loader configures logging from the ini with ``fileConfig``,
    which disables every logger it does not name: gunicorn's error and
    access logs (worker timeouts, the access log) would go silent."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("gunicorn"):
            logging.getLogger(name).disabled = False


def create_app():
    """The portal as gunicorn serves it (a factory: nothing happens at import)."""
    from ckan.cli import CKANConfigLoader
    from ckan.common import config as ckan_config
    from ckan.config.middleware import make_app

    from . import static

    secret = require_secret()
    conf = CKANConfigLoader(ini_path()).get_config()  # also sets up logging
    _keep_server_loggers()
    require_config_secret(conf, secret)
    app = make_app(conf)
    app = static.wrap(app, ckan_config)
    if os.environ.get(WORKER_HEADER_ENV, "").lower() in ("1", "true", "yes", "on"):
        app = WorkerHeader(app)
    return app
