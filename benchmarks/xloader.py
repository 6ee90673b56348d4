"""xloader benchmark: a 100,000-row Vietnamese CSV into the DataStore (Art. 5.2b).

    .venv/bin/python benchmarks/xloader.py [--rows 100000] [--ini test.ini] [--redis-db 3]

On a database of its own (``angiang_bench_data`` and its DataStore
``angiang_bench_data_datastore``, made by scripts/services.sh, cleaned at
start), with the portal served on 127.0.0.1 (xloader's jobs report to it) and
the files on a local HTTP server:

1. baseline: PostgreSQL ``COPY`` of the UTF-8 file into a table of text
   columns (the least any loader can take);
2. the portal's encoding step alone (ckanext.angiang.datastore.encoding:
   detect + rewrite as UTF-8 NFC) on the UTF-8 and the TCVN3 file;
3. xloader, end to end: ``resource_create`` with the file's URL, then
   ``ckan jobs worker --burst`` (download, encoding step, COPY, indexes,
   callback), for the UTF-8 file and the TCVN3 file; the worker's own start
   (an empty ``--burst`` run) is measured and shown apart.

Prints the machine's load average beside the figures.
"""

from __future__ import annotations

import argparse
import http.server
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from common import ini_text, make_database  # noqa: E402

DB = "angiang_bench_data"
PORT = 5112
FILE_PORT = 5113
HEADER = [
    "Mã hộ",
    "Họ và tên chủ hộ",
    "Khóm/ấp",
    "Phường/xã",
    "Số nhân khẩu",
    "Diện tích đất (m2)",
    "Ngày cập nhật",
    "Ghi chú",
]
PLACES = [
    "phường Long Xuyên",
    "phường Mỹ Thới",
    "xã Mỹ Hòa Hưng",
    "phường Châu Đốc",
    "xã Thoại Sơn",
    "đặc khu Phú Quốc",
]


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def make_csv(path: pathlib.Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\r\n")
        for i in range(rows):
            f.write(
                f"H{i:07d},Nguyễn Thị Ánh Tuyết {i % 97},Khóm Đông Thịnh {i % 13},"
                f"{PLACES[i % len(PLACES)]},{1 + i % 9},{100 + i % 5000}.5,"
                f"2025-{1 + i % 12:02d}-{1 + i % 28:02d},ưu tiên hỗ trợ đường điện\r\n"
            )


def serve_files(folder: pathlib.Path):
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *a, directory=str(folder), **kw
    )
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", FILE_PORT), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ini", default=str(ROOT / "test.ini"))
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--redis-db", type=int, default=3)
    args = ap.parse_args()

    make_database(DB)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-xloader-"))
    ini = tmp / "bench.ini"
    site = f"http://127.0.0.1:{PORT}"
    ini.write_text(
        ini_text(
            os.path.abspath(args.ini),
            {
                "sqlalchemy.url": f"postgresql://angiang@127.0.0.1:5432/{DB}",
                "ckan.datastore.write_url": f"postgresql://angiang@127.0.0.1:5432/{DB}_datastore",
                "ckan.datastore.read_url": f"postgresql://angiang_datastore_ro@127.0.0.1:5432/{DB}_datastore",
                "ckan.redis.url": f"redis://127.0.0.1:6379/{args.redis_db}",
                "ckan.storage_path": tmp / "storage",
                "ckan.site_url": site,
                # its own RQ queue (ckan:<site id>:default), apart from tests sharing the Redis db
                "ckan.site_id": "angiang_bench",
                "ckanext.angiang.datastore.allowed_hosts": "127.0.0.1",
            },
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    ckan = str(pathlib.Path(sys.executable).with_name("ckan"))
    for cmd in (["db", "clean", "--yes"], ["db", "upgrade"]):
        subprocess.run(
            [ckan, "-c", str(ini), *cmd],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    os.environ.clear()
    os.environ.update(env)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    from werkzeug.serving import make_server

    app = make_app(load_config(str(ini)))
    server = make_server("127.0.0.1", PORT, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with app._wsgi_app.test_request_context():
            return run(args, ini, ckan, tmp, env)
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, ini, ckan, tmp, env) -> int:
    import ckan.lib.jobs as jobs
    import ckan.plugins.toolkit as tk
    from angiang_testing import factories
    from datastore.samples import to_tcvn3

    from ckanext.angiang.datastore import encoding
    from ckanext.datastore.backend.postgres import get_write_engine

    files = tmp / "files"
    files.mkdir()
    utf8 = files / "ho-dan.csv"
    make_csv(utf8, args.rows)
    (files / "ho-dan-tcvn3.csv").write_bytes(to_tcvn3(utf8.read_text(encoding="utf-8")))
    size_mb = utf8.stat().st_size / 1e6
    print(f"{args.rows:,} rows x {len(HEADER)} columns, {size_mb:.1f} MB UTF-8; {load()}")

    # 1. baseline: COPY into text columns
    engine = get_write_engine()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cols = ", ".join(f'"{h}" text' for h in HEADER)
        cur.execute(f"DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy ({cols})")
        started = time.monotonic()
        with open(utf8, "rb") as f:
            cur.copy_expert("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER 1)", f)
        raw.commit()
        copy_s = time.monotonic() - started
        cur.execute("DROP TABLE bench_copy")
        raw.commit()
    finally:
        raw.close()
    print(f"{'baseline: COPY into text columns':<44} {copy_s:7.2f} s   {load()}")

    # 2. the encoding step alone
    for name in ("ho-dan.csv", "ho-dan-tcvn3.csv"):
        copy = tmp / f"enc-{name}"
        shutil.copy(files / name, copy)
        started = time.monotonic()
        detected = encoding.normalise(str(copy))
        took = time.monotonic() - started
        print(f"{'encoding step, ' + detected.label:<44} {took:7.2f} s   {load()}")

    # 3. xloader end to end
    file_server = serve_files(files)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    org = factories.Agency()
    jobs.get_queue().empty()

    def worker_burst() -> float:
        started = time.monotonic()
        subprocess.run(
            [ckan, "-c", str(ini), "jobs", "worker", "--burst"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.monotonic() - started

    start_s = worker_burst()
    print(f"{'worker start, empty queue (not in figures)':<44} {start_s:7.2f} s   {load()}")
    for name, label in (("ho-dan.csv", "UTF-8"), ("ho-dan-tcvn3.csv", "TCVN3")):
        ds = factories.Dataset(owner_org=org["id"])
        res = tk.get_action("resource_create")(
            dict(context),
            {
                "package_id": ds["id"],
                "format": "CSV",
                "name": name,
                "url": f"http://127.0.0.1:{FILE_PORT}/{name}",
            },
        )
        took = worker_burst() - start_s
        info = tk.get_action("datastore_search")(
            dict(context), {"resource_id": res["id"], "limit": 1}
        )
        ok = info["total"] == args.rows and info["records"][0]["Họ và tên chủ hộ"].startswith(
            "Nguyễn Thị Ánh Tuyết"
        )
        print(
            f"{'xloader end to end, ' + label:<44} {took:7.2f} s   "
            f"{args.rows / took:9,.0f} rows/s  ({took / copy_s:.1f} x COPY)  "
            f"rows {info['total']:,} {'ok' if ok else 'WRONG'}   {load()}"
        )
    file_server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
