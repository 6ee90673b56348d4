"""SHA-256 of uploaded files, computed by the portal (Art. 9.2).

The portal's resource uploader wraps CKAN's: when a file comes in, it hashes
the upload stream before CKAN stores it and puts ``sha256`` hex digest in
the resource's ``hash``, after ``content_type`` has checked that the
content is the declared format. When a resource that holds an uploaded file is saved
without a new file, the hash stored in the database is put back, so a client
cannot replace the portal's checksum of a file it did not upload again.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
from typing import Any, BinaryIO

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.uploader import ResourceUpload

from ckanext.angiang.metadata import content_type

CHUNK = 1024 * 1024
log = logging.getLogger(__name__)
#: A storage that cannot hold the file: full disk, quota, file size limit.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def sha256_stream(stream: BinaryIO) -> str:
    """Hash ``stream`` from its start and rewind it."""
    digest = hashlib.sha256()
    stream.seek(0, os.SEEK_SET)
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    stream.seek(0, os.SEEK_SET)
    return digest.hexdigest()


def sha256_file(path: str) -> str:
    with open(path, "rb") as f:
        return sha256_stream(f)


class ChecksumResourceUpload(ResourceUpload):
    def __init__(self, resource: dict[str, Any]) -> None:
        super().__init__(resource)
        upload_file = getattr(self, "upload_file", None)
        if getattr(self, "filename", None) and upload_file is not None:
            # refused before anything is validated or stored
            content_type.check_upload(resource, self.filename, upload_file)
            resource["hash"] = sha256_stream(upload_file)
        elif resource.get("id") and resource.get("url_type") == "upload":
            stored = model.Resource.get(resource["id"])
            if stored is not None and stored.url_type == "upload":
                resource["hash"] = stored.hash or ""

    def upload(self, id: str, max_size: int = 10) -> None:
        """CKAN's upload, with a storage failure (a full disk) as a field
        error instead of a 500: the partly written temporary file is removed
        and the resource is not saved (the ValidationError aborts the action
        before it commits), so nothing is half-stored."""
        try:
            return super().upload(id, max_size)
        except OSError as e:
            partial = self.get_path(id) + "~"
            try:
                os.remove(partial)
            except FileNotFoundError:
                pass
            except OSError:
                log.exception("could not remove the partial upload %s", partial)
            directory = self.get_directory(id)
            for folder in (directory, os.path.dirname(directory)):  # made for it, if empty
                try:
                    os.rmdir(folder)
                except OSError:
                    break
            log.error("storing the upload of resource %s failed: %s", id, e)
            _ = tk._
            if e.errno in _FULL:
                message = _(
                    "The file could not be stored: the portal's storage is full. "
                    "Nothing was saved; please tell the portal's administrators."
                )
            else:
                message = _(
                    "The file could not be stored. Nothing was saved; please try "
                    "again later or tell the portal's administrators."
                )
            raise tk.ValidationError({"upload": [message]}) from e
