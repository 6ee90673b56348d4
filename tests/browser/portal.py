"""A real portal for the browser tests: ``ckan run`` (ckan.ini's plugins,
Vietnamese first) on 127.0.0.1, on a database of its own holding the demo
data (``ckan angiang demo load``, idempotent), with a base-map tile server
on 127.0.0.1 (tiles drawn here: no network).

Its database is the test database's name + ``_browser`` (created by
scripts/services.sh); its Redis is the tests' own. Its ini is written to
``var/browser/portal.ini`` on top of ckan.ini.
"""

from __future__ import annotations

import configparser
import http.server
import json
import os
import pathlib
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "browser"
CKAN = str(pathlib.Path(sys.executable).parent / "ckan")
EDITOR = "bien-tap-vien-trinh-duyet"
PASSWORD = "Mat-khau-trinh-duyet-2026"
START_TIMEOUT = 180
DEFAULT_PORT = 5121


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG image (a base-map tile)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class TileServer:
    """XYZ tiles on 127.0.0.1: /{z}/{x}/{y}.png, a plain light tile each;
    ``requests`` lists the paths asked for."""

    TILE = _png(256, 256, (222, 235, 222))

    def __init__(self):
        tiles = self
        self.requests: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                tiles.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tiles.TILE)))
                self.end_headers()
                self.wfile.write(tiles.TILE)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Portal:
    def __init__(self, db_url: str, redis_url: str, csp: str, tiles: TileServer):
        # a fixed port: the demo's indexed download links carry the site URL
        self.port = int(os.environ.get("ANGIANG_BROWSER_PORT") or DEFAULT_PORT)
        self.url = f"http://127.0.0.1:{self.port}"
        base, _, name = db_url.rpartition("/")
        self.db_name = name.split("?")[0] + "_browser"
        self.db_url = f"{base}/{self.db_name}"
        # its DataStore (made by scripts/services.sh beside the database)
        parts = urllib.parse.urlsplit(f"{base}/{self.db_name}_datastore")
        self.datastore_write_url = parts.geturl()
        self.datastore_read_url = parts._replace(
            netloc=f"angiang_datastore_ro@{parts.hostname}:{parts.port or 5432}"
        ).geturl()
        self.redis_url = redis_url
        self.tiles = tiles
        self.csp = csp.replace("img-src 'self'", f"img-src 'self' {tiles.url}")
        self.ini = WORK / "portal.ini"
        self.log = WORK / "portal.log"
        self.processes: list[subprocess.Popen] = []

    # --- set-up ------------------------------------------------------------
    def _env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
        env.update(
            CKAN_SQLALCHEMY_URL=self.db_url,
            CKAN_REDIS_URL=self.redis_url,
            CKAN_DATASTORE_WRITE_URL=self.datastore_write_url,
            CKAN_DATASTORE_READ_URL=self.datastore_read_url,
            CKAN_SITE_URL=self.url,
            CKAN_STORAGE_PATH=str(WORK / "storage"),
            CKAN_INI=str(self.ini),
        )
        return env

    def _write_ini(self):
        WORK.mkdir(parents=True, exist_ok=True)
        (WORK / "storage").mkdir(exist_ok=True)
        base = (ROOT / "ckan.ini").read_text(encoding="utf-8")
        logging = base[base.index("[loggers]") :]
        self.ini.write_text(
            f"""# Written by tests/browser/portal.py for the browser tests
[app:main]
use = config:{ROOT / "ckan.ini"}
ckan.site_url = {self.url}
# a site id of its own: CKAN's job queues (xloader's) are named after it, and
# the tests' own processes share this Redis database
ckan.site_id = angiang_browser
sqlalchemy.url = {self.db_url}
ckan.datastore.write_url = {self.datastore_write_url}
ckan.datastore.read_url = {self.datastore_read_url}
ckan.redis.url = {self.redis_url}
ckan.storage_path = {WORK / "storage"}
ckanext.angiang.maps.tile_url = {self.tiles.url}/{{z}}/{{x}}/{{y}}.png
ckanext.angiang.maps.attribution = Bản đồ nền thử nghiệm
ckanext.angiang.security.content_security_policy = {self.csp}

{logging}""",
            encoding="utf-8",
        )
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(ROOT / "ckan.ini")
        self.plugin_names = parser["app:main"]["ckan.plugins"].split()

    def _ckan(self, *args, **kwargs):
        return subprocess.run(
            [CKAN, "-c", str(self.ini), *args],
            env=self._env(),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            **kwargs,
        )

    def _drop_databases(self):
        """This portal's own databases (``*_browser``), made by an earlier
        run whose files are not in this checkout's storage."""
        for name in (self.db_name, f"{self.db_name}_datastore"):
            subprocess.run(
                [
                    "psql",
                    "-qtA",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-c",
                    f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                ],
                check=True,
                capture_output=True,
            )

    def start(self):
        self._write_ini()
        # The demo's uploaded files live in WORK/storage: a database loaded
        # for another storage (another checkout, a wiped var/) names files
        # that are not here (downloads would fail), so it is made again.
        loaded = WORK / "storage" / f".demo-{self.db_name}"
        if not loaded.exists():
            self._drop_databases()
            (WORK / f"{self.db_name}.site_url").unlink(missing_ok=True)
        subprocess.run(
            [str(ROOT / "scripts" / "services.sh"), self.db_name], check=True, capture_output=True
        )
        self._ckan("angiang", "demo", "load", "--upgrade-db")
        loaded.touch()
        # the index keeps each dataset's links (downloads) as of its indexing:
        # rebuilt when this database was indexed for another portal address
        stamp = WORK / f"{self.db_name}.site_url"
        if not stamp.exists() or stamp.read_text() != self.url:
            self._ckan("search-index", "rebuild")
            stamp.write_text(self.url)
        self.token = self._ckan("angiang", "token").stdout.strip().splitlines()[-1]
        log = open(self.log, "w")
        self.processes.append(
            subprocess.Popen(
                [
                    CKAN,
                    "-c",
                    str(self.ini),
                    "run",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--disable-reloader",
                    "--threaded",
                ],
                env=self._env(),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.action("status_show")
                break
            except OSError:
                if self.processes[0].poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the portal did not start: see {self.log}") from None
                time.sleep(0.5)
        if "xloader" in self.plugin_names:
            # The demo's load queued a job for each of its files: a worker would
            # take minutes over them before a journey's own upload. The queue
            # is emptied; a journey submits the file it previews
            # (test_journeys._wait_loaded), xloader re-queues a pending one.
            self._ckan("jobs", "clear")
            # xloader's jobs: CKAN's background worker, once the portal answers
            # (xloader downloads each file from it: a job taken earlier fails)
            self.processes.append(
                subprocess.Popen(
                    [CKAN, "-c", str(self.ini), "jobs", "worker"],
                    env=self._env(),
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        self._editor()
        return self

    def _editor(self):
        """An editor of the first agency, with a password (made once)."""
        try:
            self.action("user_show", id=EDITOR)
        except urllib.error.HTTPError:
            self.action(
                "user_create",
                name=EDITOR,
                email=f"{EDITOR}@angiang.gov.vn",
                password=PASSWORD,
                fullname="Biên tập viên Trình duyệt",
            )
        self.agency = self.action("organization_list", limit=1)[0]
        self.action("organization_member_create", id=self.agency, username=EDITOR, role="editor")
        # the editor's publication is immediate here; review before publishing
        # (Art. 9.6) has its own tests (tests/catalogue/test_review.py)
        self.action("angiang_review_policy_update", agency=self.agency, required=False)

    def stop(self):
        for proc in reversed(self.processes):
            proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    # --- the Action API, as the sysadmin -----------------------------------
    def action(self, action: str, /, **data):
        request = urllib.request.Request(
            f"{self.url}/api/3/action/{action}",
            data=json.dumps(data).encode(),
            headers={
                "Content-Type": "application/json",
                **({"Authorization": self.token} if getattr(self, "token", None) else {}),
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["result"]

    def search(self, **params):
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(
            f"{self.url}/api/3/action/package_search?{query}", timeout=30
        ) as response:
            return json.load(response)["result"]
