"""What the benchmarks share (written once): where the checkout is, the ini
file a benchmark runs CKAN with (its own ``[app:main]`` settings over one of
the project's ini files, logging to stderr at one level), a CKAN app context
in this process, the test helpers on ``sys.path``, and the machine's load
average, printed beside every figure (the machine is shared: figures are
compared with a baseline measured in the same run)."""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"


def database_url(name: str) -> str:
    """A benchmark's own database (created by :func:`make_database`)."""
    return f"postgresql://angiang@127.0.0.1:5432/{name}"


def make_database(name: str) -> None:
    """``scripts/services.sh name``: the services up, the database ``name``
    and its DataStore ``name_datastore`` created if missing."""
    import subprocess

    subprocess.run(
        [str(ROOT / "scripts" / "services.sh"), name],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def timed(fn, *args):
    """``(seconds, fn(*args))``."""
    import time

    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


LOGGING = """
[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = {level}
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)s [%(name)s] %(message)s
"""


def ini_text(base: str, settings: dict[str, object], level: str = "WARNING") -> str:
    """``[app:main]`` using ``base`` (an ini path) with ``settings``."""
    lines = ["[app:main]", f"use = config:{base}"]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    return "\n".join(lines) + "\n" + LOGGING.format(level=level)


def write_ini(
    base: str | os.PathLike,
    settings: dict[str, object],
    level: str = "WARNING",
    path: str | os.PathLike | None = None,
) -> str:
    """:func:`ini_text` written to ``path`` (default: a new temporary file
    the caller removes); returns the path."""
    text = ini_text(str(base), settings, level)
    if path is None:
        fd, path = tempfile.mkstemp(suffix=".ini", prefix="bench-")
        with os.fdopen(fd, "w") as f:
            f.write(text)
    else:
        pathlib.Path(path).write_text(text)
    return str(path)


def boot(ini: str):
    """CKAN configured from ``ini`` in this process, inside a request
    context (returned, pushed) as a web worker serves one."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    flask_app = getattr(app, "_wsgi_app", app)
    ctx = flask_app.test_request_context()
    ctx.push()
    return ctx


def generator():
    """benchmarks/search.py, the catalogue generator, loaded by its path:
    ``import search`` finds tests/search first once :func:`tests_on_path`
    has run."""
    import importlib.util

    module = sys.modules.get("bench_catalogue_generator")
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "bench_catalogue_generator", ROOT / "benchmarks" / "search.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def tests_on_path(*parts: str) -> None:
    """``tests/`` (``angiang_testing``: factories...) and ``tests/<parts>``
    importable, for benchmarks that reuse the tests' helpers."""
    for path in (ROOT / "tests", ROOT.joinpath("tests", *parts)):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def load_average() -> str:
    """One line to print beside figures: other work on the machine slows them."""
    one, five, fifteen = os.getloadavg()
    return (
        f"(load average {one:.1f} / {five:.1f} / {fifteen:.1f} over 1 / 5 / 15 min "
        f"on {os.cpu_count()} CPUs; other work on the machine slows every figure)"
    )
