"""The production server, checked through HTTP with several workers.

    .venv/bin/python scripts/check_workers.py [--workers 2] [--db NAME] [--port N]

Starts the portal as production runs it (``scripts/serve-prod.sh``, as
``make serve-prod``: gunicorn with ``ckanext.angiang.serving.gunicorn_conf``,
``docker/production.ini``, a secret from the environment) on 127.0.0.1, in a database of its own that it creates
(``scripts/services.sh``) and drops at the end (it refuses to touch one that
exists already). Then, through the HTTP API, a dataset is created, retitled,
made private, made public and deleted; each write's response names the
worker that made it (``X-Angiang-Worker``, an opaque id per process, turned
on for this check only by ``ANGIANG_WORKER_HEADER=1``). After each write,
anonymous searches are sent two at a time (so that a busy worker leaves the
next one to another) until a worker OTHER than the writer answers as it
must (found, or no longer found). The step fails if that takes over
``--limit`` seconds (1 s) or if no other worker answers.

Also checked: the session cookie (which holds the CSRF token) and, after a
login with "remember me", the remember cookie are Secure, HttpOnly and
SameSite=Lax; the webassets are cached for good (``immutable``).

Prints a line per step (the figures) and exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.append(os.path.join(ROOT, "tests"))  # angiang_testing: valid agency/dataset fields
BIN = os.path.join(ROOT, ".venv", "bin")
INI = os.path.join(ROOT, "docker", "production.ini")
HEADER = "X-Angiang-Worker"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-qtA", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def database_exists(name: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


class Portal:
    """HTTP calls to the server under test."""

    def __init__(self, url: str, token: str = ""):
        self.url = url
        self.token = token

    def call(
        self, action: str, data: dict | None = None, auth: bool = True, params: dict | None = None
    ) -> tuple[dict, str]:
        """(result, answering worker) of an Action API call."""
        url = f"{self.url}/api/3/action/{action}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
        request.add_header("Content-Type", "application/json")
        if auth and self.token:
            request.add_header("Authorization", self.token)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)["result"], response.headers[HEADER]
        except urllib.error.HTTPError as e:
            raise SystemExit(f"{action}: HTTP {e.code}: {e.read()[:500]!r}") from None

    def get(self, path: str):
        request = urllib.request.Request(self.url + path)
        return urllib.request.urlopen(request, timeout=30)


def wait_until_up(portal: Portal, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode})")
        try:
            with portal.get("/healthz") as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"the portal did not answer /healthz within {seconds:.0f} s")


def warmed_workers(log) -> int:
    """Workers that logged their warm-up (gunicorn_conf.post_worker_init)."""
    log.flush()
    with open(log.name, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if "] worker " in line and "warmed up" in line)


def wait_for_workers(log, count: int, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while warmed_workers(log) < count:
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{warmed_workers(log)} of {count} workers warmed up")
        time.sleep(0.2)


def probe_until(portal: Portal, writer: str, word: str, expected: int, limit: float) -> dict:
    """Anonymous searches for ``word``, two at a time, until a worker other
    than ``writer`` returns ``expected`` matches (or ``limit`` seconds)."""
    started = time.perf_counter()
    figures = {"probes": 0, "stale_other": 0, "by_writer": 0, "seen_s": None, "worker": None}
    lock = threading.Lock()

    def probe():
        result, worker = portal.call("package_search", auth=False, params={"q": word, "rows": 1})
        elapsed = time.perf_counter() - started
        with lock:
            figures["probes"] += 1
            if worker == writer:
                figures["by_writer"] += 1
            elif result["count"] != expected:
                figures["stale_other"] += 1
            elif figures["seen_s"] is None:
                figures["seen_s"], figures["worker"] = elapsed, worker

    while figures["seen_s"] is None and time.perf_counter() - started < limit:
        pair = [threading.Thread(target=probe) for _ in range(2)]
        for t in pair:
            t.start()
        for t in pair:
            t.join()
    return figures


def run_steps(portal: Portal, limit: float) -> list[dict]:
    from angiang_testing.factories import agency_dict, dataset_dict

    mark = secrets.token_hex(4)
    old, new = f"alpha{mark}", f"beta{mark}"
    org, _ = portal.call(
        "organization_create", agency_dict(name=f"kiem-tra-{mark}", title=f"Sở Kiểm tra {mark}")
    )
    steps = []

    def step(name, action, data, word, expected):
        result, writer = portal.call(action, data)
        figures = probe_until(portal, writer, word, expected, limit)
        figures.update(step=name, writer=writer, query=word, expected=expected)
        steps.append(figures)
        return result

    made = step(
        "created",
        "package_create",
        dataset_dict(org["id"], name=f"kiem-tra-{mark}", title=f"Tập dữ liệu kiểm tra {old}"),
        old,
        1,
    )
    step(
        "retitled",
        "package_patch",
        {"id": made["id"], "title": f"Tập dữ liệu kiểm tra {new}"},
        new,
        1,
    )
    step("private", "package_patch", {"id": made["id"], "private": True}, new, 0)
    step("public", "package_patch", {"id": made["id"], "private": False}, new, 1)
    step("deleted", "package_delete", {"id": made["id"]}, new, 0)
    return steps


COOKIE_FLAGS = ("secure", "httponly", "samesite=lax")


def cookie_problems(where: str, cookies: list[str], name: str) -> list[str]:
    found = [c for c in cookies if c.startswith(name + "=")]
    print(
        f"  {where}: " + "; ".join(re.sub(r"=[^;]*", "=…", c, count=1) for c in found)
        if found
        else f"  {where}: -"
    )
    if not found:
        return [f"no {name} cookie from {where}"]
    have = {f.strip().lower() for f in found[-1].split(";")[1:]}
    return [f"{name} cookie from {where} without {f}" for f in COOKIE_FLAGS if f not in have]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_cookies(portal: Portal, mark: str) -> list[str]:
    """The session cookie (which holds the CSRF token) and, after a login
    with "remember me", the remember cookie: Secure, HttpOnly, SameSite=Lax."""
    name, password = f"kiem-tra-{mark}", secrets.token_urlsafe(18)
    portal.call(
        "user_create", {"name": name, "email": f"{name}@angiang.gov.vn", "password": password}
    )
    with portal.get("/user/login") as response:
        cookies = response.headers.get_all("Set-Cookie") or []
        page = response.read().decode("utf-8", "replace")
    problems = cookie_problems("GET /user/login", cookies, "ckan")
    session = re.search(r"ckan=([^;]*)", " ".join(cookies))
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    if not (session and token):
        return problems + ["no session or CSRF token on /user/login"]
    form = urllib.parse.urlencode(
        {"login": name, "password": password, "remember": "63072000", "_csrf_token": token.group(1)}
    )
    request = urllib.request.Request(
        portal.url + "/user/login",
        data=form.encode(),
        headers={"Cookie": f"ckan={session.group(1)}"},
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            status, cookies = response.status, response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as e:  # the redirect after a login
        status, cookies = e.code, e.headers.get_all("Set-Cookie") or []
    if status != 302:
        return problems + [f"login answered {status}, not 302"]
    problems += cookie_problems("POST /user/login", cookies, "ckan")
    problems += cookie_problems("POST /user/login", cookies, "remember_token")
    return problems


def check_assets(portal: Portal) -> list[str]:
    """The webassets of a page are cached for good (their names carry a hash)."""
    with portal.get("/") as response:
        page = response.read().decode("utf-8", "replace")
    asset = re.search(r'(/webassets/[^"\']+\.css)', page)
    if not asset:
        return ["no webassets stylesheet on /"]
    with portal.get(asset.group(1)) as response:
        cache = response.headers.get("Cache-Control", "")
    print(f"  {asset.group(1)}: Cache-Control: {cache}")
    if "immutable" not in cache or "max-age=315360000" not in cache:
        return [f"webassets cached as {cache!r}"]
    return []


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default="angiang_check_workers")
    parser.add_argument("--port", type=int, default=0, help="0: a free one")
    parser.add_argument(
        "--redis", default=os.environ.get("CKAN_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument(
        "--limit", type=float, default=1.0, help="seconds another worker may take to see a write"
    )
    args = parser.parse_args(argv)
    if args.workers < 2:
        parser.error("--workers must be at least 2")

    if database_exists(args.db):
        raise SystemExit(
            f"database {args.db} exists already: not touching it (drop it yourself or pass --db)"
        )
    subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), args.db], check=True)
    port = args.port or free_port()
    storage = tempfile.mkdtemp(prefix="check-workers-")
    env = dict(
        os.environ,
        CKAN_INI=INI,
        CKAN_SECRET_KEY=secrets.token_urlsafe(48),
        CKAN_SQLALCHEMY_URL=f"postgresql://angiang@127.0.0.1:5432/{args.db}",
        # its DataStore, made by services.sh beside the database
        CKAN_DATASTORE_WRITE_URL=f"postgresql://angiang@127.0.0.1:5432/{args.db}_datastore",
        CKAN_DATASTORE_READ_URL=(
            f"postgresql://angiang_datastore_ro@127.0.0.1:5432/{args.db}_datastore"
        ),
        CKAN_REDIS_URL=args.redis,
        CKAN_SITE_URL=f"http://127.0.0.1:{port}",
        CKAN_STORAGE_PATH=storage,
        ANGIANG_WORKER_HEADER="1",
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        PATH=f"{BIN}:{os.environ.get('PATH', '')}",
    )
    server = None
    log = open(os.path.join(storage, "gunicorn.log"), "w+")
    failed = []
    try:
        ckan = [os.path.join(BIN, "ckan"), "-c", INI]
        for command in (["db", "upgrade"], ["angiang", "ensure-sysadmin"]):
            subprocess.run(
                ckan + command,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        token = (
            subprocess.run(
                ckan + ["angiang", "token"], env=env, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        started = time.perf_counter()
        # what `make serve-prod` runs (it execs gunicorn: same process group)
        server = subprocess.Popen(
            [os.path.join(ROOT, "scripts", "serve-prod.sh")],
            env=dict(env, BIN=BIN),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        portal = Portal(f"http://127.0.0.1:{port}", token)
        wait_until_up(portal, server, 180)
        wait_for_workers(log, args.workers, server, 180)
        print(
            f"gunicorn: {args.workers} workers on 127.0.0.1:{port}, "
            f"answering after {time.perf_counter() - started:.1f} s"
        )
        steps = run_steps(portal, args.limit)
        seen_workers = set()
        print(
            f"{'step':<9} {'search':<14} {'want':>4} {'writer':<12} {'answered by':<12} "
            f"{'seen after':>10} {'probes':>6} {'stale':>5}"
        )
        for s in steps:
            seen_workers.update(w for w in (s["writer"], s["worker"]) if w)
            seen = f"{s['seen_s'] * 1000:.0f} ms" if s["seen_s"] is not None else "NOT SEEN"
            print(
                f"{s['step']:<9} {s['query']:<14} {s['expected']:>4} {s['writer']:<12} "
                f"{s['worker'] or '-':<12} {seen:>10} {s['probes']:>6} {s['stale_other']:>5}"
            )
            if s["seen_s"] is None:
                failed.append(
                    f"{s['step']}: no other worker answered {s['expected']} within {args.limit} s"
                )
        print(f"distinct workers that answered: {len(seen_workers)}")
        if len(seen_workers) < 2:
            failed.append("only one worker answered")
        failed += check_cookies(portal, secrets.token_hex(4))
        failed += check_assets(portal)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        log.seek(0)
        for line in log:  # gunicorn's line per worker (gunicorn_conf)
            if "] worker " in line and "warmed up" in line:
                print("  " + line[line.find("] worker ") + 2 :].strip())
        if failed:
            log.seek(0)
            sys.stdout.write(log.read()[-4000:])
        log.close()
        shutil.rmtree(storage, ignore_errors=True)
        psql(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
        psql(f"DROP DATABASE IF EXISTS {args.db}_datastore WITH (FORCE)")
    for problem in failed:
        print(f"FAILED: {problem}")
    print("multi-worker check: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
