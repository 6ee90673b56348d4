"""The integrity job (Art. 9.2: no falsification or loss of accuracy; Art.
11.1b: the DIC checks the integrity of the data on the portal).

When a file is uploaded the portal stores its SHA-256 in the resource's
``hash`` (:mod:`ckanext.angiang.metadata.checksum`). This job reads every
stored file of an active dataset again and compares: ``ok``, ``mismatch``
(the file on disk is not the one uploaded), ``missing`` (no file), or
``unverified`` (the resource has no SHA-256 to compare with, e.g. uploaded
before the portal computed checksums). Results are kept per resource in
``angiang_integrity`` for the compliance dashboard; the dataset's activity
stream stays the audit trail of who changed what.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
from typing import Any

import ckan.model as model
from ckan.lib.uploader import ResourceUpload
from sqlalchemy.dialects.postgresql import insert

from ckanext.angiang.catalogue import model as cm
from ckanext.angiang.metadata.checksum import sha256_file

log = logging.getLogger(__name__)
_SHA256 = re.compile(r"^(sha256:)?([0-9a-f]{64})$", re.I)


def expected_digest(stored_hash: str | None) -> str:
    """The SHA-256 hex digest recorded for a file ('' when none is)."""
    match = _SHA256.match((stored_hash or "").strip())
    return match.group(2).lower() if match else ""


def verify(resource_id: str, stored_hash: str | None) -> dict[str, Any]:
    """``{status, expected, actual, size}`` of one stored file."""
    path = ResourceUpload({"id": resource_id}).get_path(resource_id)
    expected = expected_digest(stored_hash)
    if not os.path.isfile(path):
        return {"status": cm.FILE_MISSING, "expected": expected, "actual": "", "size": None}
    try:
        actual, size = sha256_file(path), os.path.getsize(path)
    except OSError as error:  # unreadable counts as missing: nobody can download it
        log.warning("integrity: cannot read %s: %s", path, error)
        return {"status": cm.FILE_MISSING, "expected": expected, "actual": "", "size": None}
    if not expected:
        state = cm.FILE_UNVERIFIED
    else:
        state = cm.FILE_OK if actual == expected else cm.FILE_MISMATCH
    return {"status": state, "expected": expected, "actual": actual, "size": size}


def _uploads(package_ids: list[str] | None = None):
    r = model.resource_table
    return cm.active_resources("hash", r.c.url_type == "upload", package_ids=package_ids)


def run(package_ids: list[str] | None = None) -> dict[str, Any]:
    """Verify the stored files (of ``package_ids`` only, if given); their
    counts by status, and the resources that failed."""
    t = cm.integrity
    counts = {state: 0 for state in cm.FILE_STATES}
    failed = []
    for row in _uploads(package_ids):
        found = verify(row.id, row.hash)
        counts[found["status"]] += 1
        if found["status"] in (cm.FILE_MISMATCH, cm.FILE_MISSING):
            failed.append({"resource_id": row.id, "package_id": row.package_id, **found})
            log.warning("integrity: resource %s of %s: %s", row.id, row.package_id, found["status"])
        stmt = insert(t).values(
            resource_id=row.id,
            package_id=row.package_id,
            checked_at=datetime.datetime.utcnow(),
            **found,
        )
        model.Session.execute(
            stmt.on_conflict_do_update(
                index_elements=[t.c.resource_id],
                set_={
                    c: stmt.excluded[c]
                    for c in ("package_id", "expected", "actual", "status", "size", "checked_at")
                },
            )
        )
    if package_ids is None:
        cm.forget_other_resources(t, model.resource_table.c.url_type == "upload")
    model.Session.commit()
    return {"files": sum(counts.values()), **counts, "failed": failed}
