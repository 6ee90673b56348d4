"""Real services made and broken by the fault tests (tests/ops/test_faults_*.py).

- :class:`ThrowawayPostgres`: a PostgreSQL cluster of its own (``initdb`` in a
  temporary folder, its own port, run as the ``postgres`` user when the tests
  run as root, which PostgreSQL refuses), so a test can stop and start it
  without touching the shared server;
- :class:`ThrowawayRedis`: a ``redis-server`` on its own port, no persistence;
- :class:`ProductionServer`: ``scripts/serve-prod.sh`` (what ``make
  serve-prod`` runs: gunicorn, docker/production.ini, warm-up, WhiteNoise) on
  127.0.0.1 against those services;
- :class:`Load`: threads requesting a list of URLs without pause, recording
  every status, so a fault is seen the way visitors see it.

Ports come from the range the fault tests own (5151-5168, ``FAULT_PORT_BASE``).
"""

from __future__ import annotations

import collections
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")
INI = os.path.join(ROOT, "docker", "production.ini")
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
PORT_BASE = int(os.environ.get("FAULT_PORT_BASE", "5151"))


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        # as servers bind: connections of a server that just stopped linger
        # in TIME_WAIT on its port
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for(predicate, seconds: float, what: str, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        time.sleep(step)
    raise AssertionError(f"{what}: not within {seconds:.0f} s")


def http_get(url: str, timeout: float = 30) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary folder, on ``port``."""

    def __init__(self, port: int):
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="angiang-fault-pg-")
        self.data = os.path.join(self.dir, "data")
        self.user = None
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            self.user = pwd.getpwnam("postgres")
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        if self.user is not None:
            command = ("runuser", "-u", "postgres", "--") + command
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd=self.dir)

    @property
    def url(self) -> str:
        return f"postgresql://angiang@127.0.0.1:{self.port}/angiang_fault"

    def create(self) -> ThrowawayPostgres:
        assert port_is_free(self.port), f"port {self.port} is taken"
        self._run(
            f"{PG_BIN}/initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()
        for sql in (
            "CREATE ROLE angiang LOGIN SUPERUSER",
            "CREATE DATABASE angiang_fault OWNER angiang",
        ):
            self.psql(sql)
        return self

    def psql(self, sql: str, db: str = "postgres") -> str:
        return subprocess.run(
            [
                "psql",
                "-qtA",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def start(self) -> None:
        self._run(
            f"{PG_BIN}/pg_ctl",
            "-D",
            self.data,
            "-w",
            "-t",
            "60",
            "-l",
            os.path.join(self.dir, "server.log"),
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            f"-c fsync=off -c max_connections=60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(f"{PG_BIN}/pg_ctl", "-D", self.data, "-w", "-m", mode, "stop", check=False)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class ThrowawayRedis:
    """A ``redis-server`` on ``port`` with no persistence."""

    def __init__(self, port: int):
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="angiang-fault-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert port_is_free(self.port), f"port {self.port} is taken"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: not port_is_free(self.port), 10, "redis-server listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def ckan_environment(
    db_url: str, redis_url: str, port: int, storage: str, **extra: str
) -> dict[str, str]:
    from ckan.common import config

    return dict(
        os.environ,
        # the test's own DataStore databases (the ini names production's)
        CKAN_DATASTORE_WRITE_URL=config["ckan.datastore.write_url"],
        CKAN_DATASTORE_READ_URL=config["ckan.datastore.read_url"],
        CKAN_INI=INI,
        CKAN_SECRET_KEY=secrets.token_urlsafe(48),
        CKAN_SQLALCHEMY_URL=db_url,
        CKAN_REDIS_URL=redis_url,
        CKAN_SITE_URL=f"http://127.0.0.1:{port}",
        CKAN_STORAGE_PATH=storage,
        PATH=f"{BIN}:{os.environ.get('PATH', '')}",
        **extra,
    )


def ckan(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [os.path.join(BIN, "ckan"), "-c", INI, *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"ckan {' '.join(args)}: {done.stderr[-3000:]}"
    return done.stdout


class ProductionServer:
    """``scripts/serve-prod.sh`` on 127.0.0.1:``port``."""

    def __init__(self, env: dict[str, str], port: int, workers: int = 2):
        self.port = port
        self.env = dict(
            env,
            WEB_CONCURRENCY=str(workers),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_TIMEOUT="60",
            BIN=BIN,
        )
        self.workers = workers
        self.log = tempfile.NamedTemporaryFile(
            "w+", prefix="angiang-fault-gunicorn-", suffix=".log", delete=False
        )
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def warmed(self) -> int:
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return sum(1 for line in f if "] worker " in line and "warmed up" in line)

    def start(self, seconds: float = 240) -> ProductionServer:
        assert port_is_free(self.port), f"port {self.port} is taken"
        self.process = subprocess.Popen(
            [os.path.join(ROOT, "scripts", "serve-prod.sh")],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )

        def up():
            assert self.process.poll() is None, f"gunicorn stopped:\n{self.tail()}"
            return self.warmed() >= self.workers

        wait_for(up, seconds, "the production server's workers warmed up", 0.5)
        return self

    def tail(self, chars: int = 4000) -> str:
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()[-chars:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()
        os.unlink(self.log.name)

    def log_text(self) -> str:
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()


class Load:
    """``threads`` clients requesting ``paths`` in turn, without pause; every
    answer is recorded as (time, path, status, Retry-After)."""

    def __init__(self, base: str, paths: list[str], threads: int = 4):
        self.base = base
        self.paths = paths
        self.threads = threads
        self.answers: list[tuple[float, str, int, str | None]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []

    def _client(self, offset: int) -> None:
        i = offset
        while not self._stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            try:
                status, headers, _body = http_get(self.base + path, timeout=60)
                retry = headers.get("Retry-After")
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                status, retry = 0, None  # no HTTP answer at all
            with self._lock:
                self.answers.append((time.monotonic(), path, status, retry))

    def __enter__(self) -> Load:
        for n in range(self.threads):
            t = threading.Thread(target=self._client, args=(n,), daemon=True)
            t.start()
            self._workers.append(t)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._workers:
            t.join(90)

    def since(self, moment: float) -> list[tuple[float, str, int, str | None]]:
        with self._lock:
            return [a for a in self.answers if a[0] >= moment]

    def statuses(self, answers=None) -> collections.Counter:
        return collections.Counter(a[2] for a in (self.answers if answers is None else answers))
