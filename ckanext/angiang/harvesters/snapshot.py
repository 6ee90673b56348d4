"""A snapshot of an agency's data: JSON rows written as JSON and CSV files.

Both files are produced deterministically from the rows (same rows, same
bytes, same SHA-256), so a re-harvest of unchanged data rewrites nothing
and the checksum shown on the resource proves the file is the one the API
served (Art. 9.2: no falsification or loss while connecting and sharing).

CSV: UTF-8, RFC 4180 (CRLF), one column per key in first-seen order;
nested objects flattened with dotted names (``dia_chi.xa``); lists and
anything else non-scalar written as JSON text in their cell.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json


@dataclasses.dataclass(frozen=True)
class File:
    filename: str
    data: bytes
    mimetype: str
    format: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


def _flatten(row, prefix: str = "") -> dict:
    if not isinstance(row, dict):
        return {prefix or "value": row}
    out = {}
    for key, value in row.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            out.update(_flatten(value, name))
        else:
            out[name] = value
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def to_json(rows: list) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def to_csv(rows: list) -> bytes:
    flat = [_flatten(r) for r in rows]
    columns: dict = {}
    for r in flat:
        for key in r:
            columns.setdefault(key, None)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(list(columns))
    for r in flat:
        writer.writerow([_cell(r.get(c)) for c in columns])
    return buf.getvalue().encode("utf-8")


def files(basename: str, rows: list) -> list[File]:
    """The CSV and JSON files of a snapshot, named after ``basename``."""
    return [
        File(f"{basename}.csv", to_csv(rows), "text/csv", "CSV"),
        File(f"{basename}.json", to_json(rows), "application/json", "JSON"),
    ]
