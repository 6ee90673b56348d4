"""Fixtures of the DataStore tests (Art. 5.2b): real xloader jobs.

A resource saved through the API enqueues xloader's job on CKAN's queue in
Redis; :func:`run_jobs` runs them with CKAN's own job worker (the one
``ckan jobs worker`` starts: each job in a forked process) until the queue is
empty. The job downloads uploaded files from, and reports to, the portal over
HTTP: ``portal`` serves the test application on 127.0.0.1 (a real HTTP
server in a thread) and points ``ckanext.xloader.site_url`` at it. Files given
by URL come from ``file_host``, another local HTTP server.
"""

from __future__ import annotations

import http.server
import socket
import threading

import ckan.lib.jobs as jobs
import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from angiang_testing import factories
from ckan.tests import factories as ckan_factories
from werkzeug.serving import make_server

from ckanext.datastore.backend.postgres import get_write_engine

# the ports of this suite's servers (5110-5119)
PORTS = range(5110, 5120)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db, plus the plugins' migrations: see tests/conftest.py."""


@pytest.fixture
def clean_datastore():
    """Every DataStore table dropped (the view, functions and _table_stats made by
    scripts/datastore-db.sh stay)."""
    engine = get_write_engine()
    with engine.begin() as conn:
        names = (
            conn.execute(
                sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename NOT LIKE '\\_%'"
                )
            )
            .scalars()
            .all()
        )
        for name in names:
            conn.execute(sa.text('DROP TABLE IF EXISTS "{}" CASCADE'.format(name.replace('"', ""))))


@pytest.fixture
def clean_queue():
    jobs.get_queue().empty()
    yield
    jobs.get_queue().empty()


@pytest.fixture
def portal(app, ckan_config, monkeypatch):
    """The test application served over HTTP on 127.0.0.1, as xloader's
    ``site_url``; yields its base URL."""
    port = free_port()
    server = make_server("127.0.0.1", port, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    monkeypatch.setitem(ckan_config, "ckanext.xloader.site_url", base)
    yield base
    server.shutdown()
    thread.join(5)


class FileHost:
    """A local HTTP server answering each path with the bytes given."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        files = self.files

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                body = files.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server.server_address[1]}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def file_host():
    host = FileHost()
    yield host
    host.close()


def run_jobs() -> None:
    """Run every queued job with CKAN's worker (forks per job), then return."""
    jobs.Worker().work(burst=True)


@pytest.fixture
def editor():
    """An agency editor with an API token, and the agency."""
    user = ckan_factories.UserWithToken()
    org = factories.Agency(users=[{"name": user["name"], "capacity": "editor"}])
    return {"user": user, "org": org, "token": user["token"]}


@pytest.fixture
def loading(with_plugins, clean_db, clean_datastore, clean_queue, portal):
    """Everything a real xloader run needs (the site user, committed, owns
    xloader's token); yields the portal's base URL."""
    tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return portal
