"""What an uploaded file really is, read by libmagic (python-magic).

An editor declares a resource's format (Art. 5.3); the portal serves the
file from its own origin, so a file whose content is not that format is an
attack on the portal's users (HTML or SVG with scripts declared as CSV or
PNG, a Windows program named ``data.csv``). ``check_upload`` reads the
content and refuses a disagreement with a field-level ``ValidationError``
on ``url`` (the form's file field): HTTP 409 through the API, the message
beside the field in the form, and nothing stored (CKAN builds the uploader
before it validates or writes anything).

Which libmagic types each format may have: ``data/upload_content_types.yaml``.
"""

from __future__ import annotations

import fnmatch
import functools
import os
from typing import Any, BinaryIO

import ckan.plugins.toolkit as tk
import magic
import yaml

from ckanext.angiang.metadata import DATA_DIR, formats

RULES_FILE = os.path.join(DATA_DIR, "upload_content_types.yaml")
# libmagic decides from the start of a file; office formats need their
# directory, which sits in the first few hundred KB of the ones we take.
SNIFF_BYTES = 2 * 1024 * 1024


@functools.lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    with open(RULES_FILE, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return {
        "never": {t.lower() for t in data["never"]},
        "formats": {code: {t.lower() for t in types} for code, types in data["formats"].items()},
    }


def sniff(stream: BinaryIO) -> str:
    """libmagic's media type of ``stream``'s content; the stream is rewound."""
    stream.seek(0, os.SEEK_SET)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0, os.SEEK_SET)
    return magic.from_buffer(head, mime=True).lower()


def declared_format(resource: dict[str, Any], filename: str) -> str | None:
    """The open format the upload claims to be: its ``format`` field, else
    its media type, else the file name's extension (as the format validator
    guesses it)."""
    if resource.get("format"):
        return formats.normalise(str(resource["format"]))
    guess = formats.from_media_type(str(resource.get("mimetype") or ""))
    if guess:
        return guess
    if "." in filename:
        return formats.normalise(filename.rsplit(".", 1)[-1])
    return None


def disagreement(code: str | None, sniffed: str) -> bool:
    """Whether content libmagic reads as ``sniffed`` cannot be format ``code``."""
    rules = _rules()
    if sniffed in rules["never"]:
        return True
    allowed = rules["formats"].get(code or "")
    if allowed is None or sniffed == "application/x-empty":
        return False  # a site's own format, or an empty file: nothing to run
    return not any(fnmatch.fnmatchcase(sniffed, pattern) for pattern in allowed)


def check_upload(resource: dict[str, Any], filename: str, stream: BinaryIO) -> str:
    """Refuse an upload whose content disagrees with its declared format;
    return libmagic's media type of an accepted one."""
    sniffed = sniff(stream)
    code = declared_format(resource, filename)
    if disagreement(code, sniffed):
        raise tk.ValidationError(
            {
                "url": [
                    tk._(
                        'The content of the file "{filename}" is {detected}, not the declared format '
                        "{declared}: the portal does not accept it (a file must be what its format says)."
                    ).format(filename=filename, detected=sniffed, declared=code or tk._("(none)"))
                ]
            }
        )
    return sniffed
