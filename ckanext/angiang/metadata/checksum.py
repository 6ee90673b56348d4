"""SHA-256 of uploaded files, computed by the portal (Art. 9.2).

The portal's resource uploader wraps CKAN's: when a file comes in, it hashes
the upload stream before CKAN stores it and puts ``sha256`` hex digest in
the resource's ``hash``, after ``content_type`` has checked that the
content is the declared format. When a resource that holds an uploaded file is saved
without a new file, the hash stored in the database is put back, so a client
cannot replace the portal's checksum of a file it did not upload again.
"""
from __future__ import annotations

import hashlib
import os
from typing import Any, BinaryIO

import ckan.model as model
from ckan.lib.uploader import ResourceUpload

from ckanext.angiang.metadata import content_type

CHUNK = 1024 * 1024


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
