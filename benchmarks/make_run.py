"""Benchmark: `make run` from an empty database, then again (issue 2: a second
`make run` serves the portal in under 30 s and duplicates nothing).

Measured, in a database of its own (``angiang_bench_make_run``, created and
dropped here) and on a free loopback port:

- first ``make run``: seconds until ``GET /`` answers 200 (schema creation,
  20 agencies and 71 datasets with their 161 files loaded through the API);
- second ``make run``: the same, with everything already there;
- ``ckan angiang demo load`` alone on the loaded database (idempotent pass).

`make run` also starts the harvest workers once the portal answers; they are
stopped with it (the whole process group) after each measurement.

Baselines, measured in the same run on the same database and port:

- ``ckan run`` alone (no install check, services, schema or demo steps):
  seconds until ``GET /`` answers 200, the floor of any ``make run``;
- ``ckan angiang --help``: one CKAN command starting and stopping, the fixed
  cost of each of the four CKAN commands ``make run`` chains.

Usage (from the repository root; about 2 minutes on 2 cores):

    .venv/bin/python benchmarks/make_run.py
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
CKAN = str(ROOT / ".venv" / "bin" / "ckan")
DATABASE = "angiang_bench_make_run"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_200(url: str, proc: subprocess.Popen, timeout: float = 600) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as res:
                if res.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def serve(cmd: list[str], url: str, log: pathlib.Path) -> float:
    """Start ``cmd`` in its own process group, time it to the first 200 on
    ``url``, stop the whole group."""
    with log.open("ab") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_for_200(url, proc)
            return time.perf_counter() - started
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def timed(cmd: list[str], log: pathlib.Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    with log.open("a") as out:
        out.write(result.stdout + result.stderr)
    if result.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}")
    return elapsed, result.stdout + result.stderr


def main() -> None:
    work = pathlib.Path(tempfile.mkdtemp(prefix="bench-make-run-"))
    port = free_port()
    ini = work / "bench.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{ROOT / 'ckan.ini'}\n"
        f"sqlalchemy.url = postgresql://angiang@127.0.0.1:5432/{DATABASE}\n"
        "ckan.redis.url = redis://127.0.0.1:6379/5\n"
        f"ckan.site_url = http://127.0.0.1:{port}\n"
        f"ckan.storage_path = {work / 'storage'}\n",
        encoding="utf-8",
    )
    log = work / "bench.log"
    url = f"http://127.0.0.1:{port}/"
    make = [
        "make",
        "--no-print-directory",
        "run",
        f"CONFIG={ini}",
        f"PORTAL_DB={DATABASE}",
        f"PORTAL_PORT={port}",
    ]
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "angiang",
            "-d",
            "postgres",
            "-qc",
            f"DROP DATABASE IF EXISTS {DATABASE}",
        ],
        check=True,
    )
    try:
        first = serve(make, url, log)
        second = serve(make, url, log)
        load_wall, load_out = timed([CKAN, "-c", str(ini), "angiang", "demo", "load"], log)
        inner = re.search(r"demo load: .* in ([0-9.]+) s", load_out)
        counts = re.search(r"demo: .*", load_out)
        run_only = serve(
            [
                CKAN,
                "-c",
                str(ini),
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--disable-reloader",
                "--threaded",
            ],
            url,
            log,
        )
        helps = [timed([CKAN, "-c", str(ini), "angiang", "--help"], log)[0] for _ in range(3)]
    finally:
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "angiang",
                "-d",
                "postgres",
                "-qc",
                f"DROP DATABASE IF EXISTS {DATABASE}",
            ]
        )
        shutil.rmtree(work / "storage", ignore_errors=True)

    print(f"make run, empty database, to first page       {first:6.1f} s")
    print(f"make run, second time, to first page          {second:6.1f} s   (target < 30 s)")
    print(f"  baseline: ckan run alone, to first page     {run_only:6.1f} s")
    print(
        f"ckan angiang demo load, already loaded        {load_wall:6.1f} s   "
        f"(loader itself {float(inner.group(1)) if inner else float('nan'):.1f} s)"
    )
    print(f"  baseline: ckan angiang --help (median of 3) {statistics.median(helps):6.1f} s")
    print(f"  {counts.group(0) if counts else 'no count line'}")
    print(f"log: {log}")


if __name__ == "__main__":
    main()
