"""The integrity job (Art. 9.2, 11.1b) on real stored uploads: a file
changed on disk is a mismatch, a deleted one is missing; the CLI reports
them and fails."""

import hashlib
import os

import ckan.model as model
import pytest
import sqlalchemy as sa
from angiang_testing import factories
from ckan.cli.cli import ckan as ckan_cli
from ckan.lib.uploader import ResourceUpload
from ckan.tests import factories as ckan_factories

from ckanext.angiang.catalogue import integrity
from ckanext.angiang.catalogue import model as cm

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def uploads(create_with_upload):
    sysadmin = ckan_factories.Sysadmin()
    org = factories.Agency()
    ds = factories.Dataset(owner_org=org["id"])
    made = {}
    for name in ("giu-nguyen", "bi-sua", "bi-xoa"):
        content = f"mã,tên\n1,{name}\n".encode()
        made[name] = create_with_upload(
            content,
            f"{name}.csv",
            package_id=ds["id"],
            context={"user": sysadmin["name"]},
            format="CSV",
        )
    return ds, made


def _path(resource):
    return ResourceUpload({"id": resource["id"]}).get_path(resource["id"])


def test_changed_and_deleted_files_are_reported(uploads):
    ds, made = uploads
    assert integrity.run()["ok"] == 3
    with open(_path(made["bi-sua"]), "ab") as f:
        f.write(b"2,them dong\n")
    os.remove(_path(made["bi-xoa"]))

    result = integrity.run()
    assert {k: result[k] for k in ("files", "ok", "mismatch", "missing")} == {
        "files": 3,
        "ok": 1,
        "mismatch": 1,
        "missing": 1,
    }
    rows = {r.resource_id: r for r in model.Session.execute(sa.select(cm.integrity))}
    changed = rows[made["bi-sua"]["id"]]
    assert changed.status == cm.FILE_MISMATCH
    assert changed.expected == made["bi-sua"]["hash"]
    with open(_path(made["bi-sua"]), "rb") as f:
        assert changed.actual == hashlib.sha256(f.read()).hexdigest()
    assert rows[made["bi-xoa"]["id"]].status == cm.FILE_MISSING
    assert rows[made["giu-nguyen"]["id"]].status == cm.FILE_OK


def test_a_file_without_a_recorded_checksum_is_unverified(uploads):
    ds, made = uploads
    model.Session.execute(
        sa.text("UPDATE resource SET hash = '' WHERE id = :id"), {"id": made["giu-nguyen"]["id"]}
    )
    model.Session.commit()
    assert integrity.run()["unverified"] == 1


def test_cli_lists_failures_and_exits_1(uploads, cli):
    ds, made = uploads
    os.remove(_path(made["bi-xoa"]))
    result = cli.invoke(ckan_cli, ["angiang", "integrity"])
    assert result.exit_code == 1, result.output
    assert f"missing\t{ds['id']}\t{made['bi-xoa']['id']}" in result.output
    os.remove(_path(made["bi-sua"]))
    result = cli.invoke(ckan_cli, ["angiang", "integrity", "--dataset", "no-such-dataset"])
    assert result.exit_code != 0 and "no dataset" in result.output
