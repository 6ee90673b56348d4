"""An upload beyond ``ckan.max_resource_size``, and an upload onto a full
disk, end as a field error (HTTP 409 with the ``upload`` field, in
Vietnamese and English), never a 500, and leave nothing half-stored: no
resource row, no file, no partly written temporary file
(ckanext/angiang/metadata/checksum.py).

The full disk is real: a 1 MB tmpfs mounted as the storage folder (the
tests run as root here). Where mounting is not permitted, the file size
limit of the process (RLIMIT_FSIZE, EFBIG: the same "cannot store" path)
stands in for it, and the test says so in its output."""

from __future__ import annotations

import io
import os
import resource
import signal
import subprocess

import ckan.model as model
import pytest
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db_with_migrations")


def _files(root) -> list[str]:
    return sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names)


@pytest.fixture
def dataset():
    admin = ckan_factories.SysadminWithToken()
    agency = factories.Agency()
    return admin, factories.Dataset(owner_org=agency["id"])


def _upload(app, token, package_id, size, lang=""):
    content = (b"ma,ten\n" + b"1,Xa My Hoa Hung\n" * (size // 17 + 1))[:size]
    return app.post(
        f"{lang}/api/action/resource_create",
        data={
            "package_id": package_id,
            "format": "CSV",
            "name": "Bang lon",
            "upload": (io.BytesIO(content), "bang.csv"),
        },
        headers={"Authorization": token},
    )


def _nothing_stored(package_id, storage):
    assert model.Session.query(model.Resource).filter_by(package_id=package_id).count() == 0
    assert [f for f in _files(storage) if "/resources/" in f] == []


@pytest.mark.ckan_config("ckan.max_resource_size", 1)
def test_an_upload_beyond_the_size_limit_is_refused_and_nothing_stored(
    app, dataset, tmp_path, ckan_config, monkeypatch
):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    admin, ds = dataset
    res = _upload(app, admin["token"], ds["id"], 1024 * 1024 + 10)
    assert res.status_code == 409, res.body
    assert res.json["error"]["upload"]
    _nothing_stored(ds["id"], tmp_path)
    vi = _upload(app, admin["token"], ds["id"], 1024 * 1024 + 10, lang="/vi")
    assert vi.status_code == 409 and vi.json["error"]["upload"]
    _nothing_stored(ds["id"], tmp_path)


@pytest.fixture
def full_disk(tmp_path):
    """A storage folder that holds 1 MB: a tmpfs if it can be mounted, else
    the process's file size limit set to 256 kB while the test runs."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode == 0:
        print("\nfull disk: a 1 MB tmpfs")
        try:
            yield mount, None
        finally:
            subprocess.run(["umount", str(mount)], check=True)
        return
    print(f"\nfull disk: tmpfs not permitted ({done.stderr.decode().strip()}); RLIMIT_FSIZE")
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        yield mount, (256 * 1024, old_limit[1])
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


@pytest.mark.ckan_config("ckan.max_resource_size", 10)
def test_an_upload_onto_a_full_disk_is_a_clean_error_and_nothing_is_half_stored(
    app, dataset, full_disk, ckan_config, monkeypatch
):
    storage, limit = full_disk
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(storage))
    admin, ds = dataset
    if limit is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
    try:
        for lang, word in (("/en", "storage is full"), ("/vi", "đầy")):
            res = _upload(app, admin["token"], ds["id"], 2 * 1024 * 1024, lang=lang)
            assert res.status_code == 409, res.body
            assert word in res.json["error"]["upload"][0]
            _nothing_stored(ds["id"], storage)
    finally:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, limit[1]))
    # room again: the same upload, smaller, is stored whole
    res = _upload(app, admin["token"], ds["id"], 100 * 1024)
    assert res.status_code == 200, res.body
    stored = [f for f in _files(storage) if "/resources/" in f]
    assert len(stored) == 1 and os.path.getsize(stored[0]) == 100 * 1024
    assert not stored[0].endswith("~")
