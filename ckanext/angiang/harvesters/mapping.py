"""Mapping an agency's record onto the portal's dataset fields.

Target field names are those of docs/metadata-model.md. Values are checked
for their JSON type here (a number where a title belongs is the agency's
mistake and is reported as such); what the values mean (a known licence, a
valid date, a theme code) is then checked by the dataset schema itself, the
same validation a dataset made by hand goes through (Art. 5.2a, 9.2).
"""

from __future__ import annotations

from typing import Any

TEXT, LIST, BOOL, CODE = "text", "list", "bool", "code"

# The portal's fields a source may fill. ``name``, ``identifier`` and
# ``owner_org`` are the portal's to decide, never the agency API's.
FIELDS = {
    "title": TEXT,
    "notes": TEXT,
    "license_id": TEXT,
    "frequency": TEXT,
    "theme": LIST,
    "tags": LIST,
    "spatial_code": CODE,
    "issued": TEXT,
    "modified": TEXT,
    "temporal_start": TEXT,
    "temporal_end": TEXT,
    "language": LIST,
    "quality_statement": TEXT,
    "conforms_to": TEXT,
    "contact_name": TEXT,
    "contact_email": TEXT,
    "contact_phone": CODE,
    "catalogue_code": CODE,
    "no_state_secret": BOOL,
}


def json_type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"số/number {value!r}"
    if isinstance(value, str):
        return "chuỗi/string"
    if isinstance(value, list):
        return "danh sách/list"
    if isinstance(value, dict):
        return "đối tượng/object"
    return type(value).__name__


def get_path(record: Any, path: str) -> Any:
    """``record["a"]["b"]`` for ``"a.b"``; an empty path is the record itself;
    None when a step is missing."""
    if not path:
        return record
    value = record
    for step in path.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def coerce(field: str, value: Any) -> tuple[Any, tuple[str, str] | None]:
    """Check ``value`` against the JSON type ``field`` takes; return the
    value to use and, if wrong, a (vi, en) message."""
    kind = FIELDS[field]
    got = json_type_name(value)
    if kind == TEXT:
        if isinstance(value, str):
            return value.strip(), None
        return None, (f"phải là chuỗi, nhận được {got}", f"must be a string, got {got}")
    if kind == CODE:
        if isinstance(value, str):
            return value.strip(), None
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value), None
        return None, (
            f"phải là chuỗi hoặc số nguyên, nhận được {got}",
            f"must be a string or an integer, got {got}",
        )
    if kind == BOOL:
        if isinstance(value, bool):
            return value, None
        return None, (
            f"phải là true hoặc false, nhận được {got}",
            f"must be true or false, got {got}",
        )
    # LIST: a list of strings, or one string
    if isinstance(value, str):
        return [value.strip()], None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()], None
    return None, (
        f"phải là chuỗi hoặc danh sách chuỗi, nhận được {got}",
        f"must be a string or a list of strings, got {got}",
    )


def map_record(
    record: dict, fields: dict, value_maps: dict | None = None, defaults: dict | None = None
) -> tuple[dict, list[tuple[str, str, str]]]:
    """The portal's field values for one record.

    ``fields`` maps a portal field to the record key (dotted path) holding
    it; ``value_maps`` translates agency values (``"Hàng tháng"`` ->
    ``MONTHLY``); ``defaults`` fill what the record leaves empty (the
    source-level default licence among them). Returns the values and the
    list of ``(field, vi, en)`` problems.
    """
    value_maps = value_maps or {}
    out: dict = {}
    errors: list[tuple[str, str, str]] = []
    for field, path in fields.items():
        raw = get_path(record, path)
        if is_empty(raw):
            continue
        value, problem = coerce(field, raw)
        if problem:
            errors.append((field, f"“{path}” {problem[0]}", f"“{path}” {problem[1]}"))
            continue
        table = value_maps.get(field)
        if table:
            if isinstance(value, list):
                value = [table.get(v, v) for v in value]
            else:
                value = table.get(value, value)
        if not is_empty(value):
            out[field] = value
    for field, value in (defaults or {}).items():
        if field not in out and not any(e[0] == field for e in errors):
            out[field], _ = coerce(field, value)
    if "tags" in out:
        out["tags"] = [{"name": t} for t in dict.fromkeys(out["tags"])]
    return out, errors
