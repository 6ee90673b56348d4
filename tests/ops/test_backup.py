"""``make backup`` / ``make restore`` (scripts/backup.py): a backup of the
test database and its file storage, restored into a new database and an
empty folder, holds every dataset, resource and stored file unchanged
(SHA-256 of each), the search index included. Art. 7.4 (continuous
operation) asks for the portal's data to survive the loss of its server."""

import hashlib
import json
import os
import subprocess
import sys

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "backup.py")

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db_with_migrations")

#: Each row of these tables, per id: a dataset and what makes it up.
DATASET_TABLES = {
    "package": "id",
    "resource": "id",
    "package_tag": "id",
    "tag": "id",
    "member": "id",
    "group": "id",
    "angiang_search_index": "index_id",
}


def _admin_ctx():
    return {"user": ckan_factories.Sysadmin()["name"], "ignore_auth": False}


def _upload(data: bytes, name: str):
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(data), name)


def _backup_tool(*args):
    # the CKAN database and the files only: no DataStore from the environment
    # (a pytest-xdist worker names its own there)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_DATASTORE_")}
    done = subprocess.run(
        [sys.executable, SCRIPT, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )
    return done


def _row_digests(url: str) -> dict[str, dict[str, str]]:
    """{table: {row id: SHA-256 of the row as JSON}} for DATASET_TABLES, and
    {"_counts": {table: rows}} for every table of the database."""
    engine = sa.create_engine(url)
    found: dict[str, dict[str, str]] = {}
    try:
        with engine.connect() as conn:
            for table, key in DATASET_TABLES.items():
                rows = conn.execute(
                    sa.text(f'SELECT {key}, row_to_json(t)::text FROM "{table}" AS t')
                ).all()
                found[table] = {r[0]: hashlib.sha256(r[1].encode()).hexdigest() for r in rows}
            tables = (
                conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                .scalars()
                .all()
            )
            found["_counts"] = {
                t: str(conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar())
                for t in tables
            }
    finally:
        engine.dispose()
    return found


def _file_digests(root: str) -> dict[str, str]:
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "webassets"]
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                out[os.path.relpath(os.path.join(folder, name), root)] = hashlib.sha256(
                    f.read()
                ).hexdigest()
    return out


def _psql_admin(sql: str):
    subprocess.run(
        ["psql", "-qtA", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def storage(tmp_path, ckan_config, monkeypatch):
    path = tmp_path / "storage"
    path.mkdir()
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(path))
    return str(path)


@pytest.fixture
def fresh_database():
    """A new, empty database beside the test database (created with the
    unaccent extension, as scripts/services.sh makes every database), dropped
    afterwards: this test creates it and drops only it."""
    url = sa.engine.make_url(tk.config["sqlalchemy.url"])
    name = f"{url.database}_restored"
    _psql_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    subprocess.run(
        [os.path.join(ROOT, "scripts", "services.sh"), name], check=True, capture_output=True
    )
    yield url.set(database=name).render_as_string(hide_password=False)
    _psql_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _catalogue():
    """Two agencies' datasets, public and private, with uploaded files and a
    link; returns the ids of the datasets."""
    ctx = _admin_ctx()
    ids = []
    for n in range(2):
        org = factories.Agency()
        for private in (False, True):
            ds = factories.Dataset(
                owner_org=org["id"],
                private=private,
                title=f"Dân số và lao động {n} {'riêng' if private else 'mở'}",
                tags=[{"name": "dân số"}],
            )
            ids.append(ds["id"])
            helpers.call_action(
                "resource_create",
                ctx,
                package_id=ds["id"],
                format="CSV",
                name="Số liệu",
                upload=_upload(f"xã,dân số\nMỹ Hòa Hưng,{1000 + n}\n".encode(), "so-lieu.csv"),
            )
            helpers.call_action(
                "resource_create",
                ctx,
                package_id=ds["id"],
                format="JSON",
                name="Dịch vụ",
                url=f"https://data.angiang.gov.vn/{n}.json",
            )
    return ids


def test_restore_into_a_new_database_keeps_every_dataset_resource_and_file(
    storage, fresh_database, tmp_path
):
    ids = _catalogue()
    source_url = tk.config["sqlalchemy.url"]
    dest = tmp_path / "backups"
    # two older complete backups and an unrelated folder: retention keeps 2
    for old in ("20200101T000000Z", "20200102T000000Z"):
        (dest / old).mkdir(parents=True)
        (dest / old / "manifest.json").write_text("{}")
    (dest / "notes").mkdir()

    done = _backup_tool(
        "backup", "--db-url", source_url, "--storage", storage, "--dest", str(dest), "--keep", "2"
    )
    assert done.returncode == 0, done.stderr
    made = sorted(d for d in os.listdir(dest) if d.endswith("Z"))
    assert made[0] == "20200102T000000Z" and len(made) == 2  # the oldest pruned
    assert (dest / "notes").is_dir()
    backup = dest / made[-1]
    manifest = json.loads((backup / "manifest.json").read_text())
    assert set(manifest["parts"]) == {"ckan.dump", "storage.tar.gz"}
    assert len([f for f in manifest["files"] if f.startswith("resources/")]) == 4

    restored_storage = tmp_path / "restored"
    done = _backup_tool(
        "restore", str(backup), "--db-url", fresh_database, "--storage", str(restored_storage)
    )
    assert done.returncode == 0, done.stderr

    before, after = _row_digests(source_url), _row_digests(fresh_database)
    assert set(before["package"]) >= set(ids)
    assert len(before["resource"]) == 8 and len(before["angiang_search_index"]) == 4
    for table in DATASET_TABLES:
        assert after[table] == before[table], table
    assert after["_counts"] == before["_counts"]
    files = _file_digests(storage)
    assert len(files) == 4
    assert _file_digests(str(restored_storage)) == files


def test_restore_refuses_a_database_in_use_and_a_damaged_backup(storage, tmp_path):
    _catalogue()
    source_url = tk.config["sqlalchemy.url"]
    dest = tmp_path / "backups"
    assert (
        _backup_tool(
            "backup", "--db-url", source_url, "--storage", storage, "--dest", str(dest)
        ).returncode
        == 0
    )
    backup = dest / os.listdir(dest)[0]

    # into the (non-empty) test database itself: refused, nothing restored
    done = _backup_tool(
        "restore", str(backup), "--db-url", source_url, "--storage", str(tmp_path / "elsewhere")
    )
    assert done.returncode != 0 and "not empty" in done.stderr
    assert not (tmp_path / "elsewhere").exists()

    with open(backup / "storage.tar.gz", "ab") as f:
        f.write(b"\0")
    done = _backup_tool(
        "restore", str(backup), "--db-url", source_url, "--storage", str(tmp_path / "elsewhere")
    )
    assert done.returncode != 0 and "storage.tar.gz: SHA-256 differs" in done.stderr


def _backup_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("angiang_backup_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_manifest_describes_the_tar_and_is_itself_checked(storage, tmp_path):
    import tarfile

    _catalogue()
    dest = tmp_path / "backups"
    assert (
        _backup_tool(
            "backup",
            "--db-url",
            tk.config["sqlalchemy.url"],
            "--storage",
            storage,
            "--dest",
            str(dest),
        ).returncode
        == 0
    )
    backup = dest / os.listdir(dest)[0]
    manifest = json.loads((backup / "manifest.json").read_text())
    with tarfile.open(backup / "storage.tar.gz") as tar:
        in_tar = {
            m.name: hashlib.sha256(tar.extractfile(m).read()).hexdigest()
            for m in tar.getmembers()
            if m.isfile()
        }
    assert in_tar == manifest["files"] and len(in_tar) == 4
    digest = (backup / "manifest.json.sha256").read_text().split()[0]
    assert digest == hashlib.sha256((backup / "manifest.json").read_bytes()).hexdigest()

    # a manifest edited to match a tampered part: refused before anything is restored
    manifest["parts"]["storage.tar.gz"] = "0" * 64
    (backup / "manifest.json").write_text(json.dumps(manifest))
    done = _backup_tool(
        "restore",
        str(backup),
        "--db-url",
        tk.config["sqlalchemy.url"],
        "--storage",
        str(tmp_path / "elsewhere"),
    )
    assert done.returncode != 0 and "manifest.json: SHA-256 differs" in done.stderr
    assert not (tmp_path / "elsewhere").exists()


def test_the_scheduler_survives_a_file_system_error_and_backs_up_the_next_time(
    storage, tmp_path, capsys
):
    import argparse
    import datetime as dt

    backup = _backup_module()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backups should go")
    dest = tmp_path / "backups"
    args = argparse.Namespace(
        config=None,
        db_url=tk.config["sqlalchemy.url"],
        datastore_url=None,
        storage=storage,
        dest=str(blocker / "x"),
        keep=0,
        hour=19,
    )
    waits = []

    def sleep(seconds):  # the next day comes at once; the disk is fixed after the first
        waits.append(seconds)
        if len(waits) == 2:
            args.dest = str(dest)

    failed = backup.schedule(
        args, rounds=2, sleep=sleep, now=lambda: dt.datetime(2026, 12, 5, 18, 0, tzinfo=dt.UTC)
    )
    err = capsys.readouterr().err
    assert failed == 1 and "backup FAILED: Not a directory" in err
    assert waits == [3600.0, 3600.0]
    done = [d for d in os.listdir(dest) if backup.STAMP.match(d)]
    assert len(done) == 1 and (dest / done[0] / "manifest.json").is_file()
