"""pytest-xdist workers: the environment that gives each worker but the
first its own databases, Redis database and file storage (read by
tests/conftest.py's ``pytest_configure``)."""

from __future__ import annotations

import configparser
import os

#: The repository (var/ holds the workers' storage).
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


#: pytest-xdist: what each worker but the first gets of its own, as CKAN's
#: environment variables (they override the ini): its databases ``<name>_gwN``
#: and ``<name>_gwN_datastore`` (made by ``scripts/services.sh``), its Redis database (the ini's + N) and
#: its file storage. The first worker (gw0), and a run without xdist, use the
#: ini's. Fixed ports the suite owns stay apart by file (``--dist loadfile``:
#: the browser journeys' portal, the fault tests' servers).
WORKER_SETTINGS = {
    "CKAN_SQLALCHEMY_URL": "sqlalchemy.url",
    "CKAN_DATASTORE_WRITE_URL": "ckan.datastore.write_url",
    "CKAN_DATASTORE_READ_URL": "ckan.datastore.read_url",
    "CKAN_REDIS_URL": "ckan.redis.url",
}


def _ini_settings(ini_path: str) -> dict[str, str]:
    """``[app:main]`` of ``ini_path`` with what it inherits through
    ``use = config:...`` (tests/search/sql_only_test.ini uses test.ini)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(ini_path)
    section = dict(parser["app:main"]) if parser.has_section("app:main") else {}
    base = section.get("use", "")
    if base.startswith("config:"):
        inherited = _ini_settings(os.path.join(os.path.dirname(ini_path), base[len("config:") :]))
        section = {**inherited, **section}
    return section


def worker_environment(ini_path: str, worker: str | None) -> dict[str, str]:
    """The environment variables of xdist worker ``worker`` (``gw1``...)."""
    if not worker or not worker.startswith("gw") or worker == "gw0":
        return {}
    n = int(worker[2:])
    section = _ini_settings(ini_path)
    out = {}
    for env, key in WORKER_SETTINGS.items():
        url = os.environ.get(env) or section.get(key)
        if not url:
            continue
        base, _, last = url.rpartition("/")
        if env == "CKAN_REDIS_URL":
            out[env] = f"{base}/{int(last or 0) + n}"
        else:
            name, sep, query = last.partition("?")
            # the DataStore of database D is D_datastore (scripts/services.sh)
            stem, ds, _ = name.rpartition("_datastore") if "_datastore" in name else (name, "", "")
            out[env] = f"{base}/{stem}_{worker}{ds}{sep}{query}"
    out["CKAN_STORAGE_PATH"] = os.path.join(ROOT, "var", f"test-storage-{worker}")
    return out
